// The shared synthetic SNDS extract (/work/shared/data/snds-synthetic: 50 beneficiaries, random values, tables named
// literally T_MCOaaB…). Random values mean most rows are cleaned or quarantined: the point is that every row is
// accounted for, for the right reason.
//
// Expected counts were derived independently of the loader's SQL, with a plain Python re-implementation of the
// documented rules (csv module, first matching rule wins, dates parsed by regex: dd/mm/yyyy, ddmmyyyy, ISO,
// ddMONyyyy[:hh:mm:ss]), run for each cleaning configuration below; the simplest ones are re-checked here with
// one-line SQL on the raw files. Facts of the extract that drive the counts:
// - all 50 IR_BEN_R rows have a distinct BEN_IDT_ANO and a BEN_DCD_DTE, 39 of them before the birth year;
// - 20 of the 50 KI_CCI_R certificates are dated before the person's birth year; 9 of the 30 others belong to
//   persons whose IR_BEN_R date is valid (merged), so 2 valid IR_BEN_R dates have no certificate;
// - ER_PRS_F: every line has its ER_PHA_F line; 219 of 238 have BEN_CDI_NIR <> '00'; CPL_MAJ_TOP is 'True'/'False'
//   (never a number >= 2); 7 have DPN_QLF = 71;
// - T_MCOaaC's linkage return codes are 'True'/'False'/letters, never all '0': every stay fails pmsi-linkage-codes
//   unless SEJ_TYP = 'B' came first (5 stays); no GHM starts with '90', no FINESS is an AP-HP/AP-HM/HCL site, no
//   NIR_ANO_17 is a dummy; one D and one A row per stay;
// - IR_IMB_R's 10 persons are not in IR_BEN_R.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDb, type Engine } from '../../../src/engine/index.js';
import type { LoadResult } from '../../../src/load/result.js';
import { accountOf, expectConsistent, load, removedKinds, synthetic } from './helpers.js';

const tables = join(synthetic, 'tables');
const deaths = {
  KI_CCI_R: { read: 50, loaded: 30, removed: { 'quarantine:date-outside-life': 20 } },
  'IR_BEN_R.BEN_DCD_DTE': { read: 50, loaded: 2, removed: { 'quarantine:date-outside-life': 39, 'merged:death-merged-with-cause': 9 } },
};

describe('synthetic extract, default cleaning', () => {
  let engine: Engine;
  let r: LoadResult;
  beforeAll(async () => {
    ({ engine, r } = await load({ dir: tables, schema: 'snds' }));
  });
  afterAll(async () => engine.close());

  it('balances every account and matches the quarantine and model tables', async () => {
    await expectConsistent(engine, r);
    expect(r.accounts.map((a) => a.source)).toEqual([
      'IR_BEN_R', 'KI_CCI_R', 'IR_BEN_R.BEN_DCD_DTE', 'ER_PRS_F', 'ER_PHA_F', 'T_MCOaaB', 'T_MCOaaC', 'T_MCOaaD', 'T_MCOaaA', 'IR_IMB_R',
    ]);
  });

  it('counts each reason as derived independently', () => {
    expect(accountOf(r, 'IR_BEN_R')).toMatchObject({ rowsRead: 50, rowsLoaded: 50, removed: [] });
    for (const [source, e] of Object.entries(deaths)) {
      expect(accountOf(r, source)).toMatchObject({ rowsRead: e.read, rowsLoaded: e.loaded });
      expect(removedKinds(r, source)).toEqual(e.removed);
    }
    for (const t of ['ER_PRS_F', 'ER_PHA_F']) {
      expect(accountOf(r, t)).toMatchObject({ rowsRead: 238, rowsLoaded: 9 });
      expect(removedKinds(r, t)).toEqual({ 'cleaning:dcir-invalid-nir': 219, 'quarantine:date-outside-life': 10 });
    }
    for (const t of ['T_MCOaaB', 'T_MCOaaC', 'T_MCOaaD', 'T_MCOaaA']) {
      expect(accountOf(r, t)).toMatchObject({ rowsRead: 251, rowsLoaded: 0 });
      expect(removedKinds(r, t)).toEqual({ 'cleaning:pmsi-inter-establishment': 5, 'cleaning:pmsi-linkage-codes': 246 });
    }
    expect(accountOf(r, 'IR_IMB_R')).toMatchObject({ rowsRead: 10, rowsLoaded: 0 });
    expect(removedKinds(r, 'IR_IMB_R')).toEqual({ 'quarantine:orphan-key': 10 });
    expect(r.counts).toMatchObject({ person: 50, dispensing: 9, hospital_stay: 0, death: 32, long_term_registration: 0 });
  });

  it('agrees with one-line SQL counts on the raw files', async () => {
    const raw = await openDuckDb();
    const csv = (t: string, delim = ';') => `read_csv('${join(tables, `${t}.csv`)}', delim='${delim}', header=true, all_varchar=true)`;
    expect(await raw.scalar(`SELECT count(*) FROM ${csv('ER_PRS_F')} WHERE BEN_CDI_NIR <> '00'`)).toBe(219);
    expect(await raw.scalar(`SELECT count(*) FROM ${csv('T_MCOaaB')} WHERE SEJ_TYP = 'B'`)).toBe(5);
    expect(await raw.scalar(`SELECT count(*) FROM ${csv('T_MCOaaC')} WHERE NIR_RET = '0' AND NAI_RET = '0' AND SEX_RET = '0' AND SEJ_RET = '0' AND FHO_RET = '0' AND PMS_RET = '0' AND DAT_RET = '0'`)).toBe(0);
    expect(await raw.scalar(`SELECT count(*) FROM ${csv('IR_IMB_R', ',')} i WHERE NOT EXISTS (SELECT 1 FROM ${csv('IR_BEN_R')} b WHERE b.BEN_NIR_PSA = i.BEN_NIR_PSA)`)).toBe(10);
    await raw.close();
  });
});

describe('synthetic extract, cleaning rules switched off', () => {
  it('with dcir-invalid-nir and pmsi-linkage-codes off, the other rules and the netting show', async () => {
    const { engine, r } = await load({ dir: tables, cleaning: { 'dcir-invalid-nir': false, 'pmsi-linkage-codes': false } });
    await expectConsistent(engine, r);
    expect(accountOf(r, 'ER_PRS_F').rowsLoaded).toBe(81);
    expect(removedKinds(r, 'ER_PRS_F')).toEqual({ 'cleaning:dcir-information-only': 7, 'quarantine:date-outside-life': 150 });
    expect(accountOf(r, 'ER_PHA_F').rowsLoaded).toBe(64);
    expect(removedKinds(r, 'ER_PHA_F')).toEqual({
      'cleaning:dcir-information-only': 7,
      'quarantine:date-outside-life': 150,
      'quarantine:return-without-dispensing': 16,
      'cleaning:dcir-zero-quantity': 1,
    });
    for (const t of ['T_MCOaaB', 'T_MCOaaC', 'T_MCOaaD', 'T_MCOaaA']) {
      expect(accountOf(r, t).rowsLoaded).toBe(78);
      expect(removedKinds(r, t)).toEqual({ 'cleaning:pmsi-inter-establishment': 5, 'quarantine:date-outside-life': 168 });
    }
    // 78 stays, each with a primary, a related and an associated diagnosis, and one procedure.
    expect(r.counts).toMatchObject({ hospital_stay: 78, diagnosis: 234, procedure: 78, dispensing: 64 });
    expect(await engine.scalar(`SELECT count(*) FROM hospital_stay WHERE stay_id LIKE 'aa:%'`)).toBe(78);
    await engine.close();
  });

  it('with every rule off, only linkage and dates remove rows', async () => {
    const off = Object.fromEntries(
      ['dcir-invalid-nir', 'dcir-information-only', 'dcir-surcharge', 'dcir-return-netting', 'pmsi-duplicate-finess', 'pmsi-error-ghm', 'pmsi-inter-establishment', 'pmsi-dummy-patient-key', 'pmsi-linkage-codes'].map((x) => [x, false]),
    );
    const { engine, r } = await load({ dir: tables, cleaning: off });
    await expectConsistent(engine, r);
    for (const t of ['ER_PRS_F', 'ER_PHA_F']) {
      expect(accountOf(r, t).rowsLoaded).toBe(84);
      expect(removedKinds(r, t)).toEqual({ 'quarantine:date-outside-life': 154 });
    }
    for (const t of ['T_MCOaaB', 'T_MCOaaC', 'T_MCOaaD', 'T_MCOaaA']) {
      expect(accountOf(r, t).rowsLoaded).toBe(80);
      expect(removedKinds(r, t)).toEqual({ 'quarantine:date-outside-life': 171 });
    }
    await engine.close();
  });
});

describe('dates of the synthetic extract', () => {
  it('parseDate reads every value of every date column the official schemas declare', async () => {
    const engine = await openDuckDb();
    const d = engine.dialect;
    let checked = 0;
    for (const f of readdirSync(join(synthetic, 'schemas'))) {
      const table = f.replace(/\.json$/, '');
      if (!readdirSync(tables).includes(`${table}.csv`)) continue;
      const schema = JSON.parse(readFileSync(join(synthetic, 'schemas', f), 'utf8')) as { fields: Array<{ name: string; type: string; format?: string }> };
      const src = `read_csv('${join(tables, `${table}.csv`)}', delim='${table === 'IR_IMB_R' ? ',' : ';'}', header=true, all_varchar=true)`;
      const cols = await engine.columnNames(src);
      // Month-only fields ('%m', e.g. BEN_NAI_MOI) are not dates.
      for (const field of schema.fields.filter((x) => (x.type === 'date' || x.type === 'datetime') && x.format !== '%m' && cols.includes(x.name))) {
        const bad = await engine.scalar<number>(`SELECT count(*) FROM ${src} WHERE ${d.ident(field.name)} IS NOT NULL AND ${d.parseDate(d.ident(field.name))} IS NULL`);
        expect(bad, `${table}.${field.name}`).toBe(0);
        checked++;
      }
    }
    // ER_PRS_F 8, ER_PHA_F 2, IR_BEN_R 5, IR_IMB_R 4, KI_CCI_R 1, T_MCOaaC 4.
    expect(checked).toBe(24);
    await engine.close();
  });
});
