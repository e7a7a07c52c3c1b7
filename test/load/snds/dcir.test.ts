// DCIR dispensings on the hand-made fixture test/fixtures/snds/dcir (3 persons; see its README.md for every row).
// Persons: ID1 born 1950 alive, ID2 born 1960 died 15/03/2020 (SAS datetime), ID3 born 1970 alive.
// Every expected count below is the hand count of the README's row list.
import { describe, it, expect, afterEach } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Engine } from '../../../src/engine/index.js';
import { CohorteError } from '../../../src/messages/index.js';
import { accountOf, copyFixture, expectConsistent, fixtures, load, removedKinds, removedOf } from './helpers.js';

const dir = join(fixtures, 'dcir');
let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('DCIR with the default cleaning rules', () => {
  it('accounts for every prestation and pharmacy line by the hand count', async () => {
    const res = await load({ dir });
    engine = res.engine;
    const { r } = res;
    await expectConsistent(engine, r);
    // ER_PRS_F, 26 lines: 14 kept (1-7, 11, 16, 21-25); one line for each removal reason except the pairs 18 and 26,
    // 14 and 15.
    expect(accountOf(r, 'ER_PRS_F')).toMatchObject({ rowsRead: 26, rowsLoaded: 14 });
    expect(removedKinds(r, 'ER_PRS_F')).toEqual({
      'quarantine:missing-key': 1, // 17: empty BEN_NIR_PSA
      'quarantine:duplicate-row': 2, // 18 = 16 (which has a pharmacy line), 26 = 20 (which has none)
      'quarantine:duplicate-key': 1, // 19: keys of 1, other content
      'cleaning:dcir-no-pharmacy-line': 1, // 20
      'cleaning:dcir-invalid-nir': 1, // 8: BEN_CDI_NIR 03
      'cleaning:dcir-information-only': 1, // 9: DPN_QLF 71
      'cleaning:dcir-surcharge': 1, // 10: CPL_MAJ_TOP 2
      'quarantine:orphan-key': 1, // 12: unknown person
      'quarantine:unparseable-date': 1, // 13
      'quarantine:date-outside-life': 2, // 14: 1949 < 1950; 15: after ID2's death
    });
    // ER_PHA_F, 27 lines: removed lines of removed prestations carry the prestation's reason.
    expect(accountOf(r, 'ER_PHA_F')).toMatchObject({ rowsRead: 27, rowsLoaded: 7 });
    expect(removedKinds(r, 'ER_PHA_F')).toEqual({
      'quarantine:missing-key': 2, // its own empty DCT_ORD_NUM + the line of prestation 17
      'quarantine:duplicate-row': 2, // second line of prestation 21 (kept otherwise), second line of key 99 (orphan otherwise)
      'quarantine:orphan-key': 2, // key 99 (no prestation) + the line of prestation 12
      'cleaning:dcir-invalid-nir': 1,
      'cleaning:dcir-information-only': 1,
      'cleaning:dcir-surcharge': 1,
      'quarantine:unparseable-date': 1,
      'quarantine:date-outside-life': 2,
      'quarantine:missing-code': 1, // prestation 24: empty CIP13
      'quarantine:unparseable-number': 1, // prestation 25: quantity 'abc'
      'merged:dcir-return-netted': 1, // prestation 2: -1 A netted into prestation 1's +2 A
      'merged:dcir-same-dispensing-line': 1, // prestation 3's second line B
      'cleaning:dcir-cancelled-dispensing': 2, // prestations 4 (+1 C) and 5 (-1 C)
      'quarantine:return-without-dispensing': 1, // prestation 6: -2 D alone
      'cleaning:dcir-zero-quantity': 1, // prestation 7: 0 E alone
    });
  });

  it('writes one dispensing per kept line or netted group, dated by the care date, with packs net of returns', async () => {
    const res = await load({ dir });
    engine = res.engine;
    const rows = await engine.rows(`SELECT person_id, date, product_code, product_vocabulary, atc_code, packs, units_per_pack, source_row FROM dispensing ORDER BY source_row`);
    expect(rows).toEqual([
      { person_id: 'ID1', date: '2019-01-10', product_code: '3400930000001', product_vocabulary: 'CIP13', atc_code: null, packs: 1, units_per_pack: null, source_row: 1 }, // 2 - 1
      { person_id: 'ID1', date: '2019-02-20', product_code: '3400930000002', product_vocabulary: 'CIP13', atc_code: null, packs: 3, units_per_pack: null, source_row: 3 }, // 1 + 2
      { person_id: 'ID1', date: '2019-03-15', product_code: '3400930000001', product_vocabulary: 'CIP13', atc_code: null, packs: 1, units_per_pack: null, source_row: 12 },
      { person_id: 'ID2', date: '2020-03-01', product_code: '3400930000006', product_vocabulary: 'CIP13', atc_code: null, packs: 1, units_per_pack: null, source_row: 17 },
      // dd mm yyyy written three other ways: ddmmyyyy, SAS datetime, ISO
      { person_id: 'ID3', date: '2019-04-15', product_code: '3400930000007', product_vocabulary: 'CIP13', atc_code: null, packs: 1, units_per_pack: null, source_row: 19 },
      { person_id: 'ID3', date: '2019-04-16', product_code: '3400930000007', product_vocabulary: 'CIP13', atc_code: null, packs: 1, units_per_pack: null, source_row: 20 },
      { person_id: 'ID3', date: '2019-04-17', product_code: '3400930000007', product_vocabulary: 'CIP13', atc_code: null, packs: 1, units_per_pack: null, source_row: 21 },
    ]);
  });

  it('keeps the raw row and a non-identifying detail of every removed line', async () => {
    const res = await load({ dir });
    engine = res.engine;
    const q = await engine.rows<{ source_row: number; detail: string; raw: string }>(
      `SELECT source_row, detail, raw FROM quarantine WHERE source_table = 'ER_PHA_F' AND reason = 'dcir-return-netted'`,
    );
    expect(q).toHaveLength(1);
    expect(q[0]!.source_row).toBe(2);
    expect(q[0]!.detail).toBe('into ER_PHA_F row 1');
    expect(JSON.parse(q[0]!.raw)).toMatchObject({ DCT_ORD_NUM: '2', PHA_PRS_C13: '3400930000001', PHA_ACT_QSN: '-1' });
    const inherited = await engine.rows<{ detail: string }>(`SELECT detail FROM quarantine WHERE source_table = 'ER_PHA_F' AND reason = 'dcir-invalid-nir'`);
    expect(inherited).toEqual([{ detail: 'ER_PRS_F row 8' }]);
    const missing = await engine.rows<{ detail: string }>(`SELECT detail FROM quarantine WHERE source_table = 'ER_PRS_F' AND reason = 'missing-key'`);
    expect(missing).toEqual([{ detail: 'BEN_NIR_PSA' }]);
  });
});

describe('a prestation line with several pharmacy lines', () => {
  it('is counted once in ER_PRS_F when removed, and each of its pharmacy lines inherits its fate', async () => {
    // Prestation 8 (BEN_CDI_NIR 03) gets a second pharmacy line, of another CIP13.
    const tmp = copyFixture('dcir');
    const pha = join(tmp, 'ER_PHA_F.csv');
    writeFileSync(pha, readFileSync(pha, 'utf8') + '8;01/06/2019;1;0;1;02/06/2019;ORG1;1;1;3400930000002;1;2\n');
    const res = await load({ dir: tmp });
    engine = res.engine;
    await expectConsistent(engine, res.r);
    expect(accountOf(res.r, 'ER_PRS_F')).toMatchObject({ rowsRead: 26, rowsLoaded: 14 });
    expect(removedKinds(res.r, 'ER_PRS_F')['cleaning:dcir-invalid-nir']).toBe(1);
    expect(accountOf(res.r, 'ER_PHA_F')).toMatchObject({ rowsRead: 28, rowsLoaded: 7 });
    expect(removedKinds(res.r, 'ER_PHA_F')['cleaning:dcir-invalid-nir']).toBe(2);
    const q = await engine.rows(`SELECT source_table, source_row FROM quarantine WHERE reason = 'dcir-invalid-nir' ORDER BY 1, 2`);
    expect(q).toEqual([
      { source_table: 'ER_PHA_F', source_row: 9 },
      { source_table: 'ER_PHA_F', source_row: 28 },
      { source_table: 'ER_PRS_F', source_row: 8 },
    ]);
  });
});

describe('each DCIR cleaning rule switched off lets its lines through', () => {
  // One line per rule: its prestation line and its single pharmacy line become loaded.
  it.each([
    ['dcir-invalid-nir', '2019-03-12'],
    ['dcir-information-only', '2019-03-13'],
    ['dcir-surcharge', '2019-03-14'],
  ] as const)('%s off', async (rule, date) => {
    const res = await load({ dir, cleaning: { [rule]: false } });
    engine = res.engine;
    await expectConsistent(engine, res.r);
    expect(accountOf(res.r, 'ER_PRS_F').rowsLoaded).toBe(15);
    expect(accountOf(res.r, 'ER_PHA_F').rowsLoaded).toBe(8);
    expect(removedOf(res.r, 'ER_PRS_F')[rule]).toBeUndefined();
    expect(await engine.scalar(`SELECT count(*) FROM dispensing WHERE date = DATE '${date}'`)).toBe(1);
    expect(res.r.settings.cleaning).toMatchObject({ [rule]: false });
  });

  it('return netting off: every pharmacy line is a dispensing with its signed quantity', async () => {
    const res = await load({ dir, cleaning: { 'dcir-return-netting': false } });
    engine = res.engine;
    await expectConsistent(engine, res.r);
    // 7 - 2 netted dispensings (1 and 3) + the 8 lines of prestations 1-7 = 13.
    expect(accountOf(res.r, 'ER_PHA_F').rowsLoaded).toBe(13);
    const r = removedOf(res.r, 'ER_PHA_F');
    for (const reason of ['dcir-return-netted', 'dcir-same-dispensing-line', 'dcir-cancelled-dispensing', 'return-without-dispensing', 'dcir-zero-quantity']) {
      expect(r[reason]).toBeUndefined();
    }
    expect(await engine.rows(`SELECT source_row, packs FROM dispensing WHERE source_row <= 8 ORDER BY source_row`)).toEqual([
      { source_row: 1, packs: 2 },
      { source_row: 2, packs: -1 },
      { source_row: 3, packs: 1 },
      { source_row: 4, packs: 2 },
      { source_row: 5, packs: 1 },
      { source_row: 6, packs: -1 },
      { source_row: 7, packs: -2 },
      { source_row: 8, packs: 0 },
    ]);
  });

  it('care date off: dispensings dated by the flow date FLX_DIS_DTD, so the care-date problems disappear', async () => {
    const res = await load({ dir, cleaning: { 'dcir-care-date': false, 'dcir-return-netting': false } });
    engine = res.engine;
    await expectConsistent(engine, res.r);
    // Prestations 13 (unreadable care date), 14 (1949) and 15 (after death) are dated 01/06/2019 and kept: 14 + 3.
    expect(accountOf(res.r, 'ER_PRS_F').rowsLoaded).toBe(17);
    expect(removedOf(res.r, 'ER_PRS_F')['unparseable-date']).toBeUndefined();
    expect(removedOf(res.r, 'ER_PRS_F')['date-outside-life']).toBeUndefined();
    expect(await engine.rows(`SELECT DISTINCT date FROM dispensing`)).toEqual([{ date: '2019-06-01' }]);
    expect(res.r.settings.dispensingDate).toBe('FLX_DIS_DTD');
  });
});

describe('hospital outpatient lines (off by default)', () => {
  it('excludeHospitalOutpatient drops the line flagged ETE_IND_TAA = 1 in ER_ETE_F', async () => {
    const res = await load({ dir, excludeHospitalOutpatient: true });
    engine = res.engine;
    await expectConsistent(engine, res.r);
    expect(removedKinds(res.r, 'ER_PRS_F')['cleaning:dcir-hospital-outpatient']).toBe(1);
    expect(removedKinds(res.r, 'ER_PHA_F')['cleaning:dcir-hospital-outpatient']).toBe(1);
    expect(accountOf(res.r, 'ER_PHA_F').rowsLoaded).toBe(6);
    expect(await engine.scalar(`SELECT count(*) FROM dispensing WHERE date = DATE '2019-03-15'`)).toBe(0);
  });

  it('the cleaning switch does the same, and an ETE_IND_TAA column of ER_PRS_F works without ER_ETE_F', async () => {
    const viaSwitch = await load({ dir, cleaning: { 'dcir-hospital-outpatient': true } });
    expect(removedOf(viaSwitch.r, 'ER_PRS_F')['dcir-hospital-outpatient']).toBe(1);
    await viaSwitch.engine.close();
    const tmp = copyFixture('dcir');
    const prs = readFileSync(join(tmp, 'ER_PRS_F.csv'), 'utf8').trim().split('\n');
    // Flag prestation 11 (data row 11) in a new last column.
    writeFileSync(join(tmp, 'ER_PRS_F.csv'), prs.map((l, i) => `${l};${i === 0 ? 'ETE_IND_TAA' : i === 11 ? '1' : '0'}`).join('\n') + '\n');
    const res = await load({ files: { IR_BEN_R: join(tmp, 'IR_BEN_R.csv'), ER_PRS_F: join(tmp, 'ER_PRS_F.csv'), ER_PHA_F: join(tmp, 'ER_PHA_F.csv') }, excludeHospitalOutpatient: true });
    engine = res.engine;
    await expectConsistent(engine, res.r);
    expect(removedOf(res.r, 'ER_PRS_F')['dcir-hospital-outpatient']).toBe(1);
    expect(accountOf(res.r, 'ER_PHA_F').rowsLoaded).toBe(6);
  });

  it('stops, naming the file and column, when neither ER_ETE_F nor ETE_IND_TAA is there', async () => {
    engine = undefined;
    const err = await load({ files: { IR_BEN_R: join(dir, 'IR_BEN_R.csv'), ER_PRS_F: join(dir, 'ER_PRS_F.csv'), ER_PHA_F: join(dir, 'ER_PHA_F.csv') }, excludeHospitalOutpatient: true }).catch((e) => e);
    expect(err).toBeInstanceOf(CohorteError);
    expect(err.message).toContain(join(dir, 'ER_PRS_F.csv'));
    expect(err.message).toContain("'ETE_IND_TAA'");
  });
});

describe('drug referential IR_PHA_R', () => {
  it('maps CIP13 to ATC and units per pack, and quarantines a CIP13 it does not know', async () => {
    const res = await load({ dir, phaReferential: join(dir, 'IR_PHA_R.csv') });
    engine = res.engine;
    await expectConsistent(engine, res.r);
    // CIP13 ...006 (prestation 16) is the only kept line whose code is not in the referential.
    expect(removedKinds(res.r, 'ER_PHA_F')['quarantine:unknown-product-code']).toBe(1);
    expect(accountOf(res.r, 'ER_PHA_F').rowsLoaded).toBe(6);
    expect(await engine.rows(`SELECT product_code, atc_code, units_per_pack, packs FROM dispensing WHERE source_row IN (1, 19) ORDER BY source_row`)).toEqual([
      { product_code: '3400930000001', atc_code: 'C10AA05', units_per_pack: 30, packs: 1 },
      { product_code: '3400930000007', atc_code: 'R03AC02', units_per_pack: 1, packs: 1 },
    ]);
    expect(res.r.settings.phaReferential).toBe(join(dir, 'IR_PHA_R.csv'));
    expect(accountOf(res.r, 'IR_PHA_R')).toMatchObject({ rowsRead: 6, rowsLoaded: 6, removed: [], target: ['lookup: dispensing.atc_code, dispensing.units_per_pack'] });
  });

  it('accounts for every referential row: no CIP13 and later rows of a CIP13 are quarantined, the first row is used', async () => {
    const tmp = copyFixture('dcir');
    const file = join(tmp, 'IR_PHA_R.csv');
    // Rows 7-9: no CIP13; row 1 again; CIP13 ...001 again with another ATC code and pack size.
    writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}\n,A01AA01,10\n3400930000001,C10AA05,30\n3400930000001,C10AA07,90\n`);
    const res = await load({ dir: tmp, phaReferential: file });
    engine = res.engine;
    await expectConsistent(engine, res.r);
    expect(accountOf(res.r, 'IR_PHA_R')).toMatchObject({ rowsRead: 9, rowsLoaded: 6 });
    expect(removedKinds(res.r, 'IR_PHA_R')).toEqual({ 'quarantine:missing-key': 1, 'quarantine:duplicate-row': 1, 'quarantine:duplicate-key': 1 });
    expect(await engine.rows(`SELECT source_row, reason FROM quarantine WHERE source_table = 'IR_PHA_R' ORDER BY source_row`)).toEqual([
      { source_row: 7, reason: 'missing-key' },
      { source_row: 8, reason: 'duplicate-row' },
      { source_row: 9, reason: 'duplicate-key' },
    ]);
    expect(await engine.rows(`SELECT atc_code, units_per_pack FROM dispensing WHERE source_row = 1`)).toEqual([{ atc_code: 'C10AA05', units_per_pack: 30 }]);
    // The dispensings are those of the clean referential.
    expect(accountOf(res.r, 'ER_PHA_F').rowsLoaded).toBe(6);
  });

  it('nets returns the same with a referential (lines then carry its row, not the CIP13)', async () => {
    const cols = 'person_id, date, product_code, packs, source_row';
    const without = await load({ dir });
    const expected = await without.engine.rows(`SELECT ${cols} FROM dispensing WHERE product_code <> '3400930000006' ORDER BY source_row`);
    await without.engine.close();
    const res = await load({ dir, phaReferential: join(dir, 'IR_PHA_R.csv') });
    engine = res.engine;
    expect(await engine.rows(`SELECT ${cols} FROM dispensing ORDER BY source_row`)).toEqual(expected);
    expect(removedKinds(res.r, 'ER_PHA_F')['merged:dcir-return-netted']).toBe(removedKinds(without.r, 'ER_PHA_F')['merged:dcir-return-netted']);
  });

  it('without a referential, atc_code stays null and no code is unknown', async () => {
    const res = await load({ dir });
    engine = res.engine;
    expect(removedOf(res.r, 'ER_PHA_F')['unknown-product-code']).toBeUndefined();
    expect(await engine.scalar(`SELECT count(*) FROM dispensing WHERE atc_code IS NOT NULL`)).toBe(0);
  });
});

describe('Parquet input', () => {
  it('gives the same accounts from Parquet files, typed or all text', async () => {
    const csv = await load({ dir });
    const expected = csv.r.accounts;
    for (const typed of [false, true]) {
      const tmp = copyFixture('dcir');
      for (const t of ['IR_BEN_R', 'ER_PRS_F', 'ER_PHA_F', 'ER_ETE_F']) {
        // Typed: DuckDB's own type detection (integers, dates); all text otherwise.
        await csv.engine.run(
          `COPY (SELECT * FROM read_csv('${join(tmp, `${t}.csv`)}', delim=';', header=true${typed ? '' : ', all_varchar=true'})) TO '${join(tmp, `${t}.parquet`)}' (FORMAT parquet)`,
        );
      }
      const files = Object.fromEntries(['IR_BEN_R', 'ER_PRS_F', 'ER_PHA_F'].map((t) => [t, join(tmp, `${t}.parquet`)]));
      const res = await load({ files });
      await expectConsistent(res.engine, res.r);
      expect(res.r.accounts.map((a) => ({ ...a, files: [] }))).toEqual(expected.map((a) => ({ ...a, files: [] })));
      await res.engine.close();
    }
    await csv.engine.close();
  });
});
