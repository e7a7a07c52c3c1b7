import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { buildExposureEpisodes } from '../../src/exposure/buildExposureEpisodes.js';
import { discontinuationDates } from '../../src/exposure/discontinuation.js';
import { testEngines, seed } from './fixtures.js';

describe.each(testEngines())('on $name', ({ open }) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
  });
  afterAll(async () => {
    await engine.close();
  });

  describe('discontinuationDates', () => {
    it('end of the first episode + lag; NULL when death or the end of observation ended it', async () => {
      const schema = await seed(engine, {
        persons: [{ id: 'a' }, { id: 'b', death: '2020-01-10' }, { id: 'c' }, { id: 'd' }],
        periods: [
          ['a', '2019-01-01', '2021-12-31'],
          ['b', '2019-01-01', '2021-12-31'],
          ['c', '2019-01-01', '2020-01-20'],
          ['d', '2019-01-01', '2021-12-31'],
        ],
        dispensings: [
          // a: episodes Jan 1–30 and Mar 1–30 (grace 0).
          { person: 'a', date: '2020-01-01' },
          { person: 'a', date: '2020-03-01' },
          // b: dies Jan 10 on treatment.
          { person: 'b', date: '2020-01-01' },
          // c: observation ends Jan 20 on treatment.
          { person: 'c', date: '2020-01-01' },
          // d: one episode Jun 1–30.
          { person: 'd', date: '2020-06-01' },
        ],
      });
      await buildExposureEpisodes(engine, {
        schema,
        drugs: { name: 'statin', atcPrefixes: ['C10AA'] },
        daysSupply: { method: 'given' },
        gracePeriod: { days: 0 },
        stockpiling: false,
        into: `${schema}.ep`,
      });
      const r = await discontinuationDates(engine, { episodes: `${schema}.ep`, drug: 'statin', lagDays: 15, into: `${schema}.disc` });
      const rows = await engine.rows(`SELECT person_id, episode_id, episode_end, end_reason, discontinuation_date FROM ${schema}.disc ORDER BY person_id`);
      expect(rows).toEqual([
        // Jan 30 + 15 = Feb 14.
        { person_id: 'a', episode_id: 1, episode_end: '2020-01-30', end_reason: 'supply-end', discontinuation_date: '2020-02-14' },
        { person_id: 'b', episode_id: 1, episode_end: '2020-01-10', end_reason: 'death', discontinuation_date: null },
        { person_id: 'c', episode_id: 1, episode_end: '2020-01-20', end_reason: 'observation-end', discontinuation_date: null },
        // Jun 30 + 15 = Jul 15.
        { person_id: 'd', episode_id: 1, episode_end: '2020-06-30', end_reason: 'supply-end', discontinuation_date: '2020-07-15' },
      ]);
      expect(r.counts).toEqual({ persons: 4, discontinued: 2, endedByDeath: 1, endedByObservationEnd: 1 });

      // With an index date: a's index Feb 15 falls after the first episode → the second one (Mar 1–30).
      // d's index 2020-07-01 is after its only episode → no row.
      await engine.run(`CREATE TABLE ${schema}.idx AS SELECT * FROM (VALUES ('a', DATE '2020-02-15'), ('d', DATE '2020-07-01')) t(person_id, index_date)`);
      await discontinuationDates(engine, { episodes: `${schema}.ep`, drug: 'statin', index: `${schema}.idx`, into: `${schema}.disc2` });
      expect(await engine.rows(`SELECT person_id, episode_id, discontinuation_date FROM ${schema}.disc2`)).toEqual([
        { person_id: 'a', episode_id: 2, discontinuation_date: '2020-03-30' },
      ]);
    });
  });
});
