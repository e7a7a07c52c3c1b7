import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { lexisSplit, type LexisSplitResult } from '../../src/estimate/lexisSplit.js';
import { incidenceRates } from '../../src/estimate/incidenceRates.js';
import { expectAllClose } from '../helpers/approx.js';

const ref = JSON.parse(readFileSync(new URL('../reference/rates-lexis.json', import.meta.url), 'utf8'));

/** The split as plain rows, for readable expectations. */
function rows(r: LexisSplitResult) {
  const c = r.columns;
  return Array.from({ length: r.nIntervals }, (_, k) => ({
    id: c.id[k],
    ageBand: c.ageBand[k],
    period: c.period[k],
    entry: c.entry[k],
    exit: c.exit[k],
    personTime: c.personTime[k],
    event: c.event[k],
  }));
}

describe('lexisSplit: R references (survival::survSplit per time scale, test/reference/rates-lexis.R)', () => {
  for (const c of ref.cases) {
    it(`${c.name}: ${c.call}`, () => {
      const got = lexisSplit(c.persons, {
        id: 'id',
        entry: 'entry',
        exit: 'exit',
        event: 'event',
        birth: 'birth',
        breaks: c.breaks,
        timeScale: c.timeScale,
      });
      const want = c.split;
      expect(got.nIntervals).toBe(want.id.length);
      expect(Array.from(got.columns.id as unknown[])).toEqual(want.id);
      expect(Array.from(got.columns.ageBand)).toEqual(want.ageBand);
      expect(Array.from(got.columns.period)).toEqual(want.period);
      expect(Array.from(got.columns.followUp)).toEqual(want.followUp);
      expect(Array.from(got.columns.event)).toEqual(want.event);
      expectAllClose(got.columns.entry, want.entry, 'entry');
      expectAllClose(got.columns.exit, want.exit, 'exit');
      expectAllClose(got.columns.personTime, want.personTime, 'personTime');
    });
  }
});

describe('lexisSplit: hand cases', () => {
  it('two persons crossing an age and a period break, every interval written out', () => {
    // Breaks: age 50, period 2000. Bands: age [0,50) = 0, [50,Inf) = 1; period [-Inf,2000) = 0, [2000,Inf) = 1.
    // A: born 1949.5, followed 1998 -> 2003.5, event. Age 50 at 1999.5, then the period break at 2000:
    //   (1998, 1999.5]   age 0 period 0  1.5 years
    //   (1999.5, 2000]   age 1 period 0  0.5 years
    //   (2000, 2003.5]   age 1 period 1  3.5 years, event           total 5.5 = 2003.5 - 1998
    // B (listed first: unsorted input is kept in input order): born 1960, followed 2001.25 -> 2012, censored.
    //   Starts after the period break (period 1), age 41.25; age 50 at 2010:
    //   (2001.25, 2010]  age 0 period 1  8.75 years
    //   (2010, 2012]     age 1 period 1  2 years                    total 10.75 = 2012 - 2001.25
    const data = [
      { id: 'B', birth: 1960, entry: 2001.25, exit: 2012, status: 0 },
      { id: 'A', birth: 1949.5, entry: 1998, exit: 2003.5, status: 1 },
    ];
    const got = lexisSplit(data, { id: 'id', birth: 'birth', entry: 'entry', exit: 'exit', event: 'status', breaks: { age: [50], period: [2000] } });
    expect(rows(got)).toEqual([
      { id: 'B', ageBand: 0, period: 1, entry: 2001.25, exit: 2010, personTime: 8.75, event: 0 },
      { id: 'B', ageBand: 1, period: 1, entry: 2010, exit: 2012, personTime: 2, event: 0 },
      { id: 'A', ageBand: 0, period: 0, entry: 1998, exit: 1999.5, personTime: 1.5, event: 0 },
      { id: 'A', ageBand: 1, period: 0, entry: 1999.5, exit: 2000, personTime: 0.5, event: 0 },
      { id: 'A', ageBand: 1, period: 1, entry: 2000, exit: 2003.5, personTime: 3.5, event: 1 },
    ]);
    expect(got.bands.age.map((b) => b.label)).toEqual(['[0,50)', '[50,Inf)']);
    expect(got.bands.period.map((b) => b.label)).toEqual(['[-Inf,2000)', '[2000,Inf)']);
    expect(got.bands.period[0]).toEqual({ index: 0, lower: null, upper: 2000, label: '[-Inf,2000)' });
    expect(Array.from(got.columns.row)).toEqual([0, 0, 1, 1, 1]);
    expect(got.nPersons).toBe(2);
  });

  it('boundaries: exit on a break keeps the event in the band ending there; entry on a break starts the next band', () => {
    // C: born 1950, followed 1995 -> 2000 (age 50 and period 2000 exactly at exit): one interval, age 0, period 0.
    // D: born 1950, followed 2000 -> 2001 (age 50 and period 2000 exactly at entry): one interval, age 1, period 1.
    // E: entry = exit = 2000.5: one interval of length 0, carrying the event.
    const data = { id: [1, 2, 3], birth: [1950, 1950, 1950], entry: [1995, 2000, 2000.5], exit: [2000, 2001, 2000.5], ev: [1, 2, 1] };
    const got = lexisSplit(data, { id: 'id', birth: 'birth', entry: 'entry', exit: 'exit', event: 'ev', breaks: { age: [50], period: [2000] } });
    expect(rows(got)).toEqual([
      { id: 1, ageBand: 0, period: 0, entry: 1995, exit: 2000, personTime: 5, event: 1 },
      { id: 2, ageBand: 1, period: 1, entry: 2000, exit: 2001, personTime: 1, event: 2 },
      { id: 3, ageBand: 1, period: 1, entry: 2000.5, exit: 2000.5, personTime: 0, event: 1 },
    ]);
  });

  it('dates: exact day counts, days / 365.25, Date objects and ISO strings alike', () => {
    // Born 2000-01-01 (day 10957), followed 2049-06-30 (day 29035) -> 2050-12-31 (day 29584), event.
    // Age 50 at 10957 + 50 * 365.25 = 29219.5 (a half day); period break 2050-01-01 = day 29220:
    //   (29035, 29219.5]  age 0 period 0  184.5 days = 184.5/365.25 years
    //   (29219.5, 29220]  age 1 period 0  0.5 days
    //   (29220, 29584]    age 1 period 1  364 days, event       total 549 days = 29584 - 29035
    const data = {
      id: ['x'],
      birth: [new Date(Date.UTC(2000, 0, 1))],
      entry: ['2049-06-30'],
      exit: [29584],
      ev: [1],
    };
    const got = lexisSplit(data, {
      id: 'id',
      birth: 'birth',
      entry: 'entry',
      exit: 'exit',
      event: 'ev',
      breaks: { age: [50], period: ['2050-01-01'] },
      timeScale: 'days',
    });
    expect(rows(got)).toEqual([
      { id: 'x', ageBand: 0, period: 0, entry: 29035, exit: 29219.5, personTime: 184.5 / 365.25, event: 0 },
      { id: 'x', ageBand: 1, period: 0, entry: 29219.5, exit: 29220, personTime: 0.5 / 365.25, event: 0 },
      { id: 'x', ageBand: 1, period: 1, entry: 29220, exit: 29584, personTime: 364 / 365.25, event: 1 },
    ]);
    expect(got.bands.period.map((b) => b.label)).toEqual(['[-Inf,2050-01-01)', '[2050-01-01,Inf)']);
  });

  it('follow-up (time since entry) breaks', () => {
    // Followed 10 -> 13.5 with breaks at 1 and 2 years since entry: (10,11] (11,12] (12,13.5].
    const got = lexisSplit({ id: [7], entry: [10], exit: [13.5], ev: [0] }, { id: 'id', entry: 'entry', exit: 'exit', event: 'ev', breaks: { followUp: [1, 2] } });
    expect(Array.from(got.columns.followUp)).toEqual([0, 1, 2]);
    expect(Array.from(got.columns.personTime)).toEqual([1, 1, 1.5]);
    expect(got.bands.followUp.map((b) => b.label)).toEqual(['[0,1)', '[1,2)', '[2,Inf)']);
  });

  it('drops rows with a missing value and counts them; no birth needed without age breaks', () => {
    const data = { id: [1, 2, null, 4], entry: [0, null, 0, 0], exit: [1, 1, 1, 2], ev: [0, 0, 0, 1] };
    const got = lexisSplit(data, { id: 'id', entry: 'entry', exit: 'exit', event: 'ev', breaks: { period: [1] } });
    expect(got.nMissing).toBe(2);
    expect(got.nPersons).toBe(2);
    expect(rows(got).map((r) => [r.id, r.period, r.personTime, r.event])).toEqual([
      [1, 0, 1, 0],
      [4, 0, 1, 0],
      [4, 1, 1, 1],
    ]);
  });

  it('feeds incidenceRates by age band and period, with band labels', () => {
    const data = [
      { id: 'B', birth: 1960, entry: 2001.25, exit: 2012, status: 0 },
      { id: 'A', birth: 1949.5, entry: 1998, exit: 2003.5, status: 1 },
    ];
    const split = lexisSplit(data, { id: 'id', birth: 'birth', entry: 'entry', exit: 'exit', event: 'status', breaks: { age: [50], period: [2000] } });
    const rates = incidenceRates(split.columns, { events: 'event', personTime: 'personTime', strata: ['ageBand', 'period'], levelLabels: split.levelLabels });
    // From the hand case above: (0,0) 1.5 y; (0,1) 8.75 y; (1,0) 0.5 y; (1,1) 3.5 + 2 = 5.5 y with 1 event.
    expect(rates.strata.map((r) => [r.label, r.events, r.personTime])).toEqual([
      ['ageBand=[0,50), period=[-Inf,2000)', 0, 1.5],
      ['ageBand=[0,50), period=[2000,Inf)', 0, 8.75],
      ['ageBand=[50,Inf), period=[-Inf,2000)', 0, 0.5],
      ['ageBand=[50,Inf), period=[2000,Inf)', 1, 5.5],
    ]);
    expect(rates.total.personTime).toBe(16.25);
  });

  it('rejects bad input', () => {
    const base = { id: 'id', entry: 'entry', exit: 'exit', event: 'ev' };
    const d = { id: [1], birth: [1950], entry: [2000], exit: [2001], ev: [1] };
    expect(() => lexisSplit({ ...d, exit: [1999] }, { ...base, breaks: {} })).toThrow(/exit must be >= entry/);
    expect(() => lexisSplit({ ...d, birth: [2000.5] }, { ...base, birth: 'birth', breaks: { age: [50] } })).toThrow(/birth/);
    expect(() => lexisSplit(d, { ...base, breaks: { age: [50] } })).toThrow(/birth/);
    expect(() => lexisSplit(d, { ...base, breaks: { period: [2000, 2000] } })).toThrow(/increasing/);
    expect(() => lexisSplit(d, { ...base, breaks: { period: [NaN] } })).toThrow(/non-finite/);
    expect(() => lexisSplit({ ...d, ev: [0.5] }, { ...base, breaks: {} })).toThrow(/row 1/);
    expect(() => lexisSplit({ ...d, entry: ['soon'] }, { ...base, breaks: {}, timeScale: 'days' })).toThrow(/expected a date/);
    expect(() => lexisSplit(d, { ...base, breaks: {}, timeScale: 'months' as never })).toThrow(/timeScale/);
  });
});

describe('lexisSplit: properties', () => {
  const person = fc.record({
    birth: fc.double({ min: 1900, max: 2000, noNaN: true }),
    age0: fc.double({ min: 0, max: 80, noNaN: true }),
    dur: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 40, noNaN: true })),
    ev: fc.integer({ min: 0, max: 2 }),
  });
  const breaks = (min: number, max: number) =>
    fc.uniqueArray(fc.oneof(fc.integer({ min, max }), fc.double({ min, max, noNaN: true })), { maxLength: 6 }).map((b) => b.sort((x, y) => x - y));

  it('conserves person-time and events per person; intervals are contiguous, ordered and inside their bands', () => {
    fc.assert(
      fc.property(fc.array(person, { minLength: 1, maxLength: 30 }), breaks(0, 100), breaks(1900, 2100), breaks(0, 30), (ps, age, period, followUp) => {
        const data = {
          id: ps.map((_, i) => i),
          birth: ps.map((p) => p.birth),
          entry: ps.map((p) => p.birth + p.age0),
          exit: ps.map((p) => p.birth + p.age0 + p.dur),
          ev: ps.map((p) => p.ev),
        };
        const got = lexisSplit(data, { id: 'id', birth: 'birth', entry: 'entry', exit: 'exit', event: 'ev', breaks: { age, period, followUp } });
        const c = got.columns;
        let k = 0;
        for (let i = 0; i < ps.length; i++) {
          const s = data.entry[i]!;
          const e = data.exit[i]!;
          expect(c.entry[k]).toBe(s);
          let pt = 0;
          let ev = 0;
          for (;;) {
            expect(c.row[k]).toBe(i);
            pt += c.personTime[k]!;
            ev += c.event[k]!;
            expect(c.exit[k]!).toBeGreaterThanOrEqual(c.entry[k]!);
            // Band of the start, by the same expression the cuts use: breaks[b-1] + offset <= start < breaks[b] + offset,
            // and the interval does not run past the band's upper limit.
            const inBand = (br: number[], band: number, offset: number) => {
              if (band > 0) expect(br[band - 1]! + offset).toBeLessThanOrEqual(c.entry[k]!);
              if (band < br.length) {
                expect(c.entry[k]!).toBeLessThan(br[band]! + offset);
                expect(c.exit[k]!).toBeLessThanOrEqual(br[band]! + offset);
              }
            };
            inBand(age, c.ageBand[k]!, data.birth[i]!);
            inBand(period, c.period[k]!, 0);
            inBand(followUp, c.followUp[k]!, s);
            if (c.exit[k] === e) break;
            expect(c.entry[k + 1]).toBe(c.exit[k]); // contiguous: no gap, no overlap
            expect(c.event[k]).toBe(0);
            k++;
          }
          expect(Math.abs(pt - (e - s))).toBeLessThanOrEqual(1e-12 * Math.max(1, e));
          expect(ev).toBe(data.ev[i]);
          k++;
        }
        expect(k).toBe(got.nIntervals);
      }),
      { numRuns: 300 },
    );
  });

  it('in days, person-time in days is conserved exactly (whole days, whole-year age breaks: cuts on quarter days)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ b: fc.integer({ min: -20000, max: 10000 }), a0: fc.integer({ min: 0, max: 30000 }), d: fc.integer({ min: 0, max: 15000 }) }), { minLength: 1, maxLength: 20 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 90 }), { maxLength: 5 }).map((b) => b.sort((x, y) => x - y)),
        fc.uniqueArray(fc.integer({ min: 0, max: 30000 }), { maxLength: 5 }).map((b) => b.sort((x, y) => x - y)),
        (ps, age, period) => {
          const data = { id: ps.map((_, i) => i), birth: ps.map((p) => p.b), entry: ps.map((p) => p.b + p.a0), exit: ps.map((p) => p.b + p.a0 + p.d), ev: ps.map(() => 1) };
          const got = lexisSplit(data, { id: 'id', birth: 'birth', entry: 'entry', exit: 'exit', event: 'ev', breaks: { age, period }, timeScale: 'days' });
          const days = new Float64Array(ps.length);
          const evs = new Float64Array(ps.length);
          for (let k = 0; k < got.nIntervals; k++) {
            days[got.columns.row[k]!] += got.columns.exit[k]! - got.columns.entry[k]!;
            evs[got.columns.row[k]!] += got.columns.event[k]!;
          }
          ps.forEach((p, i) => {
            expect(days[i]).toBe(p.d);
            expect(evs[i]).toBe(1);
          });
        },
      ),
    );
  });
});
