import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as aq from 'arquero';
import { readFileSync } from 'node:fs';
import { incidenceRates, type IncidenceRateRow } from '../../src/estimate/incidenceRates.js';
import { poissonRate } from '../../src/estimate/poissonRate.js';
import { expectClose } from '../helpers/approx.js';

const ref = JSON.parse(readFileSync(new URL('../reference/rates-incidence.json', import.meta.url), 'utf8'));

function expectRow(got: IncidenceRateRow, want: any, label: string): void {
  expect(got.events, `${label} events`).toBe(want.events);
  expectClose(got.personTime, want.personTime, `${label} personTime`);
  expectClose(got.rate, want.rate, `${label} rate`);
  expectClose(got.lower, want.lower, `${label} lower`);
  expectClose(got.upper, want.upper, `${label} upper`);
}

describe('incidenceRates: R reference (test/reference/rates-incidence.R)', () => {
  // Input data are in the JSON (missing values as null); the R call is in each case.
  const data = ref.data as Record<string, unknown[]>;
  for (const c of ref.cases) {
    it(c.call, () => {
      const got = incidenceRates(data, { events: 'events', personTime: 'pt', strata: c.strata, confLevel: c.conf_level, per: c.per });
      expect(got.nMissing).toBe(c.n_missing);
      expect(got.n).toBe(c.n);
      expect(got.strata.length).toBe(c.rows.length);
      c.rows.forEach((want: any, k: number) => {
        const s = got.strata[k]!;
        for (const nm of c.strata) expect(s.stratum[nm], `row ${k} ${nm}`).toBe(want[nm]);
        expectRow(s, want, `row ${k}`);
      });
      expectRow(got.total, c.total, 'total');
      expect(got.settings).toEqual({ events: 'events', personTime: 'pt', strata: c.strata, confLevel: c.conf_level, per: c.per });
    });
  }

  it('gives the same answer from row objects and an Arquero table', () => {
    const cols = ref.data as Record<string, unknown[]>;
    const rows = cols.sex!.map((_, i) => Object.fromEntries(Object.keys(cols).map((k) => [k, cols[k]![i]])));
    const opts = { events: 'events', personTime: 'pt', strata: ['sex', 'agegrp'] };
    const a = incidenceRates(cols, opts);
    expect(incidenceRates(rows, opts)).toEqual(a);
    expect(incidenceRates(aq.table(cols), opts)).toEqual(a);
  });
});

describe('incidenceRates: hand cases', () => {
  it('two strata, unsorted rows, a missing value, labels', () => {
    // Rows (unsorted): b:1 ev in 2.5, a:0 in 1.25, b:0 in 0.5, a:2 in 0.75, a:missing pt.
    // a: 2 events in 1.25 + 0.75 = 2 years -> rate 1 per year; b: 1 event in 3 years -> 1/3.
    // Total: 3 events in 5 years -> 3/5.
    const data = {
      g: ['b', 'a', 'b', 'a', 'a'],
      ev: [1, 0, 0, 2, 1],
      t: [2.5, 1.25, 0.5, 0.75, null],
    };
    const got = incidenceRates(data, { events: 'ev', personTime: 't', strata: ['g'], levelLabels: { g: { a: 'group A' } } });
    expect(got.nMissing).toBe(1);
    expect(got.strata.map((s) => s.label)).toEqual(['g=group A', 'g=b']);
    expect(got.strata.map((s) => s.stratum)).toEqual([{ g: 'a' }, { g: 'b' }]);
    expect(got.strata.map((s) => [s.events, s.personTime])).toEqual([[2, 2], [1, 3]]);
    expectClose(got.strata[0]!.rate, 1);
    expectClose(got.strata[1]!.rate, 1 / 3);
    expectClose(got.total.rate, 3 / 5);
    expect(got.total.label).toBe('Total');
    // The limits are those of poisson.test on the totals (poissonRate is checked against R on its own).
    const b = poissonRate(1, 3);
    expectClose(got.strata[1]!.lower, b.lower);
    expectClose(got.strata[1]!.upper, b.upper);
  });

  it('two strata variables: first varies slowest; only observed combinations', () => {
    const data = { s: [2, 1, 2, 1], a: ['y', 'x', 'x', 'x'], e: [0, 1, 1, 0], t: [1, 1, 1, 1] };
    const got = incidenceRates(data, { events: 'e', personTime: 't', strata: ['s', 'a'] });
    // (1,x): 1 event in 2; (2,x): 1 in 1; (2,y): 0 in 1. (1,y) does not occur.
    expect(got.strata.map((r) => r.label)).toEqual(['s=1, a=x', 's=2, a=x', 's=2, a=y']);
    expect(got.strata.map((r) => r.rate)).toEqual([0.5, 1, 0]);
  });

  it('zero person-time in a stratum gives null rate and limits', () => {
    const got = incidenceRates({ g: [1, 2], e: [0, 1], t: [0, 4] }, { events: 'e', personTime: 't', strata: ['g'] });
    expect(got.strata[0]).toMatchObject({ events: 0, personTime: 0, rate: null, lower: null, upper: null });
    expect(got.strata[1]!.rate).toBe(0.25);
  });

  it('rejects bad event counts and negative person-time with the row number', () => {
    expect(() => incidenceRates({ e: [1, 0.5], t: [1, 1] }, { events: 'e', personTime: 't' })).toThrow(/row 2/);
    expect(() => incidenceRates({ e: [1, -1], t: [1, 1] }, { events: 'e', personTime: 't' })).toThrow(/row 2/);
    expect(() => incidenceRates({ e: [1, 1], t: [-1, 1] }, { events: 'e', personTime: 't' })).toThrow(/row 1/);
    expect(() => incidenceRates({ e: [null], t: [1] }, { events: 'e', personTime: 't' })).toThrow(/no complete rows/);
    expect(() => incidenceRates({ e: [1], t: [1] }, { events: 'e', personTime: 'nope' })).toThrow(/not found/);
  });
});

describe('incidenceRates: properties', () => {
  it('strata add up to the total; lower <= rate <= upper', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ g: fc.integer({ min: 0, max: 4 }), e: fc.integer({ min: 0, max: 3 }), t: fc.double({ min: 0.01, max: 50, noNaN: true }) }), {
          minLength: 1,
          maxLength: 60,
        }),
        (rows) => {
          const got = incidenceRates(rows, { events: 'e', personTime: 't', strata: ['g'] });
          const ev = got.strata.reduce((s, r) => s + r.events, 0);
          const pt = got.strata.reduce((s, r) => s + r.personTime, 0);
          expect(ev).toBe(got.total.events);
          expectClose(pt, got.total.personTime, 'person-time', 1e-12);
          for (const r of [...got.strata, got.total]) {
            expect(r.lower!).toBeLessThanOrEqual(r.rate!);
            expect(r.rate!).toBeLessThan(r.upper!);
          }
        },
      ),
    );
  });
});
