import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { suppressCount, suppressSmallCounts } from '../../src/results/index.js';

describe('small-cell suppression', () => {
  it('hides counts 1..9 and keeps 0 and 10+', () => {
    expect([0, 1, 9, 10, 11].map((n) => suppressCount(n))).toEqual([0, '<10', '<10', 10, 11]);
    expect(suppressCount(4, { minCell: 5 })).toBe('<5');
    expect(suppressCount(5, { minCell: 5 })).toBe(5);
  });

  it('suppresses only fields named as counts, at any depth', () => {
    const value = { rate: 3, strata: [{ n: 4, nEvent: [0, 2, 12], surv: [0.5] }], note: 'x' };
    expect(suppressSmallCounts(value, new Set(['n', 'nEvent']))).toEqual({
      rate: 3,
      strata: [{ n: '<10', nEvent: [0, '<10', 12], surv: [0.5] }],
      note: 'x',
    });
  });

  it('never lets a count between 1 and 9 through (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ n: fc.nat(50), x: fc.double({ noNaN: true }) })), (rows) => {
        const out = suppressSmallCounts({ rows }, new Set(['n'])) as { rows: Array<{ n: number | string; x: number }> };
        return out.rows.every((r, i) => (typeof r.n === 'number' ? r.n === 0 || r.n >= 10 : rows[i]!.n >= 1 && rows[i]!.n <= 9) && Object.is(r.x, rows[i]!.x));
      }),
    );
  });
});
