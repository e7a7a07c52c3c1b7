import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { matchOnPropensity, matchingWeights, type MatchOnPropensityResult } from '../../src/estimate/matchOnPropensity.js';
import { CohorteError } from '../../src/messages/index.js';
import { expectAllClose, expectClose } from '../helpers/approx.js';

function readRef(name: string): any {
  return JSON.parse(readFileSync(new URL(`../reference/${name}`, import.meta.url), 'utf8'));
}

/** For each row, the 1-based row of the target person of its matched set, or null (as set_of in ps-matchit.R). */
function setOf(res: MatchOnPropensityResult, treat: number[]): Array<number | null> {
  const head = new Map<number, number>();
  res.matchedSet.forEach((s, i) => {
    if (s >= 0 && treat[i] === 1) head.set(s, i + 1);
  });
  return res.matchedSet.map((s) => (s >= 0 ? head.get(s)! : null));
}

describe('matchOnPropensity against MatchIt 4.5.1 (test/reference/ps-matchit.R)', () => {
  // MatchIt 4.5.1 truncates distance differences to whole numbers (C abs() on a double, in
  // nn_matchC_vec.cpp), so the references match on dist = round(10^4 * logit PS), where that is exact.
  const ref = readRef('ps-matchit.json');
  const cases: Array<[string, string, Parameters<typeof matchOnPropensity>[1]]> = [
    // matchit(treat ~ x1 + x2 + x3, data = d, distance = d$dist, method = "nearest", caliper = 0.2, std.caliper = TRUE, m.order = "largest")
    ['discrete', 'largest', { treatment: 'treat', logitPs: 'dist', caliper: 0.2, caliperScale: 'overall', order: 'largest' }],
    // ... m.order = "smallest"
    ['discrete', 'smallest', { treatment: 'treat', logitPs: 'dist', caliper: 0.2, caliperScale: 'overall', order: 'smallest' }],
    // ... m.order = "data"
    ['discrete', 'data_order', { treatment: 'treat', logitPs: 'dist', caliper: 0.2, caliperScale: 'overall', order: 'data' }],
    // ... ratio = 2, caliper = 0.2, std.caliper = TRUE, m.order = "largest"
    ['discrete', 'ratio2', { treatment: 'treat', logitPs: 'dist', ratio: 2, caliper: 0.2, caliperScale: 'overall', order: 'largest' }],
    // matchit(..., distance = d$dist, method = "nearest", m.order = "largest"): no caliper
    ['discrete', 'no_caliper', { treatment: 'treat', logitPs: 'dist', caliper: null, order: 'largest' }],
    // matchit(treat ~ age + x, data = d2, distance = d2$dist, method = "nearest", caliper = 0.2, std.caliper = TRUE)
    ['continuous', 'caliper_02', { treatment: 'treat', logitPs: 'dist', caliper: 0.2, caliperScale: 'overall' }],
    // ... caliper = 0.05, std.caliper = TRUE, m.order = "smallest"
    ['continuous', 'caliper_005', { treatment: 'treat', logitPs: 'dist', caliper: 0.05, caliperScale: 'overall', order: 'smallest' }],
    // ... ratio = 3, caliper = 0.2, std.caliper = TRUE, m.order = "data"
    ['continuous', 'ratio3', { treatment: 'treat', logitPs: 'dist', ratio: 3, caliper: 0.2, caliperScale: 'overall', order: 'data' }],
    // ... caliper = 1000, std.caliper = FALSE (on the distance scale)
    ['continuous', 'absolute', { treatment: 'treat', logitPs: 'dist', caliper: 1000, caliperScale: 'absolute' }],
  ];
  for (const [group, name, options] of cases) {
    it(`${group} ${name}: ${ref[group][name].call}`, () => {
      const d = ref[group].data;
      const r = ref[group][name];
      const res = matchOnPropensity(d, options);
      expect(setOf(res, d.treat)).toEqual(r.set_of);
      expectAllClose(res.weights, r.weights, 'weights');
      if (r.caliper === null) expect(res.settings.caliperWidth).toBeNull();
      else expectClose(res.settings.caliperWidth, r.caliper, 'caliper');
      expect(res.warnings.length).toBe([].concat(r.warnings ?? []).length);
    });
  }

  it('MatchIt 4.5.1 truncation bug: we take the nearer comparator and honour a caliper below 1', () => {
    // matchit(treat ~ lp, data = bug, distance = bug$lp, method = "nearest"): target at 0, comparators at
    // -0.9 (row 2) and 0.3 (row 3). R 4.5.1 pairs the target with row 2 (|-0.9| and |0.3| both truncate to
    // 0; the left one wins the tie), even with caliper = 0.1, std.caliper = FALSE. We take row 3, and no one
    // with the caliper. Deliberate difference (later MatchIt versions compute std::abs).
    const b = ref.bug_demo;
    expect(b.no_caliper.set_of).toEqual([1, 1, null]);
    expect(b.caliper_01.set_of).toEqual([1, 1, null]);
    const ours = matchOnPropensity(b.data, { treatment: 'treat', logitPs: 'lp', caliper: null });
    expect(setOf(ours, b.data.treat)).toEqual([1, null, 1]);
    const cal = matchOnPropensity(b.data, { treatment: 'treat', logitPs: 'lp', caliper: 0.1, caliperScale: 'absolute' });
    expect(setOf(cal, b.data.treat)).toEqual([null, null, null]);
  });

  it('matching on ps or on its logit gives the same sets', () => {
    const d = ref.continuous.data;
    const a = matchOnPropensity(d, { treatment: 'treat', ps: 'ps' });
    const b = matchOnPropensity(d, { treatment: 'treat', logitPs: 'lp' });
    expect(a.matchedSet).toEqual(b.matchedSet);
    expect(a.nMatchedTreated).toBeGreaterThan(0);
  });

  it('the default caliper is 0.2 pooled SD of the logit PS: sqrt((var1 + var0) / 2)', () => {
    const d = ref.continuous.data;
    const res = matchOnPropensity(d, { treatment: 'treat', logitPs: 'lp' });
    const lp1 = d.lp.filter((_: number, i: number) => d.treat[i] === 1);
    const lp0 = d.lp.filter((_: number, i: number) => d.treat[i] === 0);
    const v = (a: number[]) => {
      const m = a.reduce((s, x) => s + x, 0) / a.length;
      return a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1);
    };
    expectClose(res.settings.caliperSd, Math.sqrt((v(lp1) + v(lp0)) / 2), 'pooled sd');
    expectClose(res.settings.caliperWidth, 0.2 * Math.sqrt((v(lp1) + v(lp0)) / 2), 'width');
    expect(res.settings.order).toBe('largest');
  });
});

describe('matchOnPropensity: hand-derived cases', () => {
  it('greedy choice, left wins an equal-distance tie, caliper, missing rows', () => {
    // Logit PS: targets T1 = 0.0 (row 0), T2 = 1.0 (row 1); comparators C1 = -0.5 (row 2), C2 = 0.5 (row 3),
    // C3 = 3.0 (row 4); row 5 has a missing score. Order 'largest': T2 first: nearest are C2 (0.5 away,
    // left) and C3 (2.0 away) -> C2. Then T1: C1 is 0.5 away on the left, C2 taken, C3 3.0 away -> C1.
    // Absolute caliper 0.6 keeps both pairs; a caliper of 0.4 leaves both targets unmatched.
    const d = { t: [1, 1, 0, 0, 0, 0], lp: [0, 1, -0.5, 0.5, 3, null] };
    const r = matchOnPropensity(d, { treatment: 't', logitPs: 'lp', caliper: 0.6, caliperScale: 'absolute' });
    // Sets numbered in data order of the target: T1 (row 0) -> set 0, T2 (row 1) -> set 1.
    expect(r.matchedSet).toEqual([0, 1, 0, 1, -1, -1]);
    expect(r.pairs).toEqual({ treated: [0, 1], control: [2, 3], distance: [0.5, 0.5] });
    expect(r.nMissing).toBe(1);
    expect([r.nMatchedTreated, r.nUnmatchedTreated, r.nMatchedControls]).toEqual([2, 0, 2]);
    // Order 'smallest': T1 first, C1 and C2 both 0.5 away: the left one (C1) wins; then T2 takes C2.
    expect(matchOnPropensity(d, { treatment: 't', logitPs: 'lp', caliper: null, order: 'smallest' }).pairs.control).toEqual([2, 3]);
    // Only T1 = 0 with comparators -0.5 and 0.5: the left one wins the tie.
    const tie = matchOnPropensity({ t: [0, 1, 0], lp: [0.5, 0, -0.5] }, { treatment: 't', logitPs: 'lp', caliper: null });
    expect(tie.pairs.control).toEqual([2]);
    const none = matchOnPropensity(d, { treatment: 't', logitPs: 'lp', caliper: 0.4, caliperScale: 'absolute' });
    expect(none.matchedSet).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(none.nUnmatchedTreated).toBe(2);
  });

  it('ratio 2: rounds (every target gets a first comparator before anyone gets a second), MatchIt weights', () => {
    // Targets T1 = 0 (row 0), T2 = 10 (row 1); comparators at -1, 1, 2 (rows 2-4) and 11 (row 5).
    // Round 1 ('largest'): T2 takes 11, T1 takes -1 (left wins the tie with 1). Round 2: T2's nearest is 2
    // (8 away), T1's is 1: T2 goes first and takes 2, then T1 takes 1.
    // Weights: targets 1, comparators 1/2 each, rescaled by 4 / (4 * 1/2) = 2 -> all 1.
    const r = matchOnPropensity({ t: [1, 1, 0, 0, 0, 0], lp: [0, 10, -1, 1, 2, 11] }, { treatment: 't', logitPs: 'lp', ratio: 2, caliper: null });
    expect(r.matchedSet).toEqual([0, 1, 0, 0, 1, 1]);
    expect(r.weights).toEqual([1, 1, 1, 1, 1, 1]);
    // With a caliper of 1.5 on the logit scale, T2 gets only 11; T1 gets -1 and 1.
    // Raw comparator weights: 1/2, 1/2 (T1's) and 1 (T2's): sum 2 for 3 comparators -> scale 3/2.
    const c = matchOnPropensity({ t: [1, 1, 0, 0, 0, 0], lp: [0, 10, -1, 1, 2, 11] }, { treatment: 't', logitPs: 'lp', ratio: 2, caliper: 1.5, caliperScale: 'absolute' });
    expect(c.matchedSet).toEqual([0, 1, 0, 0, -1, 1]);
    expectAllClose(c.weights, [1, 1, 3 / 4, 3 / 4, 0, 3 / 2], 'weights');
    expectAllClose(matchingWeights(Float64Array.from([1, 1, 0, 0, 0, 0]), Float64Array.from(c.matchedSet)), c.weights, 'matchingWeights');
  });

  it('random order is deterministic for a seed', () => {
    const d = { t: Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? 1 : 0)), lp: Array.from({ length: 50 }, (_, i) => Math.sin(i)) };
    const a = matchOnPropensity(d, { treatment: 't', logitPs: 'lp', order: 'random', seed: 7 });
    const b = matchOnPropensity(d, { treatment: 't', logitPs: 'lp', order: 'random', seed: 7 });
    expect(a).toEqual(b);
    expect(a.settings.seed).toBe(7);
  });

  it('rejects bad options', () => {
    const d = { t: [1, 0], ps: [0.5, 1], lp: [0, 1] };
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(CohorteError);
        return (e as CohorteError).code;
      }
      return 'none';
    };
    expect(code(() => matchOnPropensity(d, { treatment: 't', ps: 'ps' }))).toBe('ps-out-of-range');
    expect(code(() => matchOnPropensity(d, { treatment: 't', ps: 'ps', logitPs: 'lp' }))).toBe('ps-or-logit');
    expect(code(() => matchOnPropensity(d, { treatment: 't', logitPs: 'lp', ratio: 1.5 }))).toBe('bad-option');
    expect(code(() => matchOnPropensity(d, { treatment: 't', logitPs: 'lp', replace: true as unknown as false }))).toBe('bad-option');
    expect(code(() => matchOnPropensity({ t: [1, 1], lp: [0, 1] }, { treatment: 't', logitPs: 'lp' }))).toBe('needs-both-groups');
  });
});

describe('matchOnPropensity: properties', () => {
  const arb = fc.record({
    treat: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 2, maxLength: 80 }),
    seed: fc.integer({ min: 1, max: 1e6 }),
    ratio: fc.integer({ min: 1, max: 3 }),
    caliper: fc.oneof(fc.constant(null), fc.double({ min: 0.01, max: 1, noNaN: true })),
    order: fc.constantFrom('data' as const, 'largest' as const, 'smallest' as const, 'random' as const),
    discrete: fc.boolean(),
  });

  it('never reuses a comparator, pairs lie within the caliper, sets hold one target and 1..ratio comparators', () => {
    fc.assert(
      fc.property(arb, ({ treat, seed, ratio, caliper, order, discrete }) => {
        if (!treat.includes(0) || !treat.includes(1)) return;
        let a = seed;
        const u = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
        const lp = treat.map((t) => (discrete ? Math.round(u() * 4) / 2 : u() * 3 - 1.5) + 0.5 * t);
        const r = matchOnPropensity({ treat, lp }, { treatment: 'treat', logitPs: 'lp', ratio, caliper, order, seed });
        const used = new Set<number>();
        for (const c of r.pairs.control) {
          expect(used.has(c)).toBe(false);
          expect(treat[c]).toBe(0);
          used.add(c);
        }
        r.pairs.treated.forEach((t, k) => {
          expect(treat[t]).toBe(1);
          const dd = Math.abs(lp[t]! - lp[r.pairs.control[k]!]!);
          expect(dd).toBe(r.pairs.distance[k]);
          if (caliper !== null) expect(dd).toBeLessThanOrEqual(r.settings.caliperWidth!);
        });
        const size = new Map<number, [number, number]>();
        r.matchedSet.forEach((s, i) => {
          if (s < 0) return;
          const e = size.get(s) ?? [0, 0];
          e[treat[i]!]++;
          size.set(s, e);
        });
        for (const [c0, c1] of size.values()) {
          expect(c1).toBe(1);
          expect(c0).toBeGreaterThanOrEqual(1);
          expect(c0).toBeLessThanOrEqual(ratio);
        }
        expect(r.nMatchedTreated + r.nUnmatchedTreated).toBe(treat.filter((t) => t === 1).length);
        // Comparator weights sum to the number of matched comparators; target weights to matched targets.
        const sw0 = r.weights.reduce((s, w, i) => s + (treat[i] === 0 ? w : 0), 0);
        const sw1 = r.weights.reduce((s, w, i) => s + (treat[i] === 1 ? w : 0), 0);
        if (r.nMatchedControls) expectClose(sw0, r.nMatchedControls, 'control weights');
        expect(sw1).toBe(r.nMatchedTreated);
      }),
      { numRuns: 300 },
    );
  });

  it('greedy 1:1 without caliper matches min(n1, n0) targets', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.double({ min: -3, max: 3, noNaN: true })), { minLength: 2, maxLength: 60 }), (rows) => {
        const treat = rows.map((r) => r[0]);
        if (!treat.includes(0) || !treat.includes(1)) return;
        const r = matchOnPropensity({ treat, lp: rows.map((x) => x[1]) }, { treatment: 'treat', logitPs: 'lp', caliper: null });
        const n1 = treat.filter((t) => t === 1).length;
        expect(r.nMatchedTreated).toBe(Math.min(n1, treat.length - n1));
      }),
    );
  });
});
