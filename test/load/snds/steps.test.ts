// The loader's building blocks: the key hash primitive, and the same accounts whether composite keys are joined
// through the dialect's key hash (DuckDB) or column by column (a dialect without one).
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { openDuckDb, type Engine } from '../../../src/engine/index.js';
import { loadSnds } from '../../../src/load/snds/loadSnds.js';
import { inPart, mergeRemovals, tmp, type SndsContext } from '../../../src/load/snds/steps.js';
import { expectConsistent, fixtures } from './helpers.js';

/** The same engine, seen through another dialect. */
function withDialect(engine: Engine, dialect: Engine['dialect']): Engine {
  return new Proxy(engine, { get: (t, k) => (k === 'dialect' ? dialect : (t as unknown as Record<string | symbol, unknown>)[k as string]) }) as Engine;
}

describe('keyHash', () => {
  it('is equal for equal keys, different for different ones, NULL when any part is NULL', async () => {
    const engine = await openDuckDb();
    const h = (a: string, b: string) => engine.dialect.keyHash!([a, b]);
    const row = await engine.rows<Record<string, unknown>>(
      `SELECT ${h(`'a'`, `'b'`)} = ${h(`'a'`, `'b'`)} AS same, ${h(`'a'`, `'b'`)} = ${h(`'ab'`, `''`)} AS shifted, ${h(`'a'`, 'NULL')} IS NULL AS nul`,
    );
    expect(row[0]).toEqual({ same: true, shifted: false, nul: true });
    await engine.close();
  });
});

describe('inPart', () => {
  it('drops the temp tables a part made when it ends, even when it fails, and keeps the earlier ones and those it returns', async () => {
    const engine = await openDuckDb();
    const ctx = { engine, p: '', cleaning: {}, t: 'parts', temps: [], staged: [] } as unknown as SndsContext;
    const temps = async () => (await engine.rows<{ n: string }>(`SELECT table_name AS n FROM duckdb_tables() WHERE temporary ORDER BY 1`)).map((r) => r.n);
    const make = async (name: string) => engine.run(`CREATE TEMP TABLE ${tmp(ctx, name)} AS SELECT 1 AS x`);
    await make('before');
    expect(await inPart(ctx, async () => (await make('one'), await make('two'), 7))).toBe(7);
    expect(await temps()).toEqual(['parts_before']);
    await expect(inPart(ctx, async () => (await make('three'), Promise.reject(new Error('bad row'))))).rejects.toThrow('bad row');
    expect(await temps()).toEqual(['parts_before']);
    expect(ctx.temps).toEqual(['parts_before']);
    // A table the part's result names survives it.
    const kept = await inPart(ctx, async () => (await make('scratch'), await make('result'), 'parts_result'), (r) => [r]);
    expect(await temps()).toEqual(['parts_before', kept]);
    expect(ctx.temps).toEqual(['parts_before', 'parts_result']);
    await engine.close();
  });
});

describe('composite keys without a key hash', () => {
  it.each(['dcir', 'pmsi', 'persons'])('%s fixture: same accounts and model rows as with the hash', async (name) => {
    const hashed = await openDuckDb();
    const plain = await openDuckDb();
    const a = await loadSnds(hashed, { dir: join(fixtures, name) });
    const b = await loadSnds(withDialect(plain, { ...plain.dialect, keyHash: undefined, hashBucket: undefined }), { dir: join(fixtures, name) });
    await expectConsistent(plain, b);
    expect(b.accounts).toEqual(a.accounts);
    expect(b.counts).toEqual(a.counts);
    const rows = (e: Engine) => e.rows(`SELECT * FROM dispensing ORDER BY source_row`);
    expect(await rows(plain)).toEqual(await rows(hashed));
    await hashed.close();
    await plain.close();
  });
});

describe('hash buckets', () => {
  it('every group sharing one bucket only makes candidates: the netting gives the same accounts and dispensings', async () => {
    const bucketed = await openDuckDb();
    const shared = await openDuckDb();
    const a = await loadSnds(bucketed, { dir: join(fixtures, 'dcir') });
    const b = await loadSnds(withDialect(shared, { ...shared.dialect, hashBucket: () => 'CAST(7 AS UINTEGER)' }), { dir: join(fixtures, 'dcir') });
    await expectConsistent(shared, b);
    expect(b.accounts).toEqual(a.accounts);
    const rows = (e: Engine) => e.rows(`SELECT * FROM dispensing ORDER BY source_row`);
    expect(await rows(shared)).toEqual(await rows(bucketed));
    const quarantined = (e: Engine) => e.rows(`SELECT * FROM quarantine ORDER BY source_table, source_row`);
    expect(await quarantined(shared)).toEqual(await quarantined(bucketed));
    await bucketed.close();
    await shared.close();
  });

  it('is the high 32 bits of the hash', async () => {
    const engine = await openDuckDb();
    const h = engine.dialect.keyHash!([`'a'`, `'b'`]);
    const row = await engine.rows<Record<string, unknown>>(`SELECT ${engine.dialect.hashBucket!(h)} = ${h} // 4294967296 AS high, typeof(${engine.dialect.hashBucket!(h)}) AS type`);
    expect(row[0]).toEqual({ high: true, type: 'UINTEGER' });
    await engine.close();
  });
});

describe('mergeRemovals', () => {
  it('adds up the same kind and reason across passes, in first-seen order', () => {
    expect(
      mergeRemovals(
        [{ kind: 'quarantine', reason: 'orphan-key', rows: 2 }],
        [
          { kind: 'cleaning', reason: 'dcir-surcharge', rows: 1 },
          { kind: 'quarantine', reason: 'orphan-key', rows: 3 },
        ],
      ),
    ).toEqual([
      { kind: 'quarantine', reason: 'orphan-key', rows: 5 },
      { kind: 'cleaning', reason: 'dcir-surcharge', rows: 1 },
    ]);
  });
});
