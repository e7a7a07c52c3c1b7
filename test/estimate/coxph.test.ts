import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as aq from 'arquero';
import fc from 'fast-check';
import { coxph, type CoxphOptions, type CoxphResult } from '../../src/estimate/coxph.js';
import { readCoxRows, coxScaling, buildRiskSets } from '../../src/estimate/coxData.js';
import { coxPass, coxWork } from '../../src/estimate/coxFit.js';
import { CohorteError } from '../../src/messages/index.js';
import { expectAllClose, expectClose, readSharedJson, sharedDir } from '../helpers/approx.js';

/** survival's lung data as shared in /work/shared/reference/lung.csv (empty cell = missing). */
function readLung(): Record<string, Array<number | null>> {
  const [head, ...lines] = readFileSync(sharedDir + 'reference/lung.csv', 'utf8').trim().split('\n');
  const names = head!.split(',').map((s) => s.replace(/"/g, ''));
  const cols: Record<string, Array<number | null>> = Object.fromEntries(names.map((n) => [n, []]));
  for (const line of lines) line.split(',').forEach((v, j) => cols[names[j]!]!.push(v === '' ? null : Number(v)));
  return cols;
}

function readRef(name: string): any {
  return JSON.parse(readFileSync(new URL(`../reference/${name}`, import.meta.url), 'utf8'));
}

/** jsonlite unboxes length-1 vectors; R's NA arrives as null. */
const arr = (v: unknown): Array<number | null> => (v === null || v === undefined ? [] : Array.isArray(v) ? (v as Array<number | null>) : [v as number]);
const strs = (v: unknown): string[] => (v === null || v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);

/** Every number R reports for a fit (see test/reference/cox-common.R), at the project's tolerance. */
function expectFit(fit: CoxphResult, ref: any, label: string, o: { iter?: boolean; naiveVariance?: boolean } = {}): void {
  const alias = fit.coef.map((c) => c === null);
  expectAllClose(fit.coef, arr(ref.coef), `${label} coef`);
  const keep = <T,>(a: T[]) => a.filter((_, j) => !alias[j]);
  if (o.naiveVariance !== false) {
    expectAllClose(keep(fit.se), keep(arr(ref.se)), `${label} se`);
    const v = (ref.var as number[][]).flat();
    fit.variance.flat().forEach((x, k) => {
      if (x !== null) expectClose(x, v[k], `${label} variance[${k}]`);
    });
  }
  if (ref.robust_se === null) expect(fit.robustSe, `${label} robustSe`).toBeNull();
  else {
    expectAllClose(keep(fit.robustSe!), keep(arr(ref.robust_se)), `${label} robustSe`);
    const v = (ref.robust_var as number[][]).flat();
    fit.robustVariance!.flat().forEach((x, k) => {
      if (x !== null) expectClose(x, v[k], `${label} robustVariance[${k}]`);
    });
  }
  expectAllClose(keep(fit.z), keep(arr(ref.z)), `${label} z`);
  expectAllClose(keep(fit.p), keep(arr(ref.p)), `${label} p`);
  expectAllClose(keep(fit.lower), keep(arr(ref.lower)), `${label} lower`);
  expectAllClose(keep(fit.upper), keep(arr(ref.upper)), `${label} upper`);
  expectAllClose(fit.hr, fit.coef.map((b) => (b === null ? null : Math.exp(b))), `${label} hr`);
  expectAllClose(fit.loglik, arr(ref.loglik), `${label} loglik`);
  expect(fit.n, `${label} n`).toBe(ref.n);
  expect(fit.nEvent, `${label} nEvent`).toBe(ref.nevent);
  if (o.iter !== false) expect(fit.iterations, `${label} iterations`).toBe(ref.iter);
  expectAllClose(fit.means, arr(ref.means), `${label} means`);
  const test = (t: { statistic: number; df: number; p: number | null }, r: any, what: string) => {
    expectClose(t.statistic, r.statistic, `${label} ${what} statistic`);
    expect(t.df, `${label} ${what} df`).toBe(r.df);
    expectClose(t.p, r.p, `${label} ${what} p`);
  };
  test(fit.tests.likelihoodRatio, ref.logtest, 'LR');
  test(fit.tests.score, ref.sctest, 'score');
  test(fit.tests.wald, ref.wald, 'wald');
  if (ref.rscore === null) expect(fit.tests.robustScore, `${label} robustScore`).toBeNull();
  else test(fit.tests.robustScore!, ref.rscore, 'robust score');
}

const lung = readLung();
const lungRef = readSharedJson('reference/lung.json');
const lungModel: CoxphOptions = { time: 'time', event: 'event', covariates: ['age', 'sex', 'ph_ecog'] };

describe('coxph against the shared lung references', () => {
  // lung.json: coxph(Surv(time, event) ~ age + sex + ph.ecog), variants; wald rounded to 2 decimals.
  const shared = (fit: CoxphResult, ref: any, label: string) => {
    expectAllClose(fit.coef, ref.coef, `${label} coef`);
    expectAllClose(fit.se, ref.se, `${label} se`);
    expectAllClose(fit.loglik, ref.loglik, `${label} loglik`);
    expect(fit.n).toBe(ref.n);
    expect(fit.nEvent).toBe(ref.nevent);
    expect(fit.iterations).toBe(ref.iter);
    expectClose(fit.tests.likelihoodRatio.statistic, ref.logtest, `${label} logtest`);
    expectClose(fit.tests.score.statistic, ref.sctest, `${label} sctest`);
    expect(Math.round(fit.tests.wald.statistic * 100) / 100, `${label} wald`).toBe(ref.wald);
  };

  it('Efron: coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung)', () => {
    const fit = coxph(lung, lungModel);
    shared(fit, lungRef.cox_efron, 'efron');
    expect(fit.nMissing).toBe(1); // one missing ph.ecog
    expect(fit.robustSe).toBeNull();
    expect(fit.warnings).toEqual([]);
    expect(fit.converged).toBe(true);
    expect(fit.terms).toEqual(['age', 'sex', 'ph_ecog']);
  });

  it("Breslow: coxph(..., ties = 'breslow')", () => {
    shared(coxph(lung, { ...lungModel, ties: 'breslow' }), lungRef.cox_breslow, 'breslow');
  });

  it('robust: coxph(..., robust = TRUE): robust se, and a Wald test on the robust variance', () => {
    const fit = coxph(lung, { ...lungModel, robust: true });
    shared(fit, lungRef.cox_efron_robust, 'robust');
    expectAllClose(fit.robustSe!, lungRef.cox_efron_robust.robust_se, 'robust se');
  });

  it('strata: coxph(Surv(time, event) ~ age + ph.ecog + strata(sex))', () => {
    shared(coxph(lung, { ...lungModel, covariates: ['age', 'ph_ecog'], strata: 'sex' }), lungRef.cox_strata_sex, 'strata');
  });
});

describe('coxph against generated R references', () => {
  it('robust variance per row and clustered by institution (cox-cluster.R)', () => {
    const ref = readRef('cox-cluster.json');
    const m = { time: 'time', event: 'event', covariates: ['age', 'sex', 'ph_ecog'] };
    // coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, robust = TRUE)
    expectFit(coxph(ref.data, { ...m, robust: true }), ref.robust, 'robust');
    // coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, cluster = inst)
    const fit = coxph(ref.data, { ...m, cluster: 'inst' });
    expect(fit.settings.robust).toBe(true);
    expect(fit.nMissing).toBe(2); // missing ph_ecog, missing inst
    expectFit(fit, ref.cluster_inst, 'cluster');
    // coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, cluster = inst, ties = "breslow")
    expectFit(coxph(ref.data, { ...m, cluster: 'inst', ties: 'breslow' }), ref.cluster_inst_breslow, 'cluster breslow');
    // coxph(Surv(time, event) ~ age + ph_ecog + strata(sex), data = d, cluster = inst)
    expectFit(coxph(ref.data, { ...m, covariates: ['age', 'ph_ecog'], strata: 'sex', cluster: 'inst' }), ref.cluster_inst_strata, 'cluster strata');
  });

  it('case weights, integer and non-integer (cox-weights.R)', () => {
    const ref = readRef('cox-weights.json');
    const m = { time: 'time', event: 'event', covariates: ['age', 'sex', 'ph_ecog'] };
    // coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, weights = w_int)
    const fi = coxph(ref.data, { ...m, weights: 'w_int' });
    expect(fi.settings.robust).toBe(false);
    expectFit(fi, ref.int_efron, 'int efron');
    // coxph(..., weights = w_int, ties = "breslow")
    expectFit(coxph(ref.data, { ...m, weights: 'w_int', ties: 'breslow' }), ref.int_breslow, 'int breslow');
    // coxph(..., weights = w_real): non-integer weights switch robust on, as R
    const fr = coxph(ref.data, { ...m, weights: 'w_real' });
    expect(fr.settings.robust).toBe(true);
    expectFit(fr, ref.real_efron, 'real efron');
    // coxph(..., weights = w_real, robust = FALSE)
    expectFit(coxph(ref.data, { ...m, weights: 'w_real', robust: false }), ref.real_naive, 'real naive');
  });

  it('counting-process (start, stop] data: heart (cox-counting.R)', () => {
    const ref = readRef('cox-counting.json');
    const m = { start: 'start', time: 'stop', event: 'event', covariates: ['age', 'year', 'surgery', 'transplant'] };
    // coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, data = d)
    expectFit(coxph(ref.data, m), ref.efron, 'efron');
    // coxph(..., ties = "breslow")
    expectFit(coxph(ref.data, { ...m, ties: 'breslow' }), ref.breslow, 'breslow');
    // coxph(..., cluster = id)
    expectFit(coxph(ref.data, { ...m, cluster: 'id' }), ref.cluster_id, 'cluster id');
    // coxph(Surv(start, stop, event) ~ age + year + transplant + strata(surgery), data = d)
    expectFit(coxph(ref.data, { ...m, covariates: ['age', 'year', 'transplant'], strata: 'surgery' }), ref.strata_surgery, 'strata');
  });

  it('two strata variables: coxph(Surv(time, event) ~ age + ph_karno + strata(sex, ph_ecog)) (cox-edge.R)', () => {
    const ref = readRef('cox-edge.json');
    expectFit(coxph(ref.data, { time: 'time', event: 'event', covariates: ['age', 'ph_karno'], strata: ['sex', 'ph_ecog'] }), ref.strata2, 'strata2');
  });
});

describe('coxph warnings: never a silent wrong number', () => {
  const ref = readRef('cox-edge.json');

  it('monotone likelihood: coxph(Surv(time, event) ~ x + z, data = mono) warns that x may be infinite', () => {
    // R: "Loglik converged before variable  1 ; coefficient may be infinite."
    expect(strs(ref.monotone.warnings)[0]).toMatch(/Loglik converged before variable\s+1 ;/);
    for (const [ties, r] of [['efron', ref.monotone], ['breslow', ref.monotone_breslow]] as const) {
      const fit = coxph(ref.mono, { time: 'time', event: 'event', covariates: ['x', 'z'], ties });
      expect(fit.warnings).toHaveLength(1);
      expect(fit.warnings[0]).toMatch(/loglik converged before variable x;.*infinite/);
      expect(fit.converged).toBe(true);
      expectFit(fit, r, `monotone ${ties}`);
    }
  });

  it('collinear covariate: coxph(Surv(time, event) ~ age + sex + age_sex + ph_ecog) gives a null coefficient', () => {
    const fit = coxph(ref.data, { time: 'time', event: 'event', covariates: ['age', 'sex', 'age_sex', 'ph_ecog'] });
    expect(fit.coef[2]).toBeNull();
    expect(fit.se[2]).toBeNull();
    expect(fit.variance[2]).toEqual([null, null, null, null]);
    expect(fit.warnings.some((w) => /singular; variable age_sex/.test(w))).toBe(true);
    expectFit(fit, ref.collinear, 'collinear');
  });

  it('constant covariate: coxph(Surv(time, event) ~ age + one + sex) drops it', () => {
    const fit = coxph(ref.data, { time: 'time', event: 'event', covariates: ['age', 'one', 'sex'] });
    expect(fit.coef[1]).toBeNull();
    expect(fit.warnings.some((w) => /variable one/.test(w))).toBe(true);
    expectFit(fit, ref.constant, 'constant');
  });

  it('out of iterations: coxph(..., iter.max = 2) warns and keeps the last improving step', () => {
    const fit = coxph(ref.data, { ...lungModel, maxIter: 2 });
    expect(fit.converged).toBe(false);
    expect(fit.warnings).toHaveLength(1);
    expect(fit.warnings[0]).toMatch(/did not converge/);
    expect(strs(ref.iter2.warnings)).toEqual(['Ran out of iterations and did not converge']);
    // R 3.5.3 reports iter = maxIter + 1 and a variance inverted from an unfactored information matrix
    // (off-diagonal terms 0): we report 2 iterations and the true inverse information (documented).
    expect(fit.iterations).toBe(2);
    expectAllClose(fit.coef, arr(ref.iter2.coef), 'coef');
    expectAllClose(fit.loglik, arr(ref.iter2.loglik), 'loglik');
    expectClose(fit.tests.score.statistic, ref.iter2.sctest.statistic, 'score');
    // The diagonal R prints is 1 / diag(information); ours is diag(information^-1) >= it.
    fit.se.forEach((s, j) => expect(s! + 1e-12).toBeGreaterThanOrEqual(arr(ref.iter2.se)[j]!));
  });

  it('out of iterations on counting-process data: R computes the variance properly there, so all of it matches', () => {
    const ref2 = readRef('cox-counting.json');
    const m = { start: 'start', time: 'stop', event: 'event', covariates: ['age', 'year', 'surgery', 'transplant'] };
    // coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, data = d, iter.max = 2)
    const f2 = coxph(ref2.data, { ...m, maxIter: 2 });
    expect(f2.converged).toBe(false);
    expect(f2.warnings[0]).toMatch(/did not converge/);
    expectFit(f2, ref2.iter2, 'iter2');
    // iter.max = 1: R stays silent (it only warns for iter.max > 1); we still say it did not converge.
    const f1 = coxph(ref2.data, { ...m, maxIter: 1 });
    expect(strs(ref2.iter1.warnings)).toEqual([]);
    expect(f1.warnings[0]).toMatch(/did not converge/);
    expectFit(f1, ref2.iter1, 'iter1');
  });

  it('monotone likelihood with few iterations, and on counting-process data', () => {
    // coxph(Surv(time, event) ~ x + z, data = mono, iter.max = 5): R warns only that it ran out
    const f5 = coxph(ref.mono, { time: 'time', event: 'event', covariates: ['x', 'z'], maxIter: 5 });
    expect(strs(ref.monotone_iter5.warnings)).toEqual(['Ran out of iterations and did not converge']);
    expect(f5.warnings).toHaveLength(1);
    expectAllClose(f5.coef, arr(ref.monotone_iter5.coef), 'coef');
    expectAllClose(f5.loglik, arr(ref.monotone_iter5.loglik), 'loglik');
    // coxph(Surv(rep(0, 14), time, event) ~ x + z, data = mono): agreg.fit's "beta may be infinite"
    const fc2 = coxph(ref.mono.map((r: any) => ({ ...r, t0: 0 })), { start: 't0', time: 'time', event: 'event', covariates: ['x', 'z'] });
    expect(strs(ref.monotone_counting.warnings)[0]).toMatch(/Loglik converged before variable\s+1 ; beta may be infinite/);
    expect(fc2.warnings).toHaveLength(1);
    expect(fc2.warnings[0]).toMatch(/variable x;.*infinite/);
    expectFit(fc2, ref.monotone_counting, 'monotone counting');
  });

  it('maxIter = 0: the model at beta = 0 (coxph(..., iter.max = 0))', () => {
    const fit = coxph(ref.data, { ...lungModel, maxIter: 0 });
    expect(fit.warnings).toEqual([]);
    expectFit(fit, ref.iter0, 'iter0');
  });

  it('cluster with robust = false is ignored with a warning, as R', () => {
    const ref2 = readRef('cox-cluster.json');
    const fit = coxph(ref2.data, { ...lungModel, cluster: 'inst', robust: false });
    expect(fit.robustSe).toBeNull();
    expect(fit.warnings[0]).toMatch(/cluster ignored/);
  });
});

describe('coxph on hand-derived data (Therneau & Grambsch, survival tests book1/book2)', () => {
  // test1: time 9 3 1 1 6 6 8, status 1 NA 1 0 1 1 0, x 0 2 1 1 1 0 0 (unsorted; row 2 is missing;
  // an event and a censoring tie at t = 1; two tied deaths at t = 6). With r = exp(beta):
  //   t=1: risk set x = 1,1,1,0,0,0 (sum 3r + 3), one death with x = 1
  //   t=6: risk set x = 1,0,0,0 (sum r + 3), deaths x = 1 and x = 0
  //   t=9: risk set x = 0 (sum 1), one death with x = 0
  // Breslow: LL = 2 beta - log(3r + 3) - 2 log(r + 3);  U = 2 - r/(r+1) - 2r/(r+3)
  //   at beta = 0: LL = -log 6 - 2 log 4 = -log 96,  U = 2 - 1/2 - 1/2 = 1,
  //   I = 1/4 + 2 * 3/16 = 5/8, score test U^2 / I = 8/5;
  //   U = 0 <=> r^2 - 3r - 6 = 0, so beta-hat = log((3 + sqrt(33)) / 2).
  // Efron: the t=6 term is -log(r + 3) - log((r + 5)/2) (half of each death leaves the second set):
  //   at beta = 0: LL = -log 6 - log 4 - log 3 = -log 72,
  //   U = 2 - r/(r+1) - r/(r+3) - r/(r+5) = 2 - 1/2 - 1/4 - 1/6 = 13/12,
  //   I = 1/4 + (1/4 - 1/16) + (1/6 - 1/36) = 83/144, score test = (13/12)^2 / (83/144) = 169/83.
  const test1 = { time: [9, 3, 1, 1, 6, 6, 8], status: [1, null, 1, 0, 1, 1, 0], x: [0, 2, 1, 1, 1, 0, 0] };
  const m1 = { time: 'time', event: 'status', covariates: ['x'] };

  it('Breslow at beta = 0 and the closed-form estimate', () => {
    const at0 = coxph(test1, { ...m1, ties: 'breslow', maxIter: 0 });
    expect(at0.nMissing).toBe(1);
    expect(at0.n).toBe(6);
    expectClose(at0.loglik[0], -Math.log(96), 'loglik(0)');
    expectClose(at0.tests.score.statistic, 8 / 5, 'score test');
    expectClose(at0.variance[0]![0], 8 / 5, '1 / I(0)');
    const fit = coxph(test1, { ...m1, ties: 'breslow' });
    expectClose(fit.coef[0], Math.log((3 + Math.sqrt(33)) / 2), 'beta-hat');
    const r = Math.exp(fit.coef[0]!);
    expectClose(fit.loglik[1], 2 * Math.log(r) - Math.log(3 * r + 3) - 2 * Math.log(r + 3), 'loglik(beta-hat)');
    // I(beta) = r/(r+1)^2 + 2 * 3r/(r+3)^2
    expectClose(fit.variance[0]![0], 1 / (r / (r + 1) ** 2 + (6 * r) / (r + 3) ** 2), 'variance');
    expect(fit.iterations).toBe(4); // R: iter 4 (cox-book.json)
  });

  it('Efron at beta = 0, and the estimate solves U(beta) = 0', () => {
    const at0 = coxph(test1, { ...m1, maxIter: 0 });
    expectClose(at0.loglik[0], -Math.log(72), 'loglik(0)');
    expectClose(at0.tests.score.statistic, 169 / 83, 'score test');
    expectClose(at0.variance[0]![0], 144 / 83, '1 / I(0)');
    const fit = coxph(test1, m1);
    const r = Math.exp(fit.coef[0]!);
    expectClose(2 - r / (r + 1) - r / (r + 3) - r / (r + 5), 0, 'U(beta-hat)');
    expectClose(fit.loglik[1], 2 * Math.log(r) - Math.log(3 * r + 3) - Math.log(r + 3) - Math.log((r + 5) / 2), 'loglik');
    // cross-check with R (cox-book.json: coxph(Surv(time, status) ~ x, data = test1))
    expectClose(fit.coef[0], readRef('cox-book.json').test1_efron.coef, 'R coef');
  });

  // test2 (counting process): (start, stop] = (1,2] (2,3] (5,6] (2,7] (1,8] (7,9] (3,9] (4,9] (8,14] (8,17],
  // event 1 1 1 1 1 1 1 0 0 0, x 1 0 0 1 0 1 1 1 0 0. Risk sets (start < t <= stop) at beta = 0:
  //   t=2: x = 1,0 (death x=1);  t=3: x = 0,1,0 (death x=0);  t=6: x = 0,1,0,1,1 (death x=0)
  //   t=7: x = 1,0,1,1 (death x=1);  t=8: x = 0,1,1,1 (death x=0);  t=9: x = 1,1,1,0,0 (deaths x=1,1)
  // Breslow: LL(0) = -(log 2 + log 3 + log 5 + log 4 + log 4 + 2 log 5) = -(5 log 2 + log 3 + 3 log 5)
  //   U = 1/2 - 1/3 - 3/5 + 1/4 - 3/4 + (2 - 6/5) = -2/15
  //   I = 1/4 + 2/9 + 6/25 + 3/16 + 3/16 + 2 * 6/25 = 2821/1800, score test = (4/225) / (2821/1800) = 32/2821
  // Efron at t=9: sets of 5 (x-sum 3) and 4 (x-sum 2): LL(0) = -(7 log 2 + log 3 + 2 log 5),
  //   U = 1/2 - 1/3 - 3/5 + 1/4 - 3/4 + (2 - 3/5 - 1/2) = -1/30,
  //   I = 1/4 + 2/9 + 6/25 + 3/16 + 3/16 + 6/25 + 1/4 = 2839/1800, score test = (1/900) / (2839/1800) = 2/2839
  const test2 = {
    start: [1, 2, 5, 2, 1, 7, 3, 4, 8, 8],
    stop: [2, 3, 6, 7, 8, 9, 9, 9, 14, 17],
    event: [1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
    x: [1, 0, 0, 1, 0, 1, 1, 1, 0, 0],
  };
  const m2 = { start: 'start', time: 'stop', event: 'event', covariates: ['x'] };

  it('counting process, Breslow and Efron at beta = 0', () => {
    const b = coxph(test2, { ...m2, ties: 'breslow', maxIter: 0 });
    expectClose(b.loglik[0], -(5 * Math.log(2) + Math.log(3) + 3 * Math.log(5)), 'breslow loglik(0)');
    expectClose(b.tests.score.statistic, 32 / 2821, 'breslow score');
    expectClose(b.variance[0]![0], 1800 / 2821, 'breslow 1/I');
    const e = coxph(test2, { ...m2, maxIter: 0 });
    expectClose(e.loglik[0], -(7 * Math.log(2) + Math.log(3) + 2 * Math.log(5)), 'efron loglik(0)');
    expectClose(e.tests.score.statistic, 2 / 2839, 'efron score');
    expectClose(e.variance[0]![0], 1800 / 2839, 'efron 1/I');
    const ref = readRef('cox-book.json');
    // coxph(Surv(start, stop, event) ~ x, data = test2[, ties = "breslow"])
    expectFit(coxph(test2, { ...m2, ties: 'breslow' }), ref.test2_breslow, 'test2 breslow');
    expectFit(coxph(test2, m2), ref.test2_efron, 'test2 efron');
    expectFit(coxph(test1, { ...m1, ties: 'breslow' }), ref.test1_breslow, 'test1 breslow');
    expectFit(coxph(test1, m1), ref.test1_efron, 'test1 efron');
  });

  it('weights act as replicated rows', () => {
    // Weight 2 on row 3 (t=1, x=1, a death) equals listing it twice with Breslow ties. Not with Efron:
    // there a weighted death stays one death, while a duplicate makes two tied deaths (as in R).
    const dupDeath = { time: [...test1.time, 1], status: [...test1.status, 1], x: [...test1.x, 1] };
    // Weight 3 on row 4 (t=1, x=1, censored) equals listing it three times, whatever the ties.
    const dupCens = { time: [...test1.time, 1, 1], status: [...test1.status, 0, 0], x: [...test1.x, 1, 1] };
    const cases = [
      ['breslow', [1, 1, 2, 1, 1, 1, 1], dupDeath],
      ['breslow', [1, 1, 1, 3, 1, 1, 1], dupCens],
      ['efron', [1, 1, 1, 3, 1, 1, 1], dupCens],
    ] as const;
    for (const [ties, w, dup] of cases) {
      const a = coxph({ ...test1, w: [...w] }, { ...m1, ties, weights: 'w' });
      const b = coxph(dup, { ...m1, ties });
      expectAllClose(a.coef, b.coef, `${ties} coef`);
      expectAllClose(a.se, b.se, `${ties} se`);
      expectAllClose(a.loglik, b.loglik, `${ties} loglik`);
      expect(a.nEvent).toBe(4); // unweighted count of the complete rows' events, as R's nevent
    }
  });
});

describe('coxph input handling', () => {
  const d = { time: [5, 3, 8, 2, 9, 4], event: [1, 0, 1, 1, 0, 1], x: [1, 0, 1, 0, 0, 1] };
  const m = { time: 'time', event: 'event', covariates: ['x'] };

  it('reads an Arquero table, row objects, and boolean events identically', () => {
    const a = coxph(d, m);
    const b = coxph(aq.table(d), m);
    const rows = d.time.map((t, i) => ({ time: t, event: d.event[i] === 1, x: d.x[i] }));
    const c = coxph(rows, m);
    expect(b.coef).toEqual(a.coef);
    expect(c.coef).toEqual(a.coef);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a); // plain JSON
  });

  it('rejects invalid input with clear errors', () => {
    const err = (f: () => unknown, code: string) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(CohorteError);
        expect((e as CohorteError).code).toBe(code);
        return;
      }
      throw new Error('expected an error ' + code);
    };
    err(() => coxph({ ...d, time: [5, -3, 8, 2, 9, 4] }, m), 'negative-time');
    err(() => coxph({ ...d, event: [1, 2, 1, 1, 0, 1] }, m), 'bad-event-code');
    err(() => coxph({ ...d, w: [1, 0, 1, 1, 1, 1] }, { ...m, weights: 'w' }), 'cox-non-positive-weight');
    err(() => coxph({ ...d, s: [0, 3, 0, 0, 0, 0] }, { ...m, start: 's' }), 'start-not-before-stop');
    err(() => coxph({ ...d, event: [0, 0, 0, 0, 0, 0] }, m), 'cox-no-events');
    err(() => coxph(d, { ...m, ties: 'exact' as never }), 'cox-bad-ties');
    err(() => coxph(d, { ...m, covariates: [] }), 'cox-no-covariates');
    err(() => coxph({ ...d, x: [1, Infinity, 0, 1, 0, 0] }, m), 'cox-non-finite');
    err(() => coxph(d, { ...m, covariates: ['nope'] }), 'missing-column');
    err(() => coxph({ ...d, s: [0, 0, 0, 0, 0, 0] }, { ...m, start: 's', robust: true }), 'cox-robust-needs-cluster');
    err(() => coxph(d, { ...m, maxIter: -1 }), 'cox-bad-option');
    err(() => coxph(d, { ...m, confLevel: 1 }), 'bad-conf-level');
  });

  it('a stratum without events, and rows censored before the first event, change nothing', () => {
    const extra = { time: [...d.time, 7, 8, 1], event: [...d.event, 0, 0, 0], x: [...d.x, 1, 0, 1], g: [0, 0, 0, 0, 0, 0, 1, 1, 0] };
    const a = coxph({ ...d, g: [0, 0, 0, 0, 0, 0] }, { ...m, strata: 'g' });
    const b = coxph(extra, { ...m, strata: 'g' });
    expectAllClose(b.coef, a.coef, 'coef');
    expectAllClose(b.se, a.se, 'se');
    expectAllClose(b.loglik, a.loglik, 'loglik');
    expect(b.n).toBe(9);
  });

  it('confLevel sets the interval width', () => {
    const f90 = coxph(d, { ...m, confLevel: 0.9 });
    const z = 1.6448536269514722;
    expectClose(f90.lower[0], Math.exp(f90.coef[0]! - z * f90.se[0]!), 'lower');
    expectClose(f90.upper[0], Math.exp(f90.coef[0]! + z * f90.se[0]!), 'upper');
  });
});

describe('coxph properties', () => {
  const ref = readRef('cox-weights.json');
  const base = ref.data.filter((r: any) => r.ph_ecog !== undefined && r.ph_ecog !== null).slice(0, 120);
  const m = { time: 'time', event: 'event', covariates: ['age', 'sex', 'ph_ecog'] };
  const fitBase = { efron: coxph(base, m), breslow: coxph(base, { ...m, ties: 'breslow' }) };

  it('coefficients do not depend on the row order', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: base.length, maxLength: base.length }), fc.constantFrom<'efron' | 'breslow'>('efron', 'breslow'), (keys, ties) => {
        const perm = base.map((_: unknown, i: number) => i).sort((a: number, b: number) => keys[a]! - keys[b]! || a - b);
        const fit = coxph(perm.map((i: number) => base[i]), { ...m, ties });
        expectAllClose(fit.coef, fitBase[ties].coef, 'coef');
        expectAllClose(fit.se, fitBase[ties].se, 'se');
        expectClose(fit.loglik[1], fitBase[ties].loglik[1], 'loglik');
      }),
      { numRuns: 15 },
    );
  });

  it('shifting a covariate leaves the coefficients; scaling by c divides them by c; hr = exp(coef)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1000, max: 1000, noNaN: true }), fc.double({ min: 0.01, max: 100, noNaN: true }), (shift, c) => {
        const rows = base.map((r: any) => ({ ...r, age: (r.age + shift) * c }));
        const fit = coxph(rows, m);
        const b = fitBase.efron;
        expectClose(fit.coef[0], b.coef[0]! / c, 'age coef / c');
        expectClose(fit.se[0], b.se[0]! / c, 'age se / c');
        expectAllClose(fit.coef.slice(1), b.coef.slice(1), 'other coef');
        expectClose(fit.loglik[1], b.loglik[1], 'loglik');
        fit.coef.forEach((x, j) => expect(fit.hr[j]).toBe(Math.exp(x!)));
      }),
      { numRuns: 20 },
    );
  });

  it('(start, stop] splits of right-censored data give the same fit (survSplit)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 4 }), fc.constantFrom<'efron' | 'breslow'>('efron', 'breslow'), (cuts, ties) => {
        const cs = [...new Set(cuts)].sort((a, b) => a - b);
        const split: any[] = [];
        for (const r of base) {
          let s = 0;
          for (const c of cs) {
            if (c >= r.time) break;
            split.push({ ...r, start: s, time: c, event: 0 });
            s = c;
          }
          split.push({ ...r, start: s });
        }
        const fit = coxph(split, { ...m, start: 'start', ties });
        expectAllClose(fit.coef, fitBase[ties].coef, 'coef');
        expectAllClose(fit.se, fitBase[ties].se, 'se');
        expectAllClose(fit.loglik, fitBase[ties].loglik, 'loglik');
        expectClose(fit.tests.score.statistic, fitBase[ties].tests.score.statistic, 'score');
      }),
      { numRuns: 15 },
    );
  });

  it('the generated (unrolled) kernel and the generic loops agree', () => {
    const cols = { time: 'time', event: 'event', start: null, covariates: m.covariates, strata: ['sex'], weights: 'w_real', cluster: null };
    const cr = readCoxRows(ref.data, cols);
    const rs = buildRiskSets(cr, coxScaling(cr, m.covariates));
    const beta = Float64Array.of(0.01, -0.3, 0.4);
    for (const efron of [true, false]) {
      const a = coxWork(rs);
      const b = coxWork(rs, true);
      expectClose(coxPass(rs, beta, efron, a), coxPass(rs, beta, efron, b), 'loglik');
      expectAllClose(a.u, b.u, 'u');
      expectAllClose(a.imat, b.imat, 'imat');
    }
  });
});
