// Aalen-Johansen cumulative incidence for competing risks, as R survival 3.5.3's
// survfit(Surv(time, factor(event)) ~ strata) (multi-state curves from the single initial state
// "(s0)") with its infinitesimal-jackknife standard errors, and summary(fit, times = , extend = ).
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { estimateMessages as msg } from '../messages/index.js';
import { columnSource, completeRows, groupColumn, numericColumn, takeRows, type EstimatorData } from './input.js';
import { codeTimes, combineFactors, nameList, orderByStratumTime } from './survivalTable.js';
import { ajCurve, type AjGroups } from './aalenJohansenCore.js';

export interface AalenJohansenOptions {
  /** Follow-up time column (finite, >= 0). */
  time: string;
  /** Event column: 0 = censored, k >= 1 (a whole number) = failure from cause k. */
  event: string;
  /** One set of curves per combination of these columns (R: `~ sex + ph.ecog`). */
  strata?: string | string[];
  /** Case-weight column (finite, >= 0). */
  weights?: string;
  /** Level of the pointwise confidence intervals. Default 0.95. */
  confLevel?: number;
  /**
   * Read the curves at these times (summary(fit, times = )) instead of at every distinct time: the
   * step-function value at each time (sorted; duplicates kept), nRisk = rows with time >= t, and
   * event/censoring counts since the previous requested time. Before a curve's first time the
   * values are p = (1, 0, ...), se = 0, with limits (1, 1) for `survival` and null for the
   * incidences (R's summary fills 0 limits there; its own rule gives these).
   */
  times?: number[];
  /** With `times`: keep times after a curve's last time, with the last values (R's extend = TRUE). Default false: dropped. */
  extend?: boolean;
}

/** One cause's cumulative incidence curve. */
export interface AjCauseCurve {
  /** The event code (k in `event`). */
  cause: number;
  /** Probability of having failed from this cause by time t (the AJ state-occupation probability). */
  cumulativeIncidence: number[];
  /** Infinitesimal-jackknife (robust) standard error, as survfit's std.err. */
  stdErr: number[];
  /** Log-transformed confidence limits (survfit's default conf.type = "log"); null where the incidence is 0. */
  lower: Array<number | null>;
  upper: Array<number | null>;
  /** Unweighted number of failures from this cause at the time (with `times`: since the previous requested time). */
  nEvent: number[];
}

/** Probability of still being event-free (state "(s0)"): the all-cause Kaplan-Meier curve. */
export interface AjSurvival {
  surv: number[];
  /** IJ standard error; with unweighted data it equals the Greenwood-based KM error. */
  stdErr: number[];
  /** Log-transformed limits; null where surv is 0. */
  lower: Array<number | null>;
  upper: Array<number | null>;
}

export interface AjStratum {
  /** `sex=1`, `sex=1, ecog=0`, or `all` without strata. */
  label: string;
  /** Number of rows (records) in the curve. */
  n: number;
  /** Distinct times (censor-only times included), or the requested `times`. */
  time: number[];
  /** Unweighted number of rows at risk at each time (as survfit's n.risk for multi-state curves). */
  nRisk: number[];
  /** Unweighted number of failures, all causes, at each time (with `times`: since the previous requested time). */
  nEvent: number[];
  /** Unweighted number of censorings, likewise. */
  nCensor: number[];
  /** One curve per cause in the data, ascending codes (a cause absent from this stratum stays at 0). */
  causes: AjCauseCurve[];
  survival: AjSurvival;
}

export interface AalenJohansenSettings {
  time: string;
  event: string;
  strata: string[];
  weights: string | null;
  confLevel: number;
  /** Always 'log': p·exp(±z·se/p), upper limit capped at 1, as survfit_confint for multi-state curves. */
  confType: 'log';
  /** Always 'infinitesimal-jackknife' (survfit: "multi-state survfit supports only a robust variance"). */
  variance: 'infinitesimal-jackknife';
  /** The requested times, sorted, or null. */
  times: number[] | null;
  extend: boolean;
  /** The cause codes found in the complete rows, ascending. */
  causes: number[];
}

/**
 * Result of {@link aalenJohansen}.
 *
 * `strata` always holds one entry per curve (a single `all` entry without the `strata` option).
 * The top-level `time` and `causes` (the public contract `{ time, causes, settings }`) are
 * present exactly when no `strata` option was given, and are then the single curve's `time` and
 * `causes` (same arrays as `strata[0]`). With strata they are omitted rather than describing an
 * arbitrary stratum: read `strata[s]`. The overloads of `aalenJohansen` type them as present when
 * the call has no `strata`.
 */
export interface AalenJohansenResult {
  strata: AjStratum[];
  time?: number[];
  causes?: AjCauseCurve[];
  settings: AalenJohansenSettings;
  /** Rows dropped for a missing value in a used column. */
  nMissing: number;
}

/** The result of an unstratified call: top-level `time` and `causes` are always there. */
export type AalenJohansenSingleResult = AalenJohansenResult & { time: number[]; causes: AjCauseCurve[] };

/**
 * Aalen-Johansen cumulative incidence curves for competing risks (event 0 = censored, k = cause k),
 * with infinitesimal-jackknife standard errors and log confidence intervals, matching
 * `survfit(Surv(time, factor(event)) ~ strata, weights = )` of R survival 3.5.3 (times within 1.5e-8
 * merged as survfit's timefix). Rows with a missing time, event, weight or stratum are dropped.
 * Runs in O(rows + groups × states³): rows sharing (stratum, time, status) are aggregated first.
 */
export function aalenJohansen(data: EstimatorData, options: AalenJohansenOptions & { strata?: undefined }): AalenJohansenSingleResult;
export function aalenJohansen(data: EstimatorData, options: AalenJohansenOptions): AalenJohansenResult;
export function aalenJohansen(data: EstimatorData, options: AalenJohansenOptions): AalenJohansenResult {
  const confLevel = options.confLevel ?? 0.95;
  if (!(confLevel > 0 && confLevel < 1)) throw msg.badConfLevel(confLevel);
  let times: number[] | null = null;
  if (options.times !== undefined) {
    for (const t of options.times) if (typeof t !== 'number' || !Number.isFinite(t)) throw msg.ajBadTimes(t);
    times = [...options.times].sort((a, b) => a - b);
  }
  const extend = options.extend ?? false;
  const strataNames = nameList(options.strata);

  // --- read, drop incomplete rows, validate ---
  const src = columnSource(data);
  const time0 = numericColumn(src, options.time);
  const event0 = numericColumn(src, options.event);
  const weights0 = options.weights !== undefined ? numericColumn(src, options.weights) : null;
  const groupCols = strataNames.map((name) => groupColumn(src, name));
  // Nothing missing (the common large case): use the columns as they are, no row list, no copy.
  const complete = !hasNaN(time0) && !hasNaN(event0) && !(weights0 && hasNaN(weights0)) && groupCols.every((g) => !g.codes.includes(-1));
  const { rows, nMissing } = complete
    ? { rows: null, nMissing: 0 }
    : completeRows(weights0 ? [time0, event0, weights0] : [time0, event0], groupCols.map((g) => g.codes));
  const n = rows ? rows.length : time0.length;
  if (n === 0) throw msg.noRows('aalenJohansen');
  const time = rows ? takeRows(time0, rows) : time0;
  const event = rows ? takeRows(event0, rows) : event0;
  const weights = weights0 ? (rows ? takeRows(weights0, rows) : weights0) : null;
  const rowNumber = (i: number) => (rows ? rows[i]! : i) + 1; // 1-based, in the input

  // Status per row: the event code here, recoded to the cause index 1..K below when needed.
  const status = new Int32Array(n);
  let maxCode = 0;
  for (let i = 0; i < n; i++) {
    const t = time[i]!;
    if (!(t >= 0)) throw msg.negativeTime(options.time, rowNumber(i));
    if (t === Infinity) throw msg.nonFiniteTime(options.time, rowNumber(i));
    const e = event[i]!;
    if (!(e >= 0 && e < 2 ** 31 && e === Math.floor(e))) {
      throw msg.badEventCode(options.event, rowNumber(i), '0 (censored) or a whole number k >= 1 (failure from cause k)');
    }
    status[i] = e;
    if (e > maxCode) maxCode = e;
  }
  if (weights) {
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (w < 0) throw msg.negativeWeight(options.weights!, rowNumber(i));
      if (!Number.isFinite(w)) throw msg.nonFiniteWeight(options.weights!, rowNumber(i));
    }
  }
  const causes = recodeCauses(status, maxCode);
  const m = causes.length + 1;

  // --- aggregate rows into (stratum, time, status) groups, run the recursion per curve ---
  const strata = combineFactors(strataNames, groupCols, rows); // (its codes are not filled without strata)
  const tc = codeTimes(time);
  const z = normalQuantile(1 - (1 - confLevel) / 2, 0, 1);
  const groups = aggregate(strata.code, strata.count, tc.code, tc.values, status, weights, m);
  const out: AjStratum[] = groups.map((g, s) => shapeStratum(strata.labels[s]!, g, ajCurve(g), causes, times, extend, z));

  const result: AalenJohansenResult = {
    strata: out,
    settings: {
      time: options.time,
      event: options.event,
      strata: strataNames,
      weights: options.weights ?? null,
      confLevel,
      confType: 'log',
      variance: 'infinitesimal-jackknife',
      times,
      extend,
      causes,
    },
    nMissing,
  };
  if (strataNames.length === 0) {
    result.time = out[0]!.time;
    result.causes = out[0]!.causes;
  }
  return result;
}

function hasNaN(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] !== x[i]) return true;
  return false;
}

/**
 * The distinct positive event codes, ascending; recodes `status` in place from event codes to
 * 0 (censored) / 1..K (index of the cause). Codes that already are 1..K stay as they are.
 */
function recodeCauses(status: Int32Array, maxCode: number): number[] {
  const n = status.length;
  if (maxCode <= 1 << 16) {
    // Small codes: a lookup table instead of a hash per row.
    const slot = new Int32Array(maxCode + 1);
    for (let i = 0; i < n; i++) slot[status[i]!] = 1;
    const causes: number[] = [];
    for (let k = 1; k <= maxCode; k++) if (slot[k] === 1) { causes.push(k); slot[k] = causes.length; }
    slot[0] = 0;
    if (causes.length < maxCode) for (let i = 0; i < n; i++) status[i] = slot[status[i]!]!;
    return causes;
  }
  const set = new Set<number>();
  for (let i = 0; i < n; i++) if (status[i]! > 0) set.add(status[i]!);
  const causes = [...set].sort((a, b) => a - b);
  const index = new Map(causes.map((k, j) => [k, j + 1]));
  for (let i = 0; i < n; i++) if (status[i]! > 0) status[i] = index.get(status[i]!)!;
  return causes;
}

/** One curve's groups and its number of rows. */
type CurveGroups = AjGroups & { rows: number };

/**
 * Aggregate the rows into (distinct time, status) groups per stratum. One sequential pass into a
 * dense (stratum × time × status) table when that table is small (always without strata); else the
 * rows are first ordered by (stratum, time) with counting sorts and consecutive rows grouped.
 */
function aggregate(
  stratum: Int32Array,
  nStrata: number,
  timeCode: Int32Array,
  timeValues: Float64Array,
  status: Int32Array,
  weights: Float64Array | null,
  m: number,
): CurveGroups[] {
  const n = timeCode.length;
  const nTimes = timeValues.length;
  if (nStrata * nTimes > Math.max(2 * n, 1 << 12)) return aggregateSorted(stratum, nStrata, timeCode, timeValues, status, weights, m);
  const size = nStrata * nTimes * m;
  const count = new Float64Array(size);
  const wsum = weights ? new Float64Array(size) : count;
  const w2sum = weights ? new Float64Array(size) : count;
  if (weights) {
    for (let i = 0; i < n; i++) {
      const slot = ((nStrata === 1 ? 0 : stratum[i]!) * nTimes + timeCode[i]!) * m + status[i]!;
      const w = weights[i]!;
      count[slot]!++;
      wsum[slot]! += w;
      w2sum[slot]! += w * w;
    }
  } else if (nStrata === 1) {
    for (let i = 0; i < n; i++) count[timeCode[i]! * m + status[i]!]!++;
  } else {
    for (let i = 0; i < n; i++) count[(stratum[i]! * nTimes + timeCode[i]!) * m + status[i]!]!++;
  }
  // Each stratum keeps its non-empty times.
  const out: CurveGroups[] = [];
  const rowSum = (at: number) => {
    let c = 0;
    for (let k = 0; k < m; k++) c += count[at + k]!;
    return c;
  };
  for (let s = 0; s < nStrata; s++) {
    const base = s * nTimes * m;
    let nt = 0, rowsIn = 0;
    for (let t = 0; t < nTimes; t++) {
      const c = rowSum(base + t * m);
      if (c > 0) nt++;
      rowsIn += c;
    }
    const time = new Float64Array(nt);
    const gCount = new Float64Array(nt * m);
    const gW = weights ? new Float64Array(nt * m) : gCount;
    const gW2 = weights ? new Float64Array(nt * m) : gCount;
    for (let t = 0, j = 0; t < nTimes; t++) {
      const from = base + t * m;
      if (rowSum(from) === 0) continue;
      time[j] = timeValues[t]!;
      for (let k = 0; k < m; k++) {
        gCount[j * m + k] = count[from + k]!;
        if (weights) {
          gW[j * m + k] = wsum[from + k]!;
          gW2[j * m + k] = w2sum[from + k]!;
        }
      }
      j++;
    }
    out.push({ time, m, count: gCount, wsum: gW, w2sum: gW2, rows: rowsIn });
  }
  return out;
}

/** Many strata and many distinct times: order rows by (stratum, time), then group consecutive rows. */
function aggregateSorted(
  stratum: Int32Array,
  nStrata: number,
  timeCode: Int32Array,
  timeValues: Float64Array,
  status: Int32Array,
  weights: Float64Array | null,
  m: number,
): CurveGroups[] {
  const { order, start } = orderByStratumTime(stratum, nStrata, timeCode, timeValues.length);
  const out: CurveGroups[] = [];
  for (let s = 0; s < nStrata; s++) {
    const from = start[s]!, to = start[s + 1]!;
    let nt = 0;
    for (let k = from, prev = -1; k < to; k++) {
      const c = timeCode[order[k]!]!;
      if (c !== prev) { nt++; prev = c; }
    }
    const time = new Float64Array(nt);
    const count = new Float64Array(nt * m);
    const wsum = weights ? new Float64Array(nt * m) : count;
    const w2sum = weights ? new Float64Array(nt * m) : count;
    let g = -1;
    for (let k = from, prev = -1; k < to; k++) {
      const i = order[k]!;
      const c = timeCode[i]!;
      if (c !== prev) { g++; prev = c; time[g] = timeValues[c]!; }
      const slot = g * m + status[i]!;
      count[slot]!++;
      if (weights) {
        const w = weights[i]!;
        wsum[slot]! += w;
        w2sum[slot]! += w * w;
      }
    }
    out.push({ time, m, count, wsum, w2sum, rows: to - from });
  }
  return out;
}

/** The curve at every distinct time, or read at the requested times, as plain arrays. */
function shapeStratum(
  label: string,
  g: CurveGroups,
  curve: ReturnType<typeof ajCurve>,
  causes: number[],
  times: number[] | null,
  extend: boolean,
  z: number,
): AjStratum {
  const { m, count } = g;
  const nt = g.time.length;
  // Rows to show: index into the full curve (-1 = before the first time: p = (1, 0, ...), se = 0),
  // plus at-risk and event counts for the shown rows.
  let shownTime: number[];
  let idx: Int32Array;
  let nRisk: number[];
  const evCount: Float64Array[] = []; // per status, per shown row
  if (times === null) {
    shownTime = Array.from(g.time);
    idx = new Int32Array(nt);
    for (let i = 0; i < nt; i++) idx[i] = i;
    nRisk = Array.from(curve.nRisk);
    for (let s = 0; s < m; s++) {
      const a = new Float64Array(nt);
      for (let i = 0; i < nt; i++) a[i] = count[i * m + s]!;
      evCount.push(a);
    }
  } else {
    const last = nt > 0 ? g.time[nt - 1]! : -Infinity;
    shownTime = extend ? times.slice() : times.filter((t) => t <= last);
    const k = shownTime.length;
    idx = new Int32Array(k);
    nRisk = new Array<number>(k);
    for (let s = 0; s < m; s++) evCount.push(new Float64Array(k));
    let j = -1; // last curve index with time <= the current requested time
    let prev = -1; // the same for the previous requested time: counts are summed over (prev, j]
    for (let r = 0; r < k; r++) {
      const tau = shownTime[r]!;
      while (j + 1 < nt && g.time[j + 1]! <= tau) j++;
      idx[r] = j;
      // at risk at tau: rows with time >= tau, i.e. from the first distinct time >= tau
      const first = j >= 0 && g.time[j] === tau ? j : j + 1;
      nRisk[r] = first < nt ? curve.nRisk[first]! : 0;
      for (let i = prev + 1; i <= j; i++) for (let s = 0; s < m; s++) evCount[s]![r]! += count[i * m + s]!;
      if (j > prev) prev = j;
    }
  }

  const k = idx.length;
  const stateArrays = (state: number) => {
    const p: number[] = [], e: number[] = [];
    const lo: Array<number | null> = [], hi: Array<number | null> = [];
    for (let r = 0; r < k; r++) {
      const at = idx[r]!;
      // before the first time: still in the initial state for sure
      const pr = at < 0 ? (state === 0 ? 1 : 0) : curve.pstate[at * m + state]!;
      const er = at < 0 ? 0 : curve.stdErr[at * m + state]!;
      p.push(pr);
      e.push(er);
      // survfit_confint, conf.type = "log", logse = FALSE: undefined (R: NA) where p = 0
      if (pr > 0) {
        const f = Math.exp((z * er) / pr);
        lo.push(pr / f);
        hi.push(Math.min(1, pr * f));
      } else {
        lo.push(null);
        hi.push(null);
      }
    }
    return { p, e, lo, hi };
  };
  const nEvent = new Array<number>(k).fill(0);
  for (let s = 1; s < m; s++) for (let r = 0; r < k; r++) nEvent[r]! += evCount[s]![r]!;
  const causeCurves: AjCauseCurve[] = causes.map((cause, c) => {
    const a = stateArrays(c + 1);
    return { cause, cumulativeIncidence: a.p, stdErr: a.e, lower: a.lo, upper: a.hi, nEvent: Array.from(evCount[c + 1]!) };
  });
  const s0 = stateArrays(0);
  return {
    label,
    n: g.rows,
    time: shownTime,
    nRisk,
    nEvent,
    nCensor: Array.from(evCount[0]!),
    causes: causeCurves,
    survival: { surv: s0.p, stdErr: s0.e, lower: s0.lo, upper: s0.hi },
  };
}
