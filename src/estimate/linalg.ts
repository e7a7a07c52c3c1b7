// Small dense linear algebra for symmetric matrices stored row-major in a Float64Array (n x n).
// The routines follow R survival's cholesky2 / chsolve2 / chinv2, so that rank detection (aliased
// covariates) and generalized inverses behave as in coxph: a pivot below `toler * max(diag)` marks the
// column as redundant, its row and column of the inverse are zero, and solves give 0 for it.

/** R survival's default Cholesky tolerance, `.Machine$double.eps^0.75`. */
export const TOLER_CHOL = Math.pow(2.220446049250313e-16, 0.75);

/**
 * In-place LDL' factorization (C = F D F', F unit lower triangular) of the symmetric matrix whose upper
 * triangle (and diagonal) is in `a`. F goes to the strict lower triangle, D to the diagonal; the upper
 * triangle is left as it was. Returns the rank, negated if the matrix is not non-negative definite.
 */
export function cholesky2(a: Float64Array, n: number, toler: number = TOLER_CHOL): number {
  let eps = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i * n + i]!;
    if (d > eps) eps = d;
    for (let j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j]!;
  }
  if (eps === 0) {
    // No positive diagonal: every column is redundant.
    for (let i = 0; i < n; i++) a[i * n + i] = 0;
    return 0;
  }
  eps *= toler;
  let rank = 0;
  let nonneg = 1;
  for (let i = 0; i < n; i++) {
    const pivot = a[i * n + i]!;
    if (!Number.isFinite(pivot) || pivot < eps) {
      a[i * n + i] = 0;
      if (pivot < -8 * eps) nonneg = -1;
    } else {
      rank++;
      for (let j = i + 1; j < n; j++) {
        const temp = a[j * n + i]! / pivot;
        a[j * n + i] = temp;
        a[j * n + j] -= temp * temp * pivot;
        for (let k = j + 1; k < n; k++) a[k * n + j] -= temp * a[k * n + i]!;
      }
    }
  }
  return rank * nonneg;
}

/** Solve C z = y in place, given cholesky2's factorization of C; redundant columns get z = 0. */
export function chsolve2(a: Float64Array, n: number, y: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let temp = y[i]!;
    for (let j = 0; j < i; j++) temp -= y[j]! * a[i * n + j]!;
    y[i] = temp;
  }
  for (let i = n - 1; i >= 0; i--) {
    const d = a[i * n + i]!;
    if (d === 0) y[i] = 0;
    else {
      let temp = y[i]! / d;
      for (let j = i + 1; j < n; j++) temp -= y[j]! * a[j * n + i]!;
      y[i] = temp;
    }
  }
}

/**
 * Inverse (generalized: zero rows/columns for redundant columns) from cholesky2's factorization, in
 * place. The full symmetric inverse is written to `a` (R's chinv2 fills only the upper triangle).
 */
export function chinv2(a: Float64Array, n: number): void {
  // Invert F (unit lower triangular) in the lower triangle, and D on the diagonal.
  for (let i = 0; i < n; i++) {
    if (a[i * n + i]! > 0) {
      a[i * n + i] = 1 / a[i * n + i]!;
      for (let j = i + 1; j < n; j++) {
        a[j * n + i] = -a[j * n + i]!;
        for (let k = 0; k < i; k++) a[j * n + k] += a[j * n + i]! * a[i * n + k]!;
      }
    }
  }
  // F' D^-1 F into the upper triangle.
  for (let i = 0; i < n; i++) {
    if (a[i * n + i] === 0) {
      for (let j = 0; j < i; j++) a[j * n + i] = 0;
      for (let j = i; j < n; j++) a[i * n + j] = 0;
    } else {
      for (let j = i + 1; j < n; j++) {
        const temp = a[j * n + i]! * a[j * n + j]!;
        a[i * n + j] = temp;
        for (let k = i; k < j; k++) a[i * n + k] += temp * a[j * n + k]!;
      }
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i]!;
}

/** Generalized inverse of a symmetric matrix (not modified), with its rank. */
export function symInverse(m: ArrayLike<number>, n: number, toler: number = TOLER_CHOL): { inverse: Float64Array; rank: number } {
  const a = Float64Array.from(m as ArrayLike<number>);
  const rank = cholesky2(a, n, toler);
  chinv2(a, n);
  return { inverse: a, rank };
}

/** Solve C z = b for symmetric C (generalized: redundant columns give 0); C and b are not modified. */
export function symSolve(m: ArrayLike<number>, n: number, b: ArrayLike<number>, toler: number = TOLER_CHOL): { solution: Float64Array; rank: number } {
  const a = Float64Array.from(m as ArrayLike<number>);
  const rank = cholesky2(a, n, toler);
  const y = Float64Array.from(b as ArrayLike<number>);
  chsolve2(a, n, y);
  return { solution: y, rank };
}

/**
 * The quadratic form b' C^- b with the rank of C, as R survival's coxph.wtest (Wald and score tests):
 * the degrees of freedom are the number of non-redundant columns.
 */
export function quadraticForm(m: ArrayLike<number>, n: number, b: ArrayLike<number>, toler: number = TOLER_CHOL): { statistic: number; df: number } {
  const a = Float64Array.from(m as ArrayLike<number>);
  cholesky2(a, n, toler);
  let df = 0;
  for (let i = 0; i < n; i++) if (a[i * n + i]! > 0) df++;
  const y = Float64Array.from(b as ArrayLike<number>);
  chsolve2(a, n, y);
  let s = 0;
  for (let i = 0; i < n; i++) s += b[i]! * y[i]!;
  return { statistic: s, df };
}
