import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../src/engine/index.js';
import { isBalanced } from '../../src/model/index.js';
import { linkPersons, type LinkageResult } from '../../src/load/linkage.js';
import { testEngines } from '../helpers/engines.js';
import { freshModelSchema, insertModelRows } from '../helpers/model.js';

// Hand-made hospital (OMOP layout) and claims (SNDS layout) models, inserted directly as model rows so the
// test does not depend on either loader. Hospital persons 1, 2, 3; claims persons A, B, D.
// Linkage: 1→A and 2→B link; 3 is paired with both X and Y (ambiguous) so stays hospital-only; D's only row
// names an unknown hospital id (orphan) so D stays claims-only.
async function buildSources(engine: Engine): Promise<{ h: string; c: string }> {
  const h = await freshModelSchema(engine);
  const c = await freshModelSchema(engine);
  const src = (t: string) => ({ source_table: t });
  await insertModelRows(engine, h, 'person', [
    { person_id: '1', birth_year: 1950, birth_date: '1950-03-15', sex: 1, death_date: '2021-01-10', ...src('person') },
    { person_id: '2', birth_year: 1960, birth_date: '1960-07-01', sex: 2, death_date: '2020-06-30', ...src('person') },
    { person_id: '3', birth_year: 1970, sex: 1, ...src('person') },
  ]);
  await insertModelRows(engine, h, 'observation_period', [
    { person_id: '1', start_date: '2000-01-01', end_date: '2020-12-31', ...src('observation_period') },
    { person_id: '2', start_date: '2010-01-01', end_date: '2020-06-30', ...src('observation_period') },
    { person_id: '3', start_date: '2005-01-01', end_date: '2019-12-31', ...src('observation_period') },
  ]);
  await insertModelRows(engine, h, 'hospital_stay', [
    { stay_id: '100', person_id: '1', admission_date: '2010-05-01', discharge_date: '2010-05-05', ...src('visit_occurrence') },
    { stay_id: '102', person_id: '2', admission_date: '2019-02-01', discharge_date: '2019-02-03', ...src('visit_occurrence') },
  ]);
  await insertModelRows(engine, h, 'diagnosis', [
    { person_id: '1', date: '2010-05-02', code: '192671', vocabulary: 'OMOP', role: 'condition', stay_id: '100', ...src('condition_occurrence') },
  ]);
  await insertModelRows(engine, h, 'dispensing', [
    { person_id: '3', date: '2015-01-01', product_code: '1118084', product_vocabulary: 'OMOP', packs: 1, ...src('drug_exposure') },
    // A person missing from the hospital person table: must be quarantined by the linkage, not dropped.
    { person_id: '8', date: '2015-02-01', product_code: '1118084', product_vocabulary: 'OMOP', packs: 1, ...src('drug_exposure') },
  ]);
  await insertModelRows(engine, h, 'death', [
    { person_id: '1', death_date: '2021-01-10', ...src('death') },
    { person_id: '2', death_date: '2020-06-30', cause_code: '4306655', ...src('death') },
  ]);
  await engine.run(`INSERT INTO ${h}.concept_ancestor VALUES (192671, 192671, 0, 0)`);
  await engine.run(`INSERT INTO ${h}.quarantine VALUES ('observation_period', 4, 'quarantine', 'orphan-key', 'person_id not in person', '{}')`);

  await insertModelRows(engine, c, 'person', [
    { person_id: 'A', birth_year: 1950, sex: 1, ...src('IR_BEN_R') },
    { person_id: 'B', birth_year: 1961, sex: 2, death_date: '2020-07-01', ...src('IR_BEN_R') },
    { person_id: 'D', birth_year: 1980, sex: 2, ...src('IR_BEN_R') },
  ]);
  await insertModelRows(engine, c, 'observation_period', [
    { person_id: 'A', start_date: '2006-01-01', end_date: '2022-12-31', ...src('IR_BEN_R') },
    { person_id: 'B', start_date: '2006-01-01', end_date: '2020-07-01', ...src('IR_BEN_R') },
    { person_id: 'D', start_date: '2006-01-01', end_date: '2022-12-31', ...src('IR_BEN_R') },
  ]);
  await insertModelRows(engine, c, 'dispensing', [
    { person_id: 'A', date: '2010-06-01', product_code: '3400930000001', product_vocabulary: 'CIP13', atc_code: 'M01AH01', packs: 2, ...src('ER_PRS_F') },
    { person_id: 'D', date: '2018-03-01', product_code: '3400930000002', product_vocabulary: 'CIP13', packs: 1, ...src('ER_PRS_F') },
  ]);
  // The same stay as the hospital's visit 102: kept twice, once per source.
  await insertModelRows(engine, c, 'hospital_stay', [
    { stay_id: '2019XYZ', person_id: 'B', admission_date: '2019-02-01', discharge_date: '2019-02-03', primary_diagnosis: 'K922', ...src('T_MCO19B') },
  ]);
  await insertModelRows(engine, c, 'diagnosis', [
    { person_id: 'B', date: '2019-02-01', code: 'K922', vocabulary: 'ICD10', role: 'primary', stay_id: '2019XYZ', ...src('T_MCO19B') },
  ]);
  await insertModelRows(engine, c, 'long_term_registration', [{ person_id: 'D', start_date: '2015-01-01', icd10: 'E11', ...src('IR_IMB_R') }]);
  await insertModelRows(engine, c, 'death', [{ person_id: 'B', death_date: '2020-07-01', cause_code: 'I21', ...src('KI_CCI_R') }]);
  await engine.run(`INSERT INTO ${c}.quarantine VALUES ('ER_PRS_F', 7, 'cleaning', 'dcir-information-only', NULL, '{}')`);
  return { h, c };
}

/** Linkage rows: hospital id, claims pseudonym. '1.0' is hospital id 1 written as a float. */
const linkageRows: Array<[string, string]> = [
  ['1.0', 'A'],
  ['2', 'B'],
  ['3', 'X'],
  ['3', 'Y'],
  ['2', 'B'],
  ['', 'D'],
  ['9', 'D'],
];

/** Every dated event of the merged schema, one line each, in person then date order. */
async function timeline(engine: Engine, s: string): Promise<string[]> {
  const rows = await engine.rows<{ line: string }>(
    `SELECT line FROM (` +
      `SELECT person_id, start_date AS d, 'observation ' || CAST(start_date AS VARCHAR) || '..' || CAST(end_date AS VARCHAR) || ' ' || source_table AS line FROM ${s}.observation_period ` +
      `UNION ALL SELECT person_id, date, 'dispensing ' || CAST(date AS VARCHAR) || ' ' || product_vocabulary || ':' || product_code || ' ' || source_table FROM ${s}.dispensing ` +
      `UNION ALL SELECT person_id, admission_date, 'stay ' || stay_id || ' ' || CAST(admission_date AS VARCHAR) || '..' || CAST(discharge_date AS VARCHAR) || ' ' || source_table FROM ${s}.hospital_stay ` +
      `UNION ALL SELECT person_id, date, 'diagnosis ' || CAST(date AS VARCHAR) || ' ' || vocabulary || ':' || code || ' stay ' || COALESCE(stay_id, '-') || ' ' || source_table FROM ${s}.diagnosis ` +
      `UNION ALL SELECT person_id, start_date, 'ald ' || CAST(start_date AS VARCHAR) || ' ' || icd10 || ' ' || source_table FROM ${s}.long_term_registration ` +
      `UNION ALL SELECT person_id, death_date, 'death ' || CAST(death_date AS VARCHAR) || ' ' || COALESCE(cause_code, '-') || ' ' || source_table FROM ${s}.death ` +
      `) AS t ORDER BY person_id, d, line`,
  );
  return rows.map((r) => r.line);
}

describe.each(testEngines())('linkPersons on $name', ({ name, open }) => {
  let engine: Engine;
  let result: LinkageResult;
  let into: string;
  let sources: { h: string; c: string };

  beforeAll(async () => {
    engine = await open();
    sources = await buildSources(engine);
    await engine.run(`CREATE TABLE link_table (hosp_id VARCHAR, snds_id VARCHAR)`);
    await engine.run(
      `INSERT INTO link_table VALUES ${linkageRows.map(([a, b]) => `(${a === '' ? 'NULL' : engine.dialect.literal(a)}, ${engine.dialect.literal(b)})`).join(', ')}`,
    );
    into = 'linked';
    result = await linkPersons(engine, {
      hospital: { schema: sources.h, layout: 'omop' },
      claims: { schema: sources.c, layout: 'snds' },
      linkage: { table: 'link_table' },
      hospitalIdColumn: 'HOSP_ID',
      claimsIdColumn: 'snds_id',
      into,
    });
  });
  afterAll(async () => engine.close());

  it('counts linked, hospital-only and claims-only persons and ambiguous linkage rows', () => {
    expect(result.layout).toBe('linked');
    expect(result.schema).toBe('linked');
    expect({ linked: result.linked, hospitalOnly: result.hospitalOnly, claimsOnly: result.claimsOnly, linkageRows: result.linkageRows, ambiguous: result.ambiguous }).toEqual({
      linked: 2,
      hospitalOnly: 1,
      claimsOnly: 1,
      linkageRows: 7,
      ambiguous: 2,
    });
    expect(result.conflicts).toEqual({ birthYear: 1, sex: 0, deathDate: 1, deathOnlyInHospital: 1 });
  });

  it('accounts for every linkage row and every source model row, exactly', () => {
    const byName = Object.fromEntries(result.accounts.map((a) => [a.source, [a.rowsRead, a.rowsLoaded, a.removed.map((r) => `${r.kind}:${r.reason}:${r.rows}`)]]));
    expect(byName).toEqual({
      linkage: [7, 2, ['quarantine:missing-key:1', 'quarantine:duplicate-row:1', 'quarantine:ambiguous-link:2', 'quarantine:orphan-key:1']],
      'omop.person': [3, 1, ['merged:linked-person:2']],
      'snds.person': [3, 3, []],
      'omop.observation_period': [3, 3, []],
      'snds.observation_period': [3, 3, []],
      'omop.dispensing': [2, 1, ['quarantine:orphan-key:1']],
      'snds.dispensing': [2, 2, []],
      'omop.hospital_stay': [2, 2, []],
      'snds.hospital_stay': [1, 1, []],
      'omop.diagnosis': [1, 1, []],
      'snds.diagnosis': [1, 1, []],
      'snds.long_term_registration': [1, 1, []],
      'omop.death': [2, 2, []],
      'snds.death': [1, 1, []],
      'omop.concept_ancestor': [1, 1, []],
    });
    for (const a of result.accounts) expect(isBalanced(a), a.source).toBe(true);
    // Target persons = hospital-only + every claims person.
    expect(result.counts.person).toBe(4);
    expect(result.counts.dispensing).toBe(3);
    expect(result.counts.hospital_stay).toBe(3);
    // 5 linkage rows + 1 orphan hospital dispensing + 1 carried from each source.
    expect(result.counts.quarantine).toBe(8);
  });

  it('maps ids: claims pseudonym when linked, H:/C: prefixes otherwise', async () => {
    expect(await engine.rows(`SELECT person_id, hospital_person_id, claims_person_id, status FROM ${into}.person_link ORDER BY person_id`)).toEqual([
      { person_id: 'A', hospital_person_id: '1', claims_person_id: 'A', status: 'linked' },
      { person_id: 'B', hospital_person_id: '2', claims_person_id: 'B', status: 'linked' },
      { person_id: 'C:D', hospital_person_id: null, claims_person_id: 'D', status: 'claims-only' },
      { person_id: 'H:3', hospital_person_id: '3', claims_person_id: null, status: 'hospital-only' },
    ]);
  });

  it('reconciles person attributes: claims first, hospital fills gaps, exact birth date when consistent', async () => {
    expect(await engine.rows(`SELECT * FROM ${into}.person ORDER BY person_id`)).toEqual([
      // Claims has no death for A: the hospital's is used; hospital birth date 1950-03-15 matches the claims year.
      { person_id: 'A', birth_year: 1950, birth_date: '1950-03-15', sex: 1, death_date: '2021-01-10', source_table: 'snds.IR_BEN_R', source_row: 1 },
      // Claims year 1961 and death 2020-07-01 win; the hospital birth date (1960) is inconsistent, so dropped.
      { person_id: 'B', birth_year: 1961, birth_date: null, sex: 2, death_date: '2020-07-01', source_table: 'snds.IR_BEN_R', source_row: 2 },
      { person_id: 'C:D', birth_year: 1980, birth_date: null, sex: 2, death_date: null, source_table: 'snds.IR_BEN_R', source_row: 3 },
      { person_id: 'H:3', birth_year: 1970, birth_date: null, sex: 1, death_date: null, source_table: 'omop.person', source_row: 3 },
    ]);
  });

  it('builds one timeline per person from both sources, provenance prefixed, duplicates across sources kept', async () => {
    expect(await timeline(engine, into)).toEqual([
      'observation 2000-01-01..2020-12-31 omop.observation_period',
      'observation 2006-01-01..2022-12-31 snds.IR_BEN_R',
      'stay omop:100 2010-05-01..2010-05-05 omop.visit_occurrence',
      'diagnosis 2010-05-02 OMOP:192671 stay omop:100 omop.condition_occurrence',
      'dispensing 2010-06-01 CIP13:3400930000001 snds.ER_PRS_F',
      'death 2021-01-10 - omop.death',
      // B: the same stay from PMSI and from the warehouse, both kept; two death records.
      'observation 2006-01-01..2020-07-01 snds.IR_BEN_R',
      'observation 2010-01-01..2020-06-30 omop.observation_period',
      'diagnosis 2019-02-01 ICD10:K922 stay snds:2019XYZ snds.T_MCO19B',
      'stay omop:102 2019-02-01..2019-02-03 omop.visit_occurrence',
      'stay snds:2019XYZ 2019-02-01..2019-02-03 snds.T_MCO19B',
      'death 2020-06-30 4306655 omop.death',
      'death 2020-07-01 I21 snds.KI_CCI_R',
      // C:D
      'observation 2006-01-01..2022-12-31 snds.IR_BEN_R',
      'ald 2015-01-01 E11 snds.IR_IMB_R',
      'dispensing 2018-03-01 CIP13:3400930000002 snds.ER_PRS_F',
      // H:3
      'observation 2005-01-01..2019-12-31 omop.observation_period',
      'dispensing 2015-01-01 OMOP:1118084 omop.drug_exposure',
    ]);
    // Every event row still traces back to its source row.
    expect(await engine.rows(`SELECT person_id, source_table, source_row FROM ${into}.dispensing ORDER BY person_id`)).toEqual([
      { person_id: 'A', source_table: 'snds.ER_PRS_F', source_row: 1 },
      { person_id: 'C:D', source_table: 'snds.ER_PRS_F', source_row: 2 },
      { person_id: 'H:3', source_table: 'omop.drug_exposure', source_row: 1 },
    ]);
    expect(await engine.rows(`SELECT * FROM ${into}.concept_ancestor`)).toEqual([
      { ancestor_concept_id: 192671, descendant_concept_id: 192671, min_levels_of_separation: 0, max_levels_of_separation: 0 },
    ]);
  });

  it('keeps quarantined linkage rows, orphan events and both sources quarantine in the target quarantine table', async () => {
    expect(await engine.rows(`SELECT source_table, source_row, kind, reason, detail FROM ${into}.quarantine ORDER BY source_table, source_row`)).toEqual([
      // Linkage table staged from an engine table: rows ranked in (hospital id, claims id) order, NULL id last.
      { source_table: 'linkage', source_row: 3, kind: 'quarantine', reason: 'duplicate-row', detail: 'same pair as an earlier row' },
      { source_table: 'linkage', source_row: 4, kind: 'quarantine', reason: 'ambiguous-link', detail: 'hosp_id linked to several snds_id' },
      { source_table: 'linkage', source_row: 5, kind: 'quarantine', reason: 'ambiguous-link', detail: 'hosp_id linked to several snds_id' },
      { source_table: 'linkage', source_row: 6, kind: 'quarantine', reason: 'orphan-key', detail: 'hosp_id not in the hospital person table' },
      { source_table: 'linkage', source_row: 7, kind: 'quarantine', reason: 'missing-key', detail: 'hosp_id is empty' },
      { source_table: 'omop.drug_exposure', source_row: 2, kind: 'quarantine', reason: 'orphan-key', detail: 'person_id not in the hospital person table' },
      { source_table: 'omop.observation_period', source_row: 4, kind: 'quarantine', reason: 'orphan-key', detail: 'person_id not in person' },
      { source_table: 'snds.ER_PRS_F', source_row: 7, kind: 'cleaning', reason: 'dcir-information-only', detail: null },
    ]);
    const raw = await engine.scalar<string>(`SELECT raw FROM ${into}.quarantine WHERE source_table = 'linkage' AND reason = 'missing-key'`);
    expect(JSON.parse(raw!)).toEqual({ hosp_id: null, snds_id: 'D' });
  });

  it('refuses a target schema that is a source, or that already holds rows', async () => {
    const base = { hospital: { schema: sources.h, layout: 'omop' as const }, claims: { schema: sources.c, layout: 'snds' as const }, linkage: { table: 'link_table' } };
    await expect(linkPersons(engine, { ...base, into: sources.h })).rejects.toMatchObject({ code: 'invalid-option' });
    await expect(linkPersons(engine, { ...base, into })).rejects.toMatchObject({ code: 'target-not-empty' });
    await expect(linkPersons(engine, { ...base, into: 'other', hospitalIdColumn: 'nope' })).rejects.toMatchObject({ code: 'missing-column' });
  });

  it.runIf(name === 'duckdb')('reads the linkage table from CSV with its file row numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohorte-link-'));
    const file = join(dir, 'linkage.csv');
    writeFileSync(file, 'hospital_person_id;claims_person_id\n' + linkageRows.map(([a, b]) => `${a};${b}`).join('\n') + '\n');
    const r = await linkPersons(engine, { hospital: { schema: sources.h, layout: 'omop' }, claims: { schema: sources.c, layout: 'snds' }, linkage: file, into: 'linked_csv' });
    expect([r.linked, r.hospitalOnly, r.claimsOnly, r.ambiguous]).toEqual([2, 1, 1, 2]);
    expect(r.accounts[0]).toMatchObject({ source: 'linkage', files: [file], rowsRead: 7, rowsLoaded: 2 });
    expect(await timeline(engine, 'linked_csv')).toEqual(await timeline(engine, into));
    expect(
      await engine.rows(`SELECT source_row, reason FROM linked_csv.quarantine WHERE source_table = 'linkage' ORDER BY source_row`),
    ).toEqual([
      { source_row: 3, reason: 'ambiguous-link' },
      { source_row: 4, reason: 'ambiguous-link' },
      { source_row: 5, reason: 'duplicate-row' },
      { source_row: 6, reason: 'missing-key' },
      { source_row: 7, reason: 'orphan-key' },
    ]);
  });
});
