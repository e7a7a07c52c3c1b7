import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDb, type Engine } from '../../../src/engine/index.js';
import { isBalanced } from '../../../src/model/index.js';
import { loadOmop } from '../../../src/load/omop/loadOmop.js';
import type { LoadResult } from '../../../src/load/result.js';

// The same hand-made CDM read from CSV, from Parquet (typed columns, written here with DuckDB COPY) and from a
// DuckDB database file (typed tables, created here): the model must come out identical.
const fixtures = fileURLToPath(new URL('../../fixtures/omop/', import.meta.url));
const tables = readdirSync(fixtures)
  .filter((f) => f.endsWith('.csv'))
  .map((f) => f.replace(/\.csv$/, ''));
const modelTables = ['person', 'death', 'observation_period', 'hospital_stay', 'dispensing', 'diagnosis', 'procedure'];

async function dumpModel(engine: Engine, schema: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of modelTables) out[t] = await engine.rows(`SELECT * FROM ${schema}.${t} ORDER BY source_table, source_row`);
  out['concept_ancestor'] = await engine.rows(`SELECT * FROM ${schema}.concept_ancestor ORDER BY 1, 2`);
  out['quarantine'] = await engine.rows(`SELECT source_table, source_row, kind, reason, detail FROM ${schema}.quarantine ORDER BY source_table, source_row`);
  return out;
}

const counts = (r: LoadResult) => r.accounts.map((a) => [a.source, a.rowsRead, a.rowsLoaded, a.removed]);

describe('loadOmop inputs: CSV, Parquet and a DuckDB database file', () => {
  let engine: Engine;
  let csv: LoadResult;
  let expected: Record<string, unknown[]>;
  const dir = mkdtempSync(join(tmpdir(), 'cohorte-omop-inputs-'));

  beforeAll(async () => {
    engine = await openDuckDb();
    csv = await loadOmop(engine, { dir: fixtures, schema: 'from_csv' });
    expected = await dumpModel(engine, 'from_csv');
  });
  afterAll(async () => engine.close());

  it('reads Parquet files with typed columns (floats, integers, dates) the same as CSV', async () => {
    const pq = join(dir, 'parquet');
    mkdirSync(pq);
    for (const t of tables) {
      // DuckDB's own type detection: ids become BIGINT or DOUBLE, clean date columns DATE.
      await engine.run(`COPY (SELECT * FROM read_csv('${join(fixtures, t + '.csv')}', header = true)) TO '${join(pq, t + '.parquet')}' (FORMAT parquet)`);
    }
    const types = await engine.rows<{ column_name: string; column_type: string }>(
      `DESCRIBE SELECT * FROM read_parquet('${join(pq, 'drug_exposure.parquet')}')`,
    );
    expect(types.find((c) => c.column_name === 'person_id')!.column_type).toBe('DOUBLE');
    const r = await loadOmop(engine, { dir: pq, schema: 'from_parquet' });
    expect(counts(r)).toEqual(counts(csv));
    expect(await dumpModel(engine, 'from_parquet')).toEqual(expected);
    expect((r.settings['sources'] as Record<string, string>)['person']).toBe(join(pq, 'person.parquet'));
  });

  it('reads ids typed as BIGINT (persons joined on integers, concept ids tested as integers) the same as CSV', async () => {
    const pq = join(dir, 'parquet-bigint');
    mkdirSync(pq);
    for (const t of tables) {
      const src = `read_csv('${join(fixtures, t + '.csv')}', header = true)`;
      const ids: string[] = [];
      for (const { column_name: c } of await engine.rows<{ column_name: string }>(`DESCRIBE SELECT * FROM ${src}`)) {
        // Id columns whose every value is a number (the fixture also holds unreadable ids, left as they are).
        if (/_id$/i.test(c) && Number(await engine.scalar(`SELECT count(*) FROM ${src} WHERE ${c} IS NOT NULL AND TRY_CAST(${c} AS DOUBLE) IS NULL`)) === 0) ids.push(c);
      }
      const select = ids.length ? `SELECT * REPLACE (${ids.map((c) => `CAST(CAST(${c} AS DOUBLE) AS BIGINT) AS ${c}`).join(', ')}) FROM ${src}` : `SELECT * FROM ${src}`;
      await engine.run(`COPY (${select}) TO '${join(pq, t + '.parquet')}' (FORMAT parquet)`);
    }
    const types = await engine.rows<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM read_parquet('${join(pq, 'drug_exposure.parquet')}')`);
    expect(types.find((c) => c.column_name === 'person_id')!.column_type).toBe('BIGINT');
    expect(types.find((c) => c.column_name === 'drug_concept_id')!.column_type).toBe('BIGINT');
    // The fixture's unknown concepts (0 and empty) and empty person ids are among the rows classified.
    expect(counts(csv).flatMap((a) => (a[3] as Array<{ reason: string }>).map((x) => x.reason))).toEqual(expect.arrayContaining(['unknown-concept', 'missing-key']));
    const r = await loadOmop(engine, { dir: pq, schema: 'from_bigint' });
    expect(counts(r)).toEqual(counts(csv));
    expect(await dumpModel(engine, 'from_bigint')).toEqual(expected);
  });

  it('mixes inputs: a file given per table overrides the folder', async () => {
    const pq = join(dir, 'parquet');
    const r = await loadOmop(engine, { dir: fixtures, files: { drug_exposure: join(pq, 'drug_exposure.parquet') }, schema: 'mixed' });
    expect(r.accounts.find((a) => a.source === 'drug_exposure')!.files).toEqual([join(pq, 'drug_exposure.parquet')]);
    expect(r.accounts.find((a) => a.source === 'person')!.files).toEqual([join(fixtures, 'person.csv')]);
    expect(await dumpModel(engine, 'mixed')).toEqual(expected);
  });

  it('reads an existing DuckDB database file, read-only, from a named schema', async () => {
    const file = join(dir, 'warehouse.duckdb');
    const writer = await openDuckDb({ path: file });
    await writer.run(`CREATE SCHEMA cdm`);
    for (const t of tables) {
      // Upper-case table names, as some CDM builds create them.
      const name = t === 'person' ? '"PERSON"' : t;
      await writer.run(`CREATE TABLE cdm.${name} AS SELECT * FROM read_csv('${join(fixtures, t + '.csv')}', header = true)`);
    }
    await writer.run(`CREATE TABLE main.person (x INTEGER)`); // a decoy in another schema
    await writer.close();
    const before = statSync(file).mtimeMs;

    const reader = await openDuckDb();
    try {
      const r = await loadOmop(reader, { database: file, databaseSchema: 'cdm', schema: 'from_db' });
      expect(counts(r)).toEqual(counts(csv));
      for (const a of r.accounts) expect(isBalanced(a), a.source).toBe(true);
      expect(r.accounts.find((a) => a.source === 'person')!.files).toEqual([`${file}#cdm.PERSON`]);
      expect(await dumpModel(reader, 'from_db')).toEqual(expected);
      // Detached afterwards; the file is untouched.
      expect(await reader.scalar(`SELECT count(*) FROM duckdb_databases() WHERE path = '${file}'`)).toBe(0);
    } finally {
      await reader.close();
    }
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('names the database table when a column is missing', async () => {
    const file = join(dir, 'bad.duckdb');
    const writer = await openDuckDb({ path: file });
    for (const t of tables) await writer.run(`CREATE TABLE ${t} AS SELECT * FROM read_csv('${join(fixtures, t + '.csv')}', header = true)`);
    await writer.run(`ALTER TABLE visit_occurrence DROP COLUMN visit_concept_id`);
    await writer.close();
    const reader = await openDuckDb();
    try {
      const err = await loadOmop(reader, { database: file }).catch((e) => e);
      expect(err.code).toBe('missing-column');
      expect(err.message).toContain(`${file}#main.visit_occurrence`);
      expect(err.message).toContain("'visit_concept_id'");
    } finally {
      await reader.close();
    }
  });
});
