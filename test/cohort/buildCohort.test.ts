import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { testEngines } from '../helpers/engines.js';
import { buildCohort, type CohortDefinition } from '../../src/cohort/buildCohort.js';
import { personTimeline } from '../../src/cohort/personTimeline.js';
import type { AtcCodeSet, Icd10CodeSet } from '../../src/cohort/codeSets.js';
import { freshModelSchema, insertModelRows } from '../helpers/model.js';

describe.each(testEngines())('on $name', ({ open }) => {
  const statins: AtcCodeSet = { name: 'statins', version: '1', kind: 'atc', codes: ['C10AA'] };
  const mi: Icd10CodeSet = { name: 'myocardial infarction', version: '1', kind: 'icd10', codes: ['I21-I22'] };

  let engine: Engine;
  let schema: string;

  // Three persons, written out:
  // P1: born 1950, male, observed 2015-01-01..2022-12-31; statins on 2016-03-01 and 2016-04-01 (31 days apart).
  // P2: born 1980, female, observed 2018-01-01..2022-12-31; statin on 2018-06-01, only 151 days after observation start.
  // P3: born 1940, female, observed 2015-01-01..2022-12-31, died 2020-05-01; statins 2016-01-10 and 2019-01-01;
  //     hospital stay with primary diagnosis I214 on 2015-06-01 (223 days before 2016-01-10).
  beforeAll(async () => {
    engine = await open();
    schema = await freshModelSchema(engine);
    await insertModelRows(engine, schema, 'person', [
      { person_id: 'P1', birth_year: 1950, sex: 1 },
      { person_id: 'P2', birth_year: 1980, sex: 2 },
      { person_id: 'P3', birth_year: 1940, sex: 2, death_date: '2020-05-01' },
    ]);
    await insertModelRows(engine, schema, 'observation_period', [
      { person_id: 'P1', start_date: '2015-01-01', end_date: '2022-12-31' },
      { person_id: 'P2', start_date: '2018-01-01', end_date: '2022-12-31' },
      { person_id: 'P3', start_date: '2015-01-01', end_date: '2022-12-31' },
    ]);
    await insertModelRows(engine, schema, 'dispensing', [
      { person_id: 'P1', date: '2016-04-01', product_code: '3400930000001', product_vocabulary: 'CIP13', atc_code: 'C10AA05' },
      { person_id: 'P1', date: '2016-03-01', product_code: '3400930000001', product_vocabulary: 'CIP13', atc_code: 'C10AA05' },
      { person_id: 'P2', date: '2018-06-01', product_code: '3400930000002', product_vocabulary: 'CIP13', atc_code: 'C10AA01' },
      { person_id: 'P3', date: '2016-01-10', product_code: '3400930000001', product_vocabulary: 'CIP13', atc_code: 'C10AA05' },
      { person_id: 'P3', date: '2019-01-01', product_code: '3400930000001', product_vocabulary: 'CIP13', atc_code: 'C10AA05' },
      // Not a statin: never an entry.
      { person_id: 'P2', date: '2019-01-01', product_code: '3400930000003', product_vocabulary: 'CIP13', atc_code: 'B01AC06' },
    ]);
    await insertModelRows(engine, schema, 'diagnosis', [
      { person_id: 'P3', date: '2015-06-01', code: 'I214', vocabulary: 'ICD10', role: 'primary', stay_id: 'S1' },
    ]);
  });
  afterAll(async () => engine.close());

  const base: CohortDefinition = { name: 'new statin users', entry: { type: 'dispensing', codeSet: statins }, priorObservationDays: 365, washoutDays: 365 };

  describe('buildCohort', () => {
    it('keeps first entries with 365 days of prior observation and washout, with the attrition written out', async () => {
      const c = await buildCohort(engine, base, { schema });
      const rows = await engine.rows(`SELECT person_id, index_date, observation_end, age_at_index, entry_source_row FROM ${c.table}`);
      // P1: 2016-03-01 is 425 days after 2015-01-01. P3: 2016-01-10 is 374 days after; observation ends at death.
      expect(rows).toEqual([
        { person_id: 'P1', index_date: '2016-03-01', observation_end: '2022-12-31', age_at_index: 66, entry_source_row: 2 },
        { person_id: 'P3', index_date: '2016-01-10', observation_end: '2020-05-01', age_at_index: 76, entry_source_row: 4 },
      ]);
      expect(c.attrition.map((a) => [a.description, a.records, a.persons, a.excludedPersons])).toEqual([
        ['persons in the database', 3, 3, 0],
        ['with a first dispensing of statins (v1)', 3, 3, 0],
        ['index date within an observation period, person known', 3, 3, 0],
        ['alive at index (index date not after death)', 3, 3, 0],
        ['at least 365 days of observation before index', 2, 2, 1], // P2: 151 days
        ['no dispensing of statins (v1) in the 365 days before index (washout)', 2, 2, 0],
      ]);
      expect(c.settings.entryCodeSet).toEqual({ name: 'statins', version: '1', kind: 'atc' });
    });

    it('washout boundary: a previous dispensing 31 days before passes a 30-day washout and fails a 31-day one', async () => {
      // With all entries, P1 enters on 2016-03-01 and may re-enter on 2016-04-01, 31 days later.
      const w30 = await buildCohort(engine, { ...base, name: 'w30', entries: 'all', washoutDays: 30 }, { schema });
      const w31 = await buildCohort(engine, { ...base, name: 'w31', entries: 'all', washoutDays: 31 }, { schema });
      const p1 = async (t: string) => (await engine.rows<{ index_date: string }>(`SELECT index_date FROM ${t} WHERE person_id = 'P1'`)).map((r) => r.index_date);
      expect(await p1(w30.table)).toEqual(['2016-03-01', '2016-04-01']);
      expect(await p1(w31.table)).toEqual(['2016-03-01']);
      // P3's 2019-01-01 entry: previous dispensing ~3 years before, so it passes both.
      expect(w31.records).toBe(3);
    });

    it('two dispensings on the same day are one entry, traced to the first source row of that day', async () => {
      // P9: observed 2015-01-01..2022-12-31; statins at source rows 1 (2017-05-02), 2 and 3 (both 2017-02-01,
      // row 3 written first in the table). First entry: 2017-02-01 from row 2. All entries: 2017-02-01 (row 2) and
      // 2017-05-02 (row 1, 90 days later, so a 30-day washout passes); never two entries on 2017-02-01.
      const s = await freshModelSchema(engine);
      await insertModelRows(engine, s, 'person', [{ person_id: 'P9', birth_year: 1960, sex: 1 }]);
      await insertModelRows(engine, s, 'observation_period', [{ person_id: 'P9', start_date: '2015-01-01', end_date: '2022-12-31' }]);
      const statin = { person_id: 'P9', product_code: '3400930000001', product_vocabulary: 'CIP13', atc_code: 'C10AA05', source_table: 'fixture_dispensing' };
      await insertModelRows(engine, s, 'dispensing', [
        { ...statin, date: '2017-05-02', source_row: 1 },
        { ...statin, date: '2017-02-01', source_row: 3 },
        { ...statin, date: '2017-02-01', source_row: 2 },
      ]);
      const first = await buildCohort(engine, { ...base, name: 'sameday1', washoutDays: 30 }, { schema: s });
      const all = await buildCohort(engine, { ...base, name: 'sameday2', entries: 'all', washoutDays: 30 }, { schema: s });
      const entries = (t: string) => engine.rows(`SELECT index_date, entry_source_row FROM ${t} ORDER BY index_date`);
      expect(await entries(first.table)).toEqual([{ index_date: '2017-02-01', entry_source_row: 2 }]);
      expect(await entries(all.table)).toEqual([
        { index_date: '2017-02-01', entry_source_row: 2 },
        { index_date: '2017-05-02', entry_source_row: 1 },
      ]);
      expect(all.attrition[1]!.records).toBe(2);
    });

    it('a first entry ignores undated events and breaks same-day ties by source table, then row', async () => {
      // P10: an undated statin (row 1) and two on 2018-03-01, from tables 'b_table' (row 2) and 'a_table' (row 9):
      // entry 2018-03-01 traced to a_table row 9. P11: only an undated statin, so no entry.
      const s = await freshModelSchema(engine);
      await insertModelRows(engine, s, 'person', [
        { person_id: 'P10', birth_year: 1960, sex: 2 },
        { person_id: 'P11', birth_year: 1961, sex: 1 },
      ]);
      await insertModelRows(engine, s, 'observation_period', [
        { person_id: 'P10', start_date: '2015-01-01', end_date: '2022-12-31' },
        { person_id: 'P11', start_date: '2015-01-01', end_date: '2022-12-31' },
      ]);
      const statin = { product_code: '3400930000001', product_vocabulary: 'CIP13', atc_code: 'C10AA05' };
      await insertModelRows(engine, s, 'dispensing', [
        { ...statin, person_id: 'P10', date: null, source_table: 'a_table', source_row: 1 },
        { ...statin, person_id: 'P10', date: '2018-03-01', source_table: 'b_table', source_row: 2 },
        { ...statin, person_id: 'P10', date: '2018-03-01', source_table: 'a_table', source_row: 9 },
        { ...statin, person_id: 'P11', date: null, source_table: 'a_table', source_row: 3 },
      ]);
      const c = await buildCohort(engine, { ...base, name: 'undated' }, { schema: s });
      expect(await engine.rows(`SELECT person_id, index_date, entry_source_table, entry_source_row FROM ${c.table}`)).toEqual([
        { person_id: 'P10', index_date: '2018-03-01', entry_source_table: 'a_table', entry_source_row: 9 },
      ]);
      expect(c.attrition[1]).toMatchObject({ records: 1, persons: 1 });
    });

    it('applies exclusion, age, sex and calendar criteria, one attrition step each', async () => {
      const c = await buildCohort(
        engine,
        {
          ...base,
          name: 'criteria',
          criteria: [
            { type: 'exclude', event: { type: 'hospitalDiagnosis', codeSet: mi, position: 'primary' }, window: [-365, -1] },
            { type: 'age', min: 60 },
            { type: 'calendar', from: '2016-01-01', to: '2016-12-31' },
            { type: 'sex', sex: 1 },
          ],
        },
        { schema },
      );
      expect(c.attrition.slice(-4).map((a) => [a.description, a.persons, a.excludedPersons])).toEqual([
        ['without hospital stay with a primary diagnosis of myocardial infarction (v1) in [-365, -1] days', 1, 1], // P3: MI 223 days before
        ['age at index >= 60', 1, 0],
        ['index date in [2016-01-01, 2016-12-31]', 1, 0],
        ['sex = male (1)', 1, 0],
      ]);
      expect(c.settings.codeSets.map((s) => s.name)).toEqual(['statins', 'myocardial infarction']);
    });

    it('a window excludes events one day outside it', async () => {
      // MI 223 days before P3's index: a window [-222, -1] misses it, [-223, -1] catches it.
      const mk = (from: number) =>
        buildCohort(engine, { ...base, name: `win${-from}`, criteria: [{ type: 'exclude', event: { type: 'hospitalDiagnosis', codeSet: mi }, window: [from, -1] }] }, { schema });
      expect((await mk(-222)).persons).toBe(2);
      expect((await mk(-223)).persons).toBe(1);
    });

    it('attrition is monotone and reconciles', async () => {
      const c = await buildCohort(engine, { ...base, name: 'mono', criteria: [{ type: 'age', max: 70 }] }, { schema });
      for (let i = 1; i < c.attrition.length; i++) {
        const [a, b] = [c.attrition[i - 1]!, c.attrition[i]!];
        if (i > 1) expect(b.records).toBeLessThanOrEqual(a.records);
        if (i > 1) expect(a.persons - b.persons).toBe(b.excludedPersons);
      }
      expect(c.persons).toBe(1); // P3 is 76
    });
  });

  describe('personTimeline', () => {
    it("gathers one person's events in date order, with the study rows that concern them", async () => {
      const c = await buildCohort(engine, { ...base, name: 'timeline' }, { schema });
      const t = await personTimeline(engine, 'P3', { schema, studyTables: [c.table] });
      expect(t.person).toMatchObject({ person_id: 'P3', birth_year: 1940, death_date: '2020-05-01' });
      expect(t.dispensings.map((x) => x.date)).toEqual(['2016-01-10', '2019-01-01']);
      expect(t.diagnoses.map((x) => x.code)).toEqual(['I214']);
      expect(t.study[c.table]!.map((x) => x.index_date)).toEqual(['2016-01-10']);
      expect((await personTimeline(engine, 'nobody', { schema })).person).toBeNull();
    });
  });
});
