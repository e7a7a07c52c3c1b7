import { describe, it, expect, inject } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDb, openPostgres, runStudyFolder, compareResults } from '../../src/index.js';
import { freshPostgresUrl } from '../helpers/engines.js';
import { sharedDir } from '../helpers/approx.js';

// The Eunomia reproduction on both engines: the same CDM subset as CSV files (DuckDB) and as tables of a
// PostgreSQL schema (a hospital warehouse) must give the same results.csv.
const pgUrl = inject('pgUrl');
if (!pgUrl && process.env.COHORTE_REQUIRE_POSTGRES) throw new Error('COHORTE_REQUIRE_POSTGRES is set but no PostgreSQL server could be started');
const eunomia = `${sharedDir}data/eunomia-gibleed`;
const tables = ['person', 'observation_period', 'drug_era', 'condition_occurrence', 'visit_occurrence', 'procedure_occurrence', 'death', 'concept_ancestor'];

describe.runIf(pgUrl)('a study on PostgreSQL', () => {
  it('reads the CDM from a schema and gives the results of the DuckDB run on the same data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eunomia-subset-'));
    const duck = await openDuckDb();
    // Persons with an id below 1200 (about a quarter), every row of theirs; the hierarchy of the study's concepts.
    for (const t of tables) {
      const src = `read_csv('${eunomia}/${t}.csv', all_varchar = true, header = true)`;
      const filter =
        t === 'concept_ancestor'
          ? `WHERE CAST(CAST(lower_cols.ancestor_concept_id AS DOUBLE) AS BIGINT) IN (1118084, 1124300, 192671)`
          : `WHERE TRY_CAST(lower_cols.person_id AS DOUBLE) < 1200`;
      const cols = (await duck.columnNames(`(SELECT * FROM ${src})`)).map((c) => `"${c}" AS ${c.toLowerCase()}`).join(', ');
      await duck.run(`COPY (SELECT * FROM (SELECT ${cols} FROM ${src}) lower_cols ${filter}) TO '${join(dir, `${t}.csv`)}' (FORMAT csv, HEADER)`);
    }
    const url = await freshPostgresUrl(pgUrl!);
    const pgEngine = await openPostgres(url);
    await pgEngine.run('CREATE SCHEMA cdm');
    for (const f of readdirSync(dir)) {
      const t = f.replace(/\.csv$/, '');
      const rows = await duck.rows<Record<string, string | null>>(`SELECT * FROM read_csv('${join(dir, f)}', all_varchar = true, header = true)`);
      const cols = await duck.columnNames(`(SELECT * FROM read_csv('${join(dir, f)}', all_varchar = true, header = true))`);
      await pgEngine.run(`CREATE TABLE cdm.${t} (${cols.map((c) => `${c} VARCHAR`).join(', ')})`);
      for (let i = 0; i < rows.length; i += 1000) {
        const values = rows
          .slice(i, i + 1000)
          .map((r) => `(${cols.map((c) => (r[c] === null ? 'NULL' : pgEngine.dialect.literal(String(r[c])))).join(', ')})`)
          .join(', ');
        await pgEngine.run(`INSERT INTO cdm.${t} VALUES ${values}`);
      }
    }
    await pgEngine.close();
    await duck.close();

    const onDuck = mkdtempSync(join(tmpdir(), 'study-duck-'));
    const onPg = mkdtempSync(join(tmpdir(), 'study-pg-'));
    const study = 'studies/eunomia-celecoxib-diclofenac';
    const a = await runStudyFolder(study, { data: dir, out: onDuck });
    const b = await runStudyFolder(study, { data: 'cdm', out: onPg, engine: 'postgres', pgUrl: url });
    expect(a.run.analysis.persons).toBeGreaterThan(300);
    expect(b.manifest.engine).toBe('postgres');
    expect(b.manifest.inputSchema).toBe('cdm');
    expect(compareResults(readFileSync(join(onDuck, 'results.csv'), 'utf8'), readFileSync(join(onPg, 'results.csv'), 'utf8'))).toEqual([]);
  }, 300_000);
});
