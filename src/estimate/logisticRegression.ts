// Logistic regression by iteratively reweighted least squares, as R's glm(family = binomial) (glm.fit):
// the same starting values (mustart = (w y + 1/2) / (w + 1)), the same clamped logit inverse link
// (|eta| > 30), the same convergence rule |dev - devold| / (|dev| + 0.1) < tol, and the same warnings
// ("algorithm did not converge", "fitted probabilities numerically 0 or 1 occurred"). The standard errors
// come, as in summary.glm, from the weighted cross-product of the last IRLS step.
//
// Differences from R, documented on the fields: the weighted least-squares step is solved by a Cholesky
// factorization of X'WX (with Jacobi scaling, rank-revealing as R survival's cholesky2) rather than R's
// pivoted QR, so an aliased covariate is detected at a looser tolerance (R^2 > 1 - 1.8e-12 against the
// other columns); `loglik` and `aic` are the weighted Bernoulli log-likelihood, which equals R's logLik
// for whole-number weights (R rounds non-integer weights inside dbinom, and warns "non-integer
// #successes", so its logLik/AIC are not meaningful there).
//
// Scale: the design is stored row-major in typed arrays, as a compressed sparse row matrix when most
// covariate values are 0 (flags), so tens of covariates on a million persons take a few seconds.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { estimateMessages as msg } from '../messages/index.js';
import { columnSource, numericColumn, type EstimatorData } from './input.js';
import { cholesky2, chinv2, chsolve2, TOLER_CHOL } from './linalg.js';

export interface LogisticRegressionOptions {
  /** Outcome column, coded 0/1 (or false/true). */
  outcome: string;
  /** Numeric covariate columns (code categorical variables as dummies first: see covariateMatrix). */
  covariates: string[];
  /** Case weights (finite, >= 0), as glm's prior weights. Rows with weight 0 do not contribute. */
  weights?: string;
  /**
   * L2 (ridge) penalty lambda >= 0 on the covariate coefficients, never on the intercept: the fit
   * maximises loglik - lambda/2 * sum(beta_j^2) on the covariates' own scale. Default 0 (plain glm).
   */
  penalty?: number;
  /** Maximum IRLS iterations (glm.control's maxit), default 25. */
  maxIter?: number;
  /** Convergence tolerance on the relative change of the deviance (glm.control's epsilon), default 1e-8. */
  tol?: number;
}

export interface LogisticRegressionSettings {
  outcome: string;
  covariates: string[];
  weights: string | null;
  penalty: number;
  maxIter: number;
  tol: number;
  /** How the design was stored: 'sparse' (CSR, most values 0) or 'dense' (row-major). */
  storage: 'sparse' | 'dense';
}

export interface LogisticRegressionResult {
  /** '(Intercept)', then the covariates in the order given; every array below follows this order. */
  terms: string[];
  /** Log odds (ratios); null for an aliased (collinear or constant) covariate, as R's NA. */
  coef: Array<number | null>;
  /** Standard errors from the inverse of X'WX at the last IRLS step (dispersion 1); with a penalty, of (X'WX + lambda I)^-1. */
  se: Array<number | null>;
  /** Wald z = coef / se. */
  z: Array<number | null>;
  /** Two-sided p-value of z. */
  p: Array<number | null>;
  /** Weighted Bernoulli log-likelihood at the estimate (= R's logLik with whole-number weights), unpenalised. */
  loglik: number;
  /** Residual deviance, -2 loglik for 0/1 outcomes. */
  deviance: number;
  /** Deviance of the intercept-only model. */
  nullDeviance: number;
  /** -2 loglik + 2 (number of non-aliased coefficients), as R with whole-number weights. */
  aic: number;
  /** IRLS iterations (R's iter). */
  iterations: number;
  converged: boolean;
  /** Non-convergence, separation, aliased covariates. Empty when all is well. */
  warnings: string[];
  /** Rows dropped for a missing value in any used column. */
  nMissing: number;
  /** Complete rows used (R's nobs, rows with weight 0 included). */
  n: number;
  settings: LogisticRegressionSettings;
}

/** Design matrix of the complete rows, without the intercept column (it is implicit). */
export interface LogisticDesign {
  n: number;
  /** Number of covariates (columns besides the intercept). */
  p: number;
  /** Row-major n x p values, or null when sparse. */
  dense: Float64Array | null;
  /** CSR: row i's non-zero values are vals[rowPtr[i] .. rowPtr[i+1]) in columns colIdx[...]. */
  rowPtr: Int32Array | null;
  colIdx: Int32Array | null;
  vals: Float64Array | null;
}

/** The complete rows of a logistic model, read and validated. */
export interface LogisticRows {
  /** complete row -> input row */
  rows: Int32Array;
  nMissing: number;
  y: Float64Array;
  /** Prior weights, or null when all are 1. */
  w: Float64Array | null;
  design: LogisticDesign;
}

/** What the IRLS loop returns (internal; propensityScore uses the linear predictor). */
export interface LogisticFit {
  /** Length p + 1, intercept first; NaN for aliased columns. */
  beta: Float64Array;
  /** Inverse of the last step's X'WX (+ penalty), (p+1)^2 row-major; zero rows/columns for aliased columns. */
  covariance: Float64Array;
  aliased: boolean[];
  /** Linear predictor of each complete row. */
  eta: Float64Array;
  deviance: number;
  nullDeviance: number;
  loglik: number;
  iterations: number;
  converged: boolean;
  /** R: fitted probabilities numerically 0 or 1. */
  fitted01: boolean;
  nonFiniteAt: number | null;
}

const DBL_EPSILON = 2.220446049250313e-16;
const INVEPS = 1 / DBL_EPSILON;
const THRESH = 30;

/** R's binomial()$linkinv (C logit_linkinv): clamped at |eta| > 30, so fitted values stay in (0, 1). */
export function linkinv(eta: number): number {
  const t = eta < -THRESH ? DBL_EPSILON : eta > THRESH ? INVEPS : Math.exp(eta);
  return t / (1 + t);
}

/** R's binomial()$mu.eta (C logit_mu_eta). */
function muEta(eta: number): number {
  const opexp = 1 + Math.exp(eta);
  return eta > THRESH || eta < -THRESH ? DBL_EPSILON : Math.exp(eta) / (opexp * opexp);
}

/** Binomial unit deviance of a 0/1 outcome, times the weight (R's binomial_dev_resids). */
function devResid(y: number, mu: number, w: number): number {
  return y === 1 ? -2 * w * Math.log(mu) : y === 0 ? -2 * w * Math.log(1 - mu) : 2 * w * (ylogy(y, mu) + ylogy(1 - y, 1 - mu));
}

function ylogy(y: number, mu: number): number {
  return y !== 0 ? y * Math.log(y / mu) : 0;
}

/**
 * Complete rows of several columns, scanning column by column (each column is read sequentially, which
 * matters with tens of columns of a million values). Same result as input.ts's completeRows.
 */
export function completeRowsByColumn(cols: Float64Array[], n: number): { rows: Int32Array; nMissing: number } {
  const bad = new Uint8Array(n);
  for (const c of cols) for (let i = 0; i < n; i++) if (c[i] !== c[i]) bad[i] = 1;
  let k = 0;
  for (let i = 0; i < n; i++) if (!bad[i]) k++;
  const rows = new Int32Array(k);
  for (let i = 0, m = 0; i < n; i++) if (!bad[i]) rows[m++] = i;
  return { rows, nMissing: n - k };
}

/** Read, validate and lay out the complete rows. `what` names the outcome in messages ('outcome', 'treatment'). */
export function readLogisticRows(data: EstimatorData, outcome: string, covariates: string[], weights: string | null, what = 'the outcome'): LogisticRows {
  const src = columnSource(data);
  const yAll = numericColumn(src, outcome);
  const wAll = weights ? numericColumn(src, weights) : null;
  const cols = covariates.map((c) => numericColumn(src, c));
  const { rows, nMissing } = completeRowsByColumn([yAll, ...(wAll ? [wAll] : []), ...cols], src.n);
  const n = rows.length;
  if (n === 0) throw msg.noRows('logisticRegression');
  const y = new Float64Array(n);
  const w = wAll ? new Float64Array(n) : null;
  let totalW = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const v = yAll[r]!;
    if (v !== 0 && v !== 1) throw msg.notBinary(outcome, r + 1, what);
    y[i] = v;
    if (w) {
      const wi = wAll![r]!;
      if (!Number.isFinite(wi)) throw msg.nonFiniteWeight(weights!, r + 1);
      if (wi < 0) throw msg.negativeWeight(weights!, r + 1);
      w[i] = wi;
      totalW += wi;
    } else totalW += 1;
  }
  if (!(totalW > 0)) throw msg.zeroTotalWeight('logisticRegression');
  // Non-zeros per row, column by column (sequential reads); also rejects infinite values.
  const identity = nMissing === 0;
  const perRow = new Int32Array(n + 1);
  let nnz = 0;
  for (let j = 0; j < cols.length; j++) {
    const c = cols[j]!;
    for (let i = 0; i < n; i++) {
      const v = identity ? c[i]! : c[rows[i]!]!;
      if (v !== 0) {
        if (v === Infinity || v === -Infinity) throw msg.nonFiniteValue(covariates[j]!, (identity ? i : rows[i]!) + 1);
        perRow[i + 1]++;
        nnz++;
      }
    }
  }
  return { rows, nMissing, y, w, design: buildDesign(cols, rows, identity, nnz, perRow) };
}

/** Sparse (CSR) when at most 40% of the values are non-zero: the Gram matrix then costs sum(nnz_i^2). */
function buildDesign(cols: Float64Array[], rows: Int32Array, identity: boolean, nnz: number, perRow: Int32Array): LogisticDesign {
  const n = rows.length;
  const p = cols.length;
  if (p > 0 && nnz <= 0.4 * n * p) {
    const rowPtr = perRow;
    for (let i = 0; i < n; i++) rowPtr[i + 1] += rowPtr[i]!;
    const colIdx = new Int32Array(nnz);
    const vals = new Float64Array(nnz);
    const pos = rowPtr.slice(0, n);
    // Column by column: within a row the column indices come out ascending.
    for (let j = 0; j < p; j++) {
      const c = cols[j]!;
      for (let i = 0; i < n; i++) {
        const v = identity ? c[i]! : c[rows[i]!]!;
        if (v !== 0) {
          const k = pos[i]!++;
          colIdx[k] = j;
          vals[k] = v;
        }
      }
    }
    return { n, p, dense: null, rowPtr, colIdx, vals };
  }
  const dense = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    const c = cols[j]!;
    for (let i = 0; i < n; i++) dense[i * p + j] = identity ? c[i]! : c[rows[i]!]!;
  }
  return { n, p, dense, rowPtr: null, colIdx: null, vals: null };
}

/** Linear predictor X beta (intercept beta[0]) for every row; NaN coefficients (aliased) count as 0. */
function linearPredictor(d: LogisticDesign, beta: Float64Array, out: Float64Array): void {
  const p = d.p;
  const b0 = beta[0]!;
  if (d.dense) {
    const x = d.dense;
    for (let i = 0; i < d.n; i++) {
      let s = b0;
      const o = i * p;
      for (let j = 0; j < p; j++) s += x[o + j]! * beta[j + 1]!;
      out[i] = s;
    }
  } else {
    const rp = d.rowPtr!, ci = d.colIdx!, v = d.vals!;
    for (let i = 0; i < d.n; i++) {
      let s = b0;
      for (let k = rp[i]!; k < rp[i + 1]!; k++) s += v[k]! * beta[ci[k]! + 1]!;
      out[i] = s;
    }
  }
}

/**
 * Accumulate the upper triangle of X'WX ((p+1)^2, row-major, intercept first) and X'Wz, with working
 * weights ww and working response z.
 */
function crossProducts(d: LogisticDesign, ww: Float64Array, z: Float64Array, A: Float64Array, b: Float64Array): void {
  const q = d.p + 1;
  A.fill(0);
  b.fill(0);
  if (d.dense) {
    const x = d.dense;
    const p = d.p;
    for (let i = 0; i < d.n; i++) {
      const wi = ww[i]!;
      if (wi === 0) continue;
      const wz = wi * z[i]!;
      const o = i * p;
      A[0] += wi;
      b[0] += wz;
      for (let j = 0; j < p; j++) {
        const xj = x[o + j]!;
        if (xj === 0) continue;
        const a = wi * xj;
        const row = (j + 1) * q;
        A[j + 1] += a;
        b[j + 1] += xj * wz;
        for (let k = j; k < p; k++) A[row + k + 1] += a * x[o + k]!;
      }
    }
  } else {
    const rp = d.rowPtr!, ci = d.colIdx!, v = d.vals!;
    for (let i = 0; i < d.n; i++) {
      const wi = ww[i]!;
      if (wi === 0) continue;
      const wz = wi * z[i]!;
      A[0] += wi;
      b[0] += wz;
      const end = rp[i + 1]!;
      for (let k = rp[i]!; k < end; k++) {
        const j = ci[k]! + 1;
        const vk = v[k]!;
        const a = wi * vk;
        A[j] += a;
        b[j] += vk * wz;
        const row = j * q + 1;
        // Column indices within a row are ascending, so (j, l) with l >= j is the upper triangle.
        for (let l = k; l < end; l++) A[row + ci[l]!] += a * v[l]!;
      }
    }
  }
}

/**
 * Solve (A + penalty) beta = b for symmetric A (upper triangle), with Jacobi scaling so the rank test of
 * cholesky2 is relative to each column's own scale. Returns the solution and the inverse (full).
 */
function solveScaled(A: Float64Array, b: Float64Array, q: number, penalty: number): { beta: Float64Array; inverse: Float64Array; aliased: boolean[] } {
  const s = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    const d = A[j * q + j]! + (j > 0 ? penalty : 0);
    s[j] = d > 0 ? 1 / Math.sqrt(d) : 1;
  }
  const a = new Float64Array(q * q);
  for (let i = 0; i < q; i++) {
    for (let j = i; j < q; j++) a[i * q + j] = (A[i * q + j]! + (i === j && i > 0 ? penalty : 0)) * s[i]! * s[j]!;
  }
  cholesky2(a, q, TOLER_CHOL);
  const aliased: boolean[] = [];
  for (let j = 0; j < q; j++) aliased.push(a[j * q + j] === 0);
  const y = new Float64Array(q);
  for (let j = 0; j < q; j++) y[j] = b[j]! * s[j]!;
  chsolve2(a, q, y);
  const beta = new Float64Array(q);
  for (let j = 0; j < q; j++) beta[j] = y[j]! * s[j]!;
  chinv2(a, q);
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) a[i * q + j] *= s[i]! * s[j]!;
  return { beta, inverse: a, aliased };
}

/** The IRLS loop of glm.fit for the binomial family with the logit link (plus an optional L2 penalty). */
export function fitLogistic(lr: LogisticRows, options: { penalty: number; maxIter: number; tol: number }): LogisticFit {
  const { y, w, design } = lr;
  const n = design.n;
  const q = design.p + 1;
  const { penalty, maxIter, tol } = options;
  const wt = (i: number) => (w ? w[i]! : 1);

  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  let devold = 0;
  for (let i = 0; i < n; i++) {
    const wi = wt(i);
    const m = (wi * y[i]! + 0.5) / (wi + 1);
    eta[i] = Math.log(m / (1 - m));
    mu[i] = linkinv(eta[i]!);
    devold += devResid(y[i]!, mu[i]!, wi);
  }
  const ww = new Float64Array(n);
  const z = new Float64Array(n);
  const A = new Float64Array(q * q);
  const b = new Float64Array(q);
  let beta: Float64Array = new Float64Array(q);
  let covariance: Float64Array = new Float64Array(q * q);
  let aliased: boolean[] = new Array<boolean>(q).fill(false);
  let converged = false;
  let iterations = 0;
  let dev = devold;
  let nonFiniteAt: number | null = null;
  const penaltyOf = (bb: Float64Array) => {
    if (penalty === 0) return 0;
    let s = 0;
    for (let j = 1; j < q; j++) s += bb[j]! * bb[j]!;
    return penalty * s;
  };

  for (let iter = 1; iter <= maxIter; iter++) {
    iterations = iter;
    for (let i = 0; i < n; i++) {
      const wi = wt(i);
      const me = muEta(eta[i]!);
      const m = mu[i]!;
      // R drops rows with weight 0 from the step ("good"); a zero working weight does the same here.
      ww[i] = wi > 0 ? (wi * me * me) / (m * (1 - m)) : 0;
      z[i] = eta[i]! + (y[i]! - m) / me;
    }
    crossProducts(design, ww, z, A, b);
    const step = solveScaled(A, b, q, penalty);
    let finite = true;
    for (let j = 0; j < q; j++) if (!Number.isFinite(step.beta[j]!)) finite = false;
    if (!finite) {
      nonFiniteAt = iter;
      break;
    }
    beta = step.beta;
    covariance = step.inverse;
    aliased = step.aliased;
    linearPredictor(design, beta, eta);
    dev = 0;
    for (let i = 0; i < n; i++) {
      mu[i] = linkinv(eta[i]!);
      dev += devResid(y[i]!, mu[i]!, wt(i));
    }
    // With a penalty, convergence is judged on the penalised deviance (the objective being minimised).
    const obj = dev + penaltyOf(beta);
    if (Math.abs(obj - devold) / (Math.abs(obj) + 0.1) < tol) {
      converged = true;
      break;
    }
    devold = obj;
  }

  let sw = 0;
  let swy = 0;
  for (let i = 0; i < n; i++) {
    sw += wt(i);
    swy += wt(i) * y[i]!;
  }
  const wtdmu = swy / sw;
  let nullDeviance = 0;
  let fitted01 = false;
  const eps = 10 * DBL_EPSILON;
  for (let i = 0; i < n; i++) {
    nullDeviance += devResid(y[i]!, wtdmu, wt(i));
    if (mu[i]! > 1 - eps || mu[i]! < eps) fitted01 = true;
  }
  const out = Float64Array.from(beta, (v, j) => (aliased[j] ? NaN : v));
  return { beta: out, covariance, aliased, eta, deviance: dev, nullDeviance, loglik: -dev / 2, iterations, converged, fitted01, nonFiniteAt };
}

/** Binary covariates that (quasi-)completely separate the outcome: one level holds a single outcome value. */
function separatedCovariates(lr: LogisticRows, names: string[]): string[] {
  const { y, w, design } = lr;
  const p = design.p;
  const n = design.n;
  // Weighted counts [x=0,y=0], [x=0,y=1], [x=1,y=0], [x=1,y=1] per covariate; binary = only 0/1 values.
  const cells = new Float64Array(p * 4);
  const binary = new Uint8Array(p).fill(1);
  let tot0 = 0;
  let tot1 = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    if (y[i] === 1) tot1 += wi;
    else tot0 += wi;
  }
  const add = (j: number, v: number, i: number) => {
    if (v !== 1) {
      binary[j] = 0;
      return;
    }
    const wi = w ? w[i]! : 1;
    if (wi > 0) cells[j * 4 + 2 + y[i]!] += wi;
  };
  if (design.dense) {
    const x = design.dense;
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) if (x[i * p + j] !== 0) add(j, x[i * p + j]!, i);
  } else {
    const rp = design.rowPtr!, ci = design.colIdx!, v = design.vals!;
    for (let i = 0; i < n; i++) for (let k = rp[i]!; k < rp[i + 1]!; k++) add(ci[k]!, v[k]!, i);
  }
  const out: string[] = [];
  for (let j = 0; j < p; j++) {
    if (!binary[j]) continue;
    const n10 = cells[j * 4 + 2]!, n11 = cells[j * 4 + 3]!;
    const n00 = tot0 - n10, n01 = tot1 - n11;
    // Constant columns are aliased, not separating; an outcome with one value is reported by R's warning.
    if (n10 + n11 === 0 || n00 + n01 === 0 || tot0 === 0 || tot1 === 0) continue;
    if (n11 === 0) out.push(msg.logisticWarnSeparation(names[j]!, 1, 0));
    else if (n10 === 0) out.push(msg.logisticWarnSeparation(names[j]!, 1, 1));
    else if (n01 === 0) out.push(msg.logisticWarnSeparation(names[j]!, 0, 0));
    else if (n00 === 0) out.push(msg.logisticWarnSeparation(names[j]!, 0, 1));
  }
  return out;
}

/** Validate and default the options shared by logisticRegression and propensityScore. */
export function normalizeLogisticOptions(estimator: string, o: { covariates: string[]; penalty?: number; maxIter?: number; tol?: number }): { penalty: number; maxIter: number; tol: number } {
  if (!Array.isArray(o.covariates)) throw msg.badOption(estimator, 'covariates', o.covariates, 'an array of column names');
  const seen = new Set<string>();
  for (const c of o.covariates) {
    if (seen.has(c)) throw msg.duplicateName(estimator, c);
    seen.add(c);
  }
  const penalty = o.penalty ?? 0;
  if (!(typeof penalty === 'number' && Number.isFinite(penalty) && penalty >= 0)) throw msg.badOption(estimator, 'penalty', penalty, 'a finite number >= 0');
  const maxIter = o.maxIter ?? 25;
  if (!(Number.isInteger(maxIter) && maxIter >= 1)) throw msg.badOption(estimator, 'maxIter', maxIter, 'a whole number >= 1');
  const tol = o.tol ?? 1e-8;
  if (!(typeof tol === 'number' && tol > 0 && tol < 1)) throw msg.badOption(estimator, 'tol', tol, 'a number in (0, 1)');
  return { penalty, maxIter, tol };
}

/** Warnings of a fit, in R's order, then ours. */
export function logisticWarnings(fit: LogisticFit, lr: LogisticRows, names: string[], maxIter: number): string[] {
  const warnings: string[] = [];
  if (fit.nonFiniteAt !== null) warnings.push(msg.logisticWarnNonFiniteCoef(fit.nonFiniteAt));
  else if (!fit.converged) warnings.push(msg.logisticWarnNotConverged(maxIter));
  if (fit.fitted01) warnings.push(msg.logisticWarnFitted01());
  warnings.push(...separatedCovariates(lr, names));
  const aliased = names.filter((_, j) => fit.aliased[j + 1]);
  if (fit.aliased[0]) aliased.unshift('(Intercept)');
  if (aliased.length) warnings.push(msg.logisticWarnAliased(aliased));
  return warnings;
}

function fin(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/**
 * Logistic regression of a 0/1 outcome on numeric covariates, matching R's
 * `glm(outcome ~ x1 + ... , family = binomial, weights = w)` (coefficients, standard errors, deviance,
 * log-likelihood, iterations and warnings), with an optional L2 penalty. Rows with a missing value in any
 * used column are dropped (na.omit) and counted in nMissing.
 */
export function logisticRegression(data: EstimatorData, options: LogisticRegressionOptions): LogisticRegressionResult {
  const { penalty, maxIter, tol } = normalizeLogisticOptions('logisticRegression', options);
  const weights = options.weights ?? null;
  const lr = readLogisticRows(data, options.outcome, options.covariates, weights);
  const fit = fitLogistic(lr, { penalty, maxIter, tol });
  return logisticRegressionResult(fit, lr, { outcome: options.outcome, covariates: options.covariates, weights, penalty, maxIter, tol });
}

/** The public result of a fit (shared with propensityScore). */
export function logisticRegressionResult(
  fit: LogisticFit,
  lr: LogisticRows,
  s: { outcome: string; covariates: string[]; weights?: string | null; penalty: number; maxIter: number; tol: number },
): LogisticRegressionResult {
  const q = lr.design.p + 1;
  const terms = ['(Intercept)', ...s.covariates];
  const coef: Array<number | null> = [];
  const se: Array<number | null> = [];
  const z: Array<number | null> = [];
  const p: Array<number | null> = [];
  let rank = 0;
  for (let j = 0; j < q; j++) {
    if (fit.aliased[j]) {
      coef.push(null);
      se.push(null);
      z.push(null);
      p.push(null);
      continue;
    }
    rank++;
    const b = fit.beta[j]!;
    const sd = Math.sqrt(fit.covariance[j * q + j]!);
    const zj = b / sd;
    coef.push(fin(b));
    se.push(fin(sd));
    z.push(fin(zj));
    p.push(Number.isFinite(zj) ? 2 * normalCdf(-Math.abs(zj), 0, 1) : null);
  }
  return {
    terms,
    coef,
    se,
    z,
    p,
    loglik: fit.loglik,
    deviance: fit.deviance,
    nullDeviance: fit.nullDeviance,
    aic: -2 * fit.loglik + 2 * rank,
    iterations: fit.iterations,
    converged: fit.converged,
    warnings: logisticWarnings(fit, lr, s.covariates, s.maxIter),
    nMissing: lr.nMissing,
    n: lr.design.n,
    settings: {
      outcome: s.outcome,
      covariates: [...s.covariates],
      weights: s.weights ?? null,
      penalty: s.penalty,
      maxIter: s.maxIter,
      tol: s.tol,
      storage: lr.design.dense || lr.design.p === 0 ? 'dense' : 'sparse',
    },
  };
}
