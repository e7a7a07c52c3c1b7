// The SNDS layout: official columns, key integrity, and the messy rows counted in truth.json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate, type SimulationSummary } from '../../src/simulate/index.js';
import { dcirKeys, sndsColumns } from '../../src/simulate/writeSnds.js';
import type { Engine } from '../../src/engine/index.js';
import { count, openGenerated, removeDir, tempDir } from './helpers.js';

let out: string;
let summary: SimulationSummary;
let engine: Engine;

beforeAll(async () => {
  out = tempDir('sim-snds');
  summary = await simulate({ persons: 1500, seed: 5, layout: 'both', out, format: 'csv', messy: true, truthPersons: 2000 });
  engine = await openGenerated(out);
});
afterAll(async () => {
  await engine.close();
  removeDir(out);
});

const keys = dcirKeys.join(', ');

describe('SNDS layout: columns', () => {
  it('writes the official key columns and the columns loaders use, with ; delimiters', () => {
    const header = (f: string) => readFileSync(join(out, 'snds', f), 'utf8').split('\n')[0]!.split(';');
    expect(header('IR_BEN_R.csv')).toEqual(expect.arrayContaining(['BEN_NIR_PSA', 'BEN_RNG_GEM', 'BEN_IDT_ANO', 'BEN_NAI_ANN', 'BEN_NAI_MOI', 'BEN_SEX_COD', 'BEN_DCD_DTE', 'BEN_CDI_NIR', 'BEN_RES_DPT']));
    expect(header('ER_PRS_F.csv')).toEqual(expect.arrayContaining([...dcirKeys, 'BEN_NIR_PSA', 'BEN_RNG_GEM', 'EXE_SOI_DTD', 'DPN_QLF', 'CPL_MAJ_TOP', 'BEN_CDI_NIR']));
    expect(header('ER_PHA_F.csv')).toEqual(expect.arrayContaining([...dcirKeys, 'PHA_PRS_C13', 'PHA_ACT_QSN']));
    expect(header('IR_PHA_R.csv')).toEqual(expect.arrayContaining(['PHA_CIP_C13', 'PHA_ATC_C07', 'PHA_UNT_NBR_DSES']));
    expect(header('T_MCO19B.csv')).toEqual(expect.arrayContaining(['ETA_NUM', 'RSA_NUM', 'DGN_PAL', 'DGN_REL', 'GRG_GHM', 'SEJ_TYP']));
    expect(header('T_MCO19C.csv')).toEqual(expect.arrayContaining(['NIR_ANO_17', 'ETA_NUM', 'RSA_NUM', 'NIR_RET', 'NAI_RET', 'SEX_RET', 'SEJ_RET', 'FHO_RET', 'PMS_RET', 'DAT_RET', 'EXE_SOI_DTD', 'EXE_SOI_DTF']));
    expect(header('T_MCO19D.csv')).toEqual(expect.arrayContaining(['ETA_NUM', 'RSA_NUM', 'ASS_DGN']));
    expect(header('KI_CCI_R.csv')).toEqual(expect.arrayContaining(['BEN_IDT_ANO', 'BEN_DCD_DTE', 'DCD_CIM_COD']));
    expect(header('IR_IMB_R.csv')).toEqual(sndsColumns.IR_IMB_R);
  });

  it('uses the date formats of real extracts', async () => {
    // Bad dates look like dates (31/02/yyyy) but do not parse.
    expect(await count(engine, "SELECT count(*) FROM ER_PRS_F WHERE NOT regexp_full_match(EXE_SOI_DTD, '[0-3][0-9]/[01][0-9]/20[0-9]{2}')")).toBe(0);
    expect(await count(engine, "SELECT count(*) FROM ER_PRS_F WHERE EXE_SOI_DTD LIKE '31/02/%'")).toBe(summary.truth.messyRows!.badDateLines);
    expect(await count(engine, "SELECT count(*) FROM T_MCO_C WHERE NOT regexp_full_match(ENT_DAT, '[0-9]{8}')")).toBe(0);
    expect(await count(engine, "SELECT count(*) FROM IR_BEN_R WHERE BEN_DCD_DTE IS NOT NULL AND NOT regexp_full_match(BEN_DCD_DTE, '[0-9]{2}[A-Z]{3}[0-9]{4}:00:00:00')")).toBe(0);
    expect(await count(engine, "SELECT count(*) FROM IR_BEN_R WHERE NOT regexp_full_match(BEN_NAI_MOI, '(0[1-9]|1[0-2])')")).toBe(0);
    expect(await count(engine, "SELECT count(*) FROM IR_BEN_R WHERE length(BEN_RES_DPT) <> 3")).toBe(0);
  });
});

describe('SNDS layout: keys', () => {
  it('joins every ER_PHA_F row to exactly one ER_PRS_F row on the 9 DCIR keys', async () => {
    expect(await count(engine, `SELECT count(*) FROM ER_PHA_F`)).toBe(await count(engine, 'SELECT count(*) FROM ER_PRS_F'));
    const joined = `SELECT count(*) FROM (SELECT h.*, (SELECT count(*) FROM ER_PRS_F f WHERE ${dcirKeys.map((k) => `f.${k} = h.${k}`).join(' AND ')}) AS n FROM ER_PHA_F h) WHERE n <> 1`;
    expect(await count(engine, joined)).toBe(0);
    expect(await count(engine, `SELECT count(*) FROM (SELECT ${keys}, count(*) AS n FROM ER_PRS_F GROUP BY ALL HAVING count(*) > 1)`)).toBe(0);
  });

  it('links claims, stays, registrations and deaths to IR_BEN_R', async () => {
    expect(await count(engine, 'SELECT count(*) FROM (SELECT BEN_NIR_PSA, BEN_RNG_GEM FROM IR_BEN_R GROUP BY ALL HAVING count(*) > 1)')).toBe(0);
    expect(await count(engine, 'SELECT count(*) FROM ER_PRS_F f LEFT JOIN IR_BEN_R b USING (BEN_NIR_PSA, BEN_RNG_GEM) WHERE b.BEN_IDT_ANO IS NULL')).toBe(0);
    expect(await count(engine, 'SELECT count(*) FROM IR_IMB_R f LEFT JOIN IR_BEN_R b USING (BEN_NIR_PSA, BEN_RNG_GEM) WHERE b.BEN_IDT_ANO IS NULL')).toBe(0);
    expect(await count(engine, 'SELECT count(*) FROM T_MCO_C c WHERE c.NIR_ANO_17 NOT IN (SELECT BEN_NIR_PSA FROM IR_BEN_R)')).toBe(0);
    expect(await count(engine, 'SELECT count(*) FROM KI_CCI_R k WHERE k.BEN_IDT_ANO NOT IN (SELECT BEN_IDT_ANO FROM IR_BEN_R)')).toBe(0);
    expect(await count(engine, 'SELECT count(*) FROM ER_PHA_F h WHERE h.PHA_PRS_C13 NOT IN (SELECT PHA_CIP_C13 FROM IR_PHA_R)')).toBe(0);
    // Some persons have two (BEN_NIR_PSA, BEN_RNG_GEM) pairs, both used in claims.
    const twoPairs = await count(engine, 'SELECT count(*) FROM (SELECT BEN_IDT_ANO FROM IR_BEN_R GROUP BY 1 HAVING count(*) = 2)');
    expect(twoPairs).toBe(summary.truth.counts.personsWithSecondPseudonym);
    expect(twoPairs).toBeGreaterThan(0);
  });

  it('joins every T_MCO C, D and A row to its B row, one C row per B row', async () => {
    expect(await count(engine, 'SELECT count(*) FROM T_MCO_B')).toBe(await count(engine, 'SELECT count(*) FROM T_MCO_C'));
    expect(await count(engine, 'SELECT count(*) FROM (SELECT ETA_NUM, RSA_NUM FROM T_MCO_B GROUP BY ALL HAVING count(*) > 1)')).toBe(0);
    expect(await count(engine, 'SELECT count(*) FROM T_MCO_C c LEFT JOIN T_MCO_B b USING (ETA_NUM, RSA_NUM) WHERE b.DGN_PAL IS NULL')).toBe(0);
    expect(await count(engine, 'SELECT count(*) FROM T_MCO_D d LEFT JOIN T_MCO_B b USING (ETA_NUM, RSA_NUM) WHERE b.DGN_PAL IS NULL')).toBe(0);
    expect(await count(engine, 'SELECT count(*) FROM T_MCO_A a LEFT JOIN T_MCO_B b USING (ETA_NUM, RSA_NUM) WHERE b.DGN_PAL IS NULL')).toBe(0);
    // A stay is filed under its year of discharge.
    const years = await engine.rows<{ f: string; y: string }>(
      `SELECT DISTINCT substr(filename, strpos(filename, 'T_MCO') + 5, 2) AS f, substr(SOR_ANN, 3, 2) AS y FROM read_csv(${engine.dialect.literal(join(out, 'snds', 'T_MCO??B.csv'))}, delim=';', all_varchar=true, filename=true)`,
    );
    expect(years.every((r) => r.f === r.y)).toBe(true);
  });
});

describe('SNDS layout: messy rows', () => {
  it('writes each kind of messy row, counted exactly in truth.json', async () => {
    const m = summary.truth.messyRows!;
    const d = engine.dialect;
    expect(await count(engine, "SELECT count(*) FROM ER_PRS_F WHERE DPN_QLF = '71'")).toBe(m.infoLines);
    expect(await count(engine, "SELECT count(*) FROM ER_PRS_F WHERE CPL_MAJ_TOP = '2'")).toBe(m.surchargeLines);
    expect(await count(engine, 'SELECT count(*) FROM ER_PHA_F WHERE CAST(PHA_ACT_QSN AS INTEGER) < 0')).toBe(m.returns);
    expect(await count(engine, `SELECT count(*) FROM ER_PRS_F WHERE ${d.parseDate('EXE_SOI_DTD')} IS NULL`)).toBe(m.badDateLines);
    expect(await count(engine, "SELECT count(*) FROM T_MCO_B WHERE GRG_GHM = '90Z00Z'")).toBe(m.errorGhmStays);
    expect(await count(engine, "SELECT count(*) FROM T_MCO_B WHERE SEJ_TYP = 'B'")).toBe(m.interEstablishmentStays);
    expect(await count(engine, "SELECT count(*) FROM T_MCO_C WHERE NIR_RET = '1'")).toBe(m.linkageErrorStays);
    expect(await count(engine, "SELECT count(*) FROM T_MCO_C WHERE NIR_RET <> '0' OR NAI_RET <> '0' OR SEX_RET <> '0' OR SEJ_RET <> '0' OR FHO_RET <> '0' OR PMS_RET <> '0' OR DAT_RET <> '0'")).toBe(m.linkageErrorStays);
    for (const k of ['infoLines', 'surchargeLines', 'returns', 'badDateLines', 'errorGhmStays', 'interEstablishmentStays', 'linkageErrorStays'] as const) expect(m[k], k).toBeGreaterThan(0);
    // Extra rows per table on top of the clean events.
    const c = summary.truth.counts;
    expect(await count(engine, 'SELECT count(*) FROM ER_PRS_F')).toBe(c.dispensings.A + c.dispensings.B + c.dispensings.other + m.extraRows.ER_PRS_F);
    expect(await count(engine, 'SELECT count(*) FROM T_MCO_B')).toBe(c.stays.background + c.stays.outcome + c.stays.terminal + m.extraRows.T_MCO_B);
    expect(m.extraRows.ER_PRS_F).toBe(m.infoLines + m.surchargeLines + 2 * m.returns + m.badDateLines);
  });

  it('gives back the clean dispensings once the standard DCIR filters and netting are applied', async () => {
    const d = engine.dialect;
    // Drop information lines and surcharges, quarantine bad dates, net returns by person, care date and product.
    const cleaned = `
      WITH lines AS (
        SELECT k.BEN_IDT_ANO, ${d.parseDate('f.EXE_SOI_DTD')} AS day, h.PHA_PRS_C13 AS cip, CAST(h.PHA_ACT_QSN AS INTEGER) AS qty
        FROM ER_PRS_F f JOIN ER_PHA_F h USING (${keys}) JOIN ben_key k USING (BEN_NIR_PSA, BEN_RNG_GEM)
        WHERE f.DPN_QLF <> '71' AND CAST(f.CPL_MAJ_TOP AS INTEGER) < 2 AND ${d.parseDate('f.EXE_SOI_DTD')} IS NOT NULL),
      net AS (SELECT BEN_IDT_ANO, day, cip, sum(qty) AS packs FROM lines GROUP BY ALL)
      SELECT count(*) FROM net WHERE packs > 0`;
    const c = summary.truth.counts.dispensings;
    expect(await count(engine, cleaned)).toBe(c.A + c.B + c.other);
  });
});
