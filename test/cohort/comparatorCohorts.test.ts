import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { testEngines } from '../helpers/engines.js';
import { buildCohort } from '../../src/cohort/buildCohort.js';
import { buildComparatorCohorts } from '../../src/cohort/comparatorCohorts.js';
import type { AtcCodeSet } from '../../src/cohort/codeSets.js';
import { freshModelSchema, insertModelRows } from '../helpers/model.js';

describe.each(testEngines())('on $name', ({ open }) => {
  const a: AtcCodeSet = { name: 'drug A', version: '1', kind: 'atc', codes: ['B01AF'] };
  const b: AtcCodeSet = { name: 'drug B', version: '1', kind: 'atc', codes: ['B01AA'] };

  let engine: Engine;
  let schema: string;

  // T: only drug A (2020-02-01). C: only drug B (2020-03-01).
  // AB: drug A on 2020-05-01, then drug B on 2020-06-01 (in both; A first).
  // BA: drug B on 2020-04-01, then drug A on 2020-07-01 (in both; B first).
  // SAME: A and B on the same day, 2020-08-01.
  beforeAll(async () => {
    engine = await open();
    schema = await freshModelSchema(engine);
    const ids = ['T', 'C', 'AB', 'BA', 'SAME'];
    await insertModelRows(engine, schema, 'person', ids.map((person_id) => ({ person_id, birth_year: 1950, sex: 2 })));
    await insertModelRows(engine, schema, 'observation_period', ids.map((person_id) => ({ person_id, start_date: '2015-01-01', end_date: '2022-12-31' })));
    const disp = (person_id: string, date: string, atc_code: string) => ({ person_id, date, atc_code, product_code: 'x', product_vocabulary: 'CIP13' });
    await insertModelRows(engine, schema, 'dispensing', [
      disp('T', '2020-02-01', 'B01AF01'),
      disp('C', '2020-03-01', 'B01AA03'),
      disp('AB', '2020-05-01', 'B01AF01'),
      disp('AB', '2020-06-01', 'B01AA03'),
      disp('BA', '2020-04-01', 'B01AA03'),
      disp('BA', '2020-07-01', 'B01AF02'),
      disp('SAME', '2020-08-01', 'B01AF01'),
      disp('SAME', '2020-08-01', 'B01AA03'),
    ]);
  });
  afterAll(async () => engine.close());

  const arms = async (table: string) =>
    (await engine.rows<{ group: number; person_id: string }>(`SELECT "group", person_id FROM ${table} ORDER BY "group" DESC, person_id`)).map((r) => `${r.group}:${r.person_id}`);

  describe('buildComparatorCohorts', () => {
    it('excludes persons in both cohorts by default, with the step in each flowchart', async () => {
      const ta = await buildCohort(engine, { name: 'A users', entry: { type: 'dispensing', codeSet: a } }, { schema });
      const tb = await buildCohort(engine, { name: 'B users', entry: { type: 'dispensing', codeSet: b } }, { schema });
      const r = await buildComparatorCohorts(engine, ta, tb);
      expect(await arms(r.table)).toEqual(['1:T', '0:C']);
      expect(r.persons).toEqual({ target: 1, comparator: 1, inBoth: 3 });
      expect(r.attrition.target.at(-1)).toMatchObject({ persons: 1, excludedPersons: 3 });
    });

    it("'firstIndex' keeps each person in the cohort entered first, and drops same-day entries", async () => {
      const ta = await buildCohort(engine, { name: 'A users', entry: { type: 'dispensing', codeSet: a } }, { schema });
      const tb = await buildCohort(engine, { name: 'B users', entry: { type: 'dispensing', codeSet: b } }, { schema });
      const r = await buildComparatorCohorts(engine, ta, tb, { inBoth: 'firstIndex', into: 'cmp_first' });
      expect(await arms(r.table)).toEqual(['1:AB', '1:T', '0:BA', '0:C']);
    });
  });
});
