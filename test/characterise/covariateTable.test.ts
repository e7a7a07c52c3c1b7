import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { buildCovariateTable } from '../../src/characterise/covariateTable.js';
import { covariateMatrix } from '../../src/characterise/covariateMatrix.js';
import { testEngines } from '../helpers/engines.js';
import { freshModelSchema, insertModelRows } from '../helpers/model.js';

describe.each(testEngines())('buildCovariateTable on $name', ({ open }) => {
  let engine: Engine;
  let schema: string;

  // Index dates: A 2020-01-01 (window [-365, -1] = 2019-01-01 .. 2019-12-31), B 2020-06-01
  // (2019-06-03 .. 2020-05-31), C 2020-03-01 (2019-03-02 .. 2020-02-29), D 2020-01-01 (nothing recorded).
  beforeAll(async () => {
    engine = await open();
    schema = await freshModelSchema(engine);
    const disp = (person_id: string, date: string, atc_code: string) => ({ person_id, date, atc_code, product_vocabulary: 'CIP13', product_code: '3400000000000' });
    await insertModelRows(engine, schema, 'dispensing', [
      disp('A', '2019-06-01', 'C10AA05'), // atorvastatin
      disp('A', '2019-07-01', 'C10AA01'), // simvastatin: the same ATC level-4 class, one flag
      disp('A', '2019-12-31', 'A10BA02'), // day -1: in the window
      disp('A', '2020-01-01', 'N02BE01'), // day 0: after the window
      disp('B', '2019-05-01', 'C10AA05'), // 397 days before index: before the window
      disp('B', '2020-05-31', 'C09AA05'),
    ]);
    const dx = (person_id: string, date: string, code: string, vocabulary = 'ICD10') => ({ person_id, date, code, vocabulary, role: 'primary' });
    await insertModelRows(engine, schema, 'diagnosis', [
      dx('A', '2019-03-01', 'I21.0'),
      dx('B', '2020-01-01', 'E11.9'),
      dx('C', '2020-02-01', 'I219'),
      dx('C', '2020-02-01', '4329009', 'OMOP'), // not ICD-10: ignored
    ]);
    await insertModelRows(engine, schema, 'long_term_registration', [
      { person_id: 'A', start_date: '2015-01-01', icd10: 'E11' }, // active throughout
      { person_id: 'B', start_date: '2020-07-01', icd10: 'I25' }, // starts after index
      { person_id: 'C', start_date: '2010-01-01', end_date: '2018-12-31', icd10: 'C50' }, // ended before the window
    ]);
    await insertModelRows(engine, schema, 'hospital_stay', [
      { stay_id: 's1', person_id: 'A', admission_date: '2019-05-01', discharge_date: '2019-05-03' },
      { stay_id: 's2', person_id: 'A', admission_date: '2019-11-01', discharge_date: '2019-11-02' },
      { stay_id: 's3', person_id: 'C', admission_date: '2019-01-01', discharge_date: '2019-01-05' }, // before C's window
    ]);
    const values = [
      ['A', '2020-01-01'],
      ['B', '2020-06-01'],
      ['C', '2020-03-01'],
      ['D', '2020-01-01'],
    ]
      .map(([p, d]) => `('${p}', DATE '${d}', ${p === 'B' ? 0 : 1})`)
      .join(', ');
    await engine.run(`CREATE TABLE cohort_cov AS SELECT * FROM (VALUES ${values}) t(person_id, index_date, "group")`);
  });
  afterAll(async () => engine.close());

  const read = (t: string) =>
    engine.rows<{ person_id: string; covariate_name: string; value: number }>(`SELECT person_id, covariate_name, value FROM ${t}`).then((rows) =>
      rows
        .map((r) => `${r.person_id} ${r.covariate_name} ${Number(r.value)}`)
        .sort(),
    );

  it('flags every ATC class, ICD-10 category and ALD seen in the look-back window, and counts stays', async () => {
    const r = await buildCovariateTable(engine, { schema, cohort: { table: 'cohort_cov' }, into: 'cov1' });
    expect(await read('cov1')).toEqual([
      'A ald:E11 1',
      'A atc:A10BA 1',
      'A atc:C10AA 1',
      'A hospitalisations 2',
      'A icd10:I21 1',
      'B atc:C09AA 1',
      'B icd10:E11 1',
      'C icd10:I21 1',
    ]);
    expect(r.entries).toBe(4);
    expect(r.covariates.find((c) => c.name === 'icd10:I21')).toEqual({ name: 'icd10:I21', domain: 'diagnosis', code: 'I21', entries: 2, prevalence: 0.5 });
    expect(r.covariates.map((c) => c.name)).toEqual(['ald:E11', 'atc:A10BA', 'atc:C09AA', 'atc:C10AA', 'hospitalisations', 'icd10:E11', 'icd10:I21']);
  });

  it('ATC level 3, ICD-10 level 4, a wider window and a minimum prevalence', async () => {
    await buildCovariateTable(engine, { schema, cohort: { table: 'cohort_cov' }, atcLevel: 3, domains: ['drug'], into: 'cov2' });
    expect(await read('cov2')).toEqual(['A atc:A10B 1', 'A atc:C10A 1', 'B atc:C09A 1']);
    // Window [-365, 0]: A's dispensing on the index day now counts.
    await buildCovariateTable(engine, { schema, cohort: { table: 'cohort_cov' }, lookback: [-365, 0], atcLevel: 5, domains: ['drug'], into: 'cov3' });
    expect(await read('cov3')).toContain('A atc:N02BE01 1');
    await buildCovariateTable(engine, { schema, cohort: { table: 'cohort_cov' }, icd10Level: 4, domains: ['diagnosis'], into: 'cov4' });
    expect(await read('cov4')).toEqual(['A icd10:I210 1', 'B icd10:E119 1', 'C icd10:I219 1']);
    // 4 entries x 0.5 = 2: only covariates of at least 2 entries stay.
    const r = await buildCovariateTable(engine, { schema, cohort: { table: 'cohort_cov' }, minPrevalence: 0.5, into: 'cov5' });
    expect(await read('cov5')).toEqual(['A icd10:I21 1', 'C icd10:I21 1']);
    expect(r.settings.minEntries).toBe(2);
  });

  it('covariateMatrix pivots it onto the cohort rows (0 where absent)', async () => {
    await buildCovariateTable(engine, { schema, cohort: { table: 'cohort_cov' }, into: 'cov6' });
    const cohort = await engine.rows<{ person_id: string }>(`SELECT person_id FROM cohort_cov ORDER BY person_id`);
    const long = await engine.rows(`SELECT person_id, covariate_name, value FROM cov6`);
    const m = covariateMatrix(cohort, { long: { data: long } });
    expect(m.names).toEqual(['ald:E11', 'atc:A10BA', 'atc:C09AA', 'atc:C10AA', 'hospitalisations', 'icd10:E11', 'icd10:I21']);
    expect(Array.from(m.columns['hospitalisations']!)).toEqual([2, 0, 0, 0]);
    expect(Array.from(m.columns['icd10:I21']!)).toEqual([1, 0, 1, 0]);
  });

  it('rejects a look-back window reaching after index', async () => {
    await expect(buildCovariateTable(engine, { schema, cohort: { table: 'cohort_cov' }, lookback: [-30, 5] })).rejects.toThrow(/lookback/);
  });
});
