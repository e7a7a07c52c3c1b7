import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { tableOne, type TableOneRow } from '../../src/characterise/tableOne.js';
import { expectAllClose, expectClose } from '../helpers/approx.js';

const pick = (rows: TableOneRow[], variable: string, group: string, sample: 'crude' | 'adjusted', level: string | null = null) =>
  rows.find((r) => r.variable === variable && r.group === group && r.sample === sample && r.level === level)!;

describe('tableOne: a small example by hand', () => {
  // Group 1: diabetes 1, 0, 1, (missing); region N, S, S, N; age 50, 60, 70, 80.
  // Group 0: diabetes 0, 0, 1, 0;          region N, N, N, S; age 40, 50, (missing), 90.
  // Weights 1 except the group-0 person with region S, who weighs 3. A row with no group is dropped.
  const d = {
    g: [1, 1, 1, 1, 0, 0, 0, 0, null],
    diabetes: [1, 0, 1, null, 0, 0, 1, 0, 1],
    region: ['N', 'S', 'S', 'N', 'N', 'N', 'N', 'S', 'N'],
    age: [50, 60, 70, 80, 40, 50, null, 90, 30],
    w: [1, 1, 1, 1, 1, 1, 1, 3, 1],
  };
  const variables = [
    { name: 'diabetes', type: 'binary' as const, label: 'Diabetes' },
    { name: 'region', type: 'categorical' as const },
    { name: 'age', type: 'continuous' as const, label: 'Age (years)' },
  ];

  it('crude counts, percentages of the non-missing, mean (SD) and median [IQR] (type 7)', () => {
    const t = tableOne(d, { group: 'g', variables });
    expect(t.groups).toEqual(['0', '1']);
    expect(t.nMissing).toBe(1);
    expect(t.countFields).toEqual(['n', 'nMissing', 'count', 'weightedCount']);
    // Diabetes in group 1: 2 of 3 non-missing = 66.67%, 1 missing.
    expect(pick(t.rows, 'diabetes', '1', 'crude', '1')).toMatchObject({ label: 'Diabetes', n: 4, nMissing: 1, count: 2, weightedCount: null });
    expectClose(pick(t.rows, 'diabetes', '1', 'crude', '1').percent, 200 / 3, 'percent');
    // Region in group 0: N 3 (75%), S 1 (25%).
    expect(pick(t.rows, 'region', '0', 'crude', 'N')).toMatchObject({ count: 3, percent: 75 });
    expect(pick(t.rows, 'region', '0', 'crude', 'S')).toMatchObject({ count: 1, percent: 25 });
    // Age in group 1: mean 65, SD sqrt(500/3); median 65, quartiles 57.5 and 72.5.
    const a1 = pick(t.rows, 'age', '1', 'crude');
    expectAllClose([a1.mean!, a1.sd!, a1.median!, a1.q1!, a1.q3!], [65, Math.sqrt(500 / 3), 65, 57.5, 72.5], 'age g1');
    // Age in group 0: 40, 50, 90 (one missing): mean 60, SD sqrt(700), median 50, quartiles 45 and 70.
    const a0 = pick(t.rows, 'age', '0', 'crude');
    expect(a0.nMissing).toBe(1);
    expectAllClose([a0.mean!, a0.sd!, a0.median!, a0.q1!, a0.q3!], [60, Math.sqrt(700), 50, 45, 70], 'age g0');
    expect(t.rows.every((r) => r.sample === 'crude')).toBe(true);
  });

  it('weighted: weighted counts and percentages, weighted mean, SD and quantiles', () => {
    const t = tableOne(d, { group: 'g', variables, weights: 'w' });
    // Group 0 region S weighs 3 of a total weight 6: 50%.
    const s = pick(t.rows, 'region', '0', 'adjusted', 'S');
    expect(s).toMatchObject({ count: 1, weightedCount: 3, percent: 50 });
    // Group 0 age: 40 (w 1), 50 (w 1), 90 (w 3): mean (40 + 50 + 270) / 5 = 72;
    // reliability-weighted variance: sum w (x - 72)^2 / (5 - 11/5) = (1024 + 484 + 972) / (14/5) = 2480 x 5/14.
    const a0 = pick(t.rows, 'age', '0', 'adjusted');
    expectClose(a0.mean, 72, 'mean');
    expectClose(a0.sd, Math.sqrt((2480 * 5) / 14), 'sd');
    // Weighted median: cumulative weights 1, 2, 5 of 5; half = 2.5 is first passed at 90.
    expect(a0.median).toBe(90);
    // Q1: 1.25 is first passed at 50.
    expect(a0.q1).toBe(50);
    // SMD (group 1 vs group 0) for region S: crude p1 = 1/2, p0 = 1/4; adjusted p0 = 1/2 -> 0.
    const smd = t.smd!.find((x) => x.variable === 'region' && x.level === 'S')!;
    expectClose(smd.crude, 0.25 / Math.sqrt((0.25 + 3 / 16) / 2), 'crude smd');
    expectClose(smd.adjusted, 0, 'adjusted smd');
  });

  it('unit weights: the weighted median of an even count averages the middle values (type 2)', () => {
    const t = tableOne({ g: [1, 1, 1, 1], x: [4, 1, 3, 2], w: [1, 1, 1, 1] }, { group: 'g', variables: [{ name: 'x', type: 'continuous' }], weights: 'w' });
    expect(pick(t.rows, 'x', '1', 'adjusted').median).toBe(2.5);
    expect(t.smd).toBeNull(); // a single group
  });

  it('overall column and chosen category levels', () => {
    const t = tableOne(d, { group: 'g', variables: [{ name: 'region', type: 'categorical', levels: ['S', 'N'] }], overall: true });
    expect(t.groups).toEqual(['0', '1', 'Overall']);
    const o = t.rows.filter((r) => r.group === 'Overall');
    expect(o.map((r) => [r.level, r.count])).toEqual([
      ['S', 3],
      ['N', 5],
    ]);
  });

  it('matched sets as the adjustment', () => {
    const set = [0, -1, -1, 1, 0, -1, -1, 1, -1];
    const t = tableOne({ ...d, set }, { group: 'g', variables: [{ name: 'age', type: 'continuous' }], matchedSet: 'set' });
    // Matched group 1: ages 50 and 80; group 0: 40 and 90.
    expectClose(pick(t.rows, 'age', '1', 'adjusted').mean, 65, 'g1');
    expectClose(pick(t.rows, 'age', '0', 'adjusted').mean, 65, 'g0');
  });
});

describe('tableOne: properties', () => {
  it('counts add up to the non-missing persons and percentages to 100 per variable and group', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.option(fc.constantFrom('a', 'b', 'c')), fc.double({ min: 0.1, max: 5, noNaN: true })), { minLength: 1, maxLength: 60 }), (rows) => {
        const d = { g: rows.map((r) => r[0]), cat: rows.map((r) => r[1]), w: rows.map((r) => r[2]) };
        const t = tableOne(d, { group: 'g', variables: [{ name: 'cat', type: 'categorical' }], weights: 'w' });
        for (const grp of t.groups) {
          for (const sample of ['crude', 'adjusted'] as const) {
            const rs = t.rows.filter((r) => r.group === grp && r.sample === sample);
            if (!rs.length) continue; // every value missing: no level to show
            const counted = rs.reduce((s, r) => s + r.count!, 0);
            expect(counted + rs[0]!.nMissing).toBe(rs[0]!.n);
            if (counted > 0) expectClose(rs.reduce((s, r) => s + r.percent!, 0), 100, 'percent');
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
