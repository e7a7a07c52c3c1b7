// Inverse probability of treatment weights from a propensity score e = P(treatment = 1 | covariates):
//
//   estimand   target (treatment = 1)   comparator (treatment = 0)   stabilised (multiplied by)
//   'ATE'      1 / e                    1 / (1 - e)                  P(T = 1) for targets, P(T = 0) for comparators
//   'ATT'      1                        e / (1 - e)                  P(T = 0) / P(T = 1) for comparators
//   'overlap'  1 - e                    e                            (no change: overlap weights are bounded)
//
// P(T = t) are the proportions among the complete rows. Stabilised ATE weights keep each group's total
// near its own size (Xu et al. 2010); stabilised ATT weights scale the comparators to their own size.
// Truncation (Cole & Hernán 2008) sets weights below / above the given percentiles of all weights (R's
// quantile type 7) to those percentiles, after stabilisation.
import { estimateMessages as msg } from '../messages/index.js';
import { columnSource, completeRows, numericColumn, type EstimatorData } from './input.js';

export type WeightEstimand = 'ATE' | 'ATT' | 'overlap';

export interface WeightByPropensityOptions {
  /** Treatment column: 1 = target drug, 0 = comparator. */
  treatment: string;
  /** Propensity score column, strictly in (0, 1). */
  ps: string;
  /** Default 'ATE'. */
  estimand?: WeightEstimand;
  /** Multiply by the marginal treatment proportions (see the table above). Default true. */
  stabilised?: boolean;
  /** Percentiles [lower, upper] in [0, 100] at which to truncate all weights, e.g. [1, 99]. Default none. */
  truncate?: [number, number];
}

export interface WeightByPropensitySettings {
  treatment: string;
  ps: string;
  estimand: WeightEstimand;
  stabilised: boolean;
  truncate: [number, number] | null;
  /** The weight values the truncation percentiles gave, or null. */
  truncationBounds: [number, number] | null;
}

export interface WeightSummary {
  n: number;
  min: number;
  p1: number;
  p25: number;
  median: number;
  p75: number;
  p99: number;
  max: number;
  mean: number;
  sum: number;
}

export interface WeightByPropensityResult {
  /** One weight per input row; null for rows with a missing treatment or score. */
  weights: Array<number | null>;
  /** Distribution of the weights in each group (quantiles of R's type 7). */
  summary: { treated: WeightSummary; comparator: WeightSummary };
  /** Kish's effective sample size (sum w)^2 / sum w^2 per group. */
  effectiveSampleSize: { treated: number; comparator: number };
  /** Rows whose weight was changed by truncation. */
  nTruncated: number;
  warnings: string[];
  nMissing: number;
  settings: WeightByPropensitySettings;
}

/** R's quantile(x, p, type = 7) of sorted values. */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function summarise(w: Float64Array): WeightSummary {
  const s = Float64Array.from(w).sort();
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i]!;
  const q = (p: number) => quantileSorted(s, p);
  return { n: s.length, min: s[0]!, p1: q(0.01), p25: q(0.25), median: q(0.5), p75: q(0.75), p99: q(0.99), max: s[s.length - 1]!, mean: sum / s.length, sum };
}

function kish(w: Float64Array): number {
  let s = 0, s2 = 0;
  for (let i = 0; i < w.length; i++) {
    s += w[i]!;
    s2 += w[i]! * w[i]!;
  }
  return (s * s) / s2;
}

/** Weights from a propensity score for the ATE, the ATT or overlap weighting, optionally stabilised and truncated. */
export function weightByPropensity(data: EstimatorData, options: WeightByPropensityOptions): WeightByPropensityResult {
  const est = 'weightByPropensity';
  const estimand = options.estimand ?? 'ATE';
  if (!['ATE', 'ATT', 'overlap'].includes(estimand)) throw msg.badOption(est, 'estimand', estimand, "'ATE', 'ATT' or 'overlap'");
  const stabilised = options.stabilised ?? true;
  if (typeof stabilised !== 'boolean') throw msg.badOption(est, 'stabilised', stabilised, 'true or false');
  const truncate = options.truncate ?? null;
  if (truncate !== null && !(Array.isArray(truncate) && truncate.length === 2 && truncate[0] >= 0 && truncate[0] <= truncate[1] && truncate[1] <= 100)) {
    throw msg.badOption(est, 'truncate', truncate, 'percentiles [lower, upper] with 0 <= lower <= upper <= 100');
  }
  const src = columnSource(data);
  const t = numericColumn(src, options.treatment);
  const ps = numericColumn(src, options.ps);
  const { rows, nMissing } = completeRows([t, ps]);
  const n = rows.length;
  if (n === 0) throw msg.noRows(est);
  let n1 = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (t[r] !== 0 && t[r] !== 1) throw msg.notBinary(options.treatment, r + 1, 'the treatment');
    if (!(ps[r]! > 0 && ps[r]! < 1)) throw msg.psOutOfRange(options.ps, r + 1);
    n1 += t[r]!;
  }
  if (n1 === 0 || n1 === n) throw msg.needsBothGroups(est, options.treatment);
  const p1 = n1 / n;
  const p0 = 1 - p1;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const e = ps[r]!;
    const treated = t[r] === 1;
    if (estimand === 'ATE') w[i] = treated ? (stabilised ? p1 : 1) / e : (stabilised ? p0 : 1) / (1 - e);
    else if (estimand === 'ATT') w[i] = treated ? 1 : ((stabilised ? p0 / p1 : 1) * e) / (1 - e);
    else w[i] = treated ? 1 - e : e;
  }
  let bounds: [number, number] | null = null;
  let nTruncated = 0;
  if (truncate) {
    const sorted = Float64Array.from(w).sort();
    bounds = [quantileSorted(sorted, truncate[0] / 100), quantileSorted(sorted, truncate[1] / 100)];
    for (let i = 0; i < n; i++) {
      if (w[i]! < bounds[0]) {
        w[i] = bounds[0];
        nTruncated++;
      } else if (w[i]! > bounds[1]) {
        w[i] = bounds[1];
        nTruncated++;
      }
    }
  }
  const w1 = new Float64Array(n1);
  const w0 = new Float64Array(n - n1);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (t[rows[i]!] === 1) w1[a++] = w[i]!;
    else w0[b++] = w[i]!;
  }
  let out: Array<number | null>;
  if (nMissing === 0) out = Array.from(w);
  else {
    out = new Array<number | null>(src.n).fill(null);
    for (let i = 0; i < n; i++) out[rows[i]!] = w[i]!;
  }
  const summary = { treated: summarise(w1), comparator: summarise(w0) };
  const warnings: string[] = [];
  // A single person carrying more than 1% of a group's weight is worth a look.
  for (const [g, s] of [['treated', summary.treated], ['comparator', summary.comparator]] as const) {
    if (s.n >= 100 && s.max > 0.01 * s.sum) warnings.push(msg.weightWarnExtreme(g, s.max));
  }
  return {
    weights: out,
    summary,
    effectiveSampleSize: { treated: kish(w1), comparator: kish(w0) },
    nTruncated,
    warnings,
    nMissing,
    settings: { treatment: options.treatment, ps: options.ps, estimand, stabilised, truncate: truncate ? [truncate[0], truncate[1]] : null, truncationBounds: bounds },
  };
}
