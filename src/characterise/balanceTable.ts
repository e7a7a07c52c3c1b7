// Covariate balance between the target (treatment = 1) and comparator (0) groups before and after
// weighting or matching: standardised mean differences (SMD) and the usual 0.1 threshold, plus a
// Vega-Lite Love plot spec.
//
// SMD = (mean_target - mean_comparator) / SD, with, as cobalt's defaults for bal.tab (binary = "std",
// s.d.denom = "pooled"): SD = sqrt((s2_target + s2_comparator) / 2) from the UNADJUSTED groups, the same
// denominator before and after adjustment (so a change in SMD reflects a change in the means only);
// s2 = p (1 - p) for a binary (0/1) covariate and the sample variance (n - 1) for any other. 'treated' or
// 'comparator' as denominator use that group's unadjusted SD (cobalt's s.d.denom = "treated" for the ATT).
// When the denominator is 0 (a covariate constant within both groups) the SMD is 0 if the means agree,
// otherwise null.
import { estimateMessages as msg } from '../messages/index.js';
import { columnSource, numericColumn, type EstimatorData } from '../estimate/input.js';
import { completeRowsByColumn } from '../estimate/logisticRegression.js';
import { matchingWeights } from '../estimate/matchOnPropensity.js';

export interface BalanceTableOptions {
  /** Treatment column: 1 = target drug, 0 = comparator. */
  treatment: string;
  /** Numeric covariate columns (0/1 flags are recognised as binary). */
  covariates: string[];
  /** Weight column for the adjusted sample (IPTW, overlap or matching weights). */
  weights?: string;
  /** Or: a matched-set column (matchOnPropensity's matchedSet, -1 = unmatched), turned into matching weights. */
  matchedSet?: string;
  /** |SMD| above this is flagged as imbalance. Default 0.1. */
  threshold?: number;
  /** SD in the denominator: 'pooled' (default), 'treated' or 'comparator'; always from the unadjusted groups. */
  denominator?: 'pooled' | 'treated' | 'comparator';
}

export interface BalanceRow {
  covariate: string;
  type: 'binary' | 'continuous';
  meanTreatedBefore: number;
  meanComparatorBefore: number;
  /** Unadjusted SD of each group (sqrt(p (1 - p)) for a binary covariate). */
  sdTreated: number;
  sdComparator: number;
  smdBefore: number | null;
  /** Weighted means and SMD after adjustment; null without weights or matched sets. */
  meanTreatedAfter: number | null;
  meanComparatorAfter: number | null;
  smdAfter: number | null;
  imbalancedBefore: boolean;
  imbalancedAfter: boolean | null;
}

export interface BalanceTableResult {
  rows: BalanceRow[];
  summary: {
    maxAbsSmdBefore: number | null;
    maxAbsSmdAfter: number | null;
    nImbalancedBefore: number;
    nImbalancedAfter: number | null;
  };
  /** Persons per group, and the sum of the adjustment weights per group (null without adjustment). */
  nTreated: number;
  nComparator: number;
  weightedNTreated: number | null;
  weightedNComparator: number | null;
  /** Rows dropped for a missing treatment, weight or covariate. */
  nMissing: number;
  settings: {
    treatment: string;
    covariates: string[];
    adjustment: { weights: string } | { matchedSet: string } | null;
    threshold: number;
    denominator: 'pooled' | 'treated' | 'comparator';
  };
}

/** Weighted (or plain) mean and reliability-weighted variance of x in each of the two groups, two sequential passes. */
function groupMoments(x: Float64Array, grp: Uint8Array, w: Float64Array | null): { mean: [number, number]; variance: [number, number] } {
  const sw = [0, 0], sw2 = [0, 0], sx = [0, 0], ss = [0, 0];
  for (let i = 0; i < x.length; i++) {
    const g = grp[i]!;
    const wi = w ? w[i]! : 1;
    sw[g] += wi;
    sw2[g] += wi * wi;
    sx[g] += wi * x[i]!;
  }
  const mean: [number, number] = [sx[0]! / sw[0]!, sx[1]! / sw[1]!];
  for (let i = 0; i < x.length; i++) {
    const g = grp[i]!;
    const d = x[i]! - mean[g]!;
    ss[g] += (w ? w[i]! : 1) * d * d;
  }
  return { mean, variance: [ss[0]! / (sw[0]! - sw2[0]! / sw[0]!), ss[1]! / (sw[1]! - sw2[1]! / sw[1]!)] };
}

/** SMD from the two means and the denominator SD, with the constant-covariate rule of the header. */
export function standardisedDifference(m1: number, m0: number, sd: number): number | null {
  if (!Number.isFinite(m1) || !Number.isFinite(m0)) return null;
  if (!(sd > 0)) return m1 === m0 ? 0 : null;
  return (m1 - m0) / sd;
}

/** Read the treatment and the adjustment weights (from weights or matched sets); shared with tableOne. */
export function adjustmentWeights(
  estimator: string,
  src: ReturnType<typeof columnSource>,
  options: { weights?: string; matchedSet?: string },
  treatment: Float64Array | null,
): Float64Array | null {
  if (options.weights !== undefined && options.matchedSet !== undefined) throw msg.weightsOrMatched(estimator);
  if (options.weights !== undefined) {
    const w = numericColumn(src, options.weights);
    for (let i = 0; i < w.length; i++) {
      const v = w[i]!;
      if (Number.isNaN(v)) continue;
      if (!Number.isFinite(v)) throw msg.nonFiniteWeight(options.weights, i + 1);
      if (v < 0) throw msg.negativeWeight(options.weights, i + 1);
    }
    return w;
  }
  if (options.matchedSet !== undefined) {
    const s = numericColumn(src, options.matchedSet);
    if (!treatment) throw msg.badOption(estimator, 'matchedSet', options.matchedSet, 'used with a 0/1 treatment (group) column');
    // Missing set ids count as unmatched.
    const set = Float64Array.from(s, (v) => (Number.isNaN(v) ? -1 : v));
    return matchingWeights(treatment, set);
  }
  return null;
}

/** Standardised mean differences of the covariates before and after weighting or matching. */
export function balanceTable(data: EstimatorData, options: BalanceTableOptions): BalanceTableResult {
  const est = 'balanceTable';
  const threshold = options.threshold ?? 0.1;
  if (!(Number.isFinite(threshold) && threshold >= 0)) throw msg.badOption(est, 'threshold', threshold, 'a finite number >= 0');
  const denominator = options.denominator ?? 'pooled';
  if (!['pooled', 'treated', 'comparator'].includes(denominator)) throw msg.badOption(est, 'denominator', denominator, "'pooled', 'treated' or 'comparator'");
  const seen = new Set<string>();
  for (const c of options.covariates) {
    if (seen.has(c)) throw msg.duplicateName(est, c);
    seen.add(c);
  }
  const src = columnSource(data);
  const t = numericColumn(src, options.treatment);
  for (let i = 0; i < t.length; i++) if (!Number.isNaN(t[i]!) && t[i] !== 0 && t[i] !== 1) throw msg.notBinary(options.treatment, i + 1, 'the treatment');
  const w = adjustmentWeights(est, src, options, t);
  const cols = options.covariates.map((c) => numericColumn(src, c));
  const { rows, nMissing } = completeRowsByColumn([t, ...(w ? [w] : []), ...cols], src.n);
  const n = rows.length;
  if (n === 0) throw msg.noRows(est);
  const grp = Uint8Array.from(rows, (r) => t[r]!);
  const wc = w ? Float64Array.from(rows, (r) => w[r]!) : null;
  let n1 = 0;
  for (let i = 0; i < n; i++) n1 += grp[i]!;
  if (n1 === 0 || n1 === n) throw msg.needsBothGroups(est, options.treatment);
  let sw1: number | null = null, sw0: number | null = null;
  if (wc) {
    sw1 = 0;
    sw0 = 0;
    for (let i = 0; i < n; i++) {
      if (grp[i]) sw1 += wc[i]!;
      else sw0 += wc[i]!;
    }
  }
  const x = new Float64Array(n);
  const out: BalanceRow[] = [];
  options.covariates.forEach((name, j) => {
    const col = cols[j]!;
    let binary = true;
    for (let i = 0; i < n; i++) {
      const v = col[rows[i]!]!;
      if (v === Infinity || v === -Infinity) throw msg.nonFiniteValue(name, rows[i]! + 1);
      if (v !== 0 && v !== 1) binary = false;
      x[i] = v;
    }
    const a = groupMoments(x, grp, null);
    const v1 = binary ? a.mean[1]! * (1 - a.mean[1]!) : a.variance[1]!;
    const v0 = binary ? a.mean[0]! * (1 - a.mean[0]!) : a.variance[0]!;
    const sd1 = Math.sqrt(v1), sd0 = Math.sqrt(v0);
    const den = denominator === 'pooled' ? Math.sqrt((v1 + v0) / 2) : denominator === 'treated' ? sd1 : sd0;
    const smdBefore = standardisedDifference(a.mean[1]!, a.mean[0]!, den);
    let after: { m1: number; m0: number; smd: number | null } | null = null;
    if (wc) {
      const b = groupMoments(x, grp, wc);
      after = { m1: b.mean[1]!, m0: b.mean[0]!, smd: sw1! > 0 && sw0! > 0 ? standardisedDifference(b.mean[1]!, b.mean[0]!, den) : null };
    }
    out.push({
      covariate: name,
      type: binary ? 'binary' : 'continuous',
      meanTreatedBefore: a.mean[1]!,
      meanComparatorBefore: a.mean[0]!,
      sdTreated: Number.isFinite(sd1) ? sd1 : 0,
      sdComparator: Number.isFinite(sd0) ? sd0 : 0,
      smdBefore,
      meanTreatedAfter: after && Number.isFinite(after.m1) ? after.m1 : null,
      meanComparatorAfter: after && Number.isFinite(after.m0) ? after.m0 : null,
      smdAfter: after ? after.smd : null,
      imbalancedBefore: smdBefore === null || Math.abs(smdBefore) > threshold,
      imbalancedAfter: after ? after.smd === null || Math.abs(after.smd) > threshold : null,
    });
  });
  const maxAbs = (vals: Array<number | null>) => {
    const f = vals.filter((v): v is number => v !== null).map(Math.abs);
    return f.length ? Math.max(...f) : null;
  };
  return {
    rows: out,
    summary: {
      maxAbsSmdBefore: maxAbs(out.map((r) => r.smdBefore)),
      maxAbsSmdAfter: w ? maxAbs(out.map((r) => r.smdAfter)) : null,
      nImbalancedBefore: out.filter((r) => r.imbalancedBefore).length,
      nImbalancedAfter: w ? out.filter((r) => r.imbalancedAfter).length : null,
    },
    nTreated: n1,
    nComparator: n - n1,
    weightedNTreated: sw1,
    weightedNComparator: sw0,
    nMissing,
    settings: {
      treatment: options.treatment,
      covariates: [...options.covariates],
      adjustment: options.weights !== undefined ? { weights: options.weights } : options.matchedSet !== undefined ? { matchedSet: options.matchedSet } : null,
      threshold,
      denominator,
    },
  };
}

/**
 * A Vega-Lite spec (plain JSON, not rendered) of the Love plot: |SMD| per covariate before and after
 * adjustment, covariates ordered by decreasing |SMD| before, with the threshold as a dashed rule.
 * (src/plot's lovePlot also takes these rows, for the styled figure.)
 */
export function loveplotSpec(balance: BalanceTableResult, options: { title?: string; labels?: [string, string] } = {}): Record<string, unknown> {
  const [before, after] = options.labels ?? ['Before adjustment', 'After adjustment'];
  const ordered = balance.rows
    .map((r, i) => ({ r, i, k: r.smdBefore === null ? -1 : Math.abs(r.smdBefore) }))
    .sort((a, b) => b.k - a.k || a.i - b.i)
    .map((x) => x.r);
  const values: Array<Record<string, unknown>> = [];
  for (const r of ordered) {
    if (r.smdBefore !== null) values.push({ covariate: r.covariate, sample: before, absSmd: Math.abs(r.smdBefore) });
    if (r.smdAfter !== null) values.push({ covariate: r.covariate, sample: after, absSmd: Math.abs(r.smdAfter) });
  }
  const threshold = balance.settings.threshold;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    width: 360,
    height: Math.max(60, 18 * ordered.length),
    layer: [
      {
        data: { values },
        mark: { type: 'point', filled: true },
        encoding: {
          y: { field: 'covariate', type: 'nominal', sort: ordered.map((r) => r.covariate), title: null },
          x: { field: 'absSmd', type: 'quantitative', title: 'Absolute standardised mean difference' },
          color: { field: 'sample', type: 'nominal', title: null, scale: { domain: [before, after] } },
          shape: { field: 'sample', type: 'nominal', title: null, scale: { domain: [before, after] } },
        },
      },
      {
        data: { values: [{ threshold }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#c00' },
        encoding: { x: { field: 'threshold', type: 'quantitative' } },
      },
    ],
  };
}
