// Kaplan-Meier survival curves, as R survival 3.5.3's survfit(Surv(time, event) ~ strata) with
// summary(fit, censored = TRUE) / summary(fit, times = ) and print(fit, rmean = ) for the median
// and the restricted mean.
//
// Pipeline: read + validate rows (survivalTable) -> code distinct times (timefix ties) -> events and
// censorings per (stratum, time) -> per curve: KM, std.err, bounds -> median, RMST, times= read-out.
// One deliberate difference: where summary(fit, times = ) stops with "no points selected" because
// every requested time is past a curve's last time, that curve here has empty arrays.
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { estimateMessages as msg } from '../messages/index.js';
import type { EstimatorData } from './input.js';
import { codeTimes, nameList, orderByStratumTime, readSurvivalRows, useDenseTable, type FactorCodes, type TimeCodes } from './survivalTable.js';

export type KmConfType = 'log' | 'log-log' | 'plain';

export interface KaplanMeierOptions {
  /** Follow-up time column (finite, >= 0). */
  time: string;
  /** Event column: 1/true = event, 0/false = censored. */
  event: string;
  /** One curve per combination of these columns (R: `~ sex + ph.ecog`). */
  strata?: string | string[];
  /** Case-weight column (>= 0). Weighted counts are not rounded. */
  weights?: string;
  /** Confidence interval transform, as survfit's conf.type. Default 'log'. */
  confType?: KmConfType;
  /** Default 0.95. */
  confLevel?: number;
  /** Read the curves at these times (summary(fit, times = )) instead of at every distinct time. */
  times?: number[];
  /** With `times`: keep times after a curve's last time (R's extend = TRUE). Default false. */
  extend?: boolean;
  /** Upper limit of the restricted mean. Default: the largest time over all curves (R's rmean = "common"). */
  rmstTau?: number;
  /**
   * Robust (infinitesimal-jackknife) standard errors instead of Greenwood's. Default as survfit:
   * robust exactly when some weight is not a whole number.
   */
  robust?: boolean;
}

export interface KmMedian {
  /** Smallest time where S(t) < 0.5 (midpoint of the flat stretch when S is exactly 0.5 there); null if never. */
  estimate: number | null;
  /** Same rule applied to the lower and the upper confidence curve. */
  lower: number | null;
  upper: number | null;
}

export interface KmRmst {
  tau: number;
  /** Area under S(t) from 0 to tau. */
  estimate: number;
  /** As print.survfit's se(rmean): sum over event times of (area after t)^2 d / (n (n - d)). */
  stdErr: number;
}

export interface KmStratum {
  /** `sex=1`, `sex=1, ph.ecog=0`, or `all` without strata. */
  label: string;
  /** Number of rows (records) in the curve. */
  n: number;
  /** Total (weighted) number of events. */
  events: number;
  /** One element per distinct time (censor-only times included), or per requested time with `times`. */
  time: number[];
  nRisk: number[];
  nEvent: number[];
  nCensor: number[];
  surv: number[];
  /** Standard error of S(t) (not of the cumulative hazard); null where undefined (after S drops to 0). */
  stdErr: Array<number | null>;
  lower: Array<number | null>;
  upper: Array<number | null>;
  median: KmMedian;
  rmst: KmRmst;
}

export interface KaplanMeierSettings {
  time: string;
  event: string;
  strata: string[];
  weights: string | null;
  confType: KmConfType;
  confLevel: number;
  times: number[] | null;
  extend: boolean;
  rmstTau: number;
  robust: boolean;
}

export interface KaplanMeierResult {
  strata: KmStratum[];
  settings: KaplanMeierSettings;
  /** Rows dropped for a missing value in a used column. */
  nMissing: number;
}

/** One curve at every distinct time, before any `times` read-out. */
interface Curve {
  n: number;
  time: Float64Array;
  nRisk: Float64Array;
  nEvent: Float64Array;
  nCensor: Float64Array;
  surv: Float64Array;
  /** survfit's std.err: of log S when logse (Greenwood), of S itself when robust. */
  se: Float64Array;
  lower: Float64Array; // NaN = undefined
  upper: Float64Array;
}

const CONF_TYPES: readonly KmConfType[] = ['log', 'log-log', 'plain'];

export function kaplanMeier(data: EstimatorData, options: KaplanMeierOptions): KaplanMeierResult {
  const confType = options.confType ?? 'log';
  if (!CONF_TYPES.includes(confType)) throw msg.badConfType(confType);
  const confLevel = options.confLevel ?? 0.95;
  if (!(confLevel > 0 && confLevel < 1)) throw msg.badConfLevel(confLevel);
  if (options.rmstTau !== undefined && !(Number.isFinite(options.rmstTau) && options.rmstTau >= 0)) throw msg.badRmstTau(options.rmstTau);
  const strataNames = nameList(options.strata);
  const rows = readSurvivalRows(data, 'kaplanMeier', options, [strataNames]);
  const { time, event, weights } = rows;
  const strata = rows.factors[0]!;

  // survfitKM: robust variance by default exactly when a weight is not a whole number.
  const robust = options.robust ?? (weights?.some((w) => w !== Math.floor(w)) ?? false);
  const z = normalQuantile(1 - (1 - confLevel) / 2, 0, 1);

  const tc = codeTimes(time);
  const curves = tabulate(strata, tc, event, weights, robust).map((counts) => buildCurve(counts, robust, confType, z));
  // rmean = "common": the largest time of all curves.
  const tau = options.rmstTau ?? tc.values[tc.values.length - 1]!;
  const times = options.times ? options.times.filter((t) => Number.isFinite(t)).sort((a, b) => a - b) : null;
  const extend = options.extend ?? false;

  const out: KmStratum[] = curves.map((c, s) => {
    let events = 0;
    for (let i = 0; i < c.nEvent.length; i++) events += c.nEvent[i]!;
    const median: KmMedian = { estimate: minmin(c.surv, c.time), lower: minmin(c.lower, c.time), upper: minmin(c.upper, c.time) };
    const rmst = restrictedMean(c, tau);
    const shown = times ? readAtTimes(c, times, extend) : c;
    // summary.survfit reports the std.err of S: survfit's std.err is of log S unless robust.
    const m = shown.time.length;
    const seS = new Float64Array(m);
    for (let i = 0; i < m; i++) seS[i] = robust ? shown.se[i]! : shown.se[i]! * shown.surv[i]!;
    return {
      label: strata.labels[s]!,
      n: c.n,
      events,
      time: plain(shown.time),
      nRisk: plain(shown.nRisk),
      nEvent: plain(shown.nEvent),
      nCensor: plain(shown.nCensor),
      surv: plain(shown.surv),
      stdErr: nullable(seS),
      lower: nullable(shown.lower),
      upper: nullable(shown.upper),
      median,
      rmst,
    };
  });
  return {
    strata: out,
    settings: {
      time: options.time,
      event: options.event,
      strata: strataNames,
      weights: options.weights ?? null,
      confType,
      confLevel,
      times: times,
      extend,
      rmstTau: tau,
      robust,
    },
    nMissing: rows.nMissing,
  };
}

function plain(a: Float64Array): number[] {
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]!;
  return out;
}

/** NaN (R's NA/NaN) and infinities become null. */
function nullable(a: Float64Array): Array<number | null> {
  const out = new Array<number | null>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Number.isFinite(a[i]!) ? a[i]! : null;
  return out;
}

/** Per-stratum sums at each distinct time of the stratum. */
interface StratumCounts {
  n: number;
  time: Float64Array;
  wEvent: Float64Array;
  wCensor: Float64Array;
  /** Unweighted event rows (survfitkm.c tests both this and the weighted count). */
  nEventRows: Int32Array;
  /** Sums of squared weights, for the robust variance only. */
  w2Event: Float64Array | null;
  w2Censor: Float64Array | null;
}

/**
 * Events and censorings per (stratum, distinct time). With few cells (e.g. integer days x a few
 * groups) one pass fills a dense stratum x time table; otherwise rows are counting-sorted by
 * (stratum, time). Both add a cell's rows in input order, so the sums are the same.
 */
function tabulate(strata: FactorCodes, tc: TimeCodes, event: Uint8Array, weights: Float64Array | null, robust: boolean): StratumCounts[] {
  const S = strata.count, U = tc.values.length, n = event.length;
  const scode = strata.code, tcode = tc.code;
  const out: StratumCounts[] = [];
  const alloc = (m: number, rows: number): StratumCounts => ({
    n: rows,
    time: new Float64Array(m),
    wEvent: new Float64Array(m),
    wCensor: new Float64Array(m),
    nEventRows: new Int32Array(m),
    w2Event: robust ? new Float64Array(m) : null,
    w2Censor: robust ? new Float64Array(m) : null,
  });
  if (useDenseTable(S * U, n)) {
    const cells = S * U;
    const rowsAt = new Int32Array(cells), evRows = new Int32Array(cells);
    const wE = new Float64Array(cells), wC = new Float64Array(cells);
    const w2E = robust ? new Float64Array(cells) : null, w2C = robust ? new Float64Array(cells) : null;
    for (let i = 0; i < n; i++) {
      const cell = scode[i]! * U + tcode[i]!;
      const w = weights ? weights[i]! : 1;
      rowsAt[cell]!++;
      if (event[i] === 1) {
        evRows[cell]!++;
        wE[cell]! += w;
        if (w2E) w2E[cell]! += w * w;
      } else {
        wC[cell]! += w;
        if (w2C) w2C[cell]! += w * w;
      }
    }
    for (let s = 0; s < S; s++) {
      let m = 0, rows = 0;
      for (let t = 0, cell = s * U; t < U; t++, cell++) if (rowsAt[cell]! > 0) { m++; rows += rowsAt[cell]!; }
      const c = alloc(m, rows);
      for (let t = 0, cell = s * U, j = 0; t < U; t++, cell++) {
        if (rowsAt[cell] === 0) continue;
        c.time[j] = tc.values[t]!;
        c.wEvent[j] = wE[cell]!;
        c.wCensor[j] = wC[cell]!;
        c.nEventRows[j] = evRows[cell]!;
        if (robust) {
          c.w2Event![j] = w2E![cell]!;
          c.w2Censor![j] = w2C![cell]!;
        }
        j++;
      }
      out.push(c);
    }
    return out;
  }
  const { order, start } = orderByStratumTime(scode, S, tcode, U);
  for (let s = 0; s < S; s++) {
    const from = start[s]!, to = start[s + 1]!;
    let m = 0;
    for (let k = from, prev = -1; k < to; k++) {
      const t = tcode[order[k]!]!;
      if (t !== prev) { m++; prev = t; }
    }
    const c = alloc(m, to - from);
    for (let k = from, j = -1, prev = -1; k < to; k++) {
      const i = order[k]!;
      const t = tcode[i]!;
      if (t !== prev) { j++; prev = t; c.time[j] = tc.values[t]!; }
      const w = weights ? weights[i]! : 1;
      if (event[i] === 1) {
        c.wEvent[j]! += w;
        c.nEventRows[j]!++;
        if (robust) c.w2Event![j]! += w * w;
      } else {
        c.wCensor[j]! += w;
        if (robust) c.w2Censor![j]! += w * w;
      }
    }
    out.push(c);
  }
  return out;
}

/** The curve of one stratum from its counts: KM, its std.err and the confidence bounds. */
function buildCurve(counts: StratumCounts, robust: boolean, confType: KmConfType, z: number): Curve {
  const { time, wEvent, wCensor, nEventRows, w2Event, w2Censor } = counts;
  const m = time.length;
  // Number at risk: weight of rows with time >= t, summed from the last time back (as survfitkm.c).
  const nRisk = new Float64Array(m);
  for (let j = m - 1, acc = 0; j >= 0; j--) {
    acc += wEvent[j]! + wCensor[j]!;
    nRisk[j] = acc;
  }
  const surv = new Float64Array(m);
  const se = new Float64Array(m);
  let km = 1;
  if (!robust) {
    // Greenwood on (weighted) counts; se is that of log S. At S = 0 it is Inf, as in R.
    let v = 0;
    for (let j = 0; j < m; j++) {
      const n = nRisk[j]!, d = wEvent[j]!;
      if (nEventRows[j]! > 0 && d > 0) {
        km *= (n - d) / n;
        v += d / (n * (n - d));
      }
      surv[j] = km;
      se[j] = Math.sqrt(v);
    }
  } else {
    // Infinitesimal jackknife, one cluster per row (survfitkm.c's inf1 recursion in closed form):
    // a row's influence on S(t) is w S(t) [C(min(t, T)) - event 1{T <= t} / (n(T) - d(T))] with
    // C(t) = sum over event times <= t of d / (n (n - d)), so
    // Var S(t) = S(t)^2 [C(t)^2 * (sum of w^2 still at risk after t) + Q(t)], where Q sums the
    // frozen squared influences of rows that left by t.
    let c = 0, q = 0;
    const rest2 = new Float64Array(m); // sum of w^2 over rows with time > time[j]
    for (let j = m - 1, acc = 0; j >= 0; j--) {
      rest2[j] = acc;
      acc += w2Event![j]! + w2Censor![j]!;
    }
    for (let j = 0; j < m; j++) {
      const n = nRisk[j]!, d = wEvent[j]!;
      if (nEventRows[j]! > 0 && d > 0) {
        km *= (n - d) / n;
        c += d / (n * (n - d));
        if (km > 0) {
          const b = c - 1 / (n - d);
          q += w2Event![j]! * b * b + w2Censor![j]! * c * c;
        }
      } else if (km > 0) {
        q += (w2Event![j]! + w2Censor![j]!) * c * c;
      }
      surv[j] = km;
      // Once S reaches 0 every influence is 0 (R's recursion multiplies them by 1 - d/n = 0).
      se[j] = km > 0 ? km * Math.sqrt(c * c * rest2[j]! + q) : 0;
    }
  }
  const lower = new Float64Array(m);
  const upper = new Float64Array(m);
  for (let j = 0; j < m; j++) confBounds(surv[j]!, se[j]!, !robust, confType, z, lower, upper, j);
  return { n: counts.n, time, nRisk, nEvent: wEvent, nCensor: wCensor, surv, se, lower, upper };
}

/** survfit_confint with conf.lower = "usual", into lower[j] / upper[j]; NaN marks an undefined bound (R's NA). */
function confBounds(p: number, se: number, logse: boolean, type: KmConfType, z: number, lower: Float64Array, upper: Float64Array, j: number): void {
  const s = logse ? se : se === 0 ? 0 : se / p; // se of log S
  if (type === 'plain') {
    const se2 = s * p * z;
    lower[j] = Math.max(p - se2, 0);
    upper[j] = Math.min(p + se2, 1);
  } else if (type === 'log') {
    if (p === 0) {
      lower[j] = upper[j] = NaN;
      return;
    }
    const se2 = z * s;
    lower[j] = Math.exp(Math.log(p) - se2);
    upper[j] = Math.min(Math.exp(Math.log(p) + se2), 1);
  } else {
    if (p === 0 || p === 1) {
      lower[j] = upper[j] = NaN;
      return;
    }
    const se2 = (z * s) / Math.log(p);
    const ll = Math.log(-Math.log(p));
    lower[j] = Math.exp(-Math.exp(ll - se2));
    upper[j] = Math.exp(-Math.exp(ll + se2));
  }
}

/**
 * survmean's minmin: the first time where y < 0.5 (within sqrt(eps)); if y is 0.5 there and drops
 * later, the midpoint between that time and the time of the drop. NaN values are skipped.
 */
function minmin(y: Float64Array, x: Float64Array): number | null {
  const tol = Math.sqrt(Number.EPSILON);
  let first = -1;
  for (let i = 0; i < y.length; i++) {
    if (y[i]! < 0.5 + tol) { first = i; break; } // NaN compares false
  }
  if (first < 0) return null;
  const y1 = y[first]!;
  if (Math.abs(y1 - 0.5) < tol) {
    for (let j = first + 1; j < y.length; j++) if (y[j]! < y1) return (x[first]! + x[j]!) / 2;
  }
  return x[first]!;
}

/** survmean's restricted mean and its standard error, start time 0. */
function restrictedMean(c: Curve, tau: number): KmRmst {
  const m = c.time.length;
  let keep = 0;
  while (keep < m && c.time[keep]! <= tau) keep++;
  // Rectangles of the step function on [0, tau]; area[j] = integral of S from time[j] to tau.
  let mean = 0;
  let prevTime = 0, prevSurv = 1;
  const rect = new Float64Array(keep + 1);
  for (let j = 0; j < keep; j++) {
    rect[j] = (c.time[j]! - prevTime) * prevSurv;
    prevTime = c.time[j]!;
    prevSurv = c.surv[j]!;
  }
  rect[keep] = (tau - prevTime) * prevSurv;
  for (let j = 0; j <= keep; j++) mean += rect[j]!;
  let variance = 0;
  let after = 0;
  for (let j = keep - 1; j >= 0; j--) {
    after += rect[j + 1]!;
    const n = c.nRisk[j]!, d = c.nEvent[j]!;
    const hh = n - d === 0 ? 0 : d / (n * (n - d));
    variance += after * after * hh;
  }
  return { tau, estimate: mean, stdErr: Math.sqrt(variance) };
}

/**
 * summary.survfit(times = ): on survfit0's curve (a row at time 0 with S = 1 prepended unless the
 * curve starts at 0), S and its bounds at the last time <= t, the number at risk at the first time
 * >= t (0 past the end), events and censorings since the previous requested time.
 */
function readAtTimes(c: Curve, times: number[], extend: boolean): Curve {
  const m0 = c.time.length;
  const pad = c.time[0] !== 0 ? 1 : 0;
  const m = m0 + pad;
  const at = (a: Float64Array, j: number, first: number) => (pad ? (j === 0 ? first : a[j - 1]!) : a[j]!);
  const t0 = (j: number) => at(c.time, j, 0);
  const maxTime = t0(m - 1);
  const ptimes = extend ? times : times.filter((t) => t <= maxTime);
  const k = ptimes.length;
  const out: Curve = {
    n: c.n,
    time: Float64Array.from(ptimes),
    nRisk: new Float64Array(k),
    nEvent: new Float64Array(k),
    nCensor: new Float64Array(k),
    surv: new Float64Array(k),
    se: new Float64Array(k),
    lower: new Float64Array(k),
    upper: new Float64Array(k),
  };
  // Cumulative events and censorings over the first r rows of the padded curve.
  const cumE = new Float64Array(m + 1), cumC = new Float64Array(m + 1);
  for (let j = 0; j < m; j++) {
    cumE[j + 1] = cumE[j]! + at(c.nEvent, j, 0);
    cumC[j + 1] = cumC[j]! + at(c.nCensor, j, 0);
  }
  let prevE = 0, prevC = 0;
  // ptimes is sorted, so both counts only move forward.
  let idx1 = 0; // findInterval(t, time): number of times <= t
  let below = 0; // number of times < t
  for (let q = 0; q < k; q++) {
    const t = ptimes[q]!;
    while (idx1 < m && t0(idx1) <= t) idx1++;
    while (below < m && t0(below) < t) below++;
    const j = Math.max(1, idx1) - 1;
    out.surv[q] = at(c.surv, j, 1);
    out.se[q] = at(c.se, j, 0);
    out.lower[q] = at(c.lower, j, 1);
    out.upper[q] = at(c.upper, j, 1);
    out.nRisk[q] = below < m ? at(c.nRisk, below, c.nRisk[0]!) : 0;
    out.nEvent[q] = cumE[idx1]! - prevE;
    out.nCensor[q] = cumC[idx1]! - prevC;
    prevE = cumE[idx1]!;
    prevC = cumC[idx1]!;
  }
  return out;
}
