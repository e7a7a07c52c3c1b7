// PMSI MCO stays on the hand-made fixture test/fixtures/snds/pmsi (see its README.md for every row): two years,
// T_MCO15* ';'-separated with every cleaning rule and quarantine reason once, T_MCO16* ','-separated with the same
// RSA_NUM as a 2015 stay and keys that lost their leading zeros. Persons: ID1 born 1950, died 20/06/2016; twins
// ID2 and ID3 sharing BEN_NIR_PSA PSA000000000002 (birth ranks 1 and 2).
import { describe, it, expect, afterEach } from 'vitest';
import { join } from 'node:path';
import type { Engine } from '../../../src/engine/index.js';
import { accountOf, expectConsistent, fixtures, load, removedKinds, removedOf } from './helpers.js';

const dir = join(fixtures, 'pmsi');
let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

// The stay-level fate of 2015 stays 2-11, one per rule, in rule order (stay 1 is kept).
const stayFates = {
  'cleaning:pmsi-duplicate-finess': 1, // stay 2: 750100018, an AP-HP geographic FINESS
  'cleaning:pmsi-error-ghm': 1, // stay 3: GHM 90Z00Z
  'cleaning:pmsi-inter-establishment': 1, // stay 4: SEJ_TYP B
  'cleaning:pmsi-dummy-patient-key': 1, // stay 5: NIR_ANO_17 XXXXXXXXXXXXXXXXD
  'cleaning:pmsi-linkage-codes': 1, // stay 6: NIR_RET 1
  'quarantine:ambiguous-key': 1, // stay 8: the twins' key
  'quarantine:unparseable-date': 1, // stay 9: EXE_SOI_DTD 'garbage'
  'quarantine:end-before-start': 1, // stay 10: discharge before admission
  'quarantine:date-outside-life': 1, // stay 11: admitted 01/07/2016, after ID1's death
};

describe('PMSI MCO with the default cleaning rules', () => {
  it('accounts for every B, C, D and A row of both years by the hand count', async () => {
    const res = await load({ dir });
    engine = res.engine;
    const { r } = res;
    await expectConsistent(engine, r);
    expect(r.accounts.map((a) => a.source)).toEqual(['IR_BEN_R', 'IR_BEN_R.BEN_DCD_DTE', 'T_MCO15B', 'T_MCO15C', 'T_MCO15D', 'T_MCO15A', 'T_MCO16B', 'T_MCO16C', 'T_MCO16D']);
    // B: 14 rows; C: 13 rows; only stay 1 kept in 2015.
    expect(accountOf(r, 'T_MCO15B')).toMatchObject({ rowsRead: 14, rowsLoaded: 1 });
    expect(removedKinds(r, 'T_MCO15B')).toEqual({
      'quarantine:missing-key': 1, // row 14: empty ETA_NUM
      'quarantine:duplicate-row': 1, // row 13 = row 1
      'quarantine:orphan-key': 2, // row 12: no C row; stay 7: NIR_ANO_17 of nobody
      ...stayFates,
    });
    expect(accountOf(r, 'T_MCO15C')).toMatchObject({ rowsRead: 13, rowsLoaded: 1 });
    expect(removedKinds(r, 'T_MCO15C')).toEqual({
      'quarantine:duplicate-key': 1, // row 13: stay 1's keys, another admission date
      'quarantine:orphan-key': 2, // row 12: RSA 13 has no B row; stay 7
      ...stayFates,
    });
    // D: 7 rows; the rows of removed stays carry their stay's reason.
    expect(accountOf(r, 'T_MCO15D')).toMatchObject({ rowsRead: 7, rowsLoaded: 2 });
    expect(removedKinds(r, 'T_MCO15D')).toEqual({
      'quarantine:duplicate-row': 1, // row 7 = row 1
      'quarantine:orphan-key': 2, // row 4: stay 12 has no C row; row 5: RSA 99 is no stay
      'cleaning:pmsi-error-ghm': 1, // row 3: stay 3
      'quarantine:missing-code': 1, // row 6: empty ASS_DGN
    });
    expect(accountOf(r, 'T_MCO15A')).toMatchObject({ rowsRead: 4, rowsLoaded: 2 });
    expect(removedKinds(r, 'T_MCO15A')).toEqual({ 'cleaning:pmsi-inter-establishment': 1, 'quarantine:missing-code': 1 });
    for (const t of ['T_MCO16B', 'T_MCO16C', 'T_MCO16D']) expect(accountOf(r, t)).toMatchObject({ rowsRead: 1, rowsLoaded: 1, removed: [] });
  });

  it('writes stays with year-qualified ids, their diagnoses by role and their dated procedures', async () => {
    const res = await load({ dir });
    engine = res.engine;
    expect(await engine.rows(`SELECT stay_id, person_id, admission_date, discharge_date, primary_diagnosis, related_diagnosis, source_table, source_row FROM hospital_stay ORDER BY stay_id`)).toEqual([
      // RSA_NUM 0000000001 in both years: two stays. 2016's C row wrote ETA_NUM 10000001 and RSA_NUM 1.
      { stay_id: '15:100000001:0000000001', person_id: 'ID1', admission_date: '2015-01-10', discharge_date: '2015-01-15', primary_diagnosis: 'I210', related_diagnosis: null, source_table: 'T_MCO15B', source_row: 1 },
      { stay_id: '16:010000001:0000000001', person_id: 'ID1', admission_date: '2016-02-02', discharge_date: '2016-02-05', primary_diagnosis: 'J189', related_diagnosis: 'E119', source_table: 'T_MCO16B', source_row: 1 },
    ]);
    expect(await engine.rows(`SELECT code, role, vocabulary, date, stay_id FROM diagnosis ORDER BY stay_id, role, code`)).toEqual([
      { code: 'E119', role: 'associated', vocabulary: 'ICD10', date: '2015-01-10', stay_id: '15:100000001:0000000001' },
      { code: 'I10', role: 'associated', vocabulary: 'ICD10', date: '2015-01-10', stay_id: '15:100000001:0000000001' },
      { code: 'I210', role: 'primary', vocabulary: 'ICD10', date: '2015-01-10', stay_id: '15:100000001:0000000001' },
      { code: 'J960', role: 'associated', vocabulary: 'ICD10', date: '2016-02-02', stay_id: '16:010000001:0000000001' },
      { code: 'J189', role: 'primary', vocabulary: 'ICD10', date: '2016-02-02', stay_id: '16:010000001:0000000001' },
      { code: 'E119', role: 'related', vocabulary: 'ICD10', date: '2016-02-02', stay_id: '16:010000001:0000000001' },
    ]);
    // ENT_DAT_DEL 2 → admission + 2 days; 99 is beyond the 5-day stay → the admission date.
    expect(await engine.rows(`SELECT code, vocabulary, date, source_row FROM procedure ORDER BY source_row`)).toEqual([
      { code: 'DZQM006', vocabulary: 'CCAM', date: '2015-01-12', source_row: 1 },
      { code: 'EBLA003', vocabulary: 'CCAM', date: '2015-01-10', source_row: 2 },
    ]);
  });

});

describe('each PMSI cleaning rule switched off', () => {
  it.each([
    ['pmsi-duplicate-finess', '15:750100018:0000000002'],
    ['pmsi-error-ghm', '15:100000001:0000000003'],
    ['pmsi-inter-establishment', '15:100000001:0000000004'],
    ['pmsi-linkage-codes', '15:100000001:0000000006'],
  ] as const)('%s off keeps its stay', async (rule, stayId) => {
    const res = await load({ dir, cleaning: { [rule]: false } });
    engine = res.engine;
    await expectConsistent(engine, res.r);
    expect(accountOf(res.r, 'T_MCO15B').rowsLoaded).toBe(2);
    expect(removedOf(res.r, 'T_MCO15B')[rule]).toBeUndefined();
    expect(await engine.scalar(`SELECT count(*) FROM hospital_stay WHERE stay_id = '${stayId}'`)).toBe(1);
  });

  it('child rows follow: with the GHM rule off, stay 3 brings its associated diagnosis; with the SEJ_TYP rule off, stay 4 its procedure', async () => {
    const ghm = await load({ dir, cleaning: { 'pmsi-error-ghm': false } });
    expect(accountOf(ghm.r, 'T_MCO15D').rowsLoaded).toBe(3);
    await ghm.engine.close();
    const sej = await load({ dir, cleaning: { 'pmsi-inter-establishment': false } });
    engine = sej.engine;
    expect(accountOf(sej.r, 'T_MCO15A').rowsLoaded).toBe(3);
  });

  it('pmsi-dummy-patient-key off: the dummy key then links to nobody (orphan-key)', async () => {
    const res = await load({ dir, cleaning: { 'pmsi-dummy-patient-key': false } });
    engine = res.engine;
    await expectConsistent(engine, res.r);
    expect(removedOf(res.r, 'T_MCO15C')['pmsi-dummy-patient-key']).toBeUndefined();
    expect(removedOf(res.r, 'T_MCO15C')['orphan-key']).toBe(3);
  });
});
