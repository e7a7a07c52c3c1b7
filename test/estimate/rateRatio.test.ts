import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { binomTestTwoSidedP, rateRatio } from '../../src/estimate/rateRatio.js';
import { expectClose, readSharedJson } from '../helpers/approx.js';

const local = (name: string) => JSON.parse(readFileSync(new URL(`../reference/${name}`, import.meta.url), 'utf8'));

describe('rateRatio: R references', () => {
  it('matches the shared poisson.test rate ratio', () => {
    // R: poisson.test(c(30, 12), c(1500, 1400))
    const r = readSharedJson('reference/poisson-rates.json').rate_ratio;
    const got = rateRatio(r.events[0], r.person_time[0], r.events[1], r.person_time[1]);
    expectClose(got.rateRatio, r.irr, 'irr');
    expectClose(got.lower, r.lower, 'lower');
    expectClose(got.upper, r.upper, 'upper');
    expectClose(got.p, r.p, 'p');
  });

  it('matches test/reference/rates-poisson.json (zero arms, ties, large counts, other levels)', () => {
    // R: poisson.test(c(x1, x0), c(t1, t0), conf.level = cl), the call is in each row (rates-poisson.R).
    // R's Inf (ratio and upper limit with x0 = 0) is written as null and returned as null.
    const ref = local('rates-poisson.json');
    expect(ref.rate_ratios.length).toBeGreaterThan(10);
    for (const r of ref.rate_ratios) {
      const got = rateRatio(r.events[0], r.person_time[0], r.events[1], r.person_time[1], { confLevel: r.conf_level });
      if (r.irr === null) expect(got.rateRatio, r.call).toBeNull();
      else expectClose(got.rateRatio, r.irr, `${r.call} irr`);
      expectClose(got.lower, r.lower, `${r.call} lower`);
      if (r.upper === null) expect(got.upper, r.call).toBeNull();
      else expectClose(got.upper, r.upper, `${r.call} upper`);
      expectClose(got.p, r.p, `${r.call} p`);
    }
  });
});

describe('rateRatio: hand cases', () => {
  it('1 vs 0 events in equal time', () => {
    // n = 1, p = 1/2. lower = qbeta(.025, 1, 1) / qbeta(.975, 1, 1) = .025/.975 = 1/39; upper and ratio infinite.
    // p: d = P(X=1) = 1/2 > m = 1/2? x = 1 > m; i in {0}: P(X=0) = 1/2 <= d, y = 1: P(X<=0) + P(X>=1) = 1.
    const got = rateRatio(1, 10, 0, 10);
    expect(got.rateRatio).toBeNull();
    expect(got.upper).toBeNull();
    expectClose(got.lower, 1 / 39);
    expectClose(got.p, 1);
    // Swapped: ratio 0, lower 0, upper 39.
    const sw = rateRatio(0, 10, 1, 10);
    expect(sw.rateRatio).toBe(0);
    expect(sw.lower).toBe(0);
    expectClose(sw.upper, 39);
  });

  it('2 vs 0 events: beta quantiles in closed form and the two-sided rule', () => {
    // n = 2, p = 1/2: Beta(2,1) cdf = u^2, Beta(1,2) cdf = 1-(1-u)^2.
    // lower = qbeta(.025, 2, 1) / qbeta(.975, 1, 2) = sqrt(.025) / (1 - sqrt(.025)).
    // p: d = P(X=2) = 1/4, m = 1, i in {0, 1}: P(0) = 1/4 <= d, P(1) = 1/2 > d, so y = 1:
    // P(X <= 0) + P(X >= 2) = 1/4 + 1/4 = 1/2.
    const got = rateRatio(2, 5, 0, 5);
    expectClose(got.lower, Math.sqrt(0.025) / (1 - Math.sqrt(0.025)));
    expectClose(got.p, 0.5);
  });

  it('x equal to its expectation gives p = 1; ratio = (x1/t1)/(x0/t0)', () => {
    // x1 = 3, x0 = 6, t1 = 1, t0 = 2: p = 1/3, m = 9 * 1/3 = 3 = x1 exactly.
    const got = rateRatio(3, 1, 6, 2);
    expect(got.p).toBe(1);
    expectClose(got.rateRatio, 1);
    // 4 vs 1 in 2 and 3 years: (4/2) / (1/3) = 6.
    expectClose(rateRatio(4, 2, 1, 3).rateRatio, 6);
  });

  it('no event in either arm: no information (R stops with an error)', () => {
    expect(rateRatio(0, 5, 0, 7)).toMatchObject({ rateRatio: null, lower: 0, upper: null, p: 1 });
  });

  it('rejects bad input', () => {
    expect(() => rateRatio(1.5, 1, 1, 1)).toThrow(/whole number/);
    expect(() => rateRatio(1, 0, 1, 1)).toThrow(/person-time/);
    expect(() => rateRatio(1, 1, 1, -2)).toThrow(/person-time/);
    expect(() => rateRatio(1, 1, 1, 1, { confLevel: 0 })).toThrow(/confLevel/);
  });
});

/** R's binom.test two-sided rule by brute force: every pmf value from exact products (small n only). */
function bruteP(x: number, n: number, p: number): number {
  const pmf: number[] = [];
  for (let k = 0; k <= n; k++) {
    let c = 1;
    for (let j = 1; j <= k; j++) c = (c * (n - k + j)) / j;
    pmf.push(c * p ** k * (1 - p) ** (n - k));
  }
  const d = pmf[x]! * (1 + 1e-7);
  if (x === n * p) return 1;
  return Math.min(1, pmf.reduce((s, v) => (v <= d ? s + v : s), 0));
}

describe('rateRatio: properties', () => {
  it('swapping the arms inverts the ratio and its limits and keeps p', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.double({ min: 0.1, max: 1e5, noNaN: true }),
        fc.double({ min: 0.1, max: 1e5, noNaN: true }),
        (x1, x0, t1, t0) => {
          fc.pre(x1 + x0 > 0);
          const a = rateRatio(x1, t1, x0, t0);
          const b = rateRatio(x0, t0, x1, t1);
          const inv = (v: number | null) => (v === null ? 0 : v === 0 ? null : 1 / v);
          const same = (u: number | null, v: number | null, label: string) =>
            u === null || v === null ? expect(u, label).toBe(v) : expectClose(u, v, label, 1e-12);
          same(b.rateRatio, inv(a.rateRatio), 'ratio');
          same(b.lower, inv(a.upper), 'lower');
          same(b.upper, inv(a.lower), 'upper');
          expectClose(b.p, a.p, 'p', 1e-9);
        },
      ),
    );
  });

  it('lower <= ratio <= upper and 0 <= p <= 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 }), fc.double({ min: 0.01, max: 100, noNaN: true }), (x1, x0, t) => {
        fc.pre(x1 + x0 > 0);
        const r = rateRatio(x1, t, x0, 1);
        expect(r.p).toBeGreaterThanOrEqual(0);
        expect(r.p).toBeLessThanOrEqual(1);
        if (r.rateRatio !== null) expect(r.lower!).toBeLessThanOrEqual(r.rateRatio);
        if (r.rateRatio !== null && r.upper !== null) expect(r.rateRatio).toBeLessThanOrEqual(r.upper);
      }),
    );
  });

  it('the bisection p-value equals the brute-force scan of binom.test', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 99 }), (n, xr, pc) => {
        const x = xr % (n + 1);
        const p = pc / 100;
        expectClose(binomTestTwoSidedP(x, n, p, 1 - p), bruteP(x, n, p), `x=${x} n=${n} p=${p}`, 1e-9, 1e-12);
      }),
      { numRuns: 500 },
    );
  });
});
