// Shared by kaplanMeier and logRank: reading and validating right-censored survival columns, coding
// distinct times (with survival's `timefix` tie rule: integer times by bucket, others by a radix
// sort), coding strata, and either choosing a dense stratum x time table or ordering rows by
// (stratum, time) with counting sorts — linear in the number of rows, no comparison sort.
import { estimateMessages as msg } from '../messages/index.js';
import {
  columnSource,
  type ColumnSource,
  completeRows,
  groupColumn,
  numericColumn,
  stratumLabel,
  takeRows,
  type EstimatorData,
  type GroupColumn,
} from './input.js';

/** Rows sharing one combination of factor values, coded 0..count-1 in R's `strata()` order. */
export interface FactorCodes {
  /** One code per complete row. */
  code: Int32Array;
  /** R-style labels (`sex=1, ph.ecog=0`), in code order; `['all']` when no factor was named. */
  labels: string[];
  /** The variables that were combined. */
  names: string[];
  count: number;
}

/** Complete, validated survival rows. */
export interface SurvivalRows {
  n: number;
  nMissing: number;
  time: Float64Array;
  /** 0 censored, 1 event. */
  event: Uint8Array;
  /** Case weights, or null when none were given. */
  weights: Float64Array | null;
  /** One entry per factor set requested (e.g. [strata] or [group, strata]). */
  factors: FactorCodes[];
}

/** Column names as a list: `'sex'` → `['sex']`, undefined → `[]`. */
export function nameList(names: string | string[] | undefined): string[] {
  if (names === undefined) return [];
  return Array.isArray(names) ? [...names] : [names];
}

/**
 * Read time/event(/weights) and factor columns, drop rows with a missing value in any of them
 * (R's na.omit), and validate: time finite >= 0, event 0/1 (or boolean), weights finite >= 0.
 */
export function readSurvivalRows(
  data: EstimatorData,
  estimator: string,
  cols: { time: string; event: string; weights?: string },
  factorSets: string[][],
): SurvivalRows {
  const src = columnSource(data);
  const time0 = numericColumn(src, cols.time);
  const event0 = numericColumn(src, cols.event);
  const weights0 = cols.weights !== undefined ? numericColumn(src, cols.weights) : null;
  const groupCols: GroupColumn[][] = factorSets.map((set) => set.map((name) => factorColumn(src, name)));
  const numeric = weights0 ? [time0, event0, weights0] : [time0, event0];
  const groupCodes = groupCols.flat().map((g) => g.codes);
  // Nothing missing (the usual typed-column case): use the columns as they are, no row list or copy.
  const all = !anyMissing(numeric, groupCodes);
  const kept = all ? null : completeRows(numeric, groupCodes);
  const rows = kept ? kept.rows : null;
  const nMissing = kept ? kept.nMissing : 0;
  const n = rows ? rows.length : src.n;
  if (n === 0) throw msg.noRows(estimator);
  const time = rows ? takeRows(time0, rows) : time0;
  const eventNum = rows ? takeRows(event0, rows) : event0;
  const weights = weights0 ? (rows ? takeRows(weights0, rows) : weights0) : null;
  const rowNo = (i: number) => (rows ? rows[i]! : i) + 1;
  const event = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const t = time[i]!;
    if (!(t >= 0)) throw msg.negativeTime(cols.time, rowNo(i));
    if (t === Infinity) throw msg.nonFiniteTime(cols.time, rowNo(i));
    const e = eventNum[i]!;
    if (e === 1) event[i] = 1;
    else if (e !== 0) throw msg.badEventCode(cols.event, rowNo(i), '0 (censored) or 1 (event), or false/true; recode 1/2 status codes to 0/1');
  }
  if (weights) {
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (w < 0) throw msg.negativeWeight(cols.weights!, rowNo(i));
      if (!Number.isFinite(w)) throw msg.nonFiniteWeight(cols.weights!, rowNo(i));
    }
  }
  const factors = factorSets.map((names, k) => combineFactors(names, groupCols[k]!, rows, n));
  return { n, nMissing, time, event, weights, factors };
}

function anyMissing(numeric: Float64Array[], groups: Int32Array[]): boolean {
  for (const c of numeric) for (let i = 0; i < c.length; i++) if (c[i] !== c[i]) return true; // NaN
  for (const g of groups) for (let i = 0; i < g.length; i++) if (g[i]! < 0) return true;
  return false;
}

/**
 * input.ts's groupColumn, with a fast path for typed columns of small whole numbers (group 0/1,
 * sex 1/2...): a lookup table instead of a Map per row. Same levels (ascending) and codes.
 */
export function factorColumn(src: ColumnSource, name: string): GroupColumn {
  const col = src.column(name);
  if (ArrayBuffer.isView(col) && !(col instanceof DataView) && !(col instanceof BigInt64Array) && !(col instanceof BigUint64Array)) {
    const a = col as unknown as ArrayLike<number>;
    const n = src.n;
    let lo = Infinity, hi = -Infinity, whole = true;
    for (let i = 0; i < n; i++) {
      const v = a[i]!;
      if (v !== v) continue; // NaN: missing
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (v !== Math.floor(v)) { whole = false; break; }
    }
    if (whole && (lo === Infinity || hi - lo <= 65536)) {
      const size = lo === Infinity ? 0 : hi - lo + 1;
      const slot = new Int32Array(size);
      for (let i = 0; i < n; i++) {
        const v = a[i]!;
        if (v === v) slot[v - lo] = 1;
      }
      const levels: number[] = [];
      for (let k = 0; k < size; k++) if (slot[k] === 1) { slot[k] = levels.length; levels.push(k + lo); } else slot[k] = -1;
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = a[i]!;
        codes[i] = v === v ? slot[v - lo]! : -1;
      }
      return { codes, levels };
    }
  }
  return groupColumn(src, name);
}

/**
 * Combine factor columns into one code per row: the present combinations, ordered with the first
 * variable varying slowest, as R's `strata(a, b)` (absent combinations are dropped).
 */
export function combineFactors(
  names: string[],
  cols: GroupColumn[],
  rows: Int32Array | null,
  /** Number of rows; needed without factors and without a row list. */
  n: number = rows ? rows.length : (cols[0]?.codes.length ?? 0),
): FactorCodes {
  if (cols.length === 0) return { code: new Int32Array(n), labels: ['all'], names, count: 1 };
  if (cols.length === 1 && rows === null) {
    // One factor, no row dropped: its codes are already dense (levels come from the data).
    const g = cols[0]!;
    return { code: g.codes, labels: g.levels.map((v) => stratumLabel(names, [v])), names, count: g.levels.length };
  }
  // Mixed-radix key, first variable most significant.
  const radix = cols.map((c) => c.levels.length);
  let size = 1;
  for (const r of radix) size *= r;
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows ? rows[i]! : i;
    let k = 0;
    for (let j = 0; j < cols.length; j++) k = k * radix[j]! + cols[j]!.codes[row]!;
    key[i] = k;
  }
  let present: Float64Array;
  const code = new Int32Array(n);
  if (size <= 1 << 22) {
    const slot = new Int32Array(size).fill(-1);
    for (let i = 0; i < n; i++) slot[key[i]!] = 0;
    const keys: number[] = [];
    for (let k = 0; k < size; k++) if (slot[k] === 0) { slot[k] = keys.length; keys.push(k); }
    for (let i = 0; i < n; i++) code[i] = slot[key[i]!]!;
    present = Float64Array.from(keys);
  } else {
    const sorted = key.slice().sort();
    let m = 0;
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[m - 1]) sorted[m++] = sorted[i]!;
    present = sorted.slice(0, m);
    for (let i = 0; i < n; i++) code[i] = lowerBound(present, key[i]!);
  }
  const labels = Array.from(present, (k) => {
    const values: Array<string | number | boolean> = new Array(cols.length);
    for (let j = cols.length - 1; j >= 0; j--) {
      const r = radix[j]!;
      values[j] = cols[j]!.levels[k % r]!;
      k = Math.floor(k / r);
    }
    return stratumLabel(names, values);
  });
  return { code, labels, names, count: labels.length };
}

/** First index with a[i] >= x in a sorted array. */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Distinct times: `code[i]` indexes `values`, which is ascending. */
export interface TimeCodes {
  code: Int32Array;
  values: Float64Array;
}

/** survival's aeqSurv tolerance: sqrt(.Machine$double.eps). */
const TIMEFIX_TOL = Math.sqrt(Number.EPSILON);

/**
 * Code the distinct times. As survfit/survdiff with timefix = TRUE (aeqSurv), times closer than
 * 1.5e-8 (absolutely, or relative to the mean absolute distinct time) to the next smaller distinct
 * time are merged into the first time of their run, so floating-point noise does not split ties.
 */
export function codeTimes(time: Float64Array): TimeCodes {
  const n = time.length;
  let max = 0;
  let integer = true;
  for (let i = 0; i < n; i++) {
    const t = time[i]!;
    if (t > max) max = t;
    if (integer && t !== Math.floor(t)) integer = false;
  }
  // Integer times below 2^26: gaps are >= 1, never tied by aeqSurv (its relative rule needs a mean
  // absolute time >= 2^26), so a bucket per integer replaces the sort.
  if (integer && max < 2 ** 26 && max <= 4 * n + 65536) {
    const size = max + 1;
    const slot = new Int32Array(size);
    for (let i = 0; i < n; i++) slot[time[i]!] = 1;
    let m = 0;
    for (let t = 0; t < size; t++) if (slot[t] === 1) slot[t] = ++m;
    const values = new Float64Array(m);
    for (let t = 0; t < size; t++) if (slot[t]! > 0) values[slot[t]! - 1] = t;
    const code = new Int32Array(n);
    for (let i = 0; i < n; i++) code[i] = slot[time[i]!]! - 1;
    return { code, values };
  }
  // Otherwise: rows in time order (radix sort), distinct values, then aeqSurv's cuts.
  const { order, sorted } = sortByTime(time);
  let m = 0;
  let sumAbs = 0;
  let prev = NaN;
  for (let k = 0; k < n; k++) {
    const t = sorted[k]!;
    if (t !== prev) {
      m++;
      sumAbs += t; // times are >= 0
      prev = t;
    }
  }
  const meanAbs = sumAbs / m;
  const cuts = new Float64Array(m);
  const code = new Int32Array(n);
  let nc = 0;
  prev = NaN;
  for (let k = 0; k < n; k++) {
    const t = sorted[k]!;
    if (t !== prev) {
      // A new distinct value starts a new cut unless it is within the tolerance of the previous one.
      const dy = nc === 0 ? Infinity : t - prev;
      if (!(dy <= TIMEFIX_TOL || dy / meanAbs <= TIMEFIX_TOL)) cuts[nc++] = t;
      prev = t;
    }
    code[order[k]!] = nc - 1;
  }
  return { code, values: cuts.slice(0, nc) };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Row indices in ascending time order (times >= 0), and the times in that order. LSD radix sort on
 * the IEEE-754 bits, which order like the values for non-negative doubles: four 16-bit passes,
 * skipping constant digits.
 */
export function sortByTime(time: Float64Array): { order: Int32Array; sorted: Float64Array } {
  const n = time.length;
  if (!LITTLE_ENDIAN) {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => time[a]! - time[b]!);
    return { order, sorted: Float64Array.from(order, (i) => time[i]!) };
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = time[i]! + 0; // -0 -> +0
  const words = new Uint32Array(keys.buffer);
  let lo = new Uint32Array(n), hi = new Uint32Array(n), idx = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    lo[i] = words[2 * i]!;
    hi[i] = words[2 * i + 1]!;
    idx[i] = i;
  }
  let lo2 = new Uint32Array(n), hi2 = new Uint32Array(n), idx2 = new Int32Array(n);
  const count = new Int32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const src = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(src[i]! >>> shift) & 0xffff]!++;
    if (count[(src[0]! >>> shift) & 0xffff] === n) continue; // one digit value: already in order
    for (let d = 0, acc = 0; d < 65536; d++) {
      const c = count[d]!;
      count[d] = acc;
      acc += c;
    }
    for (let i = 0; i < n; i++) {
      const pos = count[(src[i]! >>> shift) & 0xffff]!++;
      lo2[pos] = lo[i]!;
      hi2[pos] = hi[i]!;
      idx2[pos] = idx[i]!;
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
    [idx, idx2] = [idx2, idx];
  }
  for (let i = 0; i < n; i++) {
    words[2 * i] = lo[i]!;
    words[2 * i + 1] = hi[i]!;
  }
  return { order: idx, sorted: keys };
}

/** Tests force one tabulation strategy to check the two against each other; null = choose by size. */
export const tabulation: { force: 'dense' | 'sorted' | null } = { force: null };

/**
 * Whether to count into a dense table of `cells` (stratum x time [x group]) rather than sort the
 * rows: when it is no larger than the data, one pass of increments beats the sorting passes.
 */
export function useDenseTable(cells: number, n: number): boolean {
  if (tabulation.force) return tabulation.force === 'dense';
  return cells <= Math.max(n, 1 << 16);
}

/** Row indices ordered by stratum, then time code; rows of stratum s are order[start[s]..start[s+1]). */
export interface StratumTimeOrder {
  order: Int32Array;
  start: Int32Array;
}

/** Two stable counting sorts (time, then stratum): O(n + distinct times + strata). */
export function orderByStratumTime(stratum: Int32Array, nStrata: number, timeCode: Int32Array, nTimes: number): StratumTimeOrder {
  const n = timeCode.length;
  const byTime = new Int32Array(n);
  const tCount = new Int32Array(nTimes + 1);
  for (let i = 0; i < n; i++) tCount[timeCode[i]! + 1]!++;
  for (let t = 0; t < nTimes; t++) tCount[t + 1]! += tCount[t]!;
  for (let i = 0; i < n; i++) byTime[tCount[timeCode[i]!]!++] = i;
  const start = new Int32Array(nStrata + 1);
  if (nStrata === 1) {
    start[1] = n;
    return { order: byTime, start };
  }
  for (let i = 0; i < n; i++) start[stratum[i]! + 1]!++;
  for (let s = 0; s < nStrata; s++) start[s + 1]! += start[s]!;
  const next = start.slice(0, nStrata);
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = byTime[k]!;
    order[next[stratum[i]!]!++] = i;
  }
  return { order, start };
}
