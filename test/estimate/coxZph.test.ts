import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { coxph, type CoxphOptions } from '../../src/estimate/coxph.js';
import { coxZph, type CoxZphResult } from '../../src/estimate/coxZph.js';
import { CohorteError } from '../../src/messages/index.js';
import { expectClose, readSharedJson, sharedDir } from '../helpers/approx.js';

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

/** A cox.zph table (terms ..., GLOBAL) against ours; R names ph.ecog where our column is ph_ecog. */
function expectZph(z: CoxZphResult, ref: { terms: string[]; chisq: number[]; df: number[]; p: number[] }, label: string): void {
  const k = ref.terms.length - 1;
  expect(z.table.map((r) => r.term.replace('_', '.')), `${label} terms`).toEqual(ref.terms.slice(0, k).map((t) => t.replace('_', '.')));
  z.table.forEach((r, i) => {
    expectClose(r.chisq, ref.chisq[i], `${label} ${r.term} chisq`);
    expect(r.df).toBe(ref.df[i]);
    expectClose(r.p, ref.p[i], `${label} ${r.term} p`);
  });
  expectClose(z.global.chisq, ref.chisq[k], `${label} GLOBAL chisq`);
  expect(z.global.df).toBe(ref.df[k]);
  expectClose(z.global.p, ref.p[k], `${label} GLOBAL p`);
}

const lungModel: CoxphOptions = { time: 'time', event: 'event', covariates: ['age', 'sex', 'ph_ecog'] };

describe('coxZph against R', () => {
  it('lung, km transform: cox.zph(coxph(Surv(time, event) ~ age + sex + ph.ecog), transform = "km")', () => {
    const lung = readLung();
    const ref = readSharedJson('reference/lung.json').cox_zph_km;
    const fit = coxph(lung, lungModel);
    expectZph(coxZph(fit, lung, { transform: 'km' }), ref, 'km');
    expectZph(coxZph(fit, lung), ref, 'default km');
  });

  it('rank, identity, Breslow, strata and an aliased covariate (cox-edge.R)', () => {
    const ref = readRef('cox-edge.json');
    const fit = coxph(ref.data, lungModel);
    // cox.zph(fit, transform = "rank"), cox.zph(fit, transform = "identity")
    expectZph(coxZph(fit, ref.data, { transform: 'rank' }), ref.zph_rank, 'rank');
    expectZph(coxZph(fit, ref.data, { transform: 'identity' }), ref.zph_identity, 'identity');
    // cox.zph(coxph(..., ties = "breslow"), transform = "km")
    expectZph(coxZph(coxph(ref.data, { ...lungModel, ties: 'breslow' }), ref.data), ref.zph_breslow_km, 'breslow');
    // cox.zph(coxph(Surv(time, event) ~ age + ph_ecog + strata(sex)), transform = "km")
    expectZph(coxZph(coxph(ref.data, { ...lungModel, covariates: ['age', 'ph_ecog'], strata: 'sex' }), ref.data), ref.zph_strata_km, 'strata');
    // cox.zph(coxph(Surv(time, event) ~ age + sex + age_sex + ph_ecog)): the aliased age_sex is left out
    const fc4 = coxph(ref.data, { ...lungModel, covariates: ['age', 'sex', 'age_sex', 'ph_ecog'] });
    expectZph(coxZph(fc4, ref.data), ref.zph_collinear_km, 'collinear');
  });

  it('counting-process data (heart; cox-counting.R)', () => {
    const ref = readRef('cox-counting.json');
    const m = { start: 'start', time: 'stop', event: 'event', covariates: ['age', 'year', 'surgery', 'transplant'] };
    const fit = coxph(ref.data, m);
    // cox.zph(coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, data = d), transform = ...)
    expectZph(coxZph(fit, ref.data, { transform: 'km' }), ref.zph_km, 'km');
    expectZph(coxZph(fit, ref.data, { transform: 'rank' }), ref.zph_rank, 'rank');
    expectZph(coxZph(fit, ref.data, { transform: 'identity' }), ref.zph_identity, 'identity');
    expectZph(coxZph(coxph(ref.data, { ...m, ties: 'breslow' }), ref.data), ref.zph_breslow_km, 'breslow');
    const fs = coxph(ref.data, { ...m, covariates: ['age', 'year', 'transplant'], strata: 'surgery' });
    expectZph(coxZph(fs, ref.data), ref.zph_strata_km, 'strata');
  });

  it('case weights (cox-weights.R)', () => {
    const ref = readRef('cox-weights.json');
    // cox.zph(coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, weights = w_int), transform = "km")
    expectZph(coxZph(coxph(ref.data, { ...lungModel, weights: 'w_int' }), ref.data), ref.zph_int_km, 'int km');
    // cox.zph(coxph(..., weights = w_real), transform = "rank")
    expectZph(coxZph(coxph(ref.data, { ...lungModel, weights: 'w_real' }), ref.data, { transform: 'rank' }), ref.zph_real_rank, 'real rank');
  });
});

describe('coxZph by hand', () => {
  // test1 (time 9 3 1 1 6 6 8, status 1 NA 1 0 1 1 0, x 0 2 1 1 1 0 0), Breslow, at beta = 0 (maxIter 0).
  // Per event time: U_t = sum over deaths of (x - xbar), V_t = d xbar (1 - xbar) (x binary):
  //   t=1: xbar 1/2, U 1/2, V 1/4;   t=6: xbar 1/4, U 1/2, V 3/8;   t=9: xbar 0, U 0, V 0.
  // With g centered on its mean over the 4 event rows, the test is
  //   (sum g U)^2 / (sum g^2 V - (sum g V)^2 / sum V),  sum V = 5/8.
  // identity: g = t - 22/4 = -9/2, 1/2, 7/2: sum gU = -2, sum gV = -15/16, sum g^2 V = 165/32,
  //   test = 4 / (165/32 - 45/32) = 16/15.
  // km: S(t-) = 1, 5/6, 5/12 at t = 1, 6, 9 (pooled, row 2 dropped); g = 1 - S(t-) - 11/48
  //   = -11/48, -1/16, 17/48: sum gU = -7/48, sum gV = -31/384, sum g^2 V = 269/18432,
  //   test = (49/2304) / (269/18432 - 7688/737280) = (49/2304) / (1/240) = 245/48.
  // rank: rank(time) = 1.5, 3.5, 5, 6 for 1, 6, 8, 9; g = rank - 29/8 = -17/8, -1/8, 19/8:
  //   sum gU = -9/8, sum gV = -37/64, sum g^2 V = 581/512, test = (81/64) / (3/5) = 135/64.
  // (R 3.5.3's cox.zph gives 1.06666666666667, 5.10416666666667 and 2.109375.)
  const test1 = { time: [9, 3, 1, 1, 6, 6, 8], status: [1, null, 1, 0, 1, 1, 0], x: [0, 2, 1, 1, 1, 0, 0] };
  const fit = coxph(test1, { time: 'time', event: 'status', covariates: ['x'], ties: 'breslow', maxIter: 0 });

  it('identity, km and rank transforms', () => {
    for (const [transform, value] of [['identity', 16 / 15], ['km', 245 / 48], ['rank', 135 / 64]] as const) {
      const z = coxZph(fit, test1, { transform });
      expectClose(z.table[0]!.chisq, value, transform);
      expectClose(z.global.chisq, value, `${transform} global`);
      expect(z.settings.transform).toBe(transform);
    }
  });

  it('errors: other data, bad transform, nothing estimated', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(CohorteError);
        return (e as CohorteError).code;
      }
      return 'none';
    };
    expect(code(() => coxZph(fit, { ...test1, time: [9, 3, 1, 1, 6, 6, null] }))).toBe('cox-zph-data-mismatch');
    expect(code(() => coxZph(fit, test1, { transform: 'log' as never }))).toBe('cox-zph-bad-transform');
    const one = { ...test1, c: [1, 1, 1, 1, 1, 1, 1] };
    const f1 = coxph(one, { time: 'time', event: 'status', covariates: ['c'] });
    expect(f1.coef).toEqual([null]);
    expect(code(() => coxZph(f1, one))).toBe('cox-zph-no-coefficients');
  });
});

describe('coxZph properties', () => {
  const ref = readRef('cox-weights.json');
  const base = ref.data.filter((r: any) => r.ph_ecog !== undefined && r.ph_ecog !== null).slice(0, 150);
  const fit = coxph(base, lungModel);
  const z0 = coxZph(fit, base, { transform: 'identity' });

  it('invariant to row order and to shifting or rescaling time under the identity transform', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: base.length, maxLength: base.length }), fc.double({ min: 0.01, max: 100, noNaN: true }), (keys, c) => {
        const perm = base.map((_: unknown, i: number) => i).sort((a: number, b: number) => keys[a]! - keys[b]! || a - b);
        const rows = perm.map((i: number) => ({ ...base[i], time: base[i].time * c }));
        const f = coxph(rows, lungModel);
        const z = coxZph(f, rows, { transform: 'identity' });
        z.table.forEach((r, j) => expectClose(r.chisq, z0.table[j]!.chisq, r.term));
        expectClose(z.global.chisq, z0.global.chisq, 'global');
      }),
      { numRuns: 10 },
    );
  });
});

describe('coxZph(fit, { transform }) as in the public contract', () => {
  it('reads the data the fit kept, and gives the same test as passing the data again', () => {
    const rows = [
      { t: 1, e: 1, x: 0 }, { t: 2, e: 1, x: 1 }, { t: 3, e: 0, x: 0 }, { t: 4, e: 1, x: 1 },
      { t: 5, e: 1, x: 0 }, { t: 6, e: 0, x: 1 }, { t: 7, e: 1, x: 1 }, { t: 8, e: 1, x: 0 },
    ];
    const fit = coxph(rows, { time: 't', event: 'e', covariates: ['x'] });
    expect(coxZph(fit, { transform: 'km' })).toEqual(coxZph(fit, rows, { transform: 'km' }));
    expect(coxZph(fit)).toEqual(coxZph(fit, rows));
    // The kept data never reaches JSON; a restored fit needs the data again.
    const restored = JSON.parse(JSON.stringify(fit));
    expect(JSON.stringify(fit)).not.toContain('"t":1');
    expect(() => coxZph(restored, { transform: 'km' })).toThrow(/does not carry its data/);
  });
});
