import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { weightByPropensity, quantileSorted } from '../../src/estimate/weightByPropensity.js';
import { CohorteError } from '../../src/messages/index.js';
import { expectAllClose, expectClose } from '../helpers/approx.js';

describe('weightByPropensity: a five-person example written out', () => {
  // A (treated, ps 4/5), B (treated, 2/5), C (comparator, 1/2), D (comparator, 1/5), E (comparator, 1/4),
  // and F with a missing score. P(T = 1) = 2/5, P(T = 0) = 3/5 among the five complete rows.
  const d = { t: [1, 1, 0, 0, 0, 1], ps: [0.8, 0.4, 0.5, 0.2, 0.25, null] };

  it('ATE, unstabilised: 1/ps for the treated, 1/(1 - ps) for the comparators', () => {
    // A 5/4, B 5/2, C 2, D 5/4, E 4/3.
    const r = weightByPropensity(d, { treatment: 't', ps: 'ps', stabilised: false });
    expectAllClose(r.weights.slice(0, 5), [5 / 4, 5 / 2, 2, 5 / 4, 4 / 3], 'weights');
    expect(r.weights[5]).toBeNull();
    expect(r.nMissing).toBe(1);
    // Kish ESS, treated: (5/4 + 5/2)^2 / (25/16 + 25/4) = (225/16) / (125/16) = 9/5.
    expectClose(r.effectiveSampleSize.treated, 9 / 5, 'ess treated');
    // Comparators: (2 + 5/4 + 4/3)^2 / (4 + 25/16 + 16/9) = (55/12)^2 / (1057/144) = 3025/1057.
    expectClose(r.effectiveSampleSize.comparator, 3025 / 1057, 'ess comparator');
  });

  it('ATE, stabilised (default): times P(T = 1) = 2/5 for the treated, P(T = 0) = 3/5 for the comparators', () => {
    // A (2/5)(5/4) = 1/2, B (2/5)(5/2) = 1, C (3/5) 2 = 6/5, D (3/5)(5/4) = 3/4, E (3/5)(4/3) = 4/5.
    const r = weightByPropensity(d, { treatment: 't', ps: 'ps' });
    expectAllClose(r.weights.slice(0, 5), [1 / 2, 1, 6 / 5, 3 / 4, 4 / 5], 'weights');
    // Summary of the comparators' weights (3/4, 4/5, 6/5), R's quantile type 7:
    // median 4/5, p25 = 3/4 + 0.5 (4/5 - 3/4) = 31/40, p99 = 4/5 + 0.98 (6/5 - 4/5) = 1.192.
    const s = r.summary.comparator;
    expectAllClose([s.min, s.p25, s.median, s.p75, s.p99, s.max, s.mean, s.sum], [3 / 4, 31 / 40, 4 / 5, 1, 1.192, 6 / 5, 11 / 12, 11 / 4], 'summary');
    expect(r.settings).toMatchObject({ estimand: 'ATE', stabilised: true, truncate: null });
  });

  it('ATT: treated 1, comparators ps/(1 - ps), stabilised by P(T = 0)/P(T = 1) = 3/2', () => {
    // C 1, D 1/4, E 1/3; stabilised: 3/2, 3/8, 1/2.
    expectAllClose(weightByPropensity(d, { treatment: 't', ps: 'ps', estimand: 'ATT', stabilised: false }).weights.slice(0, 5), [1, 1, 1, 1 / 4, 1 / 3], 'ATT');
    expectAllClose(weightByPropensity(d, { treatment: 't', ps: 'ps', estimand: 'ATT' }).weights.slice(0, 5), [1, 1, 3 / 2, 3 / 8, 1 / 2], 'ATT stabilised');
  });

  it('overlap: treated 1 - ps, comparators ps (stabilisation changes nothing)', () => {
    expectAllClose(weightByPropensity(d, { treatment: 't', ps: 'ps', estimand: 'overlap' }).weights.slice(0, 5), [0.2, 0.6, 0.5, 0.2, 0.25], 'overlap');
  });

  it('truncation at percentiles of all weights (type 7)', () => {
    // Stabilised ATE weights sorted: 1/2, 3/4, 4/5, 1, 6/5. 25th percentile (h = 1) = 3/4;
    // 75th (h = 3) = 1. A (1/2) is raised to 3/4, C (6/5) lowered to 1.
    const r = weightByPropensity(d, { treatment: 't', ps: 'ps', truncate: [25, 75] });
    expectAllClose(r.weights.slice(0, 5), [3 / 4, 1, 1, 3 / 4, 4 / 5], 'truncated');
    expect(r.nTruncated).toBe(2);
    expectAllClose(r.settings.truncationBounds!, [0.75, 1], 'bounds');
  });

  it('quantileSorted is R type 7', () => {
    // quantile(c(1, 2, 4, 8), c(0, 0.1, 0.5, 1)) = 1, 1.3, 3, 8
    const s = Float64Array.of(1, 2, 4, 8);
    expectAllClose([0, 0.1, 0.5, 1].map((p) => quantileSorted(s, p)), [1, 1.3, 3, 8], 'type 7');
  });

  it('rejects scores of 0 or 1, bad estimands and a single group', () => {
    const code = (f: () => unknown) => {
      try {
        f();
        return 'none';
      } catch (e) {
        expect(e).toBeInstanceOf(CohorteError);
        return (e as CohorteError).code;
      }
    };
    expect(code(() => weightByPropensity({ t: [1, 0], ps: [1, 0.5] }, { treatment: 't', ps: 'ps' }))).toBe('ps-out-of-range');
    expect(code(() => weightByPropensity({ t: [1, 0], ps: [0.5, 0.5] }, { treatment: 't', ps: 'ps', estimand: 'ATC' as 'ATE' }))).toBe('bad-option');
    expect(code(() => weightByPropensity({ t: [1, 1], ps: [0.5, 0.5] }, { treatment: 't', ps: 'ps' }))).toBe('needs-both-groups');
    expect(code(() => weightByPropensity({ t: [1, 0], ps: [0.5, 0.5] }, { treatment: 't', ps: 'ps', truncate: [50, 10] }))).toBe('bad-option');
  });
});

describe('weightByPropensity: properties', () => {
  // Persons in strata of a discrete covariate; the score is the treated share of the stratum (a saturated
  // model), so sum over the treated of 1/ps = sum over strata of n_s = n exactly.
  const arb = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1 })), { minLength: 4, maxLength: 120 });
  const withScores = (rows: Array<[number, number]>) => {
    const byStratum = new Map<number, [number, number]>();
    for (const [s, t] of rows) {
      const e = byStratum.get(s) ?? [0, 0];
      e[t]++;
      byStratum.set(s, e);
    }
    // Keep strata holding both groups (others have ps 0 or 1).
    const keep = rows.filter(([s]) => byStratum.get(s)![0] > 0 && byStratum.get(s)![1] > 0);
    return { t: keep.map((r) => r[1]), ps: keep.map(([s]) => byStratum.get(s)![1] / (byStratum.get(s)![0] + byStratum.get(s)![1])) };
  };

  it('weights are positive; stabilised ATE weights sum to each group size, unstabilised to n', () => {
    fc.assert(
      fc.property(arb, (rows) => {
        const d = withScores(rows);
        if (d.t.length === 0) return;
        const n = d.t.length;
        const n1 = d.t.filter((x) => x === 1).length;
        const st = weightByPropensity(d, { treatment: 't', ps: 'ps' });
        const un = weightByPropensity(d, { treatment: 't', ps: 'ps', stabilised: false });
        for (const r of [st, un]) for (const w of r.weights) expect(w!).toBeGreaterThan(0);
        expectClose(st.summary.treated.sum, n1, 'stabilised treated');
        expectClose(st.summary.comparator.sum, n - n1, 'stabilised comparator');
        expectClose(un.summary.treated.sum, n, 'unstabilised treated');
        expectClose(un.summary.comparator.sum, n, 'unstabilised comparator');
        // ATT: comparators re-weighted to the treated size, n1 (n0 when stabilised).
        expectClose(weightByPropensity(d, { treatment: 't', ps: 'ps', estimand: 'ATT', stabilised: false }).summary.comparator.sum, n1, 'ATT');
        expectClose(weightByPropensity(d, { treatment: 't', ps: 'ps', estimand: 'ATT' }).summary.comparator.sum, n - n1, 'ATT stabilised');
        // The Kish effective sample size never exceeds the group size.
        expect(st.effectiveSampleSize.treated).toBeLessThanOrEqual(n1 * (1 + 1e-12));
      }),
      { numRuns: 200 },
    );
  });

  it('truncation keeps weights within the percentile bounds and never changes their order', () => {
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 20 }), (rows, lo) => {
        const d = withScores(rows);
        if (d.t.length === 0) return;
        const a = weightByPropensity(d, { treatment: 't', ps: 'ps' });
        const b = weightByPropensity(d, { treatment: 't', ps: 'ps', truncate: [lo, 100 - lo] });
        const [l, h] = b.settings.truncationBounds!;
        b.weights.forEach((w, i) => {
          expect(w!).toBeGreaterThanOrEqual(l);
          expect(w!).toBeLessThanOrEqual(h);
          const j = (i + 1) % b.weights.length;
          if (a.weights[i]! <= a.weights[j]!) expect(w!).toBeLessThanOrEqual(b.weights[j]!);
        });
      }),
      { numRuns: 100 },
    );
  });
});
