import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { propensityScore, cStatistic } from '../../src/estimate/propensityScore.js';
import { CohorteError } from '../../src/messages/index.js';
import { expectAllClose, expectClose } from '../helpers/approx.js';

function readRef(name: string): any {
  return JSON.parse(readFileSync(new URL(`../reference/${name}`, import.meta.url), 'utf8'));
}

describe('propensityScore against R (test/reference/ps-matchit.R)', () => {
  const ref = readRef('ps-matchit.json');

  it('discrete covariates: glm(treat ~ x1 + x2 + x3, family = binomial); c = W / (n1 n0) from wilcox.test', () => {
    const d = ref.discrete.data;
    const r = propensityScore(d, { treatment: 'treat', covariates: ['x1', 'x2', 'x3'] });
    expectAllClose(r.model.coef, ref.discrete.coef, 'coef');
    expectAllClose(r.model.se, ref.discrete.se, 'se');
    expectAllClose(r.ps as number[], d.ps, 'ps = fitted(fit)');
    expectAllClose(r.logitPs as number[], d.lp, 'logitPs = fit$linear.predictors');
    // Many persons share a score here: ties count 1/2 in both.
    expectClose(r.cStatistic, ref.discrete.c_statistic, 'c-statistic');
    expect(r.nTreated + r.nComparator).toBe(160);
  });

  it('continuous covariates: glm(treat ~ age + x, family = binomial)', () => {
    const d = ref.continuous.data;
    const r = propensityScore(d, { treatment: 'treat', covariates: ['age', 'x'] });
    expectAllClose(r.model.coef, ref.continuous.coef, 'coef');
    expectAllClose(r.ps as number[], d.ps, 'ps');
    expectClose(r.cStatistic, ref.continuous.c_statistic, 'c-statistic');
  });
});

describe('propensityScore: hand-derived cases', () => {
  it('c-statistic counts ties as 1/2', () => {
    // Treated scores 0.8, 0.6, 0.4; comparators 0.6, 0.2. Pairs: (0.8: 1 + 1), (0.6: 1/2 + 1), (0.4: 0 + 1)
    // = 4.5 of 6 = 3/4.
    expectClose(cStatistic(Float64Array.of(0.8, 0.6, 0.6, 0.4, 0.2), Uint8Array.of(1, 1, 0, 1, 0)), 3 / 4, 'auc');
    // All scores equal: 1/2.
    expectClose(cStatistic(Float64Array.of(0.3, 0.3, 0.3), Uint8Array.of(1, 0, 0)), 1 / 2, 'all tied');
  });

  it('preference score, equipoise and histograms on a 2x2 example', () => {
    // x = 0: 1 treated of 4 (ps 1/4); x = 1: 3 treated of 4 (ps 3/4). P = 1/2 so F = ps.
    // Then nobody is in [0.3, 0.7]; 2 extra rows (missing x) are dropped.
    const d = { t: [0, 0, 0, 1, 1, 1, 1, 0, 1, 0], x: [0, 0, 0, 0, 1, 1, 1, 1, null, null] };
    const r = propensityScore(d, { treatment: 't', covariates: ['x'], bins: 5 });
    expectAllClose(r.ps.slice(0, 8) as number[], [1, 1, 1, 1, 3, 3, 3, 3].map((k) => k / 4), 'ps');
    expect(r.ps.slice(8)).toEqual([null, null]);
    expectAllClose(r.preferenceScore.slice(0, 8) as number[], [1, 1, 1, 1, 3, 3, 3, 3].map((k) => k / 4), 'preference');
    expect(r.overlap.equipoiseFraction).toBe(0);
    expect(r.warnings).toHaveLength(2);
    expect(r.warnings[0]).toMatch(/only 0.0% of the treated group/);
    // Bins [0, .2), [.2, .4), ..., [.8, 1]: ps 1/4 -> bin 1, 3/4 -> bin 3.
    expect(r.overlap.histogram).toEqual({ breaks: [0, 0.2, 0.4, 0.6, 0.8, 1], treated: [0, 1, 0, 3, 0], comparator: [0, 3, 0, 1, 0] });
    // c = P(ps_treated > ps_comparator) + ties / 2 = (3 x 3 + (1 x 3 + 3 x 1) / 2) / 16 = 12/16.
    expectClose(r.cStatistic, 12 / 16, 'c');
    expect(r.nMissing).toBe(2);
  });

  it('preference score shifts the logit by the proportion treated (Walker et al. 2013)', () => {
    // 1 treated of 4 overall in x = 0 ... P = 5/12 here: ln F/(1-F) = ln ps/(1-ps) - ln P/(1-P).
    const d = { t: [1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1], x: [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2] };
    const r = propensityScore(d, { treatment: 't', covariates: ['x'] });
    const P = 5 / 12;
    r.ps.forEach((p, i) => {
      const lf = Math.log(p! / (1 - p!)) - Math.log(P / (1 - P));
      expectClose(r.preferenceScore[i], 1 / (1 + Math.exp(-lf)), `F[${i}]`);
    });
    expectClose(r.proportionTreated, P, 'P');
  });

  it('needs both groups', () => {
    expect(() => propensityScore({ t: [1, 1], x: [0, 1] }, { treatment: 't', covariates: ['x'] })).toThrow(CohorteError);
  });
});

describe('propensityScore: properties', () => {
  it('c-statistic in [0, 1], equals 1 - c with the groups swapped; preference in [0, 1]; equipoise fractions consistent', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 4 })), { minLength: 6, maxLength: 80 }), (rows) => {
        const t = rows.map((r) => r[0]);
        if (!t.includes(0) || !t.includes(1)) return;
        const x = rows.map((r) => r[1]);
        const r = propensityScore({ t, x }, { treatment: 't', covariates: ['x'] });
        expect(r.cStatistic).toBeGreaterThanOrEqual(0);
        expect(r.cStatistic).toBeLessThanOrEqual(1);
        const ps = Float64Array.from(r.ps as number[]);
        const swapped = cStatistic(ps, Uint8Array.from(t, (v) => 1 - v));
        expectClose(swapped, 1 - r.cStatistic, 'swap');
        for (const f of r.preferenceScore) expect(f! >= 0 && f! <= 1).toBe(true);
        const all = r.overlap.equipoiseFraction * t.length;
        expectClose(all, r.overlap.equipoiseFractionTreated * r.nTreated + r.overlap.equipoiseFractionComparator * r.nComparator, 'equipoise');
        const h = r.overlap.histogram;
        expect(h.treated.reduce((a, b) => a + b, 0)).toBe(r.nTreated);
        expect(h.comparator.reduce((a, b) => a + b, 0)).toBe(r.nComparator);
      }),
      { numRuns: 100 },
    );
  });
});
