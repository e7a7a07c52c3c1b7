import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { directStandardise } from '../../src/estimate/directStandardise.js';
import { gammaQuantile, poissonRate } from '../../src/estimate/poissonRate.js';
import { expectClose } from '../helpers/approx.js';

const ref = JSON.parse(readFileSync(new URL('../reference/rates-dsr.json', import.meta.url), 'utf8'));

describe('directStandardise: R reference (Fay-Feuer formula with qgamma, test/reference/rates-dsr.R)', () => {
  for (const c of ref.cases) {
    it(`${c.name}: ${c.call}`, () => {
      const rates = c.strata.map((s: string, i: number) => ({ stratum: s, events: c.events[i], personTime: c.person_time[i] }));
      const std = c.strata.map((s: string, i: number) => ({ stratum: s, population: c.standard[i] }));
      const got = directStandardise(rates, std, { confLevel: c.conf_level, per: c.per });
      expectClose(got.crudeRate, c.crude, 'crude');
      expectClose(got.adjustedRate, c.adjusted, 'adjusted');
      expectClose(got.lower, c.lower, 'lower');
      expectClose(got.upper, c.upper, 'upper');
      expectClose(got.standardError, c.se, 'se');
      expect(got.settings).toEqual({ confLevel: c.conf_level, per: c.per, method: 'gamma' });
    });
  }

  it('one stratum reduces to the exact Garwood interval of poisson.test', () => {
    // R: fay_feuer(7, 1234.5, 1) and poisson.test(7, 1234.5) agree.
    const s = ref.single;
    const got = directStandardise([{ stratum: 'all', events: 7, personTime: 1234.5 }], [{ stratum: 'all', population: 1 }]);
    expectClose(got.lower, s.lower, 'lower');
    expectClose(got.upper, s.upper, 'upper');
    expectClose(got.lower, s.poisson_lower, 'poisson lower');
    expectClose(got.crudeLower, s.poisson_lower, 'crude lower');
  });
});

describe('directStandardise: hand cases', () => {
  it('one stratum, one event: shape-1 lower limit in closed form', () => {
    // y = 1/200, v = 1/200^2: lower shape y^2/v = 1, scale v/y = 1/200 -> -ln(0.975)/200 = ln(40/39)/200.
    // wM = 1/200: upper shape (2/200)^2/(2/200^2) = 2, scale 1/200: the Garwood upper limit U/200 with
    // e^-U (1 + U) = 0.025.
    const got = directStandardise([{ stratum: 1, events: 1, personTime: 200 }], [{ stratum: 1, population: 5 }]);
    expectClose(got.adjustedRate, 1 / 200);
    expectClose(got.lower, Math.log(40 / 39) / 200);
    const U = got.upper * 200;
    expectClose(Math.exp(-U) * (1 + U), 0.025, 'upper', 1e-9);
  });

  it('two strata with exact fractions', () => {
    // events [1, 2], person-time [100, 200], standard [1, 3] -> w = [1/4, 3/4], both rates 1/100.
    // y = 1/100; v = (1/16)(1/100^2) + (9/16)(2/200^2) = 11/320000; wM = max(1/400, 3/800) = 3/800.
    // lower: shape y^2/v = 32/11, scale v/y = 11/3200.
    // upper: y + wM = 11/800, v + wM^2 = 31/640000: shape 121/31, scale 31/8800.
    const rates = [
      { stratum: 'young', events: 1, personTime: 100 },
      { stratum: 'old', events: 2, personTime: 200 },
    ];
    const std = [
      { stratum: 'old', population: 3 },
      { stratum: 'young', population: 1 },
    ];
    const got = directStandardise(rates, std, { per: 1000 });
    expectClose(got.crudeRate, 10); // 3 / 300 * 1000
    expectClose(got.adjustedRate, 10);
    expectClose(got.standardError, Math.sqrt(11 / 320000) * 1000);
    expectClose(got.lower, gammaQuantile(0.025, 32 / 11) * (11 / 3200) * 1000);
    expectClose(got.upper, gammaQuantile(0.975, 121 / 31) * (31 / 8800) * 1000);
    // In the standard population's order, with weights.
    expect(got.strata.map((s) => [s.stratum, s.weight])).toEqual([
      ['old', 0.75],
      ['young', 0.25],
    ]);
  });

  it('no events: lower 0, upper ln(40) wM', () => {
    // As above with 0 events: y = v = 0; upper shape wM^2/wM^2 = 1, scale wM = 3/800 -> -ln(0.025) * 3/800.
    const got = directStandardise(
      [
        { stratum: 'a', events: 0, personTime: 100 },
        { stratum: 'b', events: 0, personTime: 200 },
      ],
      [
        { stratum: 'a', population: 1 },
        { stratum: 'b', population: 3 },
      ],
    );
    expect(got.adjustedRate).toBe(0);
    expect(got.lower).toBe(0);
    expectClose(got.upper, (Math.log(40) * 3) / 800);
  });

  it('rejects unmatched or duplicated strata and bad values', () => {
    const r = [{ stratum: 'a', events: 1, personTime: 10 }];
    expect(() => directStandardise(r, [{ stratum: 'b', population: 1 }])).toThrow(/not in the rates/);
    expect(() => directStandardise([...r, { stratum: 'b', events: 0, personTime: 1 }], [{ stratum: 'a', population: 1 }])).toThrow(/not in the standard population/);
    expect(() => directStandardise([...r, ...r], [{ stratum: 'a', population: 1 }])).toThrow(/more than once/);
    expect(() => directStandardise([{ stratum: 'a', events: 1, personTime: 0 }], [{ stratum: 'a', population: 1 }])).toThrow(/person-time/);
    expect(() => directStandardise(r, [{ stratum: 'a', population: -1 }])).toThrow(/standard population/);
    expect(() => directStandardise(r, [{ stratum: 'a', population: 0 }])).toThrow(/standard population/);
    expect(() => directStandardise(r, [{ stratum: 'a', population: 1 }], { method: 'normal' as never })).toThrow(/method/);
  });
});

describe('directStandardise: properties', () => {
  const strata = fc.array(
    fc.record({ events: fc.integer({ min: 0, max: 500 }), personTime: fc.double({ min: 1, max: 1e5, noNaN: true }), population: fc.double({ min: 0.5, max: 1e6, noNaN: true }) }),
    { minLength: 1, maxLength: 8 },
  );
  const split = (s: Array<{ events: number; personTime: number; population: number }>, scale = 1) => [
    s.map((x, i) => ({ stratum: i, events: x.events, personTime: x.personTime })),
    s.map((x, i) => ({ stratum: i, population: x.population * scale })),
  ] as const;

  it('lower <= adjusted <= upper; only the standard proportions matter', () => {
    fc.assert(
      fc.property(strata, fc.double({ min: 0.01, max: 100, noNaN: true }), (s, scale) => {
        const a = directStandardise(...split(s));
        const b = directStandardise(...split(s, scale));
        expect(a.lower).toBeLessThanOrEqual(a.adjustedRate);
        expect(a.adjustedRate).toBeLessThan(a.upper);
        expectClose(b.adjustedRate, a.adjustedRate, 'adjusted', 1e-12);
        expectClose(b.lower, a.lower, 'lower', 1e-9);
        expectClose(b.upper, a.upper, 'upper', 1e-9);
      }),
    );
  });

  it('equal stratum rates give that rate, whatever the standard', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ k: fc.integer({ min: 1, max: 50 }), population: fc.double({ min: 0.5, max: 1e4, noNaN: true }) }), { minLength: 1, maxLength: 6 }), (s) => {
        // events k, person-time 4k: every rate is exactly 1/4.
        const got = directStandardise(
          s.map((x, i) => ({ stratum: i, events: x.k, personTime: 4 * x.k })),
          s.map((x, i) => ({ stratum: i, population: x.population })),
        );
        expectClose(got.adjustedRate, 0.25, 'adjusted', 1e-12);
        expectClose(got.crudeRate, poissonRate(1, 4).rate, 'crude', 1e-12);
      }),
    );
  });
});
