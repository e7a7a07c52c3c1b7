import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as aq from 'arquero';
import fc from 'fast-check';
import { logisticRegression, type LogisticRegressionResult } from '../../src/estimate/logisticRegression.js';
import { CohorteError } from '../../src/messages/index.js';
import { expectAllClose, expectClose } from '../helpers/approx.js';

function readRef(name: string): any {
  return JSON.parse(readFileSync(new URL(`../reference/${name}`, import.meta.url), 'utf8'));
}
const arr = (v: unknown): Array<number | null> => (v === null || v === undefined ? [] : Array.isArray(v) ? (v as Array<number | null>) : [v as number]);

/** Every number test/reference/ps-glm.R saves for a glm fit, at the project's tolerance. */
function expectGlm(fit: LogisticRegressionResult, ref: any, label: string, o: { loglik?: boolean } = {}): void {
  expect(fit.terms, `${label} terms`).toEqual(arr(ref.terms));
  expectAllClose(fit.coef, arr(ref.coef), `${label} coef`);
  expectAllClose(fit.se, arr(ref.se), `${label} se`);
  expectAllClose(fit.z, arr(ref.z), `${label} z`);
  expectAllClose(fit.p, arr(ref.p), `${label} p`);
  expectClose(fit.deviance, ref.deviance, `${label} deviance`);
  expectClose(fit.nullDeviance, ref.null_deviance, `${label} nullDeviance`);
  if (o.loglik !== false) {
    expectClose(fit.loglik, ref.loglik, `${label} loglik`);
    expectClose(fit.aic, ref.aic, `${label} aic`);
  }
  expect(fit.iterations, `${label} iterations`).toBe(ref.iter);
  expect(fit.converged, `${label} converged`).toBe(ref.converged);
  expect(fit.n, `${label} n`).toBe(ref.nrow);
}

describe('logisticRegression against R glm(family = binomial) (test/reference/ps-glm.R)', () => {
  const ref = readRef('ps-glm.json');
  const d = ref.data as Record<string, Array<number | null>>;
  const covs = ['age', 'female', 'diabetes', 'ckd', 'nhosp'];

  it('glm(treat ~ age + female + diabetes + ckd + nhosp, family = binomial, data = d): 4 rows with NA dropped', () => {
    const fit = logisticRegression(d, { outcome: 'treat', covariates: covs });
    expectGlm(fit, ref.plain, 'plain');
    expect(fit.nMissing).toBe(4);
    expect(fit.warnings).toEqual([]);
    expect(fit.settings.storage).toBe('dense');
  });

  it('glm(..., weights = w_int): whole-number weights, logLik and AIC as R', () => {
    expectGlm(logisticRegression(d, { outcome: 'treat', covariates: covs, weights: 'w_int' }), ref.weights_int, 'weights_int');
  });

  it('glm(..., weights = w_real): non-integer weights; R rounds them inside logLik, so only coef/se/deviance compare', () => {
    const fit = logisticRegression(d, { outcome: 'treat', covariates: covs, weights: 'w_real' });
    expectGlm(fit, ref.weights_real, 'weights_real', { loglik: false });
    // Ours is the weighted Bernoulli log-likelihood: -deviance / 2.
    expectClose(fit.loglik, -ref.weights_real.deviance / 2, 'loglik');
  });

  it('glm(treat ~ age + diabetes + ckd + aliased): aliased = diabetes + ckd gets a null coefficient (R: NA)', () => {
    const fit = logisticRegression(d, { outcome: 'treat', covariates: ['age', 'diabetes', 'ckd', 'aliased'] });
    expectGlm(fit, ref.aliased, 'aliased');
    expect(fit.warnings.join(' ')).toMatch(/aliased is collinear/);
  });

  it('glm(treat ~ age + female + sep): sep = 1 only in treated persons (quasi-complete separation)', () => {
    // R converges after 15 iterations on a huge coefficient (16.5, se 621) without a warning: the deviance
    // stops changing long before the coefficient does. We follow the same iterations, so every number
    // agrees, and we add our own warning naming the separating covariate.
    const fit = logisticRegression(d, { outcome: 'treat', covariates: ['age', 'female', 'sep'] });
    expectGlm(fit, ref.separated, 'separated');
    expect(ref.separated.warnings).toEqual([]);
    expect(fit.warnings).toEqual([expect.stringMatching(/covariate 'sep' \(quasi-\)completely separates the outcome: every row with sep = 1 has outcome 1/)]);
  });

  it('glm(treat ~ 1): intercept only', () => {
    expectGlm(logisticRegression(d, { outcome: 'treat', covariates: [] }), ref.intercept_only, 'intercept_only');
  });

  it('the same fit from row objects, an Arquero table and a sparse design (flags only)', () => {
    const rows = d.treat!.map((_, i) => Object.fromEntries(Object.keys(d).map((k) => [k, d[k]![i]])));
    const a = logisticRegression(rows, { outcome: 'treat', covariates: covs });
    const b = logisticRegression(aq.table(d), { outcome: 'treat', covariates: covs });
    expectAllClose(a.coef, arr(ref.plain.coef), 'rows');
    expectAllClose(b.coef, arr(ref.plain.coef), 'arquero');
    // diabetes and ckd are mostly 0: stored sparse, same answer as glm(treat ~ diabetes + ckd).
    const s = logisticRegression(d, { outcome: 'treat', covariates: ['diabetes', 'ckd'] });
    expect(s.settings.storage).toBe('sparse');
    const t = logisticRegression(d, { outcome: 'treat', covariates: ['diabetes', 'ckd', 'age'] });
    expect(t.settings.storage).toBe('dense');
  });
});

describe('logisticRegression: hand-derived cases', () => {
  it('2x2 table: intercept = log odds in x = 0, slope = log odds ratio, se = Woolf', () => {
    // x = 0: 2 events, 4 non-events (odds 1/2); x = 1: 3 events, 1 non-event (odds 3). Unsorted rows.
    // Saturated model: b0 = log(1/2), b1 = log(3 / (1/2)) = log 6,
    // se(b0) = sqrt(1/2 + 1/4) = sqrt(3/4), se(b1) = sqrt(1/2 + 1/4 + 1/3 + 1) = sqrt(25/12).
    // Deviance = -2 [2 log(1/3) + 4 log(2/3) + 3 log(3/4) + log(1/4)];
    // null: 5 of 10 events, -2 [10 log(1/2)] = 20 log 2.
    const y = [1, 0, 1, 0, 1, 0, 1, 0, 0, 1];
    const x = [1, 1, 0, 0, 1, 0, 1, 0, 0, 0];
    const fit = logisticRegression({ y, x }, { outcome: 'y', covariates: ['x'] });
    expectAllClose(fit.coef, [Math.log(1 / 2), Math.log(6)], 'coef');
    expectAllClose(fit.se, [Math.sqrt(3 / 4), Math.sqrt(25 / 12)], 'se');
    const dev = -2 * (2 * Math.log(1 / 3) + 4 * Math.log(2 / 3) + 3 * Math.log(3 / 4) + Math.log(1 / 4));
    expectClose(fit.deviance, dev, 'deviance');
    expectClose(fit.loglik, -dev / 2, 'loglik');
    expectClose(fit.nullDeviance, 20 * Math.log(2), 'null deviance');
    expectClose(fit.aic, dev + 4, 'aic');
    expect(fit.converged).toBe(true);
  });

  it('weights 2 equal duplicated rows; weight 0 equals a dropped row; missing values are dropped', () => {
    // Same 2x2 table written with weights: (x=0,y=1) w 2, (x=0,y=0) w 4, (x=1,y=1) w 3, (x=1,y=0) w 1,
    // plus a weight-0 row and a row with a missing x, which change nothing.
    const fit = logisticRegression(
      { y: [1, 0, 1, 0, 1, 1], x: [0, 0, 1, 1, 0, null], w: [2, 4, 3, 1, 0, 5] },
      { outcome: 'y', covariates: ['x'], weights: 'w' },
    );
    expectAllClose(fit.coef, [Math.log(1 / 2), Math.log(6)], 'coef');
    expectAllClose(fit.se, [Math.sqrt(3 / 4), Math.sqrt(25 / 12)], 'se');
    expect(fit.nMissing).toBe(1);
    expect(fit.n).toBe(5);
  });

  it('complete separation, as R: glm(y ~ x, family = binomial) with y = (x > 3) for x = 1..6 and y = x binary', () => {
    // R walks the coefficients towards infinity until the deviance stops changing; following the same
    // iterations gives the same (meaningless) numbers. With x continuous some fitted value reaches
    // 1 - 10 eps and R warns "fitted probabilities numerically 0 or 1"; with x binary it stops before
    // (fitted 2e-11) and R says nothing. Our separation check names x in both cases.
    const ref = readRef('ps-glm.json');
    const cont = logisticRegression(ref.complete_continuous.data, { outcome: 'y', covariates: ['x'] });
    expectGlm(cont, ref.complete_continuous, 'continuous');
    expect(ref.complete_continuous.warnings).toBe('glm.fit: fitted probabilities numerically 0 or 1 occurred');
    expect(cont.warnings).toEqual([expect.stringMatching(/fitted probabilities numerically 0 or 1 occurred/)]);
    const bin = logisticRegression(ref.complete_binary.data, { outcome: 'y', covariates: ['x'] });
    expectGlm(bin, ref.complete_binary, 'binary');
    expect(bin.warnings).toEqual([expect.stringMatching(/'x' \(quasi-\)completely separates the outcome: every row with x = 1 has outcome 1/)]);
  });

  it('warns when maxIter runs out', () => {
    const fit = logisticRegression({ y: [1, 0, 1, 0, 1, 0, 0, 1], x: [1, 1, 0, 0, 1, 0, 2, 3] }, { outcome: 'y', covariates: ['x'], maxIter: 1 });
    expect(fit.converged).toBe(false);
    expect(fit.warnings[0]).toMatch(/did not converge in maxIter = 1/);
  });

  it('ridge penalty: score equation X\'(y - mu) = lambda beta at the solution, intercept unpenalised', () => {
    const y = [1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0];
    const x1 = [1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 1];
    const x2 = [3, 1, 2, 0, 5, 1, 2, 2, 0, 4, 1, 0];
    const lambda = 2.5;
    const fit = logisticRegression({ y, x1, x2 }, { outcome: 'y', covariates: ['x1', 'x2'], penalty: lambda, tol: 1e-14 });
    const [b0, b1, b2] = fit.coef as number[];
    const score = [0, 0, 0];
    y.forEach((yi, i) => {
      const mu = 1 / (1 + Math.exp(-(b0! + b1! * x1[i]! + b2! * x2[i]!)));
      score[0] += yi - mu;
      score[1] += (yi - mu) * x1[i]!;
      score[2] += (yi - mu) * x2[i]!;
    });
    expectAllClose(score, [0, lambda * b1!, lambda * b2!], 'KKT');
    const plain = logisticRegression({ y, x1, x2 }, { outcome: 'y', covariates: ['x1', 'x2'] });
    expect(Math.hypot(b1!, b2!)).toBeLessThan(Math.hypot(plain.coef[1]!, plain.coef[2]!));
  });

  it('rejects bad input with clear messages', () => {
    const bad = (f: () => unknown, code: string) => {
      try {
        f();
        expect.fail('expected an error');
      } catch (e) {
        expect(e).toBeInstanceOf(CohorteError);
        expect((e as CohorteError).code).toBe(code);
      }
    };
    bad(() => logisticRegression({ y: [0, 2], x: [1, 2] }, { outcome: 'y', covariates: ['x'] }), 'not-binary');
    bad(() => logisticRegression({ y: [0, 1], x: [1, 2], w: [1, -1] }, { outcome: 'y', covariates: ['x'], weights: 'w' }), 'negative-weight');
    bad(() => logisticRegression({ y: [0, 1], x: [1, Infinity] }, { outcome: 'y', covariates: ['x'] }), 'non-finite-value');
    bad(() => logisticRegression({ y: [0, 1], x: [1, 2] }, { outcome: 'y', covariates: ['x'], penalty: -1 }), 'bad-option');
    bad(() => logisticRegression({ y: [0, 1], x: [1, 2] }, { outcome: 'y', covariates: ['x', 'x'] }), 'duplicate-name');
    bad(() => logisticRegression({ y: [null, null], x: [1, 2] }, { outcome: 'y', covariates: ['x'] }), 'no-rows');
    bad(() => logisticRegression({ y: [0, 1] }, { outcome: 'y', covariates: ['nope'] }), 'missing-column');
  });
});

describe('logisticRegression: properties', () => {
  const dataArb = fc.integer({ min: 1, max: 10_000 }).chain((seed) =>
    fc.constant(seed).map((s) => {
      // Deterministic small data set from a seed (no separation: outcome noise on every covariate pattern).
      let a = s;
      const u = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
      const n = 60;
      const x1 = Array.from({ length: n }, () => (u() < 0.4 ? 1 : 0));
      const x2 = Array.from({ length: n }, () => Math.round(u() * 40) / 4);
      const y = x1.map((v, i) => (u() < 1 / (1 + Math.exp(-(-1 + v + 0.1 * x2[i]!))) ? 1 : 0));
      return { y, x1, x2 };
    }),
  );

  it('row order does not change the fit', () => {
    fc.assert(
      fc.property(dataArb, fc.integer({ min: 1, max: 59 }), (d, shift) => {
        const rot = <T,>(a: T[]) => [...a.slice(shift), ...a.slice(0, shift)];
        const a = logisticRegression(d, { outcome: 'y', covariates: ['x1', 'x2'] });
        const b = logisticRegression({ y: rot(d.y), x1: rot(d.x1), x2: rot(d.x2) }, { outcome: 'y', covariates: ['x1', 'x2'] });
        expectAllClose(b.coef, a.coef, 'coef');
        expectAllClose(b.se, a.se, 'se');
      }),
      { numRuns: 25 },
    );
  });

  it('scaling a covariate by c divides its coefficient and standard error by c', () => {
    fc.assert(
      fc.property(dataArb, fc.double({ min: 0.01, max: 100, noNaN: true }), (d, c) => {
        const a = logisticRegression(d, { outcome: 'y', covariates: ['x1', 'x2'] });
        const b = logisticRegression({ ...d, x2: d.x2.map((v) => v * c) }, { outcome: 'y', covariates: ['x1', 'x2'] });
        expectClose(b.coef[2]! * c, a.coef[2]!, 'coef', 1e-6, 1e-9);
        expectClose(b.se[2]! * c, a.se[2]!, 'se', 1e-6, 1e-9);
        expectClose(b.deviance, a.deviance, 'deviance');
      }),
      { numRuns: 25 },
    );
  });

  it('whole-number weights equal replicated rows', () => {
    fc.assert(
      fc.property(dataArb, fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 60, maxLength: 60 }), (d, w) => {
        const rep = { y: [] as number[], x1: [] as number[], x2: [] as number[] };
        w.forEach((k, i) => {
          for (let r = 0; r < k; r++) {
            rep.y.push(d.y[i]!);
            rep.x1.push(d.x1[i]!);
            rep.x2.push(d.x2[i]!);
          }
        });
        const a = logisticRegression({ ...d, w }, { outcome: 'y', covariates: ['x1', 'x2'], weights: 'w', tol: 1e-13 });
        const b = logisticRegression(rep, { outcome: 'y', covariates: ['x1', 'x2'], tol: 1e-13 });
        expectAllClose(a.coef, b.coef, 'coef');
        expectAllClose(a.se, b.se, 'se');
        expectClose(a.loglik, b.loglik, 'loglik');
      }),
      { numRuns: 20 },
    );
  });
});
