import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { testEngines } from '../helpers/engines.js';
import { buildTimeVaryingAnalysis } from '../../src/followup/buildTimeVaryingAnalysis.js';
import { coxph } from '../../src/estimate/coxph.js';

// Index 2020-01-01 for everyone; episodes as day offsets s..e from index (day t is the interval (t-1, t]).
// P1: outcome at day 100. A on days 0..30, B on days 50..150 (clipped at 100).
//     → (0,30] A, (30,49] unexposed, (49,100] B with the event.
// P2: died at day 60. A on days 0..40, B on days 20..80: both current on (19,40], B started later so B wins.
//     → (0,19] A, (19,40] B, (40,60] B with status 2 (death), event 0.
// P3: follow-up of 0 days: no interval, dropped.
describe.each(testEngines())('buildTimeVaryingAnalysis on $name', ({ open }) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
    await engine.run(
      `CREATE TABLE an AS SELECT * FROM (VALUES ('P1', DATE '2020-01-01', 100, 1, 70), ('P2', DATE '2020-01-01', 60, 2, 80), ('P3', DATE '2020-01-01', 0, 0, 75)) t(person_id, index_date, time, status, age_at_index)`,
    );
    await engine.run(
      `CREATE TABLE ep AS SELECT * FROM (VALUES ('P1', 'A', DATE '2020-01-01', DATE '2020-01-31'), ('P1', 'B', DATE '2020-02-20', DATE '2020-05-30'), ` +
        `('P2', 'A', DATE '2020-01-01', DATE '2020-02-10'), ('P2', 'B', DATE '2020-01-21', DATE '2020-03-21')) t(person_id, drug, start_date, end_date)`,
    );
  });
  afterAll(async () => engine.close());

  it('splits follow-up at episode boundaries, with the event on the last interval', async () => {
    const r = await buildTimeVaryingAnalysis(engine, { analysis: { table: 'an' }, episodes: [{ table: 'ep' }], into: 'tv' });
    expect(await engine.rows(`SELECT person_id, start, stop, exposure, event, status, exposure_a, exposure_b, age_at_index FROM tv ORDER BY person_id, start`)).toEqual([
      { person_id: 'P1', start: 0, stop: 30, exposure: 'A', event: 0, status: 0, exposure_a: 1, exposure_b: 0, age_at_index: 70 },
      { person_id: 'P1', start: 30, stop: 49, exposure: 'unexposed', event: 0, status: 0, exposure_a: 0, exposure_b: 0, age_at_index: 70 },
      { person_id: 'P1', start: 49, stop: 100, exposure: 'B', event: 1, status: 1, exposure_a: 0, exposure_b: 1, age_at_index: 70 },
      { person_id: 'P2', start: 0, stop: 19, exposure: 'A', event: 0, status: 0, exposure_a: 1, exposure_b: 0, age_at_index: 80 },
      { person_id: 'P2', start: 19, stop: 40, exposure: 'B', event: 0, status: 0, exposure_a: 0, exposure_b: 1, age_at_index: 80 },
      { person_id: 'P2', start: 40, stop: 60, exposure: 'B', event: 0, status: 2, exposure_a: 0, exposure_b: 1, age_at_index: 80 },
    ]);
    expect(r.drugs).toEqual(['A', 'B']);
    expect(r.attrition.map((x) => x.persons)).toEqual([3, 2]);
    // The rows feed coxph's counting-process form directly.
    const cols = await engine.columns(`SELECT start, stop, event, exposure_a FROM tv`);
    const fit = coxph(cols, { start: 'start', time: 'stop', event: 'event', covariates: ['exposure_a'] });
    expect(fit.nEvent).toBe(1);
  });

  it('refuses an analysis table with several entries per person', async () => {
    await engine.run(`CREATE TABLE an2 AS SELECT * FROM an UNION ALL SELECT * FROM an`);
    await expect(buildTimeVaryingAnalysis(engine, { analysis: { table: 'an2' }, episodes: [{ table: 'ep' }], into: 'tv2' })).rejects.toThrow(/one entry per person/);
  });
});
