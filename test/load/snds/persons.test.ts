// Persons, deaths and ALD on the hand-made fixture test/fixtures/snds/persons (see its README.md for every row).
// IR_BEN_R: ID1 has two rows (two right-openers), the second updated last; ID2 dies 15/03/2020 in IR_BEN_R and
// 14/03/2020 on its certificate; ID3 has the 1600-01-01 placeholder (alive) and a certificate; ID4 dies 05/05/2010;
// ID5's death date (1985) is before its birth year (1990). Rows 7-9: empty key, exact duplicate, key reused.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import type { Engine } from '../../../src/engine/index.js';
import type { LoadResult } from '../../../src/load/result.js';
import { accountOf, expectConsistent, fixtures, load, removedKinds } from './helpers.js';

let engine: Engine;
let r: LoadResult;
beforeAll(async () => {
  ({ engine, r } = await load({ dir: join(fixtures, 'persons'), schema: 'claims' }));
});
afterAll(async () => engine.close());

describe('beneficiaries IR_BEN_R', () => {
  it('one person per BEN_IDT_ANO, attributes from the most recently updated row', async () => {
    await expectConsistent(engine, r);
    expect(accountOf(r, 'IR_BEN_R')).toMatchObject({ rowsRead: 9, rowsLoaded: 5, target: ['person'] });
    expect(removedKinds(r, 'IR_BEN_R')).toEqual({
      'quarantine:missing-key': 1, // row 7
      'quarantine:duplicate-row': 1, // row 8 = row 3
      'quarantine:duplicate-key': 1, // row 9: row 4's (BEN_NIR_PSA, BEN_RNG_GEM), other content
      'merged:beneficiary-merged': 1, // row 1: ID1's older row
    });
    expect(await engine.rows(`SELECT person_id, birth_year, birth_date, sex, death_date, source_row FROM claims.person ORDER BY person_id`)).toEqual([
      // ID1: row 2 (updated 01/06/2020) is the representative: birth year 1951, not row 1's 1950.
      { person_id: 'ID1', birth_year: 1951, birth_date: null, sex: 1, death_date: null, source_row: 2 },
      // ID2: IR_BEN_R's date wins over the certificate's 14/03/2020.
      { person_id: 'ID2', birth_year: 1960, birth_date: null, sex: 2, death_date: '2020-03-15', source_row: 3 },
      // ID3: BEN_SEX_COD 9 is unknown; 1600-01-01 means alive in IR_BEN_R, the certificate gives the death.
      { person_id: 'ID3', birth_year: 1970, birth_date: null, sex: null, death_date: '2019-10-10', source_row: 4 },
      { person_id: 'ID4', birth_year: 1980, birth_date: null, sex: 1, death_date: '2010-05-05', source_row: 5 },
      // ID5: a death before birth is not a death.
      { person_id: 'ID5', birth_year: 1990, birth_date: null, sex: 2, death_date: null, source_row: 6 },
    ]);
  });

  it('keeps every key of a person in snds_person_key, birth rank without leading zeros', async () => {
    expect(await engine.rows(`SELECT ben_nir_psa, ben_rng_gem, person_id FROM claims.snds_person_key ORDER BY source_row`)).toEqual([
      { ben_nir_psa: 'PSA000000000001', ben_rng_gem: '1', person_id: 'ID1' },
      { ben_nir_psa: 'PSA00000000001B', ben_rng_gem: '1', person_id: 'ID1' }, // written '01'
      { ben_nir_psa: 'PSA000000000002', ben_rng_gem: '1', person_id: 'ID2' },
      { ben_nir_psa: 'PSA000000000003', ben_rng_gem: '1', person_id: 'ID3' },
      { ben_nir_psa: 'PSA000000000004', ben_rng_gem: '1', person_id: 'ID4' },
      { ben_nir_psa: 'PSA000000000005', ben_rng_gem: '1', person_id: 'ID5' },
    ]);
  });
});

describe('deaths: KI_CCI_R and IR_BEN_R.BEN_DCD_DTE', () => {
  it('accounts for every certificate and every IR_BEN_R death date', () => {
    expect(accountOf(r, 'KI_CCI_R')).toMatchObject({ rowsRead: 8, rowsLoaded: 2 });
    expect(removedKinds(r, 'KI_CCI_R')).toEqual({
      'quarantine:missing-key': 1, // row 5
      'quarantine:duplicate-row': 1, // row 8 = row 2
      'quarantine:duplicate-key': 1, // row 3: a second certificate for ID2
      'quarantine:orphan-key': 1, // row 4: IDZ
      'quarantine:unparseable-date': 1, // row 6
      'quarantine:date-outside-life': 1, // row 7: 1980 < ID5's 1990
    });
    // Persons with an IR_BEN_R death date (placeholders excluded): ID1 (from its merged row: 31/02/2019 does not
    // exist), ID2, ID4, ID5.
    expect(accountOf(r, 'IR_BEN_R.BEN_DCD_DTE')).toMatchObject({ rowsRead: 4, rowsLoaded: 1 });
    expect(removedKinds(r, 'IR_BEN_R.BEN_DCD_DTE')).toEqual({
      'quarantine:unparseable-date': 1, // ID1
      'quarantine:date-outside-life': 1, // ID5
      'merged:death-merged-with-cause': 1, // ID2: merged into its certificate's row
    });
    expect(r.settings.deathDateConflicts).toBe(1); // ID2: 15/03 vs 14/03
  });

  it("quarantines an IR_BEN_R death date with the columns its rules read, not the whole IR_BEN_R row", async () => {
    const rows = await engine.rows<{ source_row: number; reason: string; raw: string }>(
      `SELECT source_row, reason, raw FROM claims.quarantine WHERE source_table = 'IR_BEN_R.BEN_DCD_DTE' ORDER BY source_row`,
    );
    expect(rows.map((q) => ({ ...q, raw: JSON.parse(q.raw) }))).toEqual([
      { source_row: 1, reason: 'unparseable-date', raw: { BEN_NIR_PSA: 'PSA000000000001', BEN_RNG_GEM: '1', BEN_IDT_ANO: 'ID1', BEN_NAI_ANN: '1950', BEN_DCD_DTE: '31/02/2019' } },
      { source_row: 3, reason: 'death-merged-with-cause', raw: { BEN_NIR_PSA: 'PSA000000000002', BEN_RNG_GEM: '1', BEN_IDT_ANO: 'ID2', BEN_NAI_ANN: '1960', BEN_DCD_DTE: '15MAR2020:00:00:00' } },
      { source_row: 6, reason: 'date-outside-life', raw: { BEN_NIR_PSA: 'PSA000000000005', BEN_RNG_GEM: '1', BEN_IDT_ANO: 'ID5', BEN_NAI_ANN: '1990', BEN_DCD_DTE: '05/05/1985' } },
    ]);
  });

  it('one death row per dead person: the cause from the certificate, the date by precedence', async () => {
    expect(await engine.rows(`SELECT person_id, death_date, cause_code, source_table, source_row FROM claims.death ORDER BY person_id`)).toEqual([
      { person_id: 'ID2', death_date: '2020-03-15', cause_code: 'I219', source_table: 'KI_CCI_R', source_row: 1 },
      { person_id: 'ID3', death_date: '2019-10-10', cause_code: 'C34', source_table: 'KI_CCI_R', source_row: 2 }, // ddmmyyyy
      { person_id: 'ID4', death_date: '2010-05-05', cause_code: null, source_table: 'IR_BEN_R', source_row: 5 },
    ]);
  });
});

describe('ALD: IR_IMB_R (comma-separated, ISO dates)', () => {
  it('accounts for every registration', () => {
    expect(accountOf(r, 'IR_IMB_R')).toMatchObject({ rowsRead: 11, rowsLoaded: 2, target: ['long_term_registration'] });
    expect(removedKinds(r, 'IR_IMB_R')).toEqual({
      'quarantine:missing-key': 1, // row 4
      'quarantine:duplicate-row': 1, // row 11 = row 1
      'quarantine:orphan-key': 1, // row 3: PSA000000000009
      'quarantine:unparseable-date': 2, // row 5: start 'bad'; row 6: end 'nope'
      'quarantine:missing-code': 1, // row 7: no MED_MTF_COD
      'quarantine:end-before-start': 1, // row 8
      'quarantine:date-outside-life': 2, // row 9: after ID4's death; row 10: before ID5's birth year
    });
  });

  it('links through any key of the person; a placeholder end date is an open registration', async () => {
    expect(await engine.rows(`SELECT person_id, start_date, end_date, icd10, ald_number, source_row FROM claims.long_term_registration ORDER BY source_row`)).toEqual([
      { person_id: 'ID1', start_date: '2018-01-01', end_date: null, icd10: 'E11', ald_number: '8', source_row: 1 }, // via PSA00000000001B
      { person_id: 'ID1', start_date: '2018-01-01', end_date: null, icd10: 'E119', ald_number: '8', source_row: 2 }, // 1600-01-01
    ]);
  });

  it('the quarantine keeps the raw row, with details that name columns, not values', async () => {
    const q = await engine.rows<{ source_row: number; detail: string; raw: string }>(
      `SELECT source_row, detail, raw FROM claims.quarantine WHERE source_table = 'IR_IMB_R' AND reason = 'unparseable-date' ORDER BY source_row`,
    );
    expect(q.map((x) => [x.source_row, x.detail])).toEqual([
      [5, 'IMB_ALD_DTD'],
      [6, 'IMB_ALD_DTF'],
    ]);
    expect(JSON.parse(q[1]!.raw)).toEqual({
      BEN_NIR_PSA: 'PSA000000000004',
      BEN_RNG_GEM: '1',
      IMB_ALD_DTD: '2005-01-01',
      IMB_ALD_DTF: 'nope',
      IMB_ALD_NUM: '5',
      MED_MTF_COD: 'I50',
    });
  });
});
