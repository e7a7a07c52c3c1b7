// Shared checks of the SNDS loader tests: every account balances, the quarantine table holds exactly the rows the
// accounts say were removed, and the model tables hold exactly the rows the accounts say were loaded.
import { expect } from 'vitest';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDb, type Engine } from '../../../src/engine/index.js';
import { isBalanced, type RowAccount } from '../../../src/model/index.js';
import { loadSnds, type LoadSndsOptions } from '../../../src/load/snds/loadSnds.js';
import type { LoadResult } from '../../../src/load/result.js';

export const fixtures = fileURLToPath(new URL('../../fixtures/snds', import.meta.url));
export const synthetic = '/work/shared/data/snds-synthetic';

export async function load(options: LoadSndsOptions): Promise<{ engine: Engine; r: LoadResult }> {
  const engine = await openDuckDb();
  const r = await loadSnds(engine, options);
  return { engine, r };
}

export function accountOf(r: LoadResult, source: string): RowAccount {
  const a = r.accounts.find((x) => x.source === source);
  if (!a) throw new Error(`no account for ${source}: ${r.accounts.map((x) => x.source).join(', ')}`);
  return a;
}

/** Removed rows of a source by reason (kinds checked separately where they matter). */
export function removedOf(r: LoadResult, source: string): Record<string, number> {
  return Object.fromEntries(accountOf(r, source).removed.map((x) => [x.reason, x.rows]));
}

/** Removed rows of a source by "kind:reason". */
export function removedKinds(r: LoadResult, source: string): Record<string, number> {
  return Object.fromEntries(accountOf(r, source).removed.map((x) => [`${x.kind}:${x.reason}`, x.rows]));
}

/** Model rows each account's loaded rows must match: table and source_table. */
function loadedRowsQuery(a: RowAccount, p: string): string | undefined {
  const mco = /^T_MCO(..)([ABCD])$/.exec(a.source);
  if (a.source === 'IR_BEN_R') return `SELECT count(*) FROM ${p}person WHERE source_table = 'IR_BEN_R'`;
  if (a.source === 'KI_CCI_R') return `SELECT count(*) FROM ${p}death WHERE source_table = 'KI_CCI_R'`;
  if (a.source === 'IR_BEN_R.BEN_DCD_DTE') return `SELECT count(*) FROM ${p}death WHERE source_table = 'IR_BEN_R'`;
  if (a.source === 'ER_PHA_F') return `SELECT count(*) FROM ${p}dispensing WHERE source_table = 'ER_PHA_F'`;
  if (a.source === 'IR_IMB_R') return `SELECT count(*) FROM ${p}long_term_registration`;
  if (mco && (mco[2] === 'B' || mco[2] === 'C')) return `SELECT count(*) FROM ${p}hospital_stay WHERE source_table = 'T_MCO${mco[1]}B'`;
  if (mco && mco[2] === 'D') return `SELECT count(*) FROM ${p}diagnosis WHERE source_table = '${a.source}'`;
  if (mco && mco[2] === 'A') return `SELECT count(*) FROM ${p}procedure WHERE source_table = '${a.source}'`;
  return undefined; // ER_PRS_F: prestation lines, not model rows
}

export async function expectConsistent(engine: Engine, r: LoadResult): Promise<void> {
  const p = r.schema ? `${r.schema}.` : '';
  for (const a of r.accounts) {
    expect(isBalanced(a), `${a.source} balances`).toBe(true);
    const q = await engine.rows<{ kind: string; reason: string; n: number }>(
      `SELECT kind, reason, count(*) AS n FROM ${p}quarantine WHERE source_table = '${a.source}' GROUP BY kind, reason`,
    );
    const inTable = Object.fromEntries(q.map((x) => [`${x.kind}:${x.reason}`, Number(x.n)]));
    expect(inTable, `${a.source} quarantine rows`).toEqual(Object.fromEntries(a.removed.map((x) => [`${x.kind}:${x.reason}`, x.rows])));
    const loaded = loadedRowsQuery(a, p);
    if (loaded) expect(Number(await engine.scalar(loaded)), `${a.source} loaded rows in the model`).toBe(a.rowsLoaded);
  }
  const total = r.accounts.reduce((s, a) => s + a.removed.reduce((t, x) => t + x.rows, 0), 0);
  expect(r.counts.quarantine).toBe(total);
}

/** A copy of a fixture folder in a temp dir, to alter files. */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cohorte-snds-${name}-`));
  cpSync(join(fixtures, name), dir, { recursive: true });
  return dir;
}
