// Greedy nearest-neighbour matching on the propensity score, without replacement, as R MatchIt 4.5.1's
// matchit(treat ~ ., distance = <logit ps>, method = "nearest", ratio = k, caliper = c, m.order = ...):
//
// - every person is placed in one order by distance (ties kept in data order, as R's stable sort.list);
// - target persons (treatment = 1) are taken in m.order ('largest' distance first by default); each takes
//   the nearest still-unmatched comparator on its left and on its right in that order, keeps the nearer
//   (the left one on equal distance), and only if it lies within the caliper (|difference| <= caliper);
// - with ratio k the whole pass is repeated k times (first controls for everyone, then second ones...);
// - matching weights as MatchIt: 1 for matched target persons, 1/(number of comparators in the set) for
//   comparators, the comparators' weights then rescaled to sum to the number of matched comparators.
//
// The nearest available comparator on each side is found with two "next available" union-find arrays
// over the comparators sorted by distance, so a million persons take well under a second.
//
// Differences from MatchIt: the caliper's standard deviation is by default the pooled SD of the two
// groups, sqrt((var1 + var0) / 2) (Austin 2011), whereas MatchIt uses the SD of all persons
// (caliperScale: 'overall' reproduces it); order 'random' uses our own seeded generator, so it cannot
// reproduce R's sample(); MatchIt numbers its subclasses by the target person's row name sorted as text,
// we number matched sets 0, 1, ... in data order of the target person.
import { mulberry32 } from '../util/prng.js';
import { estimateMessages as msg } from '../messages/index.js';
import { columnSource, completeRows, numericColumn, type EstimatorData } from './input.js';

export type MatchOrder = 'data' | 'largest' | 'smallest' | 'random';
export type CaliperScale = 'pooled' | 'overall' | 'absolute';

export interface MatchOnPropensityOptions {
  /** Treatment column: 1 = target (the persons being matched), 0 = comparator (the pool). */
  treatment: string;
  /** Propensity score column (in (0, 1)); matching is on its logit. Give this or logitPs. */
  ps?: string;
  /** Logit of the propensity score (the linear predictor): the distance matched on. */
  logitPs?: string;
  /** Comparators per target person, a whole number >= 1. Default 1. */
  ratio?: number;
  /**
   * Maximum distance between matched persons, in standard deviations of the logit PS (see caliperScale).
   * Default 0.2 (Austin 2011); null for no caliper.
   */
  caliper?: number | null;
  /**
   * 'pooled' (default): caliper x sqrt((var_target + var_comparator) / 2) of the logit PS;
   * 'overall': caliper x SD of all persons, as MatchIt's std.caliper = TRUE;
   * 'absolute': the caliper is on the logit scale itself (MatchIt's std.caliper = FALSE).
   */
  caliperScale?: CaliperScale;
  /** Only matching without replacement is implemented; true is rejected. */
  replace?: false;
  /** Order in which target persons choose: default 'largest' (MatchIt's default for a propensity score). */
  order?: MatchOrder;
  /** Seed of order = 'random'. Default 1. */
  seed?: number;
}

export interface MatchOnPropensitySettings {
  treatment: string;
  distance: { column: string; scale: 'ps' | 'logit' };
  ratio: number;
  caliper: number | null;
  caliperScale: CaliperScale;
  /** The caliper on the logit scale actually used (caliper x SD), or null. */
  caliperWidth: number | null;
  /** The standard deviation the caliper multiplies (null with 'absolute' or no caliper). */
  caliperSd: number | null;
  replace: false;
  order: MatchOrder;
  seed: number | null;
}

export interface MatchOnPropensityResult {
  /** Matched set of each input row: 0, 1, ... (numbered in data order of the target person), -1 if unmatched or incomplete. */
  matchedSet: number[];
  /** MatchIt's matching weights per input row (0 when unmatched); use them for balance and outcome models. */
  weights: number[];
  /** One entry per matched comparator: input row numbers (0-based) of the target person and of the comparator, and their distance. */
  pairs: { treated: number[]; control: number[]; distance: number[] };
  nTreated: number;
  nControls: number;
  nMatchedTreated: number;
  nUnmatchedTreated: number;
  nMatchedControls: number;
  warnings: string[];
  /** Rows dropped for a missing treatment or score. */
  nMissing: number;
  settings: MatchOnPropensitySettings;
}


function sampleSd(v: Float64Array, idx: Int32Array | null): number {
  const n = idx ? idx.length : v.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += v[idx ? idx[i]! : i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = v[idx ? idx[i]! : i]! - mean;
    ss += d * d;
  }
  return n > 1 ? ss / (n - 1) : NaN;
}

/** Indices 0..n-1 of the selected rows sorted by value (ascending), ties by index: a stable sort. */
function sortedBy(values: Float64Array, idx: Int32Array, descending = false): Int32Array {
  const out = Int32Array.from(idx);
  if (descending) out.sort((a, b) => values[b]! - values[a]! || a - b);
  else out.sort((a, b) => values[a]! - values[b]! || a - b);
  return out;
}

/**
 * Match target persons to comparators on the (logit) propensity score: greedy nearest neighbour without
 * replacement, optional caliper, ratio 1:k. Reproduces MatchIt's nearest-neighbour matching (see the
 * header for the tie rules and the documented differences).
 */
export function matchOnPropensity(data: EstimatorData, options: MatchOnPropensityOptions): MatchOnPropensityResult {
  const est = 'matchOnPropensity';
  if ((options.ps === undefined) === (options.logitPs === undefined)) throw msg.psOrLogit(est);
  const ratio = options.ratio ?? 1;
  if (!(Number.isInteger(ratio) && ratio >= 1)) throw msg.badOption(est, 'ratio', ratio, 'a whole number >= 1');
  const caliper = options.caliper === undefined ? 0.2 : options.caliper;
  if (caliper !== null && !(typeof caliper === 'number' && Number.isFinite(caliper) && caliper > 0)) throw msg.badOption(est, 'caliper', caliper, 'a number > 0, or null for no caliper');
  const caliperScale = options.caliperScale ?? 'pooled';
  if (!['pooled', 'overall', 'absolute'].includes(caliperScale)) throw msg.badOption(est, 'caliperScale', caliperScale, "'pooled', 'overall' or 'absolute'");
  if (options.replace !== undefined && options.replace !== false) throw msg.badOption(est, 'replace', options.replace, 'false (matching with replacement is not implemented)');
  const order = options.order ?? 'largest';
  if (!['data', 'largest', 'smallest', 'random'].includes(order)) throw msg.badOption(est, 'order', order, "'data', 'largest', 'smallest' or 'random'");
  const seed = options.seed ?? 1;
  if (order === 'random' && !Number.isInteger(seed)) throw msg.badOption(est, 'seed', seed, 'a whole number');

  const src = columnSource(data);
  const tAll = numericColumn(src, options.treatment);
  const scoreName = (options.ps ?? options.logitPs)!;
  const sAll = numericColumn(src, scoreName);
  const { rows, nMissing } = completeRows([tAll, sAll]);
  const n = rows.length;
  if (n === 0) throw msg.noRows(est);
  const N = src.n;
  // Distances indexed by input row (only complete rows are read).
  const dist = new Float64Array(N);
  let n1 = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const t = tAll[r]!;
    if (t !== 0 && t !== 1) throw msg.notBinary(options.treatment, r + 1, 'the treatment');
    if (t === 1) n1++;
    const s = sAll[r]!;
    if (options.ps !== undefined) {
      if (!(s > 0 && s < 1)) throw msg.psOutOfRange(scoreName, r + 1);
      dist[r] = Math.log(s / (1 - s));
    } else {
      if (!Number.isFinite(s)) throw msg.nonFiniteValue(scoreName, r + 1);
      dist[r] = s;
    }
  }
  const n0 = n - n1;
  if (n1 === 0 || n0 === 0) throw msg.needsBothGroups(est, options.treatment);
  const treatedRows = new Int32Array(n1);
  const controlRows = new Int32Array(n0);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    const r = rows[i]!;
    if (tAll[r] === 1) treatedRows[a++] = r;
    else controlRows[b++] = r;
  }

  let caliperSd: number | null = null;
  let width = Infinity;
  if (caliper !== null) {
    if (caliperScale === 'absolute') width = caliper;
    else {
      caliperSd = caliperScale === 'overall' ? Math.sqrt(sampleSd(dist, rows)) : Math.sqrt((sampleSd(dist, treatedRows) + sampleSd(dist, controlRows)) / 2);
      if (!Number.isFinite(caliperSd)) caliperSd = 0;
      width = caliper * caliperSd;
    }
  }

  // Comparators sorted by (distance, row): position p holds row ctl[p] with distance cd[p].
  const ctl = sortedBy(dist, controlRows);
  const cd = new Float64Array(n0);
  for (let p = 0; p < n0; p++) cd[p] = dist[ctl[p]!]!;
  // Target order.
  let tOrder: Int32Array;
  if (order === 'data') tOrder = treatedRows;
  else if (order === 'largest') tOrder = sortedBy(dist, treatedRows, true);
  else if (order === 'smallest') tOrder = sortedBy(dist, treatedRows);
  else {
    tOrder = Int32Array.from(treatedRows);
    const u = mulberry32(seed);
    for (let i = n1 - 1; i > 0; i--) {
      const j = Math.floor(u() * (i + 1));
      const tmp = tOrder[i]!;
      tOrder[i] = tOrder[j]!;
      tOrder[j] = tmp;
    }
  }

  // Union-find "next available": left[p] leads to the largest available position <= p (-1: none),
  // right[p] to the smallest available position >= p (n0: none).
  const left = new Int32Array(n0);
  const right = new Int32Array(n0 + 1);
  for (let p = 0; p < n0; p++) left[p] = right[p] = p;
  right[n0] = n0;
  const findLeft = (p: number): number => {
    let r = p;
    while (r >= 0 && left[r] !== r) r = left[r]!;
    while (p >= 0 && left[p] !== p) {
      const nx = left[p]!;
      left[p] = r;
      p = nx;
    }
    return r;
  };
  const findRight = (p: number): number => {
    let r = p;
    while (right[r] !== r) r = right[r]!;
    while (right[p] !== p) {
      const nx = right[p]!;
      right[p] = r;
      p = nx;
    }
    return r;
  };
  // Where a target person falls among the sorted comparators: the number of comparators before it in
  // the combined stable order (smaller distance, or equal distance and an earlier row).
  const insertion = (r: number): number => {
    const d = dist[r]!;
    let lo = 0, hi = n0;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (cd[m]! < d || (cd[m] === d && ctl[m]! < r)) lo = m + 1;
      else hi = m;
    }
    return lo;
  };

  // matches[k * n1 + (target's rank in tOrder)] = comparator row, -1 if none.
  const matches = new Int32Array(ratio * n1).fill(-1);
  const pos = new Int32Array(n1);
  for (let i = 0; i < n1; i++) pos[i] = insertion(tOrder[i]!);
  let available = n0;
  for (let round = 0; round < ratio && available > 0; round++) {
    for (let i = 0; i < n1 && available > 0; i++) {
      if (round > 0 && matches[i] === -1) continue; // no comparator within the caliper earlier: none now
      const r = tOrder[i]!;
      const d = dist[r]!;
      const p = pos[i]!;
      let kl = p > 0 ? findLeft(p - 1) : -1;
      let kr = findRight(p);
      if (kr >= n0) kr = -1;
      if (kl >= 0 && Math.abs(d - cd[kl]!) > width) kl = -1;
      if (kr >= 0 && Math.abs(d - cd[kr]!) > width) kr = -1;
      let k: number;
      if (kl >= 0 && kr >= 0) k = Math.abs(cd[kl]! - d) <= Math.abs(cd[kr]! - d) ? kl : kr;
      else if (kl >= 0) k = kl;
      else if (kr >= 0) k = kr;
      else continue;
      matches[round * n1 + i] = ctl[k]!;
      left[k] = k - 1;
      right[k] = k + 1;
      available--;
    }
  }

  // Matched sets numbered in data order of the target person; weights as MatchIt.
  const rankInOrder = new Int32Array(N).fill(-1);
  for (let i = 0; i < n1; i++) rankInOrder[tOrder[i]!] = i;
  const matchedSet = new Array<number>(N).fill(-1);
  const weights = new Array<number>(N).fill(0);
  const pairs = { treated: [] as number[], control: [] as number[], distance: [] as number[] };
  let set = 0;
  let nMatchedControls = 0;
  let rawControlWeight = 0;
  for (let a = 0; a < n1; a++) {
    const r = treatedRows[a]!;
    const i = rankInOrder[r]!;
    if (matches[i] === -1) continue;
    let k = 0;
    while (k < ratio && matches[k * n1 + i] !== -1) k++;
    matchedSet[r] = set;
    weights[r] = 1;
    for (let m = 0; m < k; m++) {
      const c = matches[m * n1 + i]!;
      matchedSet[c] = set;
      weights[c] = 1 / k;
      rawControlWeight += 1 / k;
      nMatchedControls++;
      pairs.treated.push(r);
      pairs.control.push(c);
      pairs.distance.push(Math.abs(dist[r]! - dist[c]!));
    }
    set++;
  }
  const scale = nMatchedControls / rawControlWeight;
  for (let b = 0; b < n0; b++) {
    const c = controlRows[b]!;
    if (matchedSet[c] >= 0) weights[c] *= scale;
  }
  const warnings: string[] = [];
  if (n0 < ratio * n1) warnings.push(msg.matchWarnFewControls(n1, n0, ratio));
  return {
    matchedSet,
    weights,
    pairs,
    nTreated: n1,
    nControls: n0,
    nMatchedTreated: set,
    nUnmatchedTreated: n1 - set,
    nMatchedControls,
    warnings,
    nMissing,
    settings: {
      treatment: options.treatment,
      distance: { column: scoreName, scale: options.ps !== undefined ? 'ps' : 'logit' },
      ratio,
      caliper,
      caliperScale,
      caliperWidth: caliper === null ? null : width,
      caliperSd,
      replace: false,
      order,
      seed: order === 'random' ? seed : null,
    },
  };
}

/**
 * Matching weights from a matched-set column (as matchedSet above, -1 = unmatched): 1 for target persons,
 * 1/(comparators in the set) for comparators, rescaled so the comparators' weights sum to their number.
 * Used by balanceTable and tableOne when given `matchedSet` rather than weights.
 */
export function matchingWeights(treatment: Float64Array, matchedSet: Float64Array): Float64Array {
  const n = treatment.length;
  const perSet = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const s = matchedSet[i]!;
    if (s >= 0 && treatment[i] === 0) perSet.set(s, (perSet.get(s) ?? 0) + 1);
  }
  const w = new Float64Array(n);
  let raw = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const s = matchedSet[i]!;
    if (!(s >= 0) || (treatment[i] !== 0 && treatment[i] !== 1)) continue;
    if (treatment[i] === 1) w[i] = perSet.has(s) ? 1 : 0;
    else {
      w[i] = 1 / perSet.get(s)!;
      raw += w[i]!;
      count++;
    }
  }
  if (raw > 0) for (let i = 0; i < n; i++) if (treatment[i] === 0 && w[i]! > 0) w[i] = (w[i]! * count) / raw;
  return w;
}
