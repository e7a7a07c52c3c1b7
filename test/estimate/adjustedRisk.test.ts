import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { adjustedCurves, bootstrap, matchedCox, percentileInterval, riskAtHorizon, weightedCox } from '../../src/estimate/adjustedRisk.js';
import { coxph } from '../../src/estimate/coxph.js';
import { kaplanMeier } from '../../src/estimate/kaplanMeier.js';
import { matchOnPropensity } from '../../src/estimate/matchOnPropensity.js';
import { CohorteError } from '../../src/messages/index.js';
import { expectAllClose, expectClose } from '../helpers/approx.js';

function readRef(name: string): any {
  return JSON.parse(readFileSync(new URL(`../reference/${name}`, import.meta.url), 'utf8'));
}
const arr = (v: unknown): Array<number | null> => (v === null || v === undefined ? [] : Array.isArray(v) ? (v as Array<number | null>) : [v as number]);

describe('adjusted outcome models against R (test/reference/ps-cox.R)', () => {
  const ref = readRef('ps-cox.json');
  const d = ref.data;

  it('coxph(Surv(time, event) ~ treat, data = d, weights = w, robust = TRUE) with stabilised IPTW weights', () => {
    const fit = weightedCox(d, { time: 'time', event: 'event', treatment: 'treat', weights: 'w' });
    const r = ref.weighted_robust;
    expectAllClose(fit.coef, arr(r.coef), 'coef');
    expectAllClose(fit.se, arr(r.se), 'naive se');
    expectAllClose(fit.robustSe!, arr(r.robust_se), 'robust se');
    expectAllClose(fit.loglik, arr(r.loglik), 'loglik');
  });

  it('coxph(Surv(time, event) ~ treat + age + diabetes, data = d, weights = w, robust = TRUE)', () => {
    const fit = weightedCox(d, { time: 'time', event: 'event', treatment: 'treat', weights: 'w', covariates: ['age', 'diabetes'] });
    const r = ref.weighted_robust_adj;
    expectAllClose(fit.coef, arr(r.coef), 'coef');
    expectAllClose(fit.robustSe!, arr(r.robust_se), 'robust se');
  });

  it('Cox stratified on the matched sets of MatchIt (same sets from matchOnPropensity): coxph(Surv(time, event) ~ treat + strata(subclass), data = md)', () => {
    // m <- matchit(treat ~ age + diabetes + ckd, data = d, distance = d$dist, method = "nearest", caliper = 0.2, std.caliper = TRUE)
    const m = matchOnPropensity(d, { treatment: 'treat', logitPs: 'dist', caliper: 0.2, caliperScale: 'overall' });
    const head = new Map<number, number>();
    m.matchedSet.forEach((s, i) => s >= 0 && d.treat[i] === 1 && head.set(s, i + 1));
    expect(m.matchedSet.map((s) => (s >= 0 ? head.get(s)! : null))).toEqual(ref.set_of);
    const withSets = { ...d, set: m.matchedSet };
    const fit = matchedCox(withSets, { time: 'time', event: 'event', treatment: 'treat', matchedSet: 'set' });
    const r = ref.matched_strata;
    expectAllClose(fit.coef, arr(r.coef), 'coef');
    expectAllClose(fit.se, arr(r.se), 'se');
    expectAllClose(fit.loglik, arr(r.loglik), 'loglik');
    expect(fit.n).toBe(r.n);
    expect(fit.nUnmatched).toBe(400 - r.n);
    // coxph(Surv(time, event) ~ treat, data = md, cluster = subclass): robust SE clustered on the pairs.
    const rows = m.matchedSet.map((_, i) => i).filter((i) => m.matchedSet[i]! >= 0);
    const md = { time: rows.map((i) => d.time[i]), event: rows.map((i) => d.event[i]), treat: rows.map((i) => d.treat[i]), set: rows.map((i) => m.matchedSet[i]) };
    const cl = coxph(md, { time: 'time', event: 'event', covariates: ['treat'], cluster: 'set' });
    expectAllClose(cl.coef, arr(ref.matched_cluster.coef), 'cluster coef');
    expectAllClose(cl.robustSe!, arr(ref.matched_cluster.robust_se), 'cluster robust se');
    // The same through weightedCox with the matching weights (1 for the pairs, 0 for the unmatched,
    // who are left out), clustered on the pairs.
    const wc = weightedCox({ ...d, set: m.matchedSet, mw: m.weights }, { time: 'time', event: 'event', treatment: 'treat', weights: 'mw', cluster: 'set' });
    expect(wc.nZeroWeight).toBe(400 - r.n);
    expectAllClose(wc.coef, arr(ref.matched_cluster.coef), 'weightedCox coef');
    expectAllClose(wc.robustSe!, arr(ref.matched_cluster.robust_se), 'weightedCox robust se');
  });

  it('weighted 1 - KM at horizons: summary(survfit(Surv(time, event) ~ treat, data = d, weights = w), times = c(180, 365, 730, 1000))', () => {
    const r = riskAtHorizon(d, { time: 'time', event: 'event', group: 'treat', horizons: [1000, 180, 365, 730], weights: 'w' });
    const risk = ref.km_weighted.risk as number[];
    expect(r.groups).toEqual({ comparator: '0', target: '1' });
    expect(r.rows.map((x) => x.horizon)).toEqual([180, 365, 730, 1000]);
    expectAllClose(r.rows.map((x) => x.riskComparator), risk.slice(0, 4), 'comparator');
    expectAllClose(r.rows.map((x) => x.riskTarget), risk.slice(4), 'target');
    expectAllClose(r.rows.map((x) => x.riskDifference), risk.slice(4).map((v, k) => v - risk[k]!), 'rd');
    expectAllClose(r.rows.map((x) => x.riskRatio), risk.slice(4).map((v, k) => v / risk[k]!), 'rr');
    expect(r.settings.estimator).toBe('kaplan-meier');
  });

  it('weighted Aalen-Johansen at horizons: summary(survfit(Surv(time, factor(status)) ~ treat, data = d, weights = w), times = ...)', () => {
    const aj = ref.aj_weighted;
    const r1 = riskAtHorizon(d, { time: 'time', event: 'status', group: 'treat', horizons: [180, 365, 730, 1000], weights: 'w', competing: true });
    expectAllClose(r1.rows.map((x) => x.riskComparator), aj.cif1.slice(0, 4), 'cause 1 comparator');
    expectAllClose(r1.rows.map((x) => x.riskTarget), aj.cif1.slice(4), 'cause 1 target');
    const r2 = riskAtHorizon(d, { time: 'time', event: 'status', group: 'treat', horizons: [180, 365, 730, 1000], weights: 'w', competing: true, cause: 2 });
    expectAllClose(r2.rows.map((x) => x.riskTarget), aj.cif2.slice(4), 'cause 2 target');
  });

  it('adjustedCurves calls kaplanMeier (robust with weights) and aalenJohansen by group', () => {
    const km = adjustedCurves(d, { time: 'time', event: 'event', group: 'treat', weights: 'w', times: [180, 365, 730, 1000] });
    expect(km.kind).toBe('kaplan-meier');
    if (km.kind !== 'kaplan-meier') return;
    expect(km.result.settings.robust).toBe(true);
    expectAllClose(km.result.strata.flatMap((s) => s.surv.map((v) => 1 - v)), ref.km_weighted.risk, 'risk');
    const aj = adjustedCurves(d, { time: 'time', event: 'status', group: 'treat', weights: 'w', competing: true, times: [180, 365, 730, 1000] });
    if (aj.kind !== 'aalen-johansen') throw new Error('expected AJ');
    expectAllClose(aj.result.strata.flatMap((s) => s.causes[0]!.cumulativeIncidence), ref.aj_weighted.cif1, 'cif1');
  });
});

describe('riskAtHorizon: hand-derived cases', () => {
  // Comparator (g = 0): event at 1, censored at 2, event at 2, event at 4 (an event and a censoring at time 2).
  //   KM: t=1: 1 - 1/4 -> 3/4; t=2: 3 at risk (the censored one still counts), 1 event -> 3/4 x 2/3 = 1/2;
  //   t=4: 1 at risk, 1 event -> 0. Risk at 1, 2, 3, 4: 1/4, 1/2, 1/2, 1.
  // Target (g = 1): two events at 1 (tie), event at 2, censored at 5.
  //   t=1: 1 - 2/4 -> 1/2; t=2: 2 at risk, 1 event -> 1/4. Risk at 1, 2, 3, 4: 1/2, 3/4, 3/4, 3/4.
  // Rows unsorted; one row with a missing time.
  const d = {
    time: [2, 1, 5, 4, 1, 2, 2, 1, null],
    event: [1, 1, 0, 1, 1, 0, 1, 1, 1],
    g: [0, 1, 1, 0, 0, 0, 1, 1, 0],
  };

  it('1 - KM per group, difference and ratio', () => {
    const r = riskAtHorizon(d, { time: 'time', event: 'event', group: 'g', horizons: [1, 2, 3, 4] });
    expectAllClose(r.rows.map((x) => x.riskComparator), [1 / 4, 1 / 2, 1 / 2, 1], 'comparator');
    expectAllClose(r.rows.map((x) => x.riskTarget), [1 / 2, 3 / 4, 3 / 4, 3 / 4], 'target');
    expectAllClose(r.rows.map((x) => x.riskDifference), [1 / 4, 1 / 4, 1 / 4, -1 / 4], 'rd');
    expectAllClose(r.rows.map((x) => x.riskRatio), [2, 3 / 2, 3 / 2, 3 / 4], 'rr');
    expect(r.nMissing).toBe(1);
    // The comparator's last time is 4: a horizon of 4.5 is not estimable there.
    const late = riskAtHorizon(d, { time: 'time', event: 'event', group: 'g', horizons: [4.5] });
    expect(late.rows[0]!.riskComparator).toBeNull();
    expect(late.rows[0]!.riskTarget).toBe(0.75);
    expect(late.warnings[0]).toMatch(/horizon 4.5 is after the last follow-up time in group 0/);
  });

  it('agrees with kaplanMeier on the same rows', () => {
    const km = kaplanMeier(d, { time: 'time', event: 'event', strata: 'g', times: [1, 2, 3, 4] });
    const r = riskAtHorizon(d, { time: 'time', event: 'event', group: 'g', horizons: [1, 2, 3, 4] });
    expectAllClose(r.rows.map((x) => x.riskComparator), km.strata[0]!.surv.map((s) => 1 - s), 'g=0');
    expectAllClose(r.rows.map((x) => x.riskTarget), km.strata[1]!.surv.map((s) => 1 - s), 'g=1');
  });

  it('Aalen-Johansen with a competing event', () => {
    // Comparator: cause 1 at 1, cause 2 at 2, cause 1 at 3, censored at 4.
    //   t=1: CIF1 = 1/4, S = 3/4; t=2: CIF2 = 3/4 x 1/3 = 1/4, S = 1/2; t=3: CIF1 += 1/2 x 1/2 -> 1/2, S = 1/4.
    // Target: cause 2 at 1, cause 1 at 2, censored at 3, censored at 3.
    //   t=1: CIF2 = 1/4, S = 3/4; t=2: CIF1 = 3/4 x 1/3 = 1/4.
    const c = { time: [1, 2, 3, 4, 1, 2, 3, 3], status: [1, 2, 1, 0, 2, 1, 0, 0], g: ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'] };
    const r = riskAtHorizon(c, { time: 'time', event: 'status', group: 'g', horizons: [1, 2, 3], competing: true });
    expectAllClose(r.rows.map((x) => x.riskComparator), [1 / 4, 1 / 4, 1 / 2], 'comparator');
    expectAllClose(r.rows.map((x) => x.riskTarget), [0, 1 / 4, 1 / 4], 'target');
    // Reference group chosen explicitly: the roles swap.
    const s = riskAtHorizon(c, { time: 'time', event: 'status', group: 'g', horizons: [3], competing: true, reference: 'b' });
    expect(s.groups).toEqual({ comparator: 'b', target: 'a' });
    expectClose(s.rows[0]!.riskDifference, 1 / 4, 'swapped rd');
  });

  it('weights of 2 equal duplicated rows', () => {
    const w = [2, 1, 1, 2, 1, 1, 2, 1, 1];
    const dup = { time: [...d.time, 2, 4, 2], event: [...d.event, 1, 1, 1], g: [...d.g, 0, 0, 1] };
    const a = riskAtHorizon({ ...d, w }, { time: 'time', event: 'event', group: 'g', horizons: [1, 2, 3, 4], weights: 'w' });
    const b = riskAtHorizon(dup, { time: 'time', event: 'event', group: 'g', horizons: [1, 2, 3, 4] });
    expectAllClose(a.rows.map((x) => x.riskComparator), b.rows.map((x) => x.riskComparator), 'comparator');
    expectAllClose(a.rows.map((x) => x.riskTarget), b.rows.map((x) => x.riskTarget), 'target');
  });

  it('rejects bad input', () => {
    const code = (f: () => unknown) => {
      try {
        f();
        return 'none';
      } catch (e) {
        expect(e).toBeInstanceOf(CohorteError);
        return (e as CohorteError).code;
      }
    };
    expect(code(() => riskAtHorizon({ t: [1, 2], e: [2, 0], g: [0, 1] }, { time: 't', event: 'e', group: 'g', horizons: [1] }))).toBe('bad-event-code');
    expect(code(() => riskAtHorizon({ t: [1, 2], e: [1, 0], g: [0, 0] }, { time: 't', event: 'e', group: 'g', horizons: [1] }))).toBe('not-two-groups');
    expect(code(() => riskAtHorizon({ t: [1, 2], e: [1, 0], g: [0, 1] }, { time: 't', event: 'e', group: 'g', horizons: [] }))).toBe('bad-option');
    expect(code(() => riskAtHorizon({ t: [1, 2], e: [1, 0], g: [0, 1] }, { time: 't', event: 'e', group: 'g', horizons: [1], reference: 7 }))).toBe('unknown-level');
    expect(code(() => riskAtHorizon({ t: [1, 2], e: [1, 0], g: [0, 1] }, { time: 't', event: 'e', group: 'g', horizons: [1], bootstrap: { replicates: 0, seed: 1 } }))).toBe('bad-option');
  });
});

describe('bootstrap', () => {
  const ref = readRef('ps-cox.json');
  const d = ref.data;
  const opts = { time: 'time', event: 'event', group: 'treat', horizons: [365, 730], weights: 'w' };

  it('same seed, same result; another seed, another result', () => {
    const a = riskAtHorizon(d, { ...opts, bootstrap: { replicates: 50, seed: 11 } });
    const b = riskAtHorizon(d, { ...opts, bootstrap: { replicates: 50, seed: 11 } });
    const c = riskAtHorizon(d, { ...opts, bootstrap: { replicates: 50, seed: 12 } });
    expect(a).toEqual(b);
    expect(a.rows[0]!.riskDifferenceLower).not.toBe(c.rows[0]!.riskDifferenceLower);
    for (const row of a.rows) {
      expect(row.nValidReplicates).toBe(50);
      expect(row.riskDifferenceLower!).toBeLessThan(row.riskDifference!);
      expect(row.riskDifferenceUpper!).toBeGreaterThan(row.riskDifference!);
      expect(row.riskRatioLower!).toBeLessThan(row.riskRatio!);
    }
  });

  it('the multiplicity-weight replicates equal riskAtHorizon on explicit resamples drawn by bootstrap() with the same seed', () => {
    const fast = riskAtHorizon(d, { ...opts, bootstrap: { replicates: 20, seed: 5 }, keepReplicates: true });
    const slow = bootstrap((s) => riskAtHorizon(s, opts).rows.map((r) => [r.riskComparator, r.riskTarget]), d, { replicates: 20, seed: 5 });
    slow.estimates.forEach((e, b) => {
      expectAllClose(e.flat(), fast.replicates![b]!.flat(), `replicate ${b}`);
    });
  });

  it('cluster bootstrap resamples whole matched sets and renumbers them', () => {
    const data = { set: [0, 0, 1, 1, 2, 2], x: [1, 2, 3, 4, 5, 6] };
    const res = bootstrap((s) => ({ set: Array.from(s.set as Int32Array), x: Array.from(s.x as number[]) }), data, { replicates: 30, seed: 3, cluster: 'set' });
    for (const e of res.estimates) {
      expect(e.x.length).toBe(6);
      for (let k = 0; k < 6; k += 2) {
        expect(e.set[k]).toBe(e.set[k + 1]);
        expect(e.x[k + 1]! - e.x[k]!).toBe(1); // the two rows of a set travel together
        expect(e.set[k]).toBe(k / 2); // renumbered per draw
      }
    }
    // Matched-set bootstrap in riskAtHorizon is deterministic too.
    const m = riskAtHorizon(d, { ...opts, bootstrap: { replicates: 10, seed: 1, cluster: 'treat' } });
    expect(m.settings.bootstrap).toEqual({ replicates: 10, seed: 1, cluster: 'treat', interval: 'percentile' });
  });

  it('percentileInterval is type 7 on the finite values', () => {
    // quantile(1:5, c(0.025, 0.975)) = 1.1, 4.9
    expect(percentileInterval([3, 1, null, 5, NaN, 2, 4])).toEqual([1.1, 4.9]);
    expect(percentileInterval([null])).toBeNull();
  });
});

describe('riskAtHorizon: properties', () => {
  it('risks lie in [0, 1], never decrease with the horizon, and RD = target - comparator', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 4 })), { minLength: 4, maxLength: 60 }),
        fc.boolean(),
        (rows, competing) => {
          if (new Set(rows.map((r) => r[2])).size < 2) return;
          const d = { t: rows.map((r) => r[0]), e: rows.map((r) => (competing ? r[1] : Math.min(r[1], 1))), g: rows.map((r) => r[2]), w: rows.map((r) => r[3] / 2) };
          const r = riskAtHorizon(d, { time: 't', event: 'e', group: 'g', horizons: [0, 5, 10, 20, 30], weights: 'w', competing });
          let prev = [0, 0];
          for (const row of r.rows) {
            [row.riskComparator, row.riskTarget].forEach((v, k) => {
              if (v === null) return;
              expect(v).toBeGreaterThanOrEqual(-1e-12);
              expect(v).toBeLessThanOrEqual(1 + 1e-12);
              expect(v).toBeGreaterThanOrEqual(prev[k]! - 1e-12);
              prev[k] = v;
            });
            if (row.riskComparator !== null && row.riskTarget !== null) expectClose(row.riskDifference, row.riskTarget - row.riskComparator, 'rd');
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
