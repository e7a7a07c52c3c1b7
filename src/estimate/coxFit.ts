// Private core of coxph: one pass over the risk sets (log partial likelihood, score, information), the
// Newton-Raphson drivers of R survival's coxfit6 (right-censored) and agfit4 (counting process), and the
// score residuals behind the robust variance.
import type { CoxRiskSets } from './coxData.js';
import { coxKernel, type CoxKernel } from './coxKernel.js';
import { cholesky2, chinv2, chsolve2 } from './linalg.js';

/** Scratch and outputs of a pass: score u (p) and information imat (p x p, row-major, full). */
export interface CoxWork {
  u: Float64Array;
  imat: Float64Array;
  risk: Float64Array;
  a: Float64Array;
  a2: Float64Array;
  c: Float64Array;
  c2: Float64Array;
  acc: Float64Array;
  kernel: CoxKernel;
}

/** Scratch for the passes; `generic` forces the loop kernel (tests compare it with the generated one). */
export function coxWork(rs: CoxRiskSets, generic = false): CoxWork {
  const p = rs.p;
  return {
    u: new Float64Array(p),
    imat: new Float64Array(p * p),
    risk: new Float64Array(rs.m),
    a: new Float64Array(p),
    a2: new Float64Array(p),
    c: new Float64Array(p * p),
    c2: new Float64Array(p * p),
    acc: new Float64Array(4),
    kernel: coxKernel(p, generic),
  };
}

/**
 * Per event-time quantities for the score residuals (Efron: sums over the d "fractional" risk sets).
 * hz1 = sum of hazard jumps, hz2 = the same weighted by each tied death's share of the set (Efron's
 * (1 - downweight)), mh1/mh2 = the hazard-weighted means, mh3 = the mean of the d risk-set means.
 */
export interface CoxStepStats {
  hz1: Float64Array;
  hz2: Float64Array;
  mh1: Float64Array;
  mh2: Float64Array;
  mh3: Float64Array;
}

export function coxStepStats(rs: CoxRiskSets): CoxStepStats {
  const k = rs.nSteps;
  const p = rs.p;
  return {
    hz1: new Float64Array(k),
    hz2: new Float64Array(k),
    mh1: new Float64Array(k * p),
    mh2: new Float64Array(k * p),
    mh3: new Float64Array(k * p),
  };
}

/**
 * One pass at beta (scaled covariates): returns the log partial likelihood, fills work.u and work.imat
 * (only its lower triangle, j <= i at imat[i*p + j]; call symmetrize before use) and, if given, the
 * per-step statistics for residuals.
 *
 * Each step adds the rows joining the risk set (deaths apart: Efron needs their sums separately) and,
 * for counting-process data, first removes the rows whose start is >= the event time. Efron's d
 * fractional risk sets D_k = D0 + (k/d) D2, k = 1..d, are summed in closed form: with
 * S1 = sum 1/D_k, Sf1 = sum f/D_k, S2 = sum 1/D_k^2, Sf2 = sum f/D_k^2, Sff2 = sum f^2/D_k^2 (f = k/d),
 *   score  -= wbar (A0 S1 + A2 Sf1)
 *   info   += wbar (C0 S1 + C2 Sf1 - A0 A0' S2 - (A0 A2' + A2 A0') Sf2 - A2 A2' Sff2)
 * which is R's sequential loop over the d terms, in O(p^2) per event time whatever d is.
 */
export function coxPass(rs: CoxRiskSets, beta: Float64Array, efron: boolean, wk: CoxWork, stats?: CoxStepStats, zph?: CoxZphSums): number {
  const { p, x, w, ev, nSteps, addEnd, nDeath, newStratum, remStart, remList } = rs;
  if (p === 0) return 0;
  const { u, risk, a, a2, c, c2, acc } = wk;
  const kern = wk.kernel;
  u.fill(0);
  wk.imat.fill(0);
  // With zph, each step's score and information go to scratch first, then into all blocks.
  const imat = zph ? zph.tmpI : wk.imat;
  const ustep = zph ? zph.tmpU : u;
  if (zph) {
    zph.u2.fill(0);
    zph.i12.fill(0);
    zph.i22.fill(0);
  }
  let loglik = 0;
  let denom = 0;
  let nrisk = 0;
  let r = 0;
  for (let s = 0; s < nSteps; s++) {
    if (newStratum[s] === 1) {
      denom = 0;
      nrisk = 0;
      a.fill(0);
      c.fill(0);
    }
    if (remStart !== null) {
      const q0 = remStart[s]!;
      const q1 = remStart[s + 1]!;
      if (q1 > q0) {
        if (nrisk === q1 - q0) {
          // Everyone leaves: restart from exact zeros rather than accumulated round-off (as agfit4).
          denom = 0;
          a.fill(0);
          c.fill(0);
        } else denom -= kern.remove(x, risk, remList!, q0, q1, a, c);
        nrisk -= q1 - q0;
      }
    }
    const d = nDeath[s]!;
    const split = efron && d > 1; // deaths' sums kept apart only for Efron with tied deaths
    if (split) {
      a2.fill(0);
      c2.fill(0);
    }
    if (zph) {
      imat.fill(0);
      ustep.fill(0);
    }
    const r1 = addEnd[s]!;
    acc[0] = denom;
    acc[1] = 0;
    acc[2] = 0;
    acc[3] = loglik;
    kern.add(x, w, ev, beta, risk, r, r1, split, a, a2, c, c2, ustep, acc);
    nrisk += r1 - r;
    r = r1;
    denom = acc[0]!;
    const denom2 = acc[1]!;
    const deadwt = acc[2]!;
    loglik = acc[3]!;
    if (!split) {
      // Breslow (or a single death): one risk set with the deaths in.
      const hz = deadwt / denom;
      loglik -= deadwt * Math.log(denom);
      const inv = 1 / denom;
      for (let j = 0; j < p; j++) {
        const mj = a[j]! * inv;
        ustep[j] -= deadwt * mj;
        const jo = j * p;
        for (let k = 0; k <= j; k++) imat[jo + k] += hz * (c[jo + k]! - mj * a[k]!);
      }
      if (stats) {
        stats.hz1[s] = hz;
        stats.hz2[s] = hz;
        const so = s * p;
        for (let j = 0; j < p; j++) {
          const mj = a[j]! * inv;
          stats.mh1[so + j] = mj * hz;
          stats.mh2[so + j] = mj * hz;
          stats.mh3[so + j] = mj;
        }
      }
    } else {
      const wbar = deadwt / d;
      let s1 = 0;
      let sf1 = 0;
      let s2 = 0;
      let sf2 = 0;
      let sff2 = 0;
      for (let kk = 1; kk <= d; kk++) {
        const f = kk / d;
        const dk = denom + f * denom2;
        loglik -= wbar * Math.log(dk);
        const i1 = 1 / dk;
        const i2 = i1 * i1;
        s1 += i1;
        sf1 += f * i1;
        s2 += i2;
        sf2 += f * i2;
        sff2 += f * f * i2;
      }
      for (let j = 0; j < p; j++) {
        const a0j = a[j]!;
        const a2j = a2[j]!;
        ustep[j] -= wbar * (a0j * s1 + a2j * sf1);
        const jo = j * p;
        for (let k = 0; k <= j; k++) {
          const a0k = a[k]!;
          const a2k = a2[k]!;
          imat[jo + k] +=
            wbar * (c[jo + k]! * s1 + c2[jo + k]! * sf1 - a0j * a0k * s2 - (a0j * a2k + a2j * a0k) * sf2 - a2j * a2k * sff2);
        }
      }
      if (stats) {
        stats.hz1[s] = wbar * s1;
        stats.hz2[s] = wbar * sf1;
        const so = s * p;
        for (let j = 0; j < p; j++) {
          const a0j = a[j]!;
          const a2j = a2[j]!;
          stats.mh1[so + j] = wbar * (a0j * s2 + a2j * sf2);
          stats.mh2[so + j] = wbar * (a0j * sf2 + a2j * sff2);
          stats.mh3[so + j] = (a0j * s1 + a2j * sf1) / d;
        }
      }
      // The deaths stay in the risk set for earlier times.
      denom += denom2;
      for (let j = 0; j < p; j++) {
        a[j] += a2[j]!;
        const jo = j * p;
        for (let k = 0; k <= j; k++) c[jo + k] += c2[jo + k]!;
      }
    }
    if (zph) {
      const g = zph.g[s]!;
      const wi = wk.imat;
      for (let j = 0; j < p; j++) {
        u[j] += ustep[j]!;
        zph.u2[j] += g * ustep[j]!;
        const jo = j * p;
        for (let k = 0; k <= j; k++) {
          const t = imat[jo + k]!;
          wi[jo + k] += t;
          zph.i22[jo + k] += g * g * t;
        }
        // i12[j][k] = sum g * I_jk over the full square (I_step is symmetric, stored lower).
        for (let k = 0; k < p; k++) zph.i12[jo + k] += g * (k <= j ? imat[jo + k]! : imat[k * p + j]!);
      }
    }
  }
  return loglik;
}

/** Extra outputs of a pass for the cox.zph score test, with the time function g per step. */
export interface CoxZphSums {
  g: Float64Array;
  /** sum_t g(t) U_t */
  u2: Float64Array;
  /** sum_t g(t) I_t (full p x p) */
  i12: Float64Array;
  /** sum_t g(t)^2 I_t (lower triangle) */
  i22: Float64Array;
  tmpI: Float64Array;
  tmpU: Float64Array;
}

/** Copy the lower triangle of a p x p row-major matrix onto its upper triangle. */
export function symmetrize(m: Float64Array, p: number): void {
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) m[j * p + i] = m[i * p + j]!;
}

export interface NewtonOptions {
  efron: boolean;
  maxIter: number;
  eps: number;
  tolerChol: number;
  /** 'right': R's coxfit6 rules; 'counting': agfit4's. */
  mode: 'right' | 'counting';
}

export interface NewtonResult {
  /** Scaled-space estimates. */
  beta: Float64Array;
  loglik0: number;
  loglik: number;
  /** Score at the returned beta (scaled space). */
  u: Float64Array;
  /** Generalized inverse of the information at the returned beta (scaled space, full symmetric). */
  variance: Float64Array;
  /** Score test at beta = 0. */
  scoreTest: number;
  iterations: number;
  converged: boolean;
  /** The initial log-likelihood was not finite (fit stopped at the start). */
  badStart: boolean;
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) return false;
  return true;
}

/** Score test at the pass just made: u' I^- u, leaving imat factored. Returns [test, rank]. */
function scoreAt(wk: CoxWork, p: number, tol: number): [number, number, Float64Array] {
  symmetrize(wk.imat, p);
  const rank = cholesky2(wk.imat, p, tol);
  const a = wk.u.slice();
  chsolve2(wk.imat, p, a);
  let t = 0;
  for (let i = 0; i < p; i++) t += wk.u[i]! * a[i]!;
  return [t, rank, a];
}

/**
 * Newton-Raphson from beta = 0 with R's convergence rule |1 - loglik_best / loglik_new| <= eps and
 * step-halving when the log-likelihood decreases (or is not finite). The two R drivers differ in small
 * ways kept here: coxfit6 may stop right after a halving step; agfit4 needs a full step and treats a
 * change of rank as a failure.
 */
export function coxNewton(rs: CoxRiskSets, wk: CoxWork, o: NewtonOptions): NewtonResult {
  const p = rs.p;
  const { maxIter, eps, tolerChol, efron } = o;
  let beta = new Float64Array(p);
  const ll0 = coxPass(rs, beta, efron, wk);
  const [scoreTest, rank0, step0] = scoreAt(wk, p, tolerChol);
  const finish = (b: Float64Array, ll: number, iterations: number, converged: boolean, badStart = false): NewtonResult => {
    // wk.imat holds the factored information at b.
    chinv2(wk.imat, p);
    return { beta: b, loglik0: ll0, loglik: ll, u: wk.u.slice(), variance: wk.imat.slice(), scoreTest, iterations, converged, badStart };
  };
  if (maxIter === 0) return finish(beta, ll0, 0, false);
  if (!Number.isFinite(ll0)) return finish(beta, ll0, 0, false, true);

  if (o.mode === 'right') {
    // R's coxfit6.
    let best = ll0;
    let newbeta = new Float64Array(p);
    for (let i = 0; i < p; i++) newbeta[i] = beta[i]! + step0[i]!;
    let halving = 0;
    for (let iter = 1; iter <= maxIter; iter++) {
      const newlk = coxPass(rs, newbeta, efron, wk);
      symmetrize(wk.imat, p);
      cholesky2(wk.imat, p, tolerChol);
      const notFinite = !allFinite(wk.u) || !allFinite(wk.imat) || !Number.isFinite(newlk);
      if (!notFinite && Math.abs(1 - best / newlk) <= eps) return finish(newbeta, newlk, iter, true);
      if (notFinite || newlk < best) {
        halving++;
        for (let i = 0; i < p; i++) newbeta[i] = (newbeta[i]! + halving * beta[i]!) / (halving + 1);
      } else {
        halving = 0;
        best = newlk;
        const step = wk.u.slice();
        chsolve2(wk.imat, p, step);
        beta = newbeta.slice();
        for (let i = 0; i < p; i++) newbeta[i] = newbeta[i]! + step[i]!;
      }
    }
    // Out of iterations: report the last improving point, with its own score and information.
    // (R 3.5.3 recomputes the information there but inverts it without factoring it first; see coxph.ts.)
    const ll = coxPass(rs, beta, efron, wk);
    symmetrize(wk.imat, p);
    cholesky2(wk.imat, p, tolerChol);
    return finish(beta, ll, maxIter, false);
  }

  // R's agfit4.
  let ll1 = ll0;
  let oldbeta = beta.slice();
  for (let i = 0; i < p; i++) beta[i] = beta[i]! + step0[i]!;
  let halving = 0;
  let newlk = ll0;
  for (let iter = 1; iter <= maxIter; iter++) {
    newlk = coxPass(rs, beta, efron, wk);
    let fail = 0;
    for (let i = 0; i < p; i++) if (!Number.isFinite(wk.imat[i * p + i]!)) fail++;
    symmetrize(wk.imat, p);
    const rank2 = cholesky2(wk.imat, p, tolerChol);
    fail += (Number.isFinite(newlk) ? 0 : 1) + Math.abs(rank0 - rank2);
    if (fail === 0 && halving === 0 && Math.abs(1 - ll1 / newlk) <= eps) return finish(beta, newlk, iter, true);
    if (iter === maxIter) {
      if (maxIter > 1 && (newlk - ll1) / Math.abs(ll1) < -eps) {
        // The last try was worse than an earlier point: go back to it.
        beta = oldbeta;
        newlk = coxPass(rs, beta, efron, wk);
        symmetrize(wk.imat, p);
        cholesky2(wk.imat, p, tolerChol);
      }
      return finish(beta, newlk, maxIter, false);
    }
    if (fail > 0 || newlk < ll1) {
      halving++;
      for (let i = 0; i < p; i++) beta[i] = (oldbeta[i]! * halving + beta[i]!) / (halving + 1);
    } else {
      halving = 0;
      ll1 = newlk;
      const step = wk.u.slice();
      chsolve2(wk.imat, p, step);
      oldbeta = beta.slice();
      for (let i = 0; i < p; i++) beta[i] = beta[i]! + step[i]!;
    }
  }
  return finish(beta, newlk, maxIter, false); // not reached: the loop returns at iter === maxIter
}

/**
 * Score residuals (R's coxscore2 / agscore2, unweighted) of every active row at beta, in scaled space,
 * handed row by row to `sink(activeRow, residual)` to avoid an m x p matrix:
 *   L_i = ev_i (x_i - mh3(t_i)) - e_i sum_{steps at risk} (x_i hz1 - mh1)
 *         + ev_i e_i (x_i (hz1 - hz2) - (mh1 - mh2)) at its own event time (Efron's share),
 * with the sums over the at-risk steps taken from cumulative sums.
 */
export function coxScoreResiduals(
  rs: CoxRiskSets,
  beta: Float64Array,
  efron: boolean,
  wk: CoxWork,
  sink: (row: number, resid: Float64Array) => void,
): void {
  const { p, m, x, ev, nSteps, addStep, endStep } = rs;
  const st = coxStepStats(rs);
  coxPass(rs, beta, efron, wk, st);
  // Cumulative sums over steps: cum[s] = sum over steps < s.
  const cumH = new Float64Array(nSteps + 1);
  const cumM = new Float64Array((nSteps + 1) * p);
  for (let s = 0; s < nSteps; s++) {
    cumH[s + 1] = cumH[s]! + st.hz1[s]!;
    for (let j = 0; j < p; j++) cumM[(s + 1) * p + j] = cumM[s * p + j]! + st.mh1[s * p + j]!;
  }
  const res = new Float64Array(p);
  for (let r = 0; r < m; r++) {
    const o = r * p;
    let eta = 0;
    for (let j = 0; j < p; j++) eta += beta[j]! * x[o + j]!;
    const e = Math.exp(eta);
    const s0 = addStep[r]!;
    const s1 = endStep[r]!;
    const dH = cumH[s1]! - cumH[s0]!;
    for (let j = 0; j < p; j++) res[j] = -e * (x[o + j]! * dH - (cumM[s1 * p + j]! - cumM[s0 * p + j]!));
    if (ev[r] === 1) {
      const so = s0 * p;
      const dh = st.hz1[s0]! - st.hz2[s0]!;
      for (let j = 0; j < p; j++) {
        res[j] += x[o + j]! - st.mh3[so + j]! + e * (x[o + j]! * dh - (st.mh1[so + j]! - st.mh2[so + j]!));
      }
    }
    sink(r, res);
  }
}
