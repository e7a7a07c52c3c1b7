// Adjusted outcome models for the new-user active-comparator design, after weighting or matching:
//
// - riskAtHorizon: risk of the outcome by each horizon in each group, as 1 - Kaplan-Meier or, with
//   competing events, the Aalen-Johansen cumulative incidence (both weighted), with the risk difference
//   and risk ratio and percentile bootstrap confidence intervals;
// - bootstrap: a seeded, deterministic (non-parametric) bootstrap of any estimate, resampling rows or
//   clusters (e.g. matched sets);
// - adjustedCurves: weighted KM / AJ curves by group with robust (infinitesimal jackknife) intervals;
// - weightedCox / matchedCox: the hazard ratio by coxph with weights and a robust sandwich variance, or
//   stratified on the matched sets.
//
// The bootstrap inside riskAtHorizon does not copy the data: a replicate is the same data with each row's
// weight multiplied by the number of times the row was drawn, which gives exactly the KM / AJ estimate of
// the resampled rows. Weights are held fixed across replicates: to carry the uncertainty of the
// propensity score model too, wrap the whole pipeline (score, weights, risk) in bootstrap().
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { estimateMessages as msg } from '../messages/index.js';
import { columnSource, completeRows, groupColumn, numericColumn, takeRows, type EstimatorData } from './input.js';
import { kaplanMeier, type KaplanMeierResult } from './kaplanMeier.js';
import { aalenJohansen, type AalenJohansenResult } from './aalenJohansen.js';
import { coxph, type CoxphResult } from './coxph.js';
import { mulberry32 } from '../util/prng.js';
import { quantileSorted } from './weightByPropensity.js';

// ---------------------------------------------------------------------------------------------------
// bootstrap

export interface BootstrapOptions {
  /** Number of resamples, a whole number >= 1. */
  replicates: number;
  /** Seed of the generator: the same seed gives the same resamples, hence the same result. */
  seed: number;
  /**
   * Resample whole clusters (e.g. matched sets or persons) instead of rows. In each resample the cluster
   * column is renumbered 0, 1, ... per draw, so a cluster drawn twice counts as two clusters.
   */
  cluster?: string;
}

export interface BootstrapResult<T> {
  /** fn's value on each resample, in order. */
  estimates: T[];
  settings: { replicates: number; seed: number; cluster: string | null; n: number };
}

/** Draw counts: how many times each of the n units is drawn in one resample of size n (n uniform draws). */
function drawCounts(n: number, u: () => number, out: Int32Array): void {
  out.fill(0);
  for (let k = 0; k < n; k++) out[Math.floor(u() * n)]++;
}

/** Cluster codes 0..nClusters-1 of each row, from a cluster column (missing values are an error). */
function clusterCodes(src: ReturnType<typeof columnSource>, name: string): { code: Int32Array; nClusters: number } {
  const g = groupColumn(src, name);
  for (let i = 0; i < g.codes.length; i++) if (g.codes[i]! < 0) throw msg.badOption('bootstrap', 'cluster', `missing in row ${i + 1}`, 'a column without missing values');
  return { code: g.codes, nClusters: g.levels.length };
}

/**
 * Non-parametric bootstrap of fn: each replicate calls fn on a resample of the rows (or of the clusters)
 * drawn with replacement, as an object of columns. Deterministic for a given seed.
 */
export function bootstrap<T>(fn: (resample: Record<string, ArrayLike<unknown>>, replicate: number) => T, data: EstimatorData, options: BootstrapOptions): BootstrapResult<T> {
  const { replicates, seed } = checkBootstrap('bootstrap', options);
  const src = columnSource(data);
  const cols = src.names.map((name) => src.column(name));
  const n = src.n;
  const cl = options.cluster !== undefined ? clusterCodes(src, options.cluster) : null;
  const units = cl ? cl.nClusters : n;
  // Rows of each cluster, in data order.
  let start: Int32Array | null = null;
  let members: Int32Array | null = null;
  if (cl) {
    start = new Int32Array(units + 1);
    for (let i = 0; i < n; i++) start[cl.code[i]! + 1]++;
    for (let c = 0; c < units; c++) start[c + 1] += start[c]!;
    members = new Int32Array(n);
    const fill = start.slice(0, units);
    for (let i = 0; i < n; i++) members[fill[cl.code[i]!]!++] = i;
  }
  const u = mulberry32(seed);
  const counts = new Int32Array(units);
  const estimates: T[] = [];
  for (let r = 0; r < replicates; r++) {
    drawCounts(units, u, counts);
    const idx: number[] = [];
    const newCluster: number[] = [];
    let draw = 0;
    for (let c = 0; c < units; c++) {
      for (let k = 0; k < counts[c]!; k++) {
        if (cl) {
          for (let m = start![c]!; m < start![c + 1]!; m++) {
            idx.push(members![m]!);
            newCluster.push(draw);
          }
          draw++;
        } else idx.push(c);
      }
    }
    const resample: Record<string, ArrayLike<unknown>> = {};
    src.names.forEach((name, j) => {
      const col = cols[j]!;
      if (cl && name === options.cluster) resample[name] = Int32Array.from(newCluster);
      else if (ArrayBuffer.isView(col)) {
        const Ctor = (col as unknown as { constructor: new (n: number) => { [k: number]: unknown; length: number } }).constructor;
        const out = new Ctor(idx.length);
        for (let k = 0; k < idx.length; k++) out[k] = col[idx[k]!];
        resample[name] = out as unknown as ArrayLike<unknown>;
      } else resample[name] = idx.map((i) => col[i]);
    });
    estimates.push(fn(resample, r));
  }
  return { estimates, settings: { replicates, seed, cluster: options.cluster ?? null, n } };
}

function checkBootstrap(estimator: string, o: BootstrapOptions): { replicates: number; seed: number } {
  if (!(Number.isInteger(o?.replicates) && o.replicates >= 1)) throw msg.badOption(estimator, 'bootstrap.replicates', o?.replicates, 'a whole number >= 1');
  if (!Number.isInteger(o.seed)) throw msg.badOption(estimator, 'bootstrap.seed', o.seed, 'a whole number');
  return { replicates: o.replicates, seed: o.seed };
}

/** Percentile interval (R's quantile type 7) of the finite values; null when there are none. */
export function percentileInterval(values: ArrayLike<number | null>, confLevel = 0.95): [number, number] | null {
  const v: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x !== null && x !== undefined && Number.isFinite(x)) v.push(x);
  }
  if (!v.length) return null;
  const s = Float64Array.from(v).sort();
  return [quantileSorted(s, (1 - confLevel) / 2), quantileSorted(s, (1 + confLevel) / 2)];
}

// ---------------------------------------------------------------------------------------------------
// riskAtHorizon

export interface RiskAtHorizonOptions {
  /** Follow-up time (finite, >= 0). */
  time: string;
  /** Without competing: 1 = outcome, 0 = censored. With competing: 0 = censored, k >= 1 = event of cause k. */
  event: string;
  /** Group column with exactly two values (e.g. 1 = target drug, 0 = comparator). */
  group: string;
  /** Times at which to read the risk (same unit as time), e.g. [365, 730]. */
  horizons: number[];
  /** Weights (IPTW, overlap or matching weights; finite, >= 0). */
  weights?: string;
  /** Competing events: risk = Aalen-Johansen cumulative incidence of `cause`. Default false (1 - KM). */
  competing?: boolean;
  /** The cause of interest with competing events. Default 1. */
  cause?: number;
  /** The comparator (reference) group value. Default the first value in R factor order (0 before 1). */
  reference?: string | number;
  /** Percentile bootstrap intervals; omit for point estimates only. */
  bootstrap?: BootstrapOptions;
  /** Default 0.95. */
  confLevel?: number;
  /** Keep every replicate's estimates in the result. Default false. */
  keepReplicates?: boolean;
}

export interface RiskAtHorizonRow {
  horizon: number;
  /** Risk by the horizon in the comparator and target groups; null if the horizon is past the group's follow-up. */
  riskComparator: number | null;
  riskTarget: number | null;
  /** Target minus comparator. */
  riskDifference: number | null;
  /** Target over comparator (null if the comparator risk is 0). */
  riskRatio: number | null;
  /** Percentile bootstrap limits (null without bootstrap or without valid replicates). */
  riskComparatorLower: number | null;
  riskComparatorUpper: number | null;
  riskTargetLower: number | null;
  riskTargetUpper: number | null;
  riskDifferenceLower: number | null;
  riskDifferenceUpper: number | null;
  riskRatioLower: number | null;
  riskRatioUpper: number | null;
  /** Replicates that gave a risk difference (the others are left out of the intervals). */
  nValidReplicates: number | null;
}

export interface RiskAtHorizonResult {
  /** Group labels: the comparator (reference) and the target. */
  groups: { comparator: string; target: string };
  rows: RiskAtHorizonRow[];
  /** With keepReplicates: per replicate, [riskComparator, riskTarget] per horizon (null where not estimable). */
  replicates: Array<Array<[number | null, number | null]>> | null;
  warnings: string[];
  nMissing: number;
  settings: {
    time: string;
    event: string;
    group: string;
    horizons: number[];
    weights: string | null;
    competing: boolean;
    cause: number | null;
    estimator: 'kaplan-meier' | 'aalen-johansen';
    bootstrap: { replicates: number; seed: number; cluster: string | null; interval: 'percentile' } | null;
    confLevel: number;
  };
}

/** Complete rows laid out once in ascending time order, so every replicate is two sequential passes. */
interface RiskRows {
  n: number;
  time: Float64Array;
  status: Int32Array;
  group: Uint8Array; // 0 comparator, 1 target
  weight: Float64Array;
}

/**
 * Risk (1 - KM, or AJ cumulative incidence of `cause`) of each group at each horizon, with weights
 * weight[k] * mult[k] (rows in time order). Writes 2 * horizons values (comparator, target) to out;
 * NaN = not estimable (horizon after the group's last follow-up time).
 */
function risksAt(rr: RiskRows, mult: Int32Array | null, horizons: number[], competing: boolean, cause: number, out: Float64Array): void {
  const H = horizons.length;
  const { n, time, status, group, weight } = rr;
  const atRisk = [0, 0];
  const lastTime = [-Infinity, -Infinity];
  for (let k = 0; k < n; k++) {
    const w = mult ? weight[k]! * mult[k]! : weight[k]!;
    if (w > 0) {
      const g = group[k]!;
      atRisk[g] += w;
      lastTime[g] = time[k]!; // ascending: the last positive-weight row holds the largest time
    }
  }
  const surv = [1, 1];
  const cif = [0, 0];
  const value = (g: number, h: number) => (horizons[h]! > lastTime[g]! ? NaN : competing ? cif[g]! : 1 - surv[g]!);
  let h = 0;
  let k = 0;
  while (k < n && h < H) {
    const t = time[k]!;
    for (; h < H && horizons[h]! < t; h++) {
      out[2 * h] = value(0, h);
      out[2 * h + 1] = value(1, h);
    }
    if (h >= H) break;
    let d0 = 0, d1 = 0, c0 = 0, c1 = 0, l0 = 0, l1 = 0;
    for (; k < n && time[k] === t; k++) {
      const w = mult ? weight[k]! * mult[k]! : weight[k]!;
      if (w === 0) continue;
      const s = status[k]!;
      if (group[k] === 0) {
        l0 += w;
        if (s > 0) {
          d0 += w;
          if (s === cause) c0 += w;
        }
      } else {
        l1 += w;
        if (s > 0) {
          d1 += w;
          if (s === cause) c1 += w;
        }
      }
    }
    if (d0 > 0 && atRisk[0]! > 0) {
      cif[0] += (surv[0]! * c0) / atRisk[0]!;
      surv[0] *= 1 - d0 / atRisk[0]!;
    }
    if (d1 > 0 && atRisk[1]! > 0) {
      cif[1] += (surv[1]! * c1) / atRisk[1]!;
      surv[1] *= 1 - d1 / atRisk[1]!;
    }
    atRisk[0] -= l0;
    atRisk[1] -= l1;
  }
  for (; h < H; h++) {
    out[2 * h] = value(0, h);
    out[2 * h + 1] = value(1, h);
  }
}

/**
 * Risk of the outcome by each horizon in the target and comparator groups (1 - Kaplan-Meier, or the
 * Aalen-Johansen cumulative incidence with competing events), optionally weighted, with the risk
 * difference and ratio and seeded percentile bootstrap intervals.
 */
export function riskAtHorizon(data: EstimatorData, options: RiskAtHorizonOptions): RiskAtHorizonResult {
  const est = 'riskAtHorizon';
  const competing = options.competing ?? false;
  const cause = options.cause ?? 1;
  if (!(Number.isInteger(cause) && cause >= 1)) throw msg.badOption(est, 'cause', cause, 'a whole number >= 1');
  const confLevel = options.confLevel ?? 0.95;
  if (!(confLevel > 0 && confLevel < 1)) throw msg.badConfLevel(confLevel);
  if (!Array.isArray(options.horizons) || options.horizons.length === 0 || options.horizons.some((h) => !(Number.isFinite(h) && h >= 0))) {
    throw msg.badOption(est, 'horizons', options.horizons, 'a non-empty array of finite times >= 0');
  }
  const horizons = [...options.horizons].sort((a, b) => a - b);
  const boot = options.bootstrap ? checkBootstrap(est, options.bootstrap) : null;

  const src = columnSource(data);
  const time0 = numericColumn(src, options.time);
  const event0 = numericColumn(src, options.event);
  const w0 = options.weights !== undefined ? numericColumn(src, options.weights) : null;
  const g0 = groupColumn(src, options.group);
  const cl0 = options.bootstrap?.cluster !== undefined ? groupColumn(src, options.bootstrap.cluster) : null;
  const { rows, nMissing } = completeRows([time0, event0, ...(w0 ? [w0] : [])], [g0.codes, ...(cl0 ? [cl0.codes] : [])]);
  const n = rows.length;
  if (n === 0) throw msg.noRows(est);
  // The two groups among the complete rows, the reference first.
  const present = [...new Set(Array.from(rows, (r) => g0.codes[r]!))].sort((a, b) => a - b);
  if (present.length !== 2) throw msg.notTwoGroups(est, options.group, present.map((c) => g0.levels[c]));
  let refCode = present[0]!;
  if (options.reference !== undefined) {
    const c = g0.levels.findIndex((l) => String(l) === String(options.reference));
    if (c < 0 || !present.includes(c)) throw msg.unknownLevel(est, options.group, options.reference);
    refCode = c;
  }
  const targetCode = present[0] === refCode ? present[1]! : present[0]!;

  const time0c = takeRows(time0, rows);
  const status0 = new Int32Array(n);
  const group0 = new Uint8Array(n);
  const weight0 = w0 ? takeRows(w0, rows) : new Float64Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (!(time0c[i]! >= 0) || time0c[i] === Infinity) throw msg.nonFiniteTime(options.time, r + 1);
    const e = event0[r]!;
    if (competing ? !(e >= 0 && Number.isInteger(e)) : e !== 0 && e !== 1) {
      throw msg.badEventCode(options.event, r + 1, competing ? '0 (censored) or a whole number k >= 1 (event of cause k)' : '0 (censored) or 1 (event); use competing: true for other codes');
    }
    status0[i] = e;
    group0[i] = g0.codes[r] === targetCode ? 1 : 0;
    if (w0) {
      if (!Number.isFinite(weight0[i]!)) throw msg.nonFiniteWeight(options.weights!, r + 1);
      if (weight0[i]! < 0) throw msg.negativeWeight(options.weights!, r + 1);
    }
  }
  // Lay the rows out in time order once; rank[i] = position of complete row i.
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => time0c[a]! - time0c[b]! || a - b);
  const rank = new Int32Array(n);
  for (let k = 0; k < n; k++) rank[order[k]!] = k;
  const rr: RiskRows = {
    n,
    time: Float64Array.from(order, (i) => time0c[i]!),
    status: Int32Array.from(order, (i) => status0[i]!),
    group: Uint8Array.from(order, (i) => group0[i]!),
    weight: Float64Array.from(order, (i) => weight0[i]!),
  };

  const H = horizons.length;
  const point = new Float64Array(2 * H);
  risksAt(rr, null, horizons, competing, cause, point);

  const warnings: string[] = [];
  const labels = { comparator: String(g0.levels[refCode]), target: String(g0.levels[targetCode]) };
  horizons.forEach((h, k) => {
    if (Number.isNaN(point[2 * k]!)) warnings.push(msg.riskHorizonBeyondFollowUp(h, labels.comparator));
    if (Number.isNaN(point[2 * k + 1]!)) warnings.push(msg.riskHorizonBeyondFollowUp(h, labels.target));
  });

  // Bootstrap: how many times each row (or cluster) is drawn, as in bootstrap(): n uniform draws of a
  // complete row (or cluster) index. A row's multiplicity becomes a factor on its weight.
  let reps: Float64Array[] | null = null;
  if (boot) {
    reps = [];
    const clusterOf = cl0 ? Int32Array.from(order, (i) => cl0.codes[rows[i]!]!) : null; // in time order
    const units = cl0 ? cl0.levels.length : n;
    const counts = new Int32Array(units);
    const mult = new Int32Array(n);
    const u = mulberry32(boot.seed);
    for (let b = 0; b < boot.replicates; b++) {
      if (clusterOf) {
        drawCounts(units, u, counts);
        for (let k = 0; k < n; k++) mult[k] = counts[clusterOf[k]!]!;
      } else {
        mult.fill(0);
        for (let k = 0; k < n; k++) mult[rank[Math.floor(u() * n)]!]++;
      }
      const out = new Float64Array(2 * H);
      risksAt(rr, mult, horizons, competing, cause, out);
      reps.push(out);
    }
    if (reps.some((o) => o.some(Number.isNaN))) {
      const failed = reps.filter((o) => o.some(Number.isNaN)).length;
      warnings.push(msg.bootstrapFailedReplicates(failed, boot.replicates));
    }
  }

  const nn = (v: number) => (Number.isFinite(v) ? v : null);
  const rowsOut: RiskAtHorizonRow[] = horizons.map((h, k) => {
    const r0 = point[2 * k]!, r1 = point[2 * k + 1]!;
    const row: RiskAtHorizonRow = {
      horizon: h,
      riskComparator: nn(r0),
      riskTarget: nn(r1),
      riskDifference: nn(r1 - r0),
      riskRatio: r0 > 0 ? nn(r1 / r0) : null,
      riskComparatorLower: null,
      riskComparatorUpper: null,
      riskTargetLower: null,
      riskTargetUpper: null,
      riskDifferenceLower: null,
      riskDifferenceUpper: null,
      riskRatioLower: null,
      riskRatioUpper: null,
      nValidReplicates: null,
    };
    if (reps) {
      const c = reps.map((o) => o[2 * k]!);
      const t = reps.map((o) => o[2 * k + 1]!);
      const rd = reps.map((o) => o[2 * k + 1]! - o[2 * k]!);
      const rr_ = reps.map((o) => (o[2 * k]! > 0 ? o[2 * k + 1]! / o[2 * k]! : NaN));
      const set = (vals: number[], lo: 'riskComparatorLower' | 'riskTargetLower' | 'riskDifferenceLower' | 'riskRatioLower', hi: 'riskComparatorUpper' | 'riskTargetUpper' | 'riskDifferenceUpper' | 'riskRatioUpper') => {
        const ci = percentileInterval(vals, confLevel);
        row[lo] = ci ? ci[0] : null;
        row[hi] = ci ? ci[1] : null;
      };
      set(c, 'riskComparatorLower', 'riskComparatorUpper');
      set(t, 'riskTargetLower', 'riskTargetUpper');
      set(rd, 'riskDifferenceLower', 'riskDifferenceUpper');
      set(rr_, 'riskRatioLower', 'riskRatioUpper');
      row.nValidReplicates = rd.filter(Number.isFinite).length;
    }
    return row;
  });
  return {
    groups: labels,
    rows: rowsOut,
    replicates: reps && options.keepReplicates ? reps.map((o) => horizons.map((_, k) => [nn(o[2 * k]!), nn(o[2 * k + 1]!)] as [number | null, number | null])) : null,
    warnings,
    nMissing,
    settings: {
      time: options.time,
      event: options.event,
      group: options.group,
      horizons,
      weights: options.weights ?? null,
      competing,
      cause: competing ? cause : null,
      estimator: competing ? 'aalen-johansen' : 'kaplan-meier',
      bootstrap: boot ? { replicates: boot.replicates, seed: boot.seed, cluster: options.bootstrap!.cluster ?? null, interval: 'percentile' } : null,
      confLevel,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// curves and Cox models (thin front ends on the existing estimators)

export interface AdjustedCurvesOptions {
  time: string;
  /** 0/1 (Kaplan-Meier) or, with competing, 0/k (Aalen-Johansen). */
  event: string;
  group: string;
  weights?: string;
  competing?: boolean;
  /** Read the curves at these times. */
  times?: number[];
  confLevel?: number;
}

/**
 * Weighted survival (KM) or cumulative incidence (AJ) curves by group. With weights the KM intervals use
 * the robust (infinitesimal jackknife) standard error, as survfit(..., weights = w, robust = TRUE); AJ
 * always does. The estimators' own results are returned unchanged.
 */
export function adjustedCurves(data: EstimatorData, options: AdjustedCurvesOptions): { kind: 'kaplan-meier'; result: KaplanMeierResult } | { kind: 'aalen-johansen'; result: AalenJohansenResult } {
  if (options.competing) {
    return {
      kind: 'aalen-johansen',
      result: aalenJohansen(data, { time: options.time, event: options.event, strata: options.group, weights: options.weights, times: options.times, confLevel: options.confLevel }),
    };
  }
  return {
    kind: 'kaplan-meier',
    result: kaplanMeier(data, {
      time: options.time,
      event: options.event,
      strata: options.group,
      weights: options.weights,
      robust: options.weights !== undefined,
      times: options.times,
      confLevel: options.confLevel,
    }),
  };
}

export interface WeightedCoxOptions {
  time: string;
  event: string;
  /** 0/1 treatment column: its coefficient is the log hazard ratio. */
  treatment: string;
  /** IPTW / overlap / matching weights (> 0; drop rows with weight 0 first, as coxph requires). */
  weights: string;
  /** Further covariates (doubly robust adjustment). */
  covariates?: string[];
  /** Cluster (e.g. matched set or person) for the sandwich variance. Default: each row its own cluster. */
  cluster?: string;
  ties?: 'efron' | 'breslow';
  confLevel?: number;
}

/** The listed rows of the named columns, as plain arrays (for the Cox front ends). */
function subsetColumns(src: ReturnType<typeof columnSource>, names: string[], keep: number[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const name of new Set(names)) {
    const c = src.column(name);
    out[name] = keep.map((i) => c[i]);
  }
  return out;
}

/**
 * Weighted Cox model with the robust sandwich variance: R's coxph(Surv(time, event) ~ treatment,
 * weights = w, robust = TRUE). Rows with weight 0 (e.g. unmatched persons under matching weights) are
 * left out first, as R's match.data() does; coxph itself requires weights > 0.
 */
export function weightedCox(data: EstimatorData, options: WeightedCoxOptions): CoxphResult & { nZeroWeight: number } {
  const src = columnSource(data);
  const w = numericColumn(src, options.weights);
  const keep: number[] = [];
  let nZeroWeight = 0;
  for (let i = 0; i < src.n; i++) {
    if (w[i] === 0) nZeroWeight++;
    else keep.push(i);
  }
  const used = [options.time, options.event, options.treatment, options.weights, ...(options.covariates ?? []), ...(options.cluster ? [options.cluster] : [])];
  const fit = coxph(nZeroWeight ? subsetColumns(src, used, keep) : data, {
    time: options.time,
    event: options.event,
    covariates: [options.treatment, ...(options.covariates ?? [])],
    weights: options.weights,
    cluster: options.cluster,
    robust: true,
    ties: options.ties,
    confLevel: options.confLevel,
  });
  return { ...fit, nZeroWeight };
}

export interface MatchedCoxOptions {
  time: string;
  event: string;
  treatment: string;
  /** Matched-set column (matchOnPropensity's matchedSet); rows with -1 (unmatched) or missing are left out. */
  matchedSet: string;
  covariates?: string[];
  ties?: 'efron' | 'breslow';
  confLevel?: number;
}

/** Cox model stratified on the matched sets: R's coxph(Surv(time, event) ~ treatment + strata(set), data = matched). */
export function matchedCox(data: EstimatorData, options: MatchedCoxOptions): CoxphResult & { nUnmatched: number } {
  const src = columnSource(data);
  const set = numericColumn(src, options.matchedSet);
  const keep: number[] = [];
  for (let i = 0; i < src.n; i++) if (set[i]! >= 0) keep.push(i);
  const cols = subsetColumns(src, [options.time, options.event, options.treatment, ...(options.covariates ?? [])], keep);
  cols[options.matchedSet] = keep.map((i) => set[i]!);
  const fit = coxph(cols, {
    time: options.time,
    event: options.event,
    covariates: [options.treatment, ...(options.covariates ?? [])],
    strata: options.matchedSet,
    ties: options.ties,
    confLevel: options.confLevel,
  });
  return { ...fit, nUnmatched: src.n - keep.length };
}

/** Wald interval of a log hazard ratio on the HR scale (used in reports). */
export function hazardRatioInterval(coef: number, se: number, confLevel = 0.95): [number, number] {
  const z = normalQuantile((1 + confLevel) / 2, 0, 1);
  return [Math.exp(coef - z * se), Math.exp(coef + z * se)];
}
