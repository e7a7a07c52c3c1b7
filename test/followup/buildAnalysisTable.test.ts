import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { testEngines } from '../helpers/engines.js';
import { buildAnalysisTable, readAnalysisColumns } from '../../src/followup/buildAnalysisTable.js';
import type { Icd10CodeSet } from '../../src/cohort/codeSets.js';
import { freshModelSchema, insertModelRows } from '../helpers/model.js';

describe.each(testEngines())('on $name', ({ open }) => {
  const mi: Icd10CodeSet = { name: 'mi', version: '1', kind: 'icd10', codes: ['I21'] };
  const diabetes: Icd10CodeSet = { name: 'diabetes', version: '1', kind: 'icd10', codes: ['E11'] };
  const outcome = { event: { type: 'hospitalDiagnosis' as const, codeSet: mi, position: 'primary' as const } };

  let engine: Engine;
  let schema: string;

  // Every entry has index 2020-01-01 and observation to 2020-12-31 (2020 is a leap year).
  // A: MI on 2020-03-01 (day 60), diabetes on 2019-06-01.
  // B: died 2020-06-30 (day 181), no MI.
  // C: MI on the index day only (day 0: not at risk yet), so censored at the end of observation (day 365).
  // D: MI on 2019-12-01, 31 days before index: a prior outcome.
  // E: MI and death on the same day, 2020-05-01 (day 121): the outcome wins.
  beforeAll(async () => {
    engine = await open();
    schema = await freshModelSchema(engine);
    const dx = (person_id: string, date: string, code = 'I210') => ({ person_id, date, code, vocabulary: 'ICD10', role: 'primary' });
    await insertModelRows(engine, schema, 'diagnosis', [
      dx('A', '2020-03-01'),
      dx('A', '2019-06-01', 'E119'),
      dx('C', '2020-01-01'),
      dx('D', '2019-12-01'),
      dx('E', '2020-05-01'),
    ]);
    const death: Record<string, string> = { B: '2020-06-30', E: '2020-05-01' };
    const values = ['A', 'B', 'C', 'D', 'E']
      .map((p, i) => `('${p}', ${i % 2}, DATE '2020-01-01', DATE '${death[p] ?? '2020-12-31'}', ${death[p] ? `DATE '${death[p]}'` : 'NULL'}, 70, 1)`)
      .join(', ');
    await engine.run(
      `CREATE TABLE cohort_fx AS SELECT * FROM (VALUES ${values}) t(person_id, "group", index_date, observation_end, death_date, age_at_index, sex)`,
    );
    await engine.run(`CREATE TABLE stop_fx AS SELECT * FROM (VALUES ('A', DATE '2020-02-01')) t(person_id, discontinuation_date)`);
  });
  afterAll(async () => engine.close());

  type Row = { person_id: string; time: number; person_days: number; status: number; end_reason: string };
  const read = (t: string) => engine.rows<Row>(`SELECT person_id, time, person_days, status, end_reason FROM ${t} ORDER BY person_id`);

  describe('buildAnalysisTable', () => {
    it('follows each entry to the first of outcome, death and end of observation, with death competing', async () => {
      const r = await buildAnalysisTable(engine, { schema, cohort: { table: 'cohort_fx' }, outcome: { ...outcome, priorOutcomeDays: 365 }, into: 'an1' });
      expect(await read('an1')).toEqual([
        { person_id: 'A', time: 60, person_days: 60, status: 1, end_reason: 'outcome' },
        { person_id: 'B', time: 181, person_days: 181, status: 2, end_reason: 'death' },
        { person_id: 'C', time: 365, person_days: 365, status: 0, end_reason: 'observation-end' },
        { person_id: 'E', time: 121, person_days: 121, status: 1, end_reason: 'outcome' },
      ]);
      expect(r.attrition.map((a) => [a.persons, a.excludedPersons])).toEqual([
        [5, 0],
        [4, 1], // D: MI 31 days before index
        [4, 0],
      ]);
      expect(r.endReasons).toEqual({ death: 1, 'observation-end': 1, outcome: 2 });
    });

    it('treats death as censoring when asked', async () => {
      await buildAnalysisTable(engine, { schema, cohort: { table: 'cohort_fx' }, outcome, competingDeath: false, into: 'an2' });
      const b = (await read('an2')).find((x) => x.person_id === 'B')!;
      expect([b.status, b.end_reason]).toEqual([0, 'death']);
    });

    it('ends at the horizon and counts events only from the risk start', async () => {
      // Horizon 90 days: A's MI on day 60 counts; B is censored on day 90 (2020-03-31).
      // startOffset 0: C's MI on the index day now counts at time 0; D kept (no prior-outcome rule).
      await buildAnalysisTable(engine, { schema, cohort: { table: 'cohort_fx' }, outcome, timeAtRisk: { horizonDays: 90, startOffset: 0 }, into: 'an3' });
      expect(await read('an3')).toEqual([
        { person_id: 'A', time: 60, person_days: 61, status: 1, end_reason: 'outcome' },
        { person_id: 'B', time: 90, person_days: 91, status: 0, end_reason: 'horizon' },
        { person_id: 'C', time: 0, person_days: 1, status: 1, end_reason: 'outcome' },
        { person_id: 'D', time: 90, person_days: 91, status: 0, end_reason: 'horizon' },
        { person_id: 'E', time: 90, person_days: 91, status: 0, end_reason: 'horizon' },
      ]);
    });

    it('as-treated: censors at discontinuation plus lag', async () => {
      const stop = (lagDays: number, into: string) =>
        buildAnalysisTable(engine, { schema, cohort: { table: 'cohort_fx' }, outcome, timeAtRisk: { censorAt: [{ table: 'stop_fx', dateColumn: 'discontinuation_date', lagDays, reason: 'discontinuation' }] }, into });
      // A stops on 2020-02-01 (day 31): censored then; with a 30-day lag follow-up runs to 2020-03-02, past the MI on day 60.
      const r0 = await stop(0, 'an4');
      expect((await read('an4')).find((x) => x.person_id === 'A')).toEqual({ person_id: 'A', time: 31, person_days: 31, status: 0, end_reason: 'discontinuation' });
      expect(r0.settings.followUp).toBe('as-treated');
      await stop(30, 'an5');
      expect((await read('an5')).find((x) => x.person_id === 'A')!.status).toBe(1);
    });

    it('adds baseline covariates from a look-back window and hands typed columns to estimators', async () => {
      await buildAnalysisTable(engine, {
        schema,
        cohort: { table: 'cohort_fx' },
        outcome,
        covariates: [{ name: 'diabetes', event: { type: 'hospitalDiagnosis', codeSet: diabetes }, window: [-365, -1] }],
        into: 'an6',
      });
      const cols = await readAnalysisColumns(engine, 'an6', ['time', 'status', 'group', 'diabetes']);
      expect(Array.from(cols.diabetes as Float64Array)).toEqual([1, 0, 0, 0, 0]);
      expect(Array.from(cols.group as Float64Array)).toEqual([0, 1, 0, 1, 0]);
      expect(cols.time).toBeInstanceOf(Float64Array);
    });

    it('never follows anyone past death or end of observation (property over the fixtures)', async () => {
      const bad = await engine.scalar<number>(
        `SELECT count(*) FROM an1 a JOIN cohort_fx c USING (person_id) WHERE a.end_date > c.observation_end OR (c.death_date IS NOT NULL AND a.end_date > c.death_date)`,
      );
      expect(bad).toBe(0);
    });
  });
});
