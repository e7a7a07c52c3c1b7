// Test of the proportional-hazards assumption, as R survival (>= 3.0) cox.zph: for each covariate, a
// score test of adding the time-varying term x * g(t) to the fitted model, g a centered transform of
// time; and a global test of all such terms. The score vector has zeros for the fitted coefficients
// (taken as at the maximum) and sum_t g(t) U_t for the new terms; the information is the 2p x 2p matrix
// at the fitted coefficients (R's zph1 / zph2 C routines).
//
// Data: cox.zph needs the rows of the fit again. Rather than storing typed arrays on the (JSON-friendly)
// fit result, coxZph takes the same data a second time, re-reads the columns named in fit.settings and
// checks that the number of complete rows matches the fit.
import { fittedData } from './coxph.js';
import { estimateMessages as msg } from '../messages/index.js';
import type { EstimatorData } from './input.js';
import { buildRiskSets, coxScaling, readCoxRows, type CoxRows } from './coxData.js';
import { coxPass, coxWork, symmetrize, type CoxZphSums } from './coxFit.js';
import { chisqUpper, type CoxphResult } from './coxph.js';
import { symSolve } from './linalg.js';

export interface CoxZphOptions {
  /** Transform of time g(t): 'km' (1 - the pooled Kaplan-Meier just before t; R's default), 'rank' or 'identity'. */
  transform?: 'km' | 'rank' | 'identity';
}

export interface CoxZphRow {
  term: string;
  chisq: number;
  df: number;
  p: number | null;
}

export interface CoxZphResult {
  /** One row per estimated (non-aliased) covariate, in the fit's order. */
  table: CoxZphRow[];
  /** All terms together (R's GLOBAL row). */
  global: { chisq: number; df: number; p: number | null };
  settings: { transform: 'km' | 'rank' | 'identity' };
}

/** Count of values < v in an ascending array (lower bound). */
function countBelow(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Count of values <= v in an ascending array (upper bound). */
function countAtMost(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** g(t) at each of the given event times (untransformed, uncentered), as cox.zph. */
function timeTransform(cr: CoxRows, times: Float64Array, transform: 'km' | 'rank' | 'identity'): Float64Array {
  const out = new Float64Array(times.length);
  if (transform === 'identity') {
    out.set(times);
    return out;
  }
  const stops = cr.stop.slice().sort();
  if (transform === 'rank') {
    // R's rank(times) over all rows, ties averaged: (#below) + (#tied + 1) / 2.
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      const below = countBelow(stops, t);
      const tied = countAtMost(stops, t) - below;
      out[i] = below + (tied + 1) / 2;
    }
    return out;
  }
  // 'km': 1 - S(t-), S the Kaplan-Meier of all rows pooled (unweighted; (start, stop] risk sets with start).
  const starts = cr.start ? cr.start.slice().sort() : null;
  const evTimes: number[] = [];
  for (let i = 0; i < cr.n; i++) if (cr.event[i] === 1) evTimes.push(cr.stop[i]!);
  const ev = Float64Array.from(evTimes).sort();
  const n = cr.n;
  // Survival just before each distinct event time, in ascending order.
  const uniq: number[] = [];
  const sBefore: number[] = [];
  let surv = 1;
  for (let k = 0; k < ev.length; ) {
    const t = ev[k]!;
    let d = 0;
    while (k < ev.length && ev[k] === t) {
      d++;
      k++;
    }
    const atRisk = n - countBelow(stops, t) - (starts ? starts.length - countBelow(starts, t) : 0);
    uniq.push(t);
    sBefore.push(surv);
    surv *= 1 - d / atRisk;
  }
  const u = Float64Array.from(uniq);
  for (let i = 0; i < times.length; i++) out[i] = 1 - sBefore[countBelow(u, times[i]!)]!;
  return out;
}


export function coxZph(fit: CoxphResult, options?: CoxZphOptions): CoxZphResult;
export function coxZph(fit: CoxphResult, data: EstimatorData, options?: CoxZphOptions): CoxZphResult;
export function coxZph(fit: CoxphResult, dataOrOptions?: EstimatorData | CoxZphOptions, maybeOptions: CoxZphOptions = {}): CoxZphResult {
  // coxZph(fit, { transform }) reads the data the fit kept; coxZph(fit, data, options) takes it again
  // (e.g. for a fit restored from JSON).
  const isOptions =
    dataOrOptions === undefined ||
    (typeof dataOrOptions === 'object' && dataOrOptions !== null && !Array.isArray(dataOrOptions) && Object.keys(dataOrOptions).every((k) => k === 'transform'));
  const data = isOptions ? (fit as unknown as Record<symbol, EstimatorData | undefined>)[fittedData] : (dataOrOptions as EstimatorData);
  const options = isOptions ? ((dataOrOptions ?? {}) as CoxZphOptions) : maybeOptions;
  if (data === undefined) throw msg.coxZphNeedsData();
  const transform = options.transform ?? 'km';
  if (transform !== 'km' && transform !== 'rank' && transform !== 'identity') throw msg.coxZphBadTransform(transform);
  const st = fit.settings;
  const all = readCoxRows(data, {
    time: st.time,
    event: st.event,
    start: st.start,
    covariates: st.covariates,
    strata: st.strata,
    weights: st.weights,
    cluster: st.cluster,
  });
  if (all.n !== fit.n) throw msg.coxZphDataMismatch(fit.n, all.n);
  // Aliased covariates are left out, as cox.zph does.
  const keep = fit.coef.map((b, j) => (b === null ? -1 : j)).filter((j) => j >= 0);
  if (keep.length === 0) throw msg.coxZphNoCoefficients();
  const cr: CoxRows = { ...all, p: keep.length, cols: keep.map((j) => all.cols[j]!) };
  const p = cr.p;
  const sc = coxScaling(cr, keep.map((j) => fit.terms[j]!));
  const rs = buildRiskSets(cr, sc);
  const beta = Float64Array.from(keep, (j, k) => fit.coef[j]! / sc.scale[k]!);

  // g at each step's event time, centered on its mean over the events.
  const g = timeTransform(cr, rs.stepTime, transform);
  let gsum = 0;
  let nev = 0;
  for (let s = 0; s < rs.nSteps; s++) {
    gsum += rs.nDeath[s]! * g[s]!;
    nev += rs.nDeath[s]!;
  }
  const gmean = gsum / nev;
  for (let s = 0; s < rs.nSteps; s++) g[s] = g[s]! - gmean;

  const wk = coxWork(rs);
  const z: CoxZphSums = {
    g,
    u2: new Float64Array(p),
    i12: new Float64Array(p * p),
    i22: new Float64Array(p * p),
    tmpI: new Float64Array(p * p),
    tmpU: new Float64Array(p),
  };
  coxPass(rs, beta, fit.settings.ties === 'efron', wk, undefined, z);
  symmetrize(wk.imat, p);
  symmetrize(z.i22, p);

  // The full 2p x 2p information [[I, G], [G', H]].
  const q = 2 * p;
  const full = new Float64Array(q * q);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      full[i * q + j] = wk.imat[i * p + j]!;
      full[i * q + p + j] = z.i12[j * p + i]!;
      full[(p + i) * q + j] = z.i12[i * p + j]!;
      full[(p + i) * q + p + j] = z.i22[i * p + j]!;
    }
  }
  const test = (idx: number[], uvec: number[]): number => {
    const k = idx.length;
    const sub = new Float64Array(k * k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) sub[a * k + b] = full[idx[a]! * q + idx[b]!]!;
    const { solution, rank } = symSolve(sub, k, uvec);
    if (rank !== k) throw msg.coxZphSingular();
    let t = 0;
    for (let a = 0; a < k; a++) t += uvec[a]! * solution[a]!;
    return t;
  };
  const base = Array.from({ length: p }, (_, i) => i);
  const zeros = new Array<number>(p).fill(0);
  const table: CoxZphRow[] = keep.map((j, k) => {
    const chisq = test([...base, p + k], [...zeros, z.u2[k]!]);
    return { term: fit.terms[j]!, chisq, df: 1, p: chisqUpper(chisq, 1) };
  });
  const gchisq = test([...base, ...base.map((i) => p + i)], [...zeros, ...Array.from(z.u2)]);
  return { table, global: { chisq: gchisq, df: p, p: chisqUpper(gchisq, p) }, settings: { transform } };
}
