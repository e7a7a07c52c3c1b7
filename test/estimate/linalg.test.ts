import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { cholesky2, chinv2, chsolve2, quadraticForm, symInverse, symSolve, TOLER_CHOL } from '../../src/estimate/linalg.js';
import { expectAllClose, expectClose } from '../helpers/approx.js';

describe('linalg (R survival cholesky2 / chsolve2 / chinv2)', () => {
  // A = [[4, 2, 2], [2, 5, 3], [2, 3, 6]] = F D F' with F = [[1,0,0],[1/2,1,0],[1/2,1/2,1]], D = diag(4, 4, 4):
  //   row 2: 5 - (1/2)^2 4 = 4;  row 3: 6 - (1/2)^2 4 - (1/2)^2 4 = 4, F32 = (3 - (1/2)(1/2)4) / 4 = 1/2.
  // det A = 64; inverse = adj(A) / 64 = [[21, -6, -4], [-6, 20, -8], [-4, -8, 16]] / 64.
  const A = Float64Array.of(4, 2, 2, 2, 5, 3, 2, 3, 6);

  it('factors A = F D F\' (D on the diagonal, F below it)', () => {
    const a = A.slice();
    expect(cholesky2(a, 3)).toBe(3);
    expectAllClose([a[0]!, a[4]!, a[8]!], [4, 4, 4], 'D');
    expectAllClose([a[3]!, a[6]!, a[7]!], [0.5, 0.5, 0.5], 'F');
    expectAllClose([a[1]!, a[2]!, a[5]!], [2, 2, 3], 'upper triangle untouched');
  });

  it('solves and inverts', () => {
    // A (1, 1, 1)' = (8, 10, 11)'
    const { solution, rank } = symSolve(A, 3, [8, 10, 11]);
    expect(rank).toBe(3);
    expectAllClose(solution, [1, 1, 1], 'solve');
    const { inverse } = symInverse(A, 3);
    expectAllClose(inverse, [21, -6, -4, -6, 20, -8, -4, -8, 16].map((v) => v / 64), 'inverse');
    // b' A^-1 b for b = (8, 10, 11): b' (1,1,1) = 29
    expect(quadraticForm(A, 3, [8, 10, 11])).toEqual({ statistic: expect.closeTo(29, 12), df: 3 });
  });

  it('detects a redundant column: zero row and column in the generalized inverse, 0 in solves', () => {
    // Column 3 = column 1 + column 2 of a rank-2 Gram matrix: B = [[1, 0, 1], [0, 2, 2], [1, 2, 3]].
    const B = Float64Array.of(1, 0, 1, 0, 2, 2, 1, 2, 3);
    const a = B.slice();
    expect(cholesky2(a, 3)).toBe(2);
    expect(a[8]).toBe(0);
    chinv2(a, 3);
    expectAllClose(a, [1, 0, 0, 0, 0.5, 0, 0, 0, 0], 'generalized inverse');
    const y = Float64Array.of(1, 2, 3);
    const f = B.slice();
    cholesky2(f, 3);
    chsolve2(f, 3, y);
    expectAllClose(y, [1, 1, 0], 'solve');
    expect(quadraticForm(B, 3, [1, 2, 3]).df).toBe(2);
  });

  it('returns a negative rank for an indefinite matrix, and 0 without a positive diagonal', () => {
    expect(cholesky2(Float64Array.of(1, 2, 2, 1), 2)).toBe(-1);
    expect(cholesky2(Float64Array.of(0, 0, 0, 0), 2)).toBe(0);
  });

  it('inverse times matrix is the identity for random SPD matrices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 64, maxLength: 64 }), (n, g) => {
        // M = G G' + I is SPD
        const M = new Float64Array(n * n);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let s = i === j ? 1 : 0;
            for (let k = 0; k < n; k++) s += g[i * 8 + k]! * g[j * 8 + k]!;
            M[i * n + j] = s;
          }
        }
        const { inverse, rank } = symInverse(M, n, TOLER_CHOL);
        expect(rank).toBe(n);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += M[i * n + k]! * inverse[k * n + j]!;
            expectClose(s, i === j ? 1 : 0, `I[${i}][${j}]`, 1e-9, 1e-9);
          }
        }
      }),
      { numRuns: 50 },
    );
  });
});
