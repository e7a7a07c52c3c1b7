// Finding the tables of an extract, options, and wrong files: every wrong file stops with a CohorteError naming
// the file, the column (when one is at fault) and what was expected.
import { describe, it, expect } from 'vitest';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDb } from '../../../src/engine/index.js';
import { CohorteError } from '../../../src/messages/index.js';
import { findSndsFiles } from '../../../src/load/snds/files.js';
import { resolveCleaning, sndsCleaningRuleNames, sndsCleaningRules } from '../../../src/load/snds/cleaning.js';
import { loadSnds } from '../../../src/load/snds/loadSnds.js';
import { accountOf, copyFixture, expectConsistent, fixtures, load, synthetic } from './helpers.js';

async function loadError(options: Parameters<typeof loadSnds>[1]): Promise<CohorteError> {
  const engine = await openDuckDb();
  try {
    const err = await loadSnds(engine, options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CohorteError);
    return err as CohorteError;
  } finally {
    await engine.close();
  }
}

describe('findSndsFiles', () => {
  it('finds the single tables and the PMSI year sets, T_MCOaaB as year aa', () => {
    const t = join(synthetic, 'tables');
    expect(findSndsFiles(t)).toEqual({
      IR_BEN_R: join(t, 'IR_BEN_R.csv'),
      ER_PRS_F: join(t, 'ER_PRS_F.csv'),
      ER_PHA_F: join(t, 'ER_PHA_F.csv'),
      IR_IMB_R: join(t, 'IR_IMB_R.csv'),
      KI_CCI_R: join(t, 'KI_CCI_R.csv'),
      mco: [{ year: 'aa', A: join(t, 'T_MCOaaA.csv'), B: join(t, 'T_MCOaaB.csv'), C: join(t, 'T_MCOaaC.csv'), D: join(t, 'T_MCOaaD.csv') }],
    });
    const p = join(fixtures, 'pmsi');
    expect(findSndsFiles(p).mco).toEqual([
      { year: '15', A: join(p, 'T_MCO15A.csv'), B: join(p, 'T_MCO15B.csv'), C: join(p, 'T_MCO15C.csv'), D: join(p, 'T_MCO15D.csv') },
      { year: '16', B: join(p, 'T_MCO16B.csv'), C: join(p, 'T_MCO16C.csv'), D: join(p, 'T_MCO16D.csv') },
    ]);
  });

  it('compares file names case-insensitively', () => {
    const dir = copyFixture('pmsi');
    renameSync(join(dir, 'T_MCO16B.csv'), join(dir, 't_mco16b.csv'));
    expect(findSndsFiles(dir).mco?.[1]?.B).toBe(join(dir, 't_mco16b.csv'));
  });
});

describe('options', () => {
  it('resolves the cleaning switches: defaults, excludeHospitalOutpatient, explicit values', () => {
    const defaults = resolveCleaning();
    expect(sndsCleaningRuleNames.filter((r) => !defaults[r])).toEqual(['dcir-hospital-outpatient']);
    expect(resolveCleaning({}, true)['dcir-hospital-outpatient']).toBe(true);
    expect(resolveCleaning({ 'dcir-surcharge': false, 'pmsi-error-ghm': false })).toMatchObject({ 'dcir-surcharge': false, 'pmsi-error-ghm': false, 'dcir-information-only': true });
    for (const r of sndsCleaningRuleNames) expect(sndsCleaningRules[r].description.length).toBeGreaterThan(40);
  });

  it('takes explicit files, PMSI years included, and loads into a schema', async () => {
    const p = join(fixtures, 'pmsi');
    const { engine, r } = await load({
      files: { IR_BEN_R: join(p, 'IR_BEN_R.csv'), mco: [{ year: '16', B: join(p, 'T_MCO16B.csv'), C: join(p, 'T_MCO16C.csv') }] },
      schema: 'explicit',
    });
    await expectConsistent(engine, r);
    expect(r.accounts.map((a) => a.source)).toEqual(['IR_BEN_R', 'IR_BEN_R.BEN_DCD_DTE', 'T_MCO16B', 'T_MCO16C']);
    expect(r.schema).toBe('explicit');
    expect(await engine.scalar(`SELECT count(*) FROM explicit.hospital_stay`)).toBe(1);
    await engine.close();
  });

  it("reads linkage return codes exported as booleans: 'False' is clean, 'True' is not", async () => {
    const dir = copyFixture('pmsi');
    const c = join(dir, 'T_MCO16C.csv');
    const [head, row] = readFileSync(c, 'utf8').trim().split('\n');
    writeFileSync(c, `${head}\n${row!.replace(/,0,0,0,0,0,0,0$/, ',False,False,False,False,False,False,False')}\n`);
    const clean = await load({ dir });
    expect(accountOf(clean.r, 'T_MCO16C').rowsLoaded).toBe(1);
    await clean.engine.close();
    writeFileSync(c, `${head}\n${row!.replace(/,0,0,0,0,0,0,0$/, ',False,True,False,False,False,False,False')}\n`);
    const dirty = await load({ dir });
    expect(accountOf(dirty.r, 'T_MCO16C').removed).toEqual([{ kind: 'cleaning', reason: 'pmsi-linkage-codes', rows: 1 }]);
    await dirty.engine.close();
  });

  it('refuses a schema whose model tables already hold rows, so accounts stay exact', async () => {
    const engine = await openDuckDb();
    await loadSnds(engine, { dir: join(fixtures, 'persons'), schema: 'twice' });
    const err = await loadSnds(engine, { dir: join(fixtures, 'persons'), schema: 'twice' }).catch((e) => e);
    expect(err).toBeInstanceOf(CohorteError);
    expect(err.code).toBe('target-not-empty');
    await engine.close();
  });
});

describe('wrong files', () => {
  it('a missing column: names the file and the column', async () => {
    const dir = copyFixture('dcir');
    const f = join(dir, 'ER_PHA_F.csv');
    // Drop PHA_ACT_QSN (the 11th field) from every line.
    writeFileSync(f, readFileSync(f, 'utf8').split('\n').map((l) => l.split(';').filter((_, i) => i !== 10).join(';')).join('\n'));
    const err = await loadError({ dir });
    expect(err.code).toBe('missing-column');
    expect(err.message).toContain(f);
    expect(err.message).toContain("'PHA_ACT_QSN'");
    expect(err.location).toMatchObject({ file: f, column: 'PHA_ACT_QSN' });
  });

  it('a wrong delimiter leaving one column: names the file, the first missing column and the likely cause', async () => {
    const dir = copyFixture('persons');
    const f = join(dir, 'IR_BEN_R.csv');
    writeFileSync(f, readFileSync(f, 'utf8').replaceAll(';', ':'));
    const err = await loadError({ dir });
    expect(err.code).toBe('missing-column');
    expect(err.message).toContain(f);
    expect(err.message).toContain("'BEN_NIR_PSA'");
    expect(err.message).toMatch(/Only one column was found: is the delimiter wrong\?/);
  });

  it('an empty file, or a header without rows: names the file', async () => {
    for (const text of ['', 'BEN_IDT_ANO;BEN_DCD_DTE;DCD_CIM_COD\n']) {
      const dir = copyFixture('persons');
      const f = join(dir, 'KI_CCI_R.csv');
      writeFileSync(f, text);
      const err = await loadError({ dir });
      expect(err.code).toBe('empty-file');
      expect(err.message).toContain(f);
    }
  });

  it('a missing table: IR_BEN_R, or one half of a pair', async () => {
    const noBen = copyFixture('dcir');
    rmSync(join(noBen, 'IR_BEN_R.csv'));
    const e1 = await loadError({ dir: noBen });
    expect(e1.code).toBe('missing-table');
    expect(e1.message).toContain('IR_BEN_R');
    const noPha = copyFixture('dcir');
    rmSync(join(noPha, 'ER_PHA_F.csv'));
    const e2 = await loadError({ dir: noPha });
    expect(e2.code).toBe('missing-table');
    expect(e2.message).toContain('ER_PHA_F');
    const noC = copyFixture('pmsi');
    rmSync(join(noC, 'T_MCO16C.csv'));
    const e3 = await loadError({ dir: noC });
    expect(e3.code).toBe('missing-table');
    expect(e3.message).toContain('T_MCO16C');
  });

  it('two files for one table: names both', async () => {
    const dir = copyFixture('persons');
    writeFileSync(join(dir, 'KI_CCI_R.txt'), readFileSync(join(dir, 'KI_CCI_R.csv')));
    const err = await loadError({ dir });
    expect(err.code).toBe('ambiguous-table');
    expect(err.message).toContain(join(dir, 'KI_CCI_R.csv'));
    expect(err.message).toContain(join(dir, 'KI_CCI_R.txt'));
  });
});
