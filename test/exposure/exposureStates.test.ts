import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import type { Engine } from '../../src/engine/index.js';
import { buildExposureEpisodes } from '../../src/exposure/buildExposureEpisodes.js';
import { buildExposureStates } from '../../src/exposure/exposureStates.js';
import { addDays, daysBetween, testEngines, seed } from './fixtures.js';

describe.each(testEngines())('on $name', ({ open }) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
  });
  afterAll(async () => {
    await engine.close();
  });

  const statins = { name: 'statin', atcPrefixes: ['C10AA'] };

  interface StateRow {
    person_id: string;
    start: number;
    stop: number;
    state: string;
    cum_days_band: string;
    cum_ddd_band: string | null;
  }

  const states = (table: string) =>
    engine.rows<StateRow>(`SELECT person_id, start, stop, state, cum_days_band, cum_ddd_band FROM ${table} ORDER BY person_id, start`);

  describe('buildExposureStates on a hand-made fixture (recent = 30 days, duration bands [0, 60], DDD bands [0, 2, 3])', () => {
    it('writes merged (start, stop] rows in days since index', async () => {
      const schema = await seed(engine, {
        persons: ['x', 'y', 'z', 'w', 'v'].map((id) => ({ id })),
        periods: ['x', 'y', 'z', 'w', 'v'].map((id): [string, string, string] => [id, '2019-01-01', '2021-12-31']),
        dispensings: [
          // x: Jan 1 – Jan 30 (1 pack of 30 units = 1 DDD) and Jun 1 – Jul 30 (2 packs = 2 DDD).
          { person: 'x', date: '2020-01-01', days: 30, packs: 1, units: 30 },
          { person: 'x', date: '2020-06-01', days: 60, packs: 2, units: 30 },
          // y: Mar 11 – Mar 20.
          { person: 'y', date: '2020-03-11', days: 10 },
          // z: Apr 20 – May 19, index = end = May 1.
          { person: 'z', date: '2020-04-20', days: 30 },
          // v: a prevalent user: Dec 1 – Dec 30, 2019, before the index.
          { person: 'v', date: '2019-12-01', days: 30 },
        ],
      });
      await buildExposureEpisodes(engine, {
        schema,
        drugs: statins,
        daysSupply: { method: 'given' },
        gracePeriod: { days: 0 },
        stockpiling: false,
        into: `${schema}.ep`,
      });
      await engine.run(`CREATE TABLE ${schema}.idx AS SELECT * FROM (VALUES
        ('x', DATE '2020-01-01', DATE '2020-12-31'),
        ('y', DATE '2020-03-01', DATE '2020-03-31'),
        ('z', DATE '2020-05-01', DATE '2020-05-01'),
        ('w', DATE '2020-01-01', DATE '2019-12-31'),
        ('v', DATE '2020-01-01', DATE '2020-03-01')) t(person_id, index_date, end_date)`);
      const r = await buildExposureStates(engine, {
        episodes: `${schema}.ep`,
        drug: 'statin',
        index: `${schema}.idx`,
        recentDays: 30,
        durationBands: [0, 60],
        ddd: { unitsPerDdd: 30 },
        dddBands: [0, 2, 3],
        into: `${schema}.st`,
      });
      const rows = await states(`${schema}.st`);
      const of = (p: string) => rows.filter((r) => r.person_id === p).map((r) => [r.start, r.stop, r.state, r.cum_days_band, r.cum_ddd_band]);
      // x (index Jan 1, T = Dec 31 − Jan 1 = 365): day offsets Jan 30 = 29, Feb 29 = 59, Jun 1 = 152, Jul 30 = 211.
      expect(of('x')).toEqual([
        [0, 29, 'current', '[0,60)', '[0,2)'], // days 1–29 (day 0 is the index day)
        [29, 59, 'recent', '[0,60)', '[0,2)'], // Jan 31 – Feb 29: 30 days after the end
        [59, 151, 'past', '[0,60)', '[0,2)'],
        [151, 180, 'current', '[0,60)', '>=3'], // Jun 1: 1 + 2 = 3 DDD
        [180, 211, 'current', '>=60', '>=3'], // day 181 = Jun 30: 30 + 30 = 60 exposed days
        [211, 241, 'recent', '>=60', '>=3'],
        [241, 365, 'past', '>=60', '>=3'],
      ]);
      // y (index Mar 1, T = 30): never on days 1–9, current Mar 11 – 20 (10–19), recent after.
      expect(of('y')).toEqual([
        [0, 9, 'never', '[0,60)', '[0,2)'],
        [9, 19, 'current', '[0,60)', '[0,2)'],
        [19, 30, 'recent', '[0,60)', '[0,2)'],
      ]);
      // z: end = index: one row (0, 0] with the index day's state.
      expect(of('z')).toEqual([[0, 0, 'current', '[0,60)', '[0,2)']]);
      // w: end before index: excluded.
      expect(of('w')).toEqual([]);
      // v: exposure Dec 1–30 before index; recent Dec 31 – Jan 29 (offsets −1 … 28), then past to Mar 1 (60).
      expect(of('v')).toEqual([
        [0, 28, 'recent', '[0,60)', '[0,2)'],
        [28, 60, 'past', '[0,60)', '[0,2)'],
      ]);
      expect(r.counts).toEqual({
        personsRead: 5,
        personsOutput: 4,
        excluded: [{ reason: 'end-before-index', rows: 1 }],
        intervals: 13,
        dispensingsWithoutDose: 0,
      });
      expect(r.settings.durationBandLabels).toEqual(['[0,60)', '>=60']);
      expect(r.settings.dddBandLabels).toEqual(['[0,2)', '[2,3)', '>=3']);

      // DDD from a product table: x's packs are product P1 (0.5 DDD/unit → 15 DDD) and P2 (no entry → 0 DDD, counted).
      await engine.run(`CREATE TABLE ${schema}.ddd AS SELECT * FROM (VALUES ('P1', 0.5)) t(product_code, ddd_per_unit)`);
      const r2 = await buildExposureStates(engine, {
        episodes: `${schema}.ep`,
        drug: 'statin',
        index: `${schema}.idx`,
        recentDays: 0,
        ddd: { table: `${schema}.ddd` },
        dddBands: [0, 10],
        into: `${schema}.st2`,
      });
      const x2 = (await states(`${schema}.st2`)).filter((r) => r.person_id === 'x').map((r) => [r.start, r.stop, r.state, r.cum_days_band, r.cum_ddd_band]);
      // recentDays 0: past right after each episode; one duration band.
      expect(x2).toEqual([
        [0, 29, 'current', '>=0', '>=10'],
        [29, 151, 'past', '>=0', '>=10'],
        [151, 211, 'current', '>=0', '>=10'],
        [211, 365, 'past', '>=0', '>=10'],
      ]);
      // P2 (x), and y's, z's and v's products have no DDD entry; w is excluded.
      expect(r2.counts.dispensingsWithoutDose).toBe(4);
    });

    it('rejects duplicate persons and bad bands', async () => {
      const schema = await seed(engine, { persons: [], dispensings: [] });
      await engine.run(`CREATE TABLE ${schema}.idx AS SELECT * FROM (VALUES ('a', DATE '2020-01-01', DATE '2020-02-01'), ('a', DATE '2020-01-01', DATE '2020-02-01')) t(person_id, index_date, end_date)`);
      const opts = { episodes: `${schema}.ep`, drug: 'statin', index: `${schema}.idx`, recentDays: 0, into: `${schema}.st` };
      await expect(buildExposureStates(engine, opts)).rejects.toThrow(/more than once/);
      await expect(buildExposureStates(engine, { ...opts, durationBands: [10, 5] })).rejects.toThrow(/start at 0/);
    });
  });

  // Day-by-day reference: the state of each day from the episodes and dispensings, then merged.
  describe('buildExposureStates against a day-by-day reference (fast-check)', () => {
    const base = '2020-01-01';
    const personArb = fc.record({
      disp: fc.array(fc.record({ day: fc.integer({ min: 0, max: 200 }), days: fc.integer({ min: 1, max: 40 }), packs: fc.integer({ min: 1, max: 3 }) }), {
        maxLength: 8,
      }),
      index: fc.integer({ min: 0, max: 200 }),
      length: fc.integer({ min: 0, max: 150 }),
    });
    const caseArb = fc.record({
      persons: fc.array(personArb, { minLength: 1, maxLength: 6 }),
      recentDays: fc.integer({ min: 0, max: 30 }),
      grace: fc.integer({ min: 0, max: 15 }),
      stockpiling: fc.boolean(),
      durationBands: fc.constantFrom([0], [0, 20], [0, 15, 50]),
      dddBands: fc.constantFrom([0], [0, 1], [0, 2.5, 6]),
    });

    it('rows cover (0, T] without gaps or overlaps and match the daily states', async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const ids = c.persons.map((_, i) => `p${i}`);
          const schema = await seed(engine, {
            persons: ids.map((id) => ({ id })),
            periods: ids.map((id): [string, string, string] => [id, '2019-01-01', '2021-12-31']),
            dispensings: c.persons.flatMap((p, i) => p.disp.map((x) => ({ person: ids[i]!, date: addDays(base, x.day), days: x.days, packs: x.packs, units: 10 }))),
          });
          await buildExposureEpisodes(engine, {
            schema,
            drugs: statins,
            daysSupply: { method: 'given' },
            gracePeriod: { days: c.grace },
            stockpiling: c.stockpiling,
            into: `${schema}.ep`,
          });
          await engine.run(
            `CREATE TABLE ${schema}.idx (person_id VARCHAR, index_date DATE, end_date DATE); INSERT INTO ${schema}.idx VALUES ` +
              c.persons.map((p, i) => `('${ids[i]}', DATE '${addDays(base, p.index)}', DATE '${addDays(base, p.index + p.length)}')`).join(', '),
          );
          await buildExposureStates(engine, {
            episodes: `${schema}.ep`,
            drug: 'statin',
            index: `${schema}.idx`,
            recentDays: c.recentDays,
            durationBands: c.durationBands,
            ddd: { unitsPerDdd: 20 },
            dddBands: c.dddBands,
            into: `${schema}.st`,
          });
          const rows = await states(`${schema}.st`);
          const eps = await engine.rows<{ person_id: string; start_date: string; end_date: string }>(`SELECT person_id, start_date, end_date FROM ${schema}.ep`);
          const band = (v: number, bands: readonly number[]) => bands.filter((b) => v >= b).length - 1;
          for (const [i, p] of c.persons.entries()) {
            const id = ids[i]!;
            const mine = rows.filter((r) => r.person_id === id);
            const T = p.length;
            // Coverage of (0, T]: starts at 0, contiguous, ends at T; a 0-length follow-up gives (0, 0].
            expect(mine.length).toBeGreaterThan(0);
            expect(mine[0]!.start).toBe(0);
            expect(mine[mine.length - 1]!.stop).toBe(T);
            for (let k = 1; k < mine.length; k++) expect(mine[k]!.start).toBe(mine[k - 1]!.stop);
            for (const r of mine) expect(r.stop > r.start || (T === 0 && r.stop === 0)).toBe(true);
            // Neighbours differ (merged).
            for (let k = 1; k < mine.length; k++) {
              const a = mine[k - 1]!;
              const b = mine[k]!;
              expect([a.state, a.cum_days_band, a.cum_ddd_band]).not.toEqual([b.state, b.cum_days_band, b.cum_ddd_band]);
            }
            // Each day's state against the definition.
            const episodes = eps.filter((e) => e.person_id === id).map((e) => [daysBetween(base, e.start_date), daysBetween(base, e.end_date)] as const);
            const dLabels = c.durationBands.map((b, k) => (k + 1 < c.durationBands.length ? `[${b},${c.durationBands[k + 1]})` : `>=${b}`));
            const ddLabels = c.dddBands.map((b, k) => (k + 1 < c.dddBands.length ? `[${b},${c.dddBands[k + 1]})` : `>=${b}`));
            const stateOn = (t: number) => {
              if (episodes.some(([s, e]) => t >= s && t <= e)) return 'current';
              const ended = episodes.filter(([, e]) => e < t);
              if (ended.length === 0) return 'never';
              const lastEnd = Math.max(...ended.map(([, e]) => e));
              return t - lastEnd <= c.recentDays ? 'recent' : 'past';
            };
            const cumDays = (t: number) => episodes.reduce((s, [a, e]) => s + Math.max(0, Math.min(e, t) - a + 1), 0);
            const cumDdd = (t: number) => p.disp.filter((x) => x.day <= t).reduce((s, x) => s + (x.packs * 10) / 20, 0);
            const days = T === 0 ? [0] : Array.from({ length: T }, (_, k) => k + 1);
            for (const t of days) {
              const abs = p.index + t;
              const row = mine.find((r) => (T === 0 ? true : t > r.start && t <= r.stop))!;
              expect([row.state, row.cum_days_band, row.cum_ddd_band]).toEqual([
                stateOn(abs),
                dLabels[band(cumDays(abs), c.durationBands)],
                ddLabels[band(cumDdd(abs) + 1e-12, c.dddBands)],
              ]);
            }
          }
          await engine.run(`DROP SCHEMA ${schema} CASCADE`);
        }),
        { numRuns: 40 },
      );
    });
  });
});
