import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { compile } from 'vega-lite';
import { balanceTable, loveplotSpec } from '../../src/characterise/balanceTable.js';
import { CohorteError } from '../../src/messages/index.js';
import { expectClose } from '../helpers/approx.js';

describe('balanceTable: SMD on a tiny example by hand', () => {
  // Treated (t = 1): flag 1, 1, 0, 0 (p = 1/2); age 60, 70, 80, 70 (mean 70, sample variance 200/3).
  // Comparators (t = 0): flag 1, 0, 0, 0 (p = 1/4); age 50, 60, 70, 60 (mean 60, variance 200/3).
  // Plus a row with a missing age (dropped).
  const d = {
    t: [1, 1, 1, 1, 0, 0, 0, 0, 0],
    flag: [1, 1, 0, 0, 1, 0, 0, 0, 1],
    age: [60, 70, 80, 70, 50, 60, 70, 60, null],
    w: [1, 1, 1, 1, 3, 1, 1, 1, 1],
  };

  it('unadjusted: binary variance p(1 - p), continuous sample variance, pooled over the two groups', () => {
    const b = balanceTable(d, { treatment: 't', covariates: ['flag', 'age'] });
    const [flag, age] = b.rows;
    // flag: (1/2 - 1/4) / sqrt((1/4 + 3/16) / 2) = (1/4) / sqrt(7/32)
    expect(flag!.type).toBe('binary');
    expectClose(flag!.smdBefore, 0.25 / Math.sqrt(7 / 32), 'flag smd');
    expectClose(flag!.sdComparator, Math.sqrt(3 / 16), 'flag sd');
    // age: 10 / sqrt(200/3) = sqrt(3/2)
    expect(age!.type).toBe('continuous');
    expectClose(age!.smdBefore, Math.sqrt(3 / 2), 'age smd');
    expect(b.nMissing).toBe(1);
    expect([b.nTreated, b.nComparator]).toEqual([4, 4]);
    expect(flag!.smdAfter).toBeNull();
    expect(b.summary).toEqual({ maxAbsSmdBefore: Math.sqrt(3 / 2), maxAbsSmdAfter: null, nImbalancedBefore: 2, nImbalancedAfter: null });
  });

  it('weighted: the comparator with flag = 1 weighs 3, so the flag is balanced; same denominator as before', () => {
    // Weighted comparator flag mean (3 + 0 + 0 + 0) / 6 = 1/2 -> SMD 0.
    // Weighted comparator age (150 + 60 + 70 + 60) / 6 = 170/3 -> SMD (70 - 170/3) / sqrt(200/3) = (40/3) / sqrt(200/3).
    const b = balanceTable(d, { treatment: 't', covariates: ['flag', 'age'], weights: 'w' });
    expectClose(b.rows[0]!.smdAfter, 0, 'flag after');
    expect(b.rows[0]!.imbalancedAfter).toBe(false);
    expectClose(b.rows[1]!.meanComparatorAfter, 170 / 3, 'age mean after');
    expectClose(b.rows[1]!.smdAfter, 40 / 3 / Math.sqrt(200 / 3), 'age after');
    expect(b.weightedNComparator).toBe(6);
    expect(b.summary.nImbalancedAfter).toBe(1);
  });

  it("denominator 'treated' uses the treated group's SD", () => {
    const b = balanceTable(d, { treatment: 't', covariates: ['flag', 'age'], denominator: 'treated' });
    expectClose(b.rows[0]!.smdBefore, 0.25 / 0.5, 'flag');
    expectClose(b.rows[1]!.smdBefore, 10 / Math.sqrt(200 / 3), 'age');
  });

  it('matched sets become matching weights', () => {
    // Pairs: (row 0, row 5) and (row 2, row 6): treated flags 1, 0; comparator flags 0, 0; ages 60, 80 vs 60, 70.
    const set = [0, -1, 1, -1, -1, 0, 1, -1, -1];
    const b = balanceTable({ ...d, set }, { treatment: 't', covariates: ['flag', 'age'], matchedSet: 'set' });
    expectClose(b.rows[0]!.meanTreatedAfter, 1 / 2, 'flag treated');
    expectClose(b.rows[0]!.meanComparatorAfter, 0, 'flag comparator');
    expectClose(b.rows[1]!.smdAfter, 5 / Math.sqrt(200 / 3), 'age');
    expect([b.weightedNTreated, b.weightedNComparator]).toEqual([2, 2]);
  });

  it('a constant covariate has SMD 0; weights and matched sets together are refused', () => {
    const b = balanceTable({ t: [1, 0, 1, 0], k: [5, 5, 5, 5] }, { treatment: 't', covariates: ['k'] });
    expect(b.rows[0]!.smdBefore).toBe(0);
    expect(() => balanceTable({ ...d, set: d.t }, { treatment: 't', covariates: ['flag'], weights: 'w', matchedSet: 'set' })).toThrow(CohorteError);
  });

  it('loveplotSpec is a Vega-Lite spec that compiles, covariates ordered by |SMD| before', () => {
    const b = balanceTable(d, { treatment: 't', covariates: ['flag', 'age'], weights: 'w' });
    const spec = loveplotSpec(b, { title: 'Balance' });
    expect(() => compile(spec as never)).not.toThrow();
    const layer = (spec.layer as Array<{ data: { values: Array<Record<string, unknown>> }; encoding: { y?: { sort: string[] } } }>)[0]!;
    expect(layer.encoding.y!.sort).toEqual(['age', 'flag']);
    expect(layer.data.values).toHaveLength(4);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });
});

describe('balanceTable: properties', () => {
  it('SMD is antisymmetric in the groups, invariant to shifting and scaling a covariate; unit weights change nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 100 })), { minLength: 4, maxLength: 50 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (rows, c) => {
          const t = rows.map((r) => r[0]);
          if (t.filter((x) => x === 1).length < 2 || t.filter((x) => x === 0).length < 2) return;
          const x = rows.map((r) => r[1]);
          const a = balanceTable({ t, x, one: t.map(() => 1) }, { treatment: 't', covariates: ['x'], weights: 'one' }).rows[0]!;
          const swapped = balanceTable({ t: t.map((v) => 1 - v), x }, { treatment: 't', covariates: ['x'] }).rows[0]!;
          const scaled = balanceTable({ t, x: x.map((v) => c * v + 7) }, { treatment: 't', covariates: ['x'] }).rows[0]!;
          if (a.smdBefore === null) return;
          expectClose(swapped.smdBefore, -a.smdBefore, 'swap');
          expectClose(scaled.smdBefore, a.smdBefore, 'scale');
          expectClose(a.smdAfter, a.smdBefore, 'unit weights');
        },
      ),
      { numRuns: 200 },
    );
  });
});
