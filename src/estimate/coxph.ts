// Cox proportional hazards regression, as R survival 3.5.3's coxph (ties 'efron' or 'breslow').
//
// Right-censored data follow coxph.fit / coxfit6 and counting-process (start, stop] data follow
// agreg.fit / agfit4: the same Newton-Raphson with step-halving, convergence rule
// |1 - loglik_old / loglik_new| <= eps, Cholesky tolerance for aliased covariates, score test at beta = 0,
// the same warnings for non-convergence and infinite coefficients, and the robust (sandwich) variance
// from dfbeta residuals collapsed by cluster, with R's robust score test (fit$rscore).
//
// Deviations from R, all documented on the fields below:
// - When the iterations run out on right-censored data, R 3.5.3 returns a variance computed by inverting
//   an unfactored information matrix (its off-diagonal terms come out 0). We return the inverse of the
//   information at the returned coefficients, and R's `iter` (maxIter + 1 there) is reported as maxIter.
// - R's `timefix` (aeqSurv: merging times that differ by floating-point noise) is not applied: times are
//   tied only when exactly equal.
// - agfit4's re-centering of the linear predictor for |eta| > 200 is not done (coxfit6 does not either).
import chisqCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { estimateMessages as msg } from '../messages/index.js';
import type { EstimatorData } from './input.js';
import { buildRiskSets, coxScaling, readCoxRows, type CoxColumns } from './coxData.js';
import { coxNewton, coxScoreResiduals, coxWork } from './coxFit.js';
import { quadraticForm, TOLER_CHOL } from './linalg.js';

export interface CoxphOptions {
  /** Follow-up time; the stop time of each (start, stop] interval when `start` is given. */
  time: string;
  /** 1 (or true) = event at `time`, 0 (or false) = censored. */
  event: string;
  /** Start of each interval for counting-process data (time-varying covariates, delayed entry). */
  start?: string;
  /** Numeric covariate columns (code factors as 0/1 dummies beforehand). */
  covariates: string[];
  /** Handling of tied event times; default 'efron' (R's default). */
  ties?: 'efron' | 'breslow';
  /** Stratification column(s): a separate baseline hazard per combination, as R's strata(). */
  strata?: string | string[];
  /** Case weights (> 0). Non-integer weights switch on the robust variance unless robust = false, as in R. */
  weights?: string;
  /** Cluster (e.g. subject id): robust variance from dfbeta residuals summed within cluster. Implies robust. */
  cluster?: string;
  /** Robust sandwich variance (R's robust = TRUE). Default: true with cluster or non-integer weights. */
  robust?: boolean;
  /** Level of the hazard-ratio confidence intervals, default 0.95. */
  confLevel?: number;
  /** Newton-Raphson iterations (R's iter.max), default 20. 0 evaluates the model at beta = 0. */
  maxIter?: number;
  /** Convergence tolerance on the relative change of the log partial likelihood (R's eps), default 1e-9. */
  eps?: number;
}

export interface CoxphSettings {
  time: string;
  event: string;
  start: string | null;
  covariates: string[];
  ties: 'efron' | 'breslow';
  strata: string[];
  weights: string | null;
  cluster: string | null;
  /** The robust flag actually used (after R's defaults). */
  robust: boolean;
  confLevel: number;
  maxIter: number;
  eps: number;
}

export interface CoxTest {
  statistic: number;
  df: number;
  /**
   * Upper chi-square tail; null when df = 0. Exact in the far tail for df = 1 (via the normal); for
   * df > 1 it is 1 - cdf, so p-values below ~1e-10 lose relative precision and those below ~1e-16 are 0
   * (R's pchisq(lower.tail = FALSE) keeps them).
   */
  p: number | null;
}

export interface CoxphResult {
  /** The covariate names, in the order of `covariates`; every array below follows this order. */
  terms: string[];
  /** Log hazard ratios; null for an aliased (collinear or constant) covariate, as R's NA. */
  coef: Array<number | null>;
  /** Model-based standard errors, sqrt(diag(variance)). */
  se: Array<number | null>;
  /** Robust standard errors (null when robust is off). */
  robustSe: Array<number | null> | null;
  /** exp(coef) */
  hr: Array<number | null>;
  /**
   * Confidence limits of hr, exp(coef -/+ z se); with robust, z, p and the limits use the robust se (as
   * R's summary). Any per-coefficient value that overflows (R's Inf, e.g. the upper limit of an infinite
   * coefficient) is null.
   */
  lower: Array<number | null>;
  upper: Array<number | null>;
  z: Array<number | null>;
  p: Array<number | null>;
  /** Log partial likelihood at beta = 0 and at the estimate. */
  loglik: [number, number];
  /** Complete rows used (R's n; rows, not subjects, with counting-process data). */
  n: number;
  /** Number of events (unweighted). */
  nEvent: number;
  /** Newton-Raphson iterations. */
  iterations: number;
  converged: boolean;
  tests: {
    /** 2 (loglik[1] - loglik[0]) */
    likelihoodRatio: CoxTest;
    /** b' V^-1 b, with the robust variance when robust (as R). */
    wald: CoxTest;
    /** Score test at beta = 0. */
    score: CoxTest;
    /** Robust score test at beta = 0 (R's fit$rscore), when robust; otherwise null. */
    robustScore: CoxTest | null;
  };
  /** Model-based variance (inverse information), R's naive.var when robust; null rows/columns for aliased covariates. */
  variance: Array<Array<number | null>>;
  /** Robust sandwich variance (R's fit$var when robust), or null. */
  robustVariance: Array<Array<number | null>> | null;
  /**
   * R's fit$means: the values the covariates were centered on. As coxph (nocenter = c(-1, 0, 1)), 0 for a
   * covariate whose values are all -1, 0 or 1; otherwise the weighted mean (right-censored data) or the
   * unweighted mean (counting-process data, as agreg.fit).
   */
  means: number[];
  /** Non-convergence, infinite or aliased coefficients, ignored cluster. Empty when all is well. */
  warnings: string[];
  settings: CoxphSettings;
  /** Rows dropped for a missing value in any used column. */
  nMissing: number;
}

/** Upper tail of the chi-square distribution (see CoxTest.p). */
export function chisqUpper(x: number, df: number): number | null {
  if (df <= 0 || Number.isNaN(x)) return null;
  if (x === Infinity) return 0;
  if (x <= 0) return 1;
  if (df === 1) return 2 * normalCdf(-Math.sqrt(x), 0, 1);
  return 1 - chisqCdf(x, df);
}

export function normalizeCoxOptions(options: CoxphOptions): { cols: CoxColumns; ties: 'efron' | 'breslow'; confLevel: number; maxIter: number; eps: number } {
  const ties = options.ties ?? 'efron';
  if (ties !== 'efron' && ties !== 'breslow') throw msg.coxBadTies(ties);
  if (!Array.isArray(options.covariates) || options.covariates.length === 0) throw msg.coxNoCovariates();
  const confLevel = options.confLevel ?? 0.95;
  if (!(typeof confLevel === 'number' && confLevel > 0 && confLevel < 1)) throw msg.badConfLevel(confLevel);
  const maxIter = options.maxIter ?? 20;
  if (!(Number.isInteger(maxIter) && maxIter >= 0)) throw msg.coxBadOption('maxIter', maxIter, 'a whole number >= 0');
  const eps = options.eps ?? 1e-9;
  if (!(typeof eps === 'number' && eps > 0 && eps < 1)) throw msg.coxBadOption('eps', eps, 'a number in (0, 1)');
  const strata = options.strata === undefined ? [] : Array.isArray(options.strata) ? [...options.strata] : [options.strata];
  return {
    cols: {
      time: options.time,
      event: options.event,
      start: options.start ?? null,
      covariates: [...options.covariates],
      strata,
      weights: options.weights ?? null,
      cluster: options.cluster ?? null,
    },
    ties,
    confLevel,
    maxIter,
    eps,
  };
}

/** Results hold no NaN or Infinity: an overflowed value (e.g. exp of a huge coefficient) is null. */
function fin(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function matrixOut(v: Float64Array, p: number, alias: boolean[]): Array<Array<number | null>> {
  const out: Array<Array<number | null>> = [];
  for (let i = 0; i < p; i++) {
    const row: Array<number | null> = [];
    for (let j = 0; j < p; j++) row.push(alias[i] || alias[j] ? null : fin(v[i * p + j]!));
    out.push(row);
  }
  return out;
}

export function coxph(data: EstimatorData, options: CoxphOptions): CoxphResult {
  const { cols, ties, confLevel, maxIter, eps } = normalizeCoxOptions(options);
  const warnings: string[] = [];
  const cr = readCoxRows(data, cols);
  const p = cr.p;
  const efron = ties === 'efron';

  let robust = options.robust;
  if (robust === undefined) {
    let nonInteger = false;
    if (cr.weight) for (let i = 0; i < cr.n && !nonInteger; i++) nonInteger = cr.weight[i] !== Math.floor(cr.weight[i]!);
    robust = cols.cluster !== null || nonInteger;
  }
  // R: robust = TRUE on counting-process data needs a cluster (rows of one subject are not independent).
  if (options.robust === true && cr.start && !cr.cluster) throw msg.coxRobustNeedsCluster();
  let cluster = cr.cluster;
  let nCluster = cr.nCluster;
  if (!robust && cluster) {
    warnings.push(msg.coxWarnClusterIgnored());
    cluster = null;
    nCluster = 0;
  }

  const sc = coxScaling(cr, cols.covariates);
  const rs = buildRiskSets(cr, sc);
  const wk = coxWork(rs);
  const fit = coxNewton(rs, wk, { efron, maxIter, eps, tolerChol: TOLER_CHOL, mode: cr.start ? 'counting' : 'right' });

  // Back to the original scale: beta = beta~ s, u = u~ / s, V = V~ s s'.
  const s = sc.scale;
  const beta = new Float64Array(p);
  const u = new Float64Array(p);
  const V = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    beta[i] = fit.beta[i]! * s[i]!;
    u[i] = fit.u[i]! / s[i]!;
    for (let j = 0; j < p; j++) V[i * p + j] = fit.variance[i * p + j]! * s[i]! * s[j]!;
  }
  const alias = Array.from({ length: p }, (_, i) => V[i * p + i] === 0);
  const means = Array.from(cr.start ? sc.plainMean : sc.center, (v, j) => (sc.zeroOne[j] ? 0 : v));
  const terms = [...cols.covariates];

  // Warnings, with R's rules (coxph.fit for right-censored data, agreg.fit for counting process).
  if (fit.badStart) warnings.push(msg.coxWarnUnstableLoglik());
  if (maxIter >= 1 && !fit.converged && !fit.badStart) warnings.push(msg.coxWarnNotConverged(maxIter));
  if (maxIter > 1 && !fit.badStart) {
    const infs = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      let t = 0;
      for (let k = 0; k < p; k++) t += u[k]! * V[k * p + j]!;
      infs[j] = Math.abs(t);
    }
    if (!fit.converged) {
      let maxLp = -Infinity;
      let off = 0;
      for (let j = 0; j < p; j++) off += beta[j]! * means[j]!;
      for (let i = 0; i < cr.n; i++) {
        let lp = -off;
        for (let j = 0; j < p; j++) lp += beta[j]! * cr.cols[j]![cr.rows[i]!]!;
        if (lp > maxLp) maxLp = lp;
      }
      if (maxLp > 500 || !Array.from(infs).every(Number.isFinite)) warnings.push(msg.coxWarnMaybeInfinite());
    } else {
      const tolerInf = Math.sqrt(eps);
      const bad = terms.filter((_, j) => {
        const inf = infs[j]!;
        if (!Number.isFinite(u[j]!)) return true;
        return cr.start ? inf > tolerInf * (1 + Math.abs(beta[j]!)) : inf > eps && inf > tolerInf * Math.abs(beta[j]!);
      });
      if (bad.length) warnings.push(msg.coxWarnInfinite(bad));
    }
  }
  if (alias.some(Boolean)) warnings.push(msg.coxWarnAliased(terms.filter((_, j) => alias[j])));

  // Robust variance: dfbeta = w * (score residual) V, summed within clusters; and the robust score test.
  let Vr: Float64Array | null = null;
  let robustScore: CoxTest | null = null;
  const df = alias.filter((a) => !a).length;
  if (robust && df > 0) {
    const collapse = (b: Float64Array, transform: (res: Float64Array, out: Float64Array) => void): { sum: Float64Array; cross: Float64Array } => {
      const cross = new Float64Array(p * p);
      const sum = new Float64Array(p);
      const d = new Float64Array(p);
      const byCluster = cluster ? new Float64Array(nCluster * p) : null;
      coxScoreResiduals(rs, b, efron, wk, (r, res) => {
        const i = rs.src[r]!;
        const wr = rs.w[r]!;
        for (let j = 0; j < p; j++) res[j] = (wr * res[j]!) / s[j]!;
        transform(res, d);
        if (byCluster) {
          const o = cluster![i]! * p;
          for (let j = 0; j < p; j++) byCluster[o + j] += d[j]!;
        } else {
          for (let j = 0; j < p; j++) {
            sum[j] += d[j]!;
            for (let k = 0; k <= j; k++) cross[j * p + k] += d[j]! * d[k]!;
          }
        }
      });
      if (byCluster) {
        for (let g = 0; g < nCluster; g++) {
          const o = g * p;
          for (let j = 0; j < p; j++) {
            sum[j] += byCluster[o + j]!;
            for (let k = 0; k <= j; k++) cross[j * p + k] += byCluster[o + j]! * byCluster[o + k]!;
          }
        }
      }
      for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) cross[k * p + j] = cross[j * p + k]!;
      return { sum, cross };
    };
    Vr = collapse(fit.beta, (res, out) => {
      for (let k = 0; k < p; k++) {
        let t = 0;
        for (let j = 0; j < p; j++) t += res[j]! * V[j * p + k]!;
        out[k] = t;
      }
    }).cross;
    const at0 = collapse(new Float64Array(p), (res, out) => out.set(res));
    const q = quadraticForm(at0.cross, p, at0.sum, TOLER_CHOL);
    robustScore = { statistic: q.statistic, df, p: chisqUpper(q.statistic, df) };
  }

  // Per-coefficient summaries (robust se when robust, as R's summary.coxph).
  const zq = normalQuantile((1 + confLevel) / 2, 0, 1);
  const coef: Array<number | null> = [];
  const se: Array<number | null> = [];
  const robustSe: Array<number | null> | null = Vr ? [] : null;
  const hr: Array<number | null> = [];
  const lower: Array<number | null> = [];
  const upper: Array<number | null> = [];
  const z: Array<number | null> = [];
  const pv: Array<number | null> = [];
  for (let j = 0; j < p; j++) {
    if (alias[j]) {
      coef.push(null);
      se.push(null);
      robustSe?.push(null);
      hr.push(null);
      lower.push(null);
      upper.push(null);
      z.push(null);
      pv.push(null);
      continue;
    }
    const b = beta[j]!;
    const sj = Math.sqrt(V[j * p + j]!);
    const rj = Vr ? Math.sqrt(Vr[j * p + j]!) : sj;
    coef.push(fin(b));
    se.push(fin(sj));
    robustSe?.push(fin(rj));
    hr.push(fin(Math.exp(b)));
    lower.push(fin(Math.exp(b - zq * rj)));
    upper.push(fin(Math.exp(b + zq * rj)));
    const zj = b / rj;
    z.push(fin(zj));
    pv.push(Number.isFinite(zj) ? 2 * normalCdf(-Math.abs(zj), 0, 1) : null);
  }

  // Tests on the non-aliased coefficients.
  const keep = terms.map((_, j) => j).filter((j) => !alias[j]);
  const vUse = Vr ?? V;
  const vSub = new Float64Array(df * df);
  const bSub = new Float64Array(df);
  keep.forEach((j, a) => {
    bSub[a] = beta[j]!;
    keep.forEach((k, b) => (vSub[a * df + b] = vUse[j * p + k]!));
  });
  const wald = df > 0 ? quadraticForm(vSub, df, bSub, TOLER_CHOL).statistic : 0;
  const lr = 2 * (fit.loglik - fit.loglik0);
  let nEvent = 0;
  for (let i = 0; i < cr.n; i++) nEvent += cr.event[i]!;

  const result: CoxphResult = {
    terms,
    coef,
    se,
    robustSe,
    hr,
    lower,
    upper,
    z,
    p: pv,
    loglik: [fit.loglik0, fit.loglik],
    n: cr.n,
    nEvent,
    iterations: fit.iterations,
    converged: fit.converged,
    tests: {
      likelihoodRatio: { statistic: lr, df, p: chisqUpper(lr, df) },
      wald: { statistic: wald, df, p: chisqUpper(wald, df) },
      score: { statistic: fit.scoreTest, df, p: chisqUpper(fit.scoreTest, df) },
      robustScore,
    },
    variance: matrixOut(V, p, alias),
    robustVariance: Vr ? matrixOut(Vr, p, alias) : null,
    means,
    warnings,
    settings: {
      time: cols.time,
      event: cols.event,
      start: cols.start,
      covariates: [...cols.covariates],
      ties,
      strata: [...cols.strata],
      weights: cols.weights,
      cluster: cols.cluster,
      robust,
      confLevel,
      maxIter,
      eps,
    },
    nMissing: cr.nMissing,
  };
  // The fitted data, kept out of JSON (non-enumerable), so coxZph(fit, options) can re-read its columns.
  Object.defineProperty(result, fittedData, { value: data, enumerable: false });
  return result;
}

/** Where a fit keeps a reference to its input data (not serialised). */
export const fittedData = Symbol('cohorte.coxph.data');
