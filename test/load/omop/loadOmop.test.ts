import { fixtureAccounts } from '../../fixtures/omop/accounts.js';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDb, type Engine } from '../../../src/engine/index.js';
import { isBalanced, type RowAccount } from '../../../src/model/index.js';
import { loadOmop } from '../../../src/load/omop/loadOmop.js';
import type { LoadResult } from '../../../src/load/result.js';

// The hand-made fixture test/fixtures/omop: every quarantine reason, upper and lower case headers, float ids,
// yyyymmdd dates and datetimes. Expected rows below are derived by hand from the files (see comments).
const fixtures = fileURLToPath(new URL('../../fixtures/omop/', import.meta.url));

/** Account as [read, loaded, 'kind:reason:rows'...] for compact exact comparison. */
const compact = (accounts: RowAccount[]) =>
  Object.fromEntries(accounts.map((a) => [a.source, [a.rowsRead, a.rowsLoaded, ...a.removed.map((r) => `${r.kind}:${r.reason}:${r.rows}`)]]));

describe('loadOmop on the hand-made fixture', () => {
  let engine: Engine;
  let result: LoadResult;

  beforeAll(async () => {
    engine = await openDuckDb();
    result = await loadOmop(engine, { dir: fixtures, schema: 'h' });
  });
  afterAll(async () => engine.close());

  it('accounts for every row of every table, with each quarantine reason', () => {
    expect(compact(result.accounts)).toEqual(fixtureAccounts);
    for (const a of result.accounts) expect(isBalanced(a), a.source).toBe(true);
    const removed = result.accounts.reduce((s, a) => s + a.removed.reduce((t, r) => t + r.rows, 0), 0);
    expect(result.counts.quarantine).toBe(removed);
    expect(result.layout).toBe('omop');
    expect(result.schema).toBe('h');
  });

  it('loads persons: ids as text, sex from gender concepts, birth date when consistent, death date from death', async () => {
    expect(await engine.rows(`SELECT * FROM h.person ORDER BY person_id`)).toEqual([
      { person_id: '1', birth_year: 1950, birth_date: '1950-03-15', sex: 1, death_date: null, source_table: 'person', source_row: 1 },
      { person_id: '2', birth_year: 1960, birth_date: null, sex: 2, death_date: '2020-06-30', source_table: 'person', source_row: 2 },
      // '3.0' → '3'; gender 0 → NULL; 1970-02-30 is no date
      { person_id: '3', birth_year: 1970, birth_date: null, sex: null, death_date: null, source_table: 'person', source_row: 3 },
      // no year_of_birth: birth_datetime 19800704 (yyyymmdd) gives year and date; death 20210315, cause 0
      { person_id: '4', birth_year: 1980, birth_date: '1980-07-04', sex: 2, death_date: '2021-03-15', source_table: 'person', source_row: 4 },
      // birth_datetime 1991 contradicts year_of_birth 1990: the year and y/m/d win
      { person_id: '5', birth_year: 1990, birth_date: '1990-01-01', sex: 1, death_date: null, source_table: 'person', source_row: 5 },
    ]);
    expect(await engine.rows(`SELECT * FROM h.death ORDER BY person_id`)).toEqual([
      { person_id: '2', death_date: '2020-06-30', cause_code: '4306655', source_table: 'death', source_row: 1 },
      { person_id: '4', death_date: '2021-03-15', cause_code: null, source_table: 'death', source_row: 3 },
    ]);
  });

  it('loads observation periods and inpatient stays', async () => {
    expect(await engine.rows(`SELECT person_id, start_date, end_date, source_row FROM h.observation_period ORDER BY source_row`)).toEqual([
      { person_id: '1', start_date: '2000-01-01', end_date: '2020-12-31', source_row: 1 },
      // ends after the death on 2020-06-30: kept (only the start is checked)
      { person_id: '2', start_date: '2010-01-01', end_date: '2022-12-31', source_row: 2 },
      { person_id: '4', start_date: '2001-01-01', end_date: '2021-01-01', source_row: 7 },
    ]);
    expect(await engine.rows(`SELECT * FROM h.hospital_stay ORDER BY stay_id`)).toEqual([
      { stay_id: '100', person_id: '1', admission_date: '2010-05-01', discharge_date: '2010-05-05', primary_diagnosis: null, related_diagnosis: null, source_table: 'visit_occurrence', source_row: 1 },
      // visit_concept_id 262 (ER + inpatient), ids written as floats
      { stay_id: '102', person_id: '2', admission_date: '2019-02-01', discharge_date: '2019-02-03', primary_diagnosis: null, related_diagnosis: null, source_table: 'visit_occurrence', source_row: 3 },
    ]);
  });

  it('loads drug exposures as dispensings: concept as product code, one pack of `quantity` units, days supply, ATC from concept', async () => {
    expect(await engine.rows(`SELECT * FROM h.dispensing ORDER BY source_row`)).toEqual([
      { person_id: '1', date: '2010-05-02', product_code: '1118084', product_vocabulary: 'OMOP', atc_code: 'M01AH01', packs: 1, units_per_pack: 30, days_supply: 30, source_table: 'drug_exposure', source_row: 1 },
      // days_supply 0: derived from the end date, 2010-06-01..2010-06-14 = 14 days
      { person_id: '1', date: '2010-06-01', product_code: '1118084', product_vocabulary: 'OMOP', atc_code: 'M01AH01', packs: 1, units_per_pack: null, days_supply: 14, source_table: 'drug_exposure', source_row: 2 },
      // 51 days after death: within the 60-day margin
      { person_id: '2', date: '2020-08-20', product_code: '1124300', product_vocabulary: 'OMOP', atc_code: 'M01AB05', packs: 1, units_per_pack: null, days_supply: null, source_table: 'drug_exposure', source_row: 4 },
      { person_id: '3', date: '2015-01-01', product_code: '19019073', product_vocabulary: 'OMOP', atc_code: null, packs: 1, units_per_pack: null, days_supply: 7, source_table: 'drug_exposure', source_row: 12 },
    ]);
  });

  it('loads conditions and procedures with the stay of their inpatient visit', async () => {
    expect(await engine.rows(`SELECT * FROM h.diagnosis ORDER BY source_row`)).toEqual([
      { person_id: '1', date: '2010-05-02', code: '192671', vocabulary: 'OMOP', role: 'condition', stay_id: '100', source_table: 'condition_occurrence', source_row: 1 },
      // date from the datetime; visit 101 is outpatient: no stay
      { person_id: '1', date: '2010-05-03', code: '192671', vocabulary: 'OMOP', role: 'condition', stay_id: null, source_table: 'condition_occurrence', source_row: 2 },
      // visit 100 belongs to person 1, not 3: no stay
      { person_id: '3', date: '2012-01-01', code: '4112343', vocabulary: 'OMOP', role: 'condition', stay_id: null, source_table: 'condition_occurrence', source_row: 5 },
    ]);
    expect(await engine.rows(`SELECT * FROM h.procedure ORDER BY source_row`)).toEqual([
      // two procedures with different ids and equal values are both kept
      { person_id: '2', date: '2019-02-02', code: '4107731', vocabulary: 'OMOP', stay_id: '102', source_table: 'procedure_occurrence', source_row: 1 },
      { person_id: '2', date: '2019-02-02', code: '4107731', vocabulary: 'OMOP', stay_id: '102', source_table: 'procedure_occurrence', source_row: 2 },
    ]);
    expect(await engine.rows(`SELECT * FROM h.concept_ancestor ORDER BY ancestor_concept_id, descendant_concept_id`)).toEqual([
      { ancestor_concept_id: 192671, descendant_concept_id: 192671, min_levels_of_separation: 0, max_levels_of_separation: 0 },
      { ancestor_concept_id: 192671, descendant_concept_id: 4112343, min_levels_of_separation: 1, max_levels_of_separation: 1 },
      { ancestor_concept_id: 900001, descendant_concept_id: 1118084, min_levels_of_separation: 1, max_levels_of_separation: 1 },
      { ancestor_concept_id: 900002, descendant_concept_id: 1124300, min_levels_of_separation: 1, max_levels_of_separation: 1 },
    ]);
  });

  it('keeps every removed row in the quarantine table with its reason, detail and raw row', async () => {
    const q = await engine.rows(`SELECT source_table, source_row, kind, reason, detail FROM h.quarantine ORDER BY source_table, source_row`);
    expect(q.filter((r) => r['source_table'] === 'drug_exposure')).toEqual([
      { source_table: 'drug_exposure', source_row: 3, kind: 'quarantine', reason: 'unknown-concept', detail: 'drug_concept_id is 0 or empty' },
      { source_table: 'drug_exposure', source_row: 5, kind: 'quarantine', reason: 'date-outside-life', detail: 'drug_exposure_start_date more than 60 days after death' },
      { source_table: 'drug_exposure', source_row: 6, kind: 'quarantine', reason: 'orphan-key', detail: 'person_id not in person' },
      { source_table: 'drug_exposure', source_row: 7, kind: 'quarantine', reason: 'unparseable-date', detail: 'drug_exposure_start_date' },
      { source_table: 'drug_exposure', source_row: 8, kind: 'quarantine', reason: 'end-before-start', detail: 'drug_exposure_end_date before drug_exposure_start_date' },
      { source_table: 'drug_exposure', source_row: 9, kind: 'quarantine', reason: 'unparseable-date', detail: 'drug_exposure_end_date' },
      { source_table: 'drug_exposure', source_row: 10, kind: 'quarantine', reason: 'duplicate-row', detail: 'same values as an earlier row' },
      { source_table: 'drug_exposure', source_row: 11, kind: 'quarantine', reason: 'missing-key', detail: 'person_id is empty' },
    ]);
    expect(q.filter((r) => r['source_table'] === 'visit_occurrence')).toEqual([
      { source_table: 'visit_occurrence', source_row: 2, kind: 'cleaning', reason: 'not-inpatient-visit', detail: 'visit_concept_id not in 9201, 262' },
      { source_table: 'visit_occurrence', source_row: 4, kind: 'quarantine', reason: 'duplicate-key', detail: 'visit_occurrence_id already used by an earlier row' },
      { source_table: 'visit_occurrence', source_row: 5, kind: 'quarantine', reason: 'end-before-start', detail: 'visit_end_date before visit_start_date' },
      { source_table: 'visit_occurrence', source_row: 6, kind: 'quarantine', reason: 'date-outside-life', detail: 'visit_start_date more than 60 days after death' },
      { source_table: 'visit_occurrence', source_row: 7, kind: 'quarantine', reason: 'missing-key', detail: 'visit_occurrence_id is empty' },
    ]);
    // The raw row is kept as read (float ids and all), keyed by the file's column names in lower case.
    const raw = await engine.scalar<string>(`SELECT raw FROM h.quarantine WHERE source_table = 'person' AND source_row = 9`);
    expect(JSON.parse(raw!)).toEqual({ person_id: '1', gender_concept_id: '8532', year_of_birth: '1951', month_of_birth: null, day_of_birth: null, birth_datetime: null });
    const rawDrug = await engine.scalar<string>(`SELECT raw FROM h.quarantine WHERE source_table = 'drug_exposure' AND source_row = 3`);
    expect(JSON.parse(rawDrug!)).toMatchObject({ drug_exposure_id: '3.0', person_id: '2.0', drug_concept_id: '0.0' });
  });

  it('records its settings', () => {
    expect(result.settings).toMatchObject({
      drug: 'drug_exposure',
      condition: 'condition_occurrence',
      inpatientVisitConceptIds: [9201, 262],
      deathMarginDays: 60,
      deriveDaysSupply: true,
      atcFromConcept: true,
      unknownConcept: 'quarantine',
    });
    expect((result.settings['sources'] as Record<string, string>)['person']).toBe(join(fixtures, 'person.csv'));
  });
});

describe('loadOmop alternatives and options', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openDuckDb();
  });
  afterAll(async () => engine.close());

  it('loads drug_era and condition_era instead of exposures and occurrences', async () => {
    const r = await loadOmop(engine, { dir: fixtures, schema: 'era', drug: 'drug_era', condition: 'condition_era' });
    expect(compact(r.accounts.filter((a) => a.source.endsWith('_era')))).toEqual({
      drug_era: [4, 2, 'quarantine:unknown-concept:1', 'quarantine:unparseable-date:1'],
      condition_era: [3, 2, 'quarantine:end-before-start:1'],
    });
    expect(r.accounts.map((a) => a.source)).not.toContain('drug_exposure');
    expect(await engine.rows(`SELECT person_id, date, product_code, atc_code, packs, units_per_pack, days_supply, source_table, source_row FROM era.dispensing ORDER BY source_row`)).toEqual([
      // era 2010-05-02..2010-06-14: 44 days
      { person_id: '1', date: '2010-05-02', product_code: '1118084', atc_code: 'M01AH01', packs: null, units_per_pack: null, days_supply: 44, source_table: 'drug_era', source_row: 1 },
      { person_id: '2', date: '2020-08-20', product_code: '1124300', atc_code: 'M01AB05', packs: null, units_per_pack: null, days_supply: 1, source_table: 'drug_era', source_row: 2 },
    ]);
    expect(await engine.rows(`SELECT person_id, date, code, role, stay_id, source_table FROM era.diagnosis ORDER BY source_row`)).toEqual([
      { person_id: '1', date: '2010-05-02', code: '192671', role: 'condition', stay_id: null, source_table: 'condition_era' },
      { person_id: '3', date: '2012-01-01', code: '4112343', role: 'condition', stay_id: null, source_table: 'condition_era' },
    ]);
    for (const a of r.accounts) expect(isBalanced(a), a.source).toBe(true);
  });

  it('applies the death margin and the inpatient visit list given as options', async () => {
    const r = await loadOmop(engine, { dir: fixtures, schema: 'opt', deathMarginDays: 0, inpatientVisitConceptIds: [9201, 262, 9202], deriveDaysSupply: false });
    const acc = compact(r.accounts);
    // margin 0: the dispensing 51 days after death is now outside life too
    expect(acc['drug_exposure']).toContain('quarantine:date-outside-life:2');
    // 9202 now counts as a stay
    expect(acc['visit_occurrence']!.slice(0, 2)).toEqual([7, 3]);
    expect(await engine.scalar(`SELECT days_supply FROM opt.dispensing WHERE source_row = 2`)).toBe(null);
    expect(await engine.scalar(`SELECT stay_id FROM opt.diagnosis WHERE source_row = 2`)).toBe('101');
  });

  it('works without a concept table (no ATC codes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohorte-omop-noconcept-'));
    for (const f of readdirSync(fixtures)) if (f.endsWith('.csv') && f !== 'concept.csv') copyFileSync(join(fixtures, f), join(dir, f.toUpperCase().replace('.CSV', '.csv')));
    const r = await loadOmop(engine, { dir, schema: 'nc' });
    expect(r.accounts.map((a) => a.source)).not.toContain('concept');
    expect(r.settings['atcFromConcept']).toBe(false);
    expect(await engine.scalar(`SELECT count(atc_code) FROM nc.dispensing`)).toBe(0);
    expect(r.counts.dispensing).toBe(4);
  });

  it('stops on a missing table, a missing column, no input, or a non-empty target, naming what is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohorte-omop-bad-'));
    for (const f of readdirSync(fixtures)) if (f.endsWith('.csv') && f !== 'procedure_occurrence.csv') copyFileSync(join(fixtures, f), join(dir, f));
    const missing = await loadOmop(engine, { dir, schema: 'bad1' }).catch((e) => e);
    expect(missing.code).toBe('missing-table');
    expect(missing.message).toContain('procedure_occurrence');
    expect(await engine.scalar(`SELECT count(*) FROM bad1.person`)).toBe(0);

    writeFileSync(join(dir, 'procedure_occurrence.csv'), 'procedure_occurrence_id,person_id,procedure_date\n1,1,2010-01-01\n');
    const column = await loadOmop(engine, { dir, schema: 'bad2' }).catch((e) => e);
    expect(column.code).toBe('missing-column');
    expect(column.message).toContain(join(dir, 'procedure_occurrence.csv'));
    expect(column.message).toContain("'procedure_concept_id'");

    await expect(loadOmop(engine, {})).rejects.toMatchObject({ code: 'missing-input' });
    await expect(loadOmop(engine, { dir: join(dir, 'nowhere') })).rejects.toMatchObject({ code: 'file-not-found' });
    await expect(loadOmop(engine, { dir: fixtures, drug: 'drugs' as never })).rejects.toMatchObject({ code: 'invalid-option' });
    await loadOmop(engine, { dir: fixtures, schema: 'twice' });
    await expect(loadOmop(engine, { dir: fixtures, schema: 'twice' })).rejects.toMatchObject({ code: 'target-not-empty' });
  });
});
