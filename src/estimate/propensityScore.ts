// Propensity score: the probability of receiving the target drug (treatment = 1) rather than the active
// comparator (0) given baseline covariates, from a logistic model (logisticRegression), with the usual
// diagnostics of a new-user active-comparator study: the c-statistic, the preference score of Walker et
// al. (2013) and the share of persons in empirical equipoise, and histograms of the score by group.
//
// Walker AM, Patrick AR, Lauer MS, et al. A tool for assessing the feasibility of comparative
// effectiveness research. Comparative Effectiveness Research 2013;3:11-20.
import { estimateMessages as msg } from '../messages/index.js';
import type { EstimatorData } from './input.js';
import { fitLogistic, linkinv, logisticRegressionResult, normalizeLogisticOptions, readLogisticRows, type LogisticRegressionResult } from './logisticRegression.js';

export interface PropensityScoreOptions {
  /** Treatment column: 1 = target drug, 0 = active comparator (or true/false). */
  treatment: string;
  /** Baseline covariate columns (numeric; dummy-code categorical variables first, see covariateMatrix). */
  covariates: string[];
  /** L2 penalty on the covariate coefficients (see logisticRegression). Default 0. */
  penalty?: number;
  maxIter?: number;
  tol?: number;
  /** Number of equal-width bins of the histograms on [0, 1]. Default 20. */
  bins?: number;
  /** The preference-score interval counted as empirical equipoise. Default [0.3, 0.7] (Walker et al.). */
  equipoise?: [number, number];
}

export interface PropensityScoreSettings {
  treatment: string;
  covariates: string[];
  penalty: number;
  maxIter: number;
  tol: number;
  bins: number;
  equipoise: [number, number];
}

/** Counts of persons per bin; bin k is [breaks[k], breaks[k+1]) (the last bin includes 1). */
export interface PsHistogram {
  breaks: number[];
  treated: number[];
  comparator: number[];
}

export interface PropensityScoreResult {
  /** Fitted probability of treatment = 1, one per input row (null for rows dropped for a missing value). */
  ps: Array<number | null>;
  /** The linear predictor log(ps / (1 - ps)) of the model (not clamped), per input row. */
  logitPs: Array<number | null>;
  /** Walker's preference score F: logit F = logit ps - logit P, P the proportion treated. Per input row. */
  preferenceScore: Array<number | null>;
  /** The logistic model (treatment on the covariates). */
  model: LogisticRegressionResult;
  /** Area under the ROC curve of ps for treatment (ties count 1/2): how well the covariates predict treatment. */
  cStatistic: number;
  /** Proportion treated among the complete rows (P in the preference score). */
  proportionTreated: number;
  nTreated: number;
  nComparator: number;
  overlap: {
    /** Share of all persons with a preference score in the equipoise interval (bounds included). */
    equipoiseFraction: number;
    /** The same share within each group (Walker: equipoise when at least half of each group is in it). */
    equipoiseFractionTreated: number;
    equipoiseFractionComparator: number;
    /** Histogram of ps by group. Counts of persons: small cells are suppressed by the results writers. */
    histogram: PsHistogram;
    /** Histogram of the preference score by group. */
    preferenceHistogram: PsHistogram;
  };
  /** The model's warnings (separation, non-convergence), then poor overlap. */
  warnings: string[];
  nMissing: number;
  settings: PropensityScoreSettings;
}

/**
 * Area under the ROC curve: P(score of a treated > score of a comparator) + P(tie) / 2, from the
 * Mann-Whitney rank sum with mid-ranks. O(n log n) with a native sort of the scores.
 */
export function cStatistic(score: Float64Array, treated: Uint8Array): number {
  const n = score.length;
  const sorted = Float64Array.from(score).sort();
  let n1 = 0;
  let rankSum = 0;
  for (let i = 0; i < n; i++) {
    if (!treated[i]) continue;
    n1++;
    const v = score[i]!;
    // First index >= v and first index > v: the mid-rank (1-based) of v is (lo + hi + 1) / 2.
    let lo = 0, hi = n;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (sorted[m]! < v) lo = m + 1;
      else hi = m;
    }
    const first = lo;
    hi = n;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (sorted[m]! <= v) lo = m + 1;
      else hi = m;
    }
    rankSum += (first + lo + 1) / 2;
  }
  const n0 = n - n1;
  return (rankSum - (n1 * (n1 + 1)) / 2) / (n1 * n0);
}

function histogram(values: Float64Array, treated: Uint8Array, bins: number): PsHistogram {
  const t = new Array<number>(bins).fill(0);
  const c = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const k = Math.min(bins - 1, Math.max(0, Math.floor(values[i]! * bins)));
    if (treated[i]) t[k]++;
    else c[k]++;
  }
  return { breaks: Array.from({ length: bins + 1 }, (_, k) => k / bins), treated: t, comparator: c };
}

/**
 * Fit the propensity score model `treatment ~ covariates` (logistic) and describe the overlap of the
 * two groups. Scores are returned per input row, so they can be added as a column for matching or
 * weighting (rows with a missing value get null).
 */
export function propensityScore(data: EstimatorData, options: PropensityScoreOptions): PropensityScoreResult {
  const est = 'propensityScore';
  const { penalty, maxIter, tol } = normalizeLogisticOptions(est, options);
  const bins = options.bins ?? 20;
  if (!(Number.isInteger(bins) && bins >= 1)) throw msg.badOption(est, 'bins', bins, 'a whole number >= 1');
  const equipoise = options.equipoise ?? [0.3, 0.7];
  if (!(Array.isArray(equipoise) && equipoise.length === 2 && equipoise[0] >= 0 && equipoise[0] <= equipoise[1] && equipoise[1] <= 1)) {
    throw msg.badOption(est, 'equipoise', equipoise, 'an interval [low, high] within [0, 1]');
  }
  const lr = readLogisticRows(data, options.treatment, options.covariates, null, 'the treatment');
  const n = lr.design.n;
  const treated = new Uint8Array(n);
  let n1 = 0;
  for (let i = 0; i < n; i++) if ((treated[i] = lr.y[i]!)) n1++;
  if (n1 === 0 || n1 === n) throw msg.needsBothGroups(est, options.treatment);
  const fit = fitLogistic(lr, { penalty, maxIter, tol });
  const model = logisticRegressionResult(fit, lr, { outcome: options.treatment, covariates: options.covariates, penalty, maxIter, tol });

  const P = n1 / n;
  const logitP = Math.log(P / (1 - P));
  const ps = new Float64Array(n);
  const pref = new Float64Array(n);
  const [lo, hi] = equipoise;
  let inEq1 = 0, inEq0 = 0;
  for (let i = 0; i < n; i++) {
    const e = fit.eta[i]!;
    ps[i] = linkinv(e);
    const f = 1 / (1 + Math.exp(-(e - logitP)));
    pref[i] = f;
    if (f >= lo && f <= hi) {
      if (treated[i]) inEq1++;
      else inEq0++;
    }
  }
  const nIn = lr.rows.length + lr.nMissing;
  const perRow = (v: Float64Array): Array<number | null> => {
    // Without missing rows a plain array of doubles (unboxed); with them, nulls in the gaps.
    if (lr.nMissing === 0) return Array.from(v);
    const out = new Array<number | null>(nIn).fill(null);
    for (let i = 0; i < n; i++) out[lr.rows[i]!] = v[i]!;
    return out;
  };
  const warnings = [...model.warnings];
  const fr1 = inEq1 / n1, fr0 = inEq0 / (n - n1);
  if (fr1 < 0.5) warnings.push(msg.psWarnPoorOverlap('treated', fr1, [lo, hi]));
  if (fr0 < 0.5) warnings.push(msg.psWarnPoorOverlap('comparator', fr0, [lo, hi]));
  return {
    ps: perRow(ps),
    logitPs: perRow(fit.eta),
    preferenceScore: perRow(pref),
    model,
    cStatistic: cStatistic(ps, treated),
    proportionTreated: P,
    nTreated: n1,
    nComparator: n - n1,
    overlap: {
      equipoiseFraction: (inEq1 + inEq0) / n,
      equipoiseFractionTreated: fr1,
      equipoiseFractionComparator: fr0,
      histogram: histogram(ps, treated, bins),
      preferenceHistogram: histogram(pref, treated, bins),
    },
    warnings,
    nMissing: lr.nMissing,
    settings: { treatment: options.treatment, covariates: [...options.covariates], penalty, maxIter, tol, bins, equipoise: [lo, hi] },
  };
}
