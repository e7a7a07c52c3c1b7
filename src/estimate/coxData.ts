// Private helpers of coxph / coxZph: read and validate the input columns, then lay the complete rows out
// once for the risk-set passes (grouped by stratum and descending event time with a counting sort,
// covariates centered, scaled and row-major in one Float64Array).
import { estimateMessages as msg } from '../messages/index.js';
import { columnSource, completeRows, groupColumn, numericColumn, type EstimatorData } from './input.js';

/** The column names a Cox model reads (the validated, normalised options). */
export interface CoxColumns {
  time: string;
  event: string;
  start: string | null;
  covariates: string[];
  strata: string[];
  weights: string | null;
  cluster: string | null;
}

/** Complete rows of the input, validated. Covariate columns stay as given (index them through `rows`). */
export interface CoxRows {
  /** Number of complete rows (R's n). */
  n: number;
  nMissing: number;
  p: number;
  /** complete row -> input row */
  rows: Int32Array;
  stop: Float64Array;
  start: Float64Array | null;
  event: Uint8Array;
  /** Case weights, or null when all are 1. */
  weight: Float64Array | null;
  /** Stratum code 0..nStrata-1 of each complete row (all 0 without strata). */
  stratum: Int32Array;
  nStrata: number;
  /** Cluster code 0..nCluster-1 (null without cluster). */
  cluster: Int32Array | null;
  nCluster: number;
  /** The covariate columns over all input rows. */
  cols: Float64Array[];
}

export function readCoxRows(data: EstimatorData, c: CoxColumns): CoxRows {
  const src = columnSource(data);
  const timeAll = numericColumn(src, c.time);
  const eventAll = numericColumn(src, c.event);
  const startAll = c.start ? numericColumn(src, c.start) : null;
  const weightAll = c.weights ? numericColumn(src, c.weights) : null;
  const cols = c.covariates.map((name) => numericColumn(src, name));
  const strataCols = c.strata.map((name) => groupColumn(src, name));
  const clusterCol = c.cluster ? groupColumn(src, c.cluster) : null;

  const numeric = [timeAll, eventAll, ...(startAll ? [startAll] : []), ...(weightAll ? [weightAll] : []), ...cols];
  const groups = [...strataCols.map((g) => g.codes), ...(clusterCol ? [clusterCol.codes] : [])];
  const { rows, nMissing } = completeRows(numeric, groups);
  const n = rows.length;
  if (n === 0) throw msg.noRows('coxph');

  const stop = new Float64Array(n);
  const start = startAll ? new Float64Array(n) : null;
  const event = new Uint8Array(n);
  const weight = weightAll ? new Float64Array(n) : null;
  let nEvent = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const t = timeAll[r]!;
    if (!Number.isFinite(t)) throw msg.coxNonFinite(c.time, r + 1);
    if (t < 0) throw msg.negativeTime(c.time, r + 1);
    stop[i] = t;
    if (start) {
      const s = startAll![r]!;
      if (!Number.isFinite(s)) throw msg.coxNonFinite(c.start!, r + 1);
      if (s < 0) throw msg.negativeTime(c.start!, r + 1);
      if (!(s < t)) throw msg.startNotBeforeStop(r + 1);
      start[i] = s;
    }
    const e = eventAll[r]!;
    if (e !== 0 && e !== 1) throw msg.badEventCode(c.event, r + 1, '0 (censored) or 1 (event), or false/true');
    event[i] = e;
    nEvent += e;
    if (weight) {
      const w = weightAll![r]!;
      if (!(w > 0) || !Number.isFinite(w)) throw msg.coxNonPositiveWeight(c.weights!, r + 1);
      weight[i] = w;
    }
  }
  if (nEvent === 0) throw msg.coxNoEvents();

  // Strata: one code per combination of the strata columns (dense, in order of first appearance of the
  // combination's mixed-radix key; the order of strata does not change any result).
  const stratum = new Int32Array(n);
  let nStrata = 1;
  if (strataCols.length) {
    const key = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let k = 0;
      for (const g of strataCols) k = k * g.levels.length + g.codes[rows[i]!]!;
      key[i] = k;
    }
    const dense = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      let d = dense.get(key[i]!);
      if (d === undefined) dense.set(key[i]!, (d = dense.size));
      stratum[i] = d;
    }
    nStrata = dense.size;
  }
  let cluster: Int32Array | null = null;
  let nCluster = 0;
  if (clusterCol) {
    // Dense codes among the complete rows only.
    const remap = new Int32Array(clusterCol.levels.length).fill(-1);
    cluster = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const g = clusterCol.codes[rows[i]!]!;
      if (remap[g] === -1) remap[g] = nCluster++;
      cluster[i] = remap[g]!;
    }
  }
  return { n, nMissing, p: cols.length, rows, stop, start, event, weight, stratum, nStrata, cluster, nCluster, cols };
}

/**
 * The rows at risk at some event time, laid out for the passes, and the event-time "steps".
 * Step s is one distinct event time of one stratum; steps go stratum by stratum, from the largest event
 * time down. A row joins the risk set at the step of the largest event time <= its stop and leaves it at
 * the step of the largest event time <= its start (counting-process data) or at the end of its stratum.
 * Rows are stored grouped by the step at which they join (a stable counting sort: no comparison sort of
 * the rows at all). Rows at risk at no event time (R's agreg.fit `ignore`, or censored before the first
 * event of their stratum) are left out: they add nothing to the likelihood, score, information or
 * residuals.
 */
export interface CoxRiskSets {
  p: number;
  /** Rows in the passes ("active" rows). */
  m: number;
  /** m x p covariates, row-major, centered and scaled (see CoxScaling). */
  x: Float64Array;
  /** Case weights (1 without weights). */
  w: Float64Array;
  ev: Uint8Array;
  /** active row -> complete row */
  src: Int32Array;
  nSteps: number;
  stepTime: Float64Array;
  /** Rows addEnd[s-1] .. addEnd[s]-1 join at step s (addEnd[-1] = 0). */
  addEnd: Int32Array;
  nDeath: Int32Array;
  /** 1 at the first step of a stratum: the risk-set sums restart from 0. */
  newStratum: Uint8Array;
  /** Counting-process data: rows remList[remStart[s]] .. remList[remStart[s+1]-1] leave before step s. */
  remStart: Int32Array | null;
  remList: Int32Array | null;
  /** Per active row: the steps [addStep, endStep) at which it is at risk. */
  addStep: Int32Array;
  endStep: Int32Array;
}

/** Centering and scaling of the covariates inside the passes (results are invariant to both). */
export interface CoxScaling {
  /** Weighted means. */
  center: Float64Array;
  /** Multiplier: x_scaled = (x - center) * scale, as R's coxfit6 (1 for -1/0/1 variables). */
  scale: Float64Array;
  /** Covariates whose values are all -1, 0 or 1 (R's coxph nocenter = c(-1, 0, 1)). */
  zeroOne: boolean[];
  /** Unweighted means (R's agreg.fit reports these). */
  plainMean: Float64Array;
}

/**
 * Weighted means and R's coxfit6 scale, 1 / (weighted mean |x - mean|), 1 for -1/0/1 covariates.
 * Also rejects infinite covariate values (as R: "data contains an infinite predictor").
 */
export function coxScaling(cr: CoxRows, names: string[]): CoxScaling {
  const { n, p, weight, rows } = cr;
  const center = new Float64Array(p);
  const scale = new Float64Array(p);
  const plainMean = new Float64Array(p);
  const zeroOne: boolean[] = [];
  let wsum = 0;
  for (let i = 0; i < n; i++) wsum += weight ? weight[i]! : 1;
  for (let j = 0; j < p; j++) {
    const col = cr.cols[j]!;
    let sw = 0;
    let s = 0;
    let z1 = true;
    for (let i = 0; i < n; i++) {
      const v = col[rows[i]!]!;
      if (v !== 0 && v !== 1 && v !== -1) {
        z1 = false;
        if (v === Infinity || v === -Infinity) throw msg.coxNonFinite(names[j]!, rows[i]! + 1);
      }
      s += v;
      sw += (weight ? weight[i]! : 1) * v;
    }
    const mean = sw / wsum;
    center[j] = mean;
    plainMean[j] = s / n;
    zeroOne.push(z1);
    if (z1) scale[j] = 1;
    else {
      let d = 0;
      for (let i = 0; i < n; i++) d += (weight ? weight[i]! : 1) * Math.abs(col[rows[i]!]! - mean);
      scale[j] = d > 0 ? wsum / d : 1;
    }
  }
  return { center, scale, zeroOne, plainMean };
}

/**
 * x[pos[i]] = (covariates of complete row i - center) * scale, row-major (pos -1: row left out). The
 * columns are read in order and each row written whole: a scatter to one sequential stream per step,
 * much kinder to caches than gathering rows in sorted order.
 */
function scatterCovariates(x: Float64Array, p: number, cols: Float64Array[], rows: Int32Array, pos: Int32Array, sc: CoxScaling): void {
  const { center, scale } = sc;
  const n = pos.length;
  for (let i = 0; i < n; i++) {
    const k = pos[i]!;
    if (k < 0) continue;
    const r = rows[i]!;
    const o = k * p;
    for (let j = 0; j < p; j++) x[o + j] = (cols[j]![r]! - center[j]!) * scale[j]!;
  }
}

/**
 * Distinct values, ascending. With few distinct values (integer days) a Set is several times faster than
 * sorting all of them; past 4096 distinct values it falls back to sorting (may reorder `values`).
 */
function distinctAscending(values: Float64Array): Float64Array {
  const set = new Set<number>();
  for (let k = 0; k < values.length && set.size <= 4096; k++) set.add(values[k]!);
  if (set.size <= 4096) return Float64Array.from(set).sort();
  const sorted = values.sort();
  let k = 0;
  for (let i = 0; i < sorted.length; i++) if (k === 0 || sorted[i] !== sorted[k - 1]) sorted[k++] = sorted[i]!;
  return sorted.subarray(0, k);
}

/** Index of the first value <= t in a descending array segment [lo, hi) (hi when none). */
function firstAtMost(desc: Float64Array, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (desc[mid]! <= t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function buildRiskSets(cr: CoxRows, sc: CoxScaling): CoxRiskSets {
  const { n, p, stop, start, event, stratum, nStrata, rows, weight } = cr;

  // 1. The steps: distinct event times per stratum, descending. Only the events are sorted.
  const evOff = new Int32Array(nStrata + 1);
  for (let i = 0; i < n; i++) if (event[i] === 1) evOff[stratum[i]! + 1]++;
  for (let h = 0; h < nStrata; h++) evOff[h + 1] += evOff[h]!;
  const evStop = new Float64Array(evOff[nStrata]!);
  const fillEv = evOff.slice(0, nStrata);
  for (let i = 0; i < n; i++) if (event[i] === 1) evStop[fillEv[stratum[i]!]!++] = stop[i]!;
  const stepBase = new Int32Array(nStrata + 1);
  const times: number[] = [];
  for (let h = 0; h < nStrata; h++) {
    const d = distinctAscending(evStop.subarray(evOff[h]!, evOff[h + 1]!));
    for (let k = d.length - 1; k >= 0; k--) times.push(d[k]!);
    stepBase[h + 1] = times.length;
  }
  const nSteps = times.length;
  const stepTime = Float64Array.from(times);
  const newStratum = new Uint8Array(nSteps);
  for (let h = 0; h < nStrata; h++) if (stepBase[h + 1]! > stepBase[h]!) newStratum[stepBase[h]!] = 1;

  // 2. Per complete row: the step at which it joins (-1: never at risk) and the step at which it leaves.
  const addAll = new Int32Array(n);
  const endAll = new Int32Array(n);
  const count = new Int32Array(nSteps + 1);
  for (let i = 0; i < n; i++) {
    const h = stratum[i]!;
    const b0 = stepBase[h]!;
    const b1 = stepBase[h + 1]!;
    const s = firstAtMost(stepTime, b0, b1, stop[i]!);
    let e = b1;
    if (s < b1 && start) {
      const st = start[i]!;
      e = stepTime[s]! > st ? firstAtMost(stepTime, s + 1, b1, st) : s; // e = s: no event time in (start, stop]
    }
    if (s === b1 || e === s) addAll[i] = -1;
    else {
      addAll[i] = s;
      endAll[i] = e;
      count[s + 1]++;
    }
  }
  for (let s = 0; s < nSteps; s++) count[s + 1] += count[s]!;
  const m = count[nSteps]!;
  const addEnd = count.slice(1);

  // 3. Scatter the active rows to their place (grouped by joining step, stable), covariates row-major,
  //    centered and scaled. Reads are sequential; writes go to one sequential stream per step.
  const x = new Float64Array(m * p);
  const w = new Float64Array(m);
  const ev = new Uint8Array(m);
  const src = new Int32Array(m);
  const addStep = new Int32Array(m);
  const endStep = new Int32Array(m);
  const nDeath = new Int32Array(nSteps);
  const fill = count.slice(0, nSteps);
  for (let i = 0; i < n; i++) {
    const s = addAll[i]!;
    if (s < 0) continue;
    const k = fill[s]!++;
    addAll[i] = k; // now the row's position
    src[k] = i;
    addStep[k] = s;
    endStep[k] = endAll[i]!;
    w[k] = weight ? weight[i]! : 1;
    ev[k] = event[i]!;
    nDeath[s] += event[i]!;
  }
  scatterCovariates(x, p, cr.cols, rows, addAll, sc);
  // 4. Counting-process data: the rows leaving before each step (their start >= its time).
  let remStart: Int32Array | null = null;
  let remList: Int32Array | null = null;
  if (start) {
    const stratumEnd = new Int32Array(nSteps);
    for (let h = 0; h < nStrata; h++) for (let s = stepBase[h]!; s < stepBase[h + 1]!; s++) stratumEnd[s] = stepBase[h + 1]!;
    remStart = new Int32Array(nSteps + 1);
    for (let r = 0; r < m; r++) if (endStep[r]! < stratumEnd[addStep[r]!]!) remStart[endStep[r]! + 1]++;
    for (let s = 0; s < nSteps; s++) remStart[s + 1] += remStart[s]!;
    remList = new Int32Array(remStart[nSteps]!);
    const fillRem = remStart.slice(0, nSteps);
    for (let r = 0; r < m; r++) if (endStep[r]! < stratumEnd[addStep[r]!]!) remList[fillRem[endStep[r]!]!++] = r;
  }
  return { p, m, x, w, ev, src, nSteps, stepTime, addEnd, nDeath, newStratum, remStart, remList, addStep, endStep };
}
