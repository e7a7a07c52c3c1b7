import { fixtureAccounts } from '../../fixtures/omop/accounts.js';
import { describe, it, expect, beforeAll, afterAll, inject } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openDuckDb, type Engine } from '../../../src/engine/index.js';
import { isBalanced, modelTables, type ModelTableName, type RowAccount } from '../../../src/model/index.js';
import { loadOmop } from '../../../src/load/omop/loadOmop.js';
import { stageTable } from '../../../src/load/stage.js';
import type { LoadResult } from '../../../src/load/result.js';
import { testEngines, type TestEngine } from '../../helpers/engines.js';
import { sharedDir } from '../../helpers/approx.js';

// loadOmop reading a CDM that sits in a schema of the engine's own database (option cdmSchema), as a hospital
// warehouse does in PostgreSQL. The CDM tables are created here from CSV files (read with DuckDB's read_csv,
// all columns as text, the same empty-is-NULL reading as the loader's) and written with multi-row INSERTs.
// The model must come out as from the files: same row accounts, same model rows and quarantine rows; only
// source_row differs, since a table has no file row number (rank in key order instead, derived by hand below).
const url = inject('pgUrl');
const engines = testEngines();
const postgres = engines.find((e) => e.name === 'postgres');
const fixtures = fileURLToPath(new URL('../../fixtures/omop/', import.meta.url));
const fixtureTables = readdirSync(fixtures)
  .filter((f) => f.endsWith('.csv'))
  .map((f) => f.replace(/\.csv$/, ''));
const eunomia = `${sharedDir}data/eunomia-gibleed/`;

type Cell = string | null;
interface CsvTable {
  columns: string[];
  rows: Cell[][];
}

/** A CSV (or a query over read_csv) as text rows, in file order. */
async function readCsv(duck: Engine, select: string): Promise<CsvTable> {
  const columns = await duck.columnNames(`(${select})`);
  const rows = await duck.rows<Record<string, Cell>>(select);
  return { columns, rows: rows.map((r) => columns.map((c) => r[c] ?? null)) };
}
const csvFile = (file: string) => `SELECT * FROM read_csv('${file}', header = true, all_varchar = true)`;

/** Create `schema.table` with the given column types (names quoted as given) and fill it with multi-row INSERTs. */
async function createTable(engine: Engine, schema: string, table: string, t: CsvTable, types: (column: string) => string = () => 'VARCHAR'): Promise<void> {
  const d = engine.dialect;
  const ref = `${schema}.${d.ident(table)}`;
  await engine.run(`CREATE TABLE ${ref} (${t.columns.map((c) => `${d.ident(c)} ${types(c)}`).join(', ')})`);
  for (let i = 0; i < t.rows.length; i += 500) {
    const values = t.rows.slice(i, i + 500).map((r) => `(${r.map((v) => (v === null ? 'NULL' : d.literal(v))).join(', ')})`);
    await engine.run(`INSERT INTO ${ref} VALUES ${values.join(', ')}`);
  }
}

/** Account as [read, loaded, 'kind:reason:rows'...] for compact exact comparison. */
const compact = (accounts: RowAccount[]) =>
  Object.fromEntries(accounts.map((a) => [a.source, [a.rowsRead, a.rowsLoaded, ...a.removed.map((r) => `${r.kind}:${r.reason}:${r.rows}`)]]));

const sortRows = <T>(rows: T[]) => [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));

/** Every model table (quarantine raw parsed), rows sorted; without source_row unless asked. */
async function dumpModel(engine: Engine, schema: string, withSourceRow: boolean): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of Object.keys(modelTables) as ModelTableName[]) {
    const cols = modelTables[t].map((c) => c.name).filter((c) => withSourceRow || c !== 'source_row');
    const rows = await engine.rows<Record<string, unknown>>(`SELECT ${cols.join(', ')} FROM ${schema}.${t}`);
    out[t] = sortRows(rows.map((r) => (t === 'quarantine' ? { ...r, raw: JSON.parse(String(r['raw'])) } : r)));
  }
  return out;
}


/** The hand-made fixture as text tables of `schema`: person as "PERSON" with its upper-case header, as some CDM builds do. */
async function createFixtureCdm(duck: Engine, engine: Engine, schema: string, skip: string[] = []): Promise<void> {
  await engine.run(`CREATE SCHEMA ${schema}`);
  for (const t of fixtureTables) {
    if (skip.includes(t)) continue;
    await createTable(engine, schema, t === 'person' ? 'PERSON' : t, await readCsv(duck, csvFile(`${fixtures}${t}.csv`)));
  }
}

describe.runIf(url)('loadOmop from a CDM schema of the PostgreSQL engine: the hand-made fixture', () => {
  let duck: Engine;
  let pg: Engine;
  let fromFiles: LoadResult;
  let fromPg: LoadResult;

  beforeAll(async () => {
    duck = await openDuckDb();
    fromFiles = await loadOmop(duck, { dir: fixtures, schema: 'h' });
    pg = await postgres!.open();
    await createFixtureCdm(duck, pg, 'cdm');
    fromPg = await loadOmop(pg, { cdmSchema: 'cdm', schema: 'hospital' });
  });
  afterAll(async () => {
    await duck?.close();
    await pg?.close();
  });

  it('accounts for every row exactly as the load of the files', () => {
    expect(compact(fromPg.accounts)).toEqual(fixtureAccounts);
    expect(compact(fromPg.accounts)).toEqual(compact(fromFiles.accounts));
    for (const a of fromPg.accounts) expect(isBalanced(a), a.source).toBe(true);
    const removed = fromPg.accounts.reduce((s, a) => s + a.removed.reduce((t, r) => t + r.rows, 0), 0);
    expect(fromPg.counts.quarantine).toBe(removed);
    expect(fromPg.counts).toEqual(fromFiles.counts);
    expect(fromPg.schema).toBe('hospital');
    // Tables are named schema.table (quoted when not a plain lower-case name).
    expect(fromPg.accounts.find((a) => a.source === 'person')!.files).toEqual(['cdm."PERSON"']);
    expect((fromPg.settings['sources'] as Record<string, string>)['drug_exposure']).toBe('cdm.drug_exposure');
  });

  it('writes the same model rows and quarantine rows (raw rows included); only source_row differs', async () => {
    expect(await dumpModel(pg, 'hospital', false)).toEqual(await dumpModel(duck, 'h', false));
  });

  it('numbers rows by their rank in key order: ids as integers, death by person then date, ties by every column', async () => {
    // person ids 1 (8507), 1 (8532), 2, 2 (copy), 3.0, 4, 5, 6, empty → ranks 1..9.
    expect(await pg.rows(`SELECT person_id, source_row FROM hospital.person ORDER BY person_id`)).toEqual([
      { person_id: '1', source_row: 1 },
      { person_id: '2', source_row: 3 },
      { person_id: '3', source_row: 5 },
      { person_id: '4', source_row: 6 },
      { person_id: '5', source_row: 7 },
    ]);
    // deaths of persons 1, 2, 3, 4 (20210315), 4 (2021-03-16), 9: the earlier death of person 4 is kept, as in the file.
    expect(await pg.rows(`SELECT person_id, death_date, source_row FROM hospital.death ORDER BY person_id`)).toEqual([
      { person_id: '2', death_date: '2020-06-30', source_row: 2 },
      { person_id: '4', death_date: '2021-03-15', source_row: 4 },
    ]);
    // drug_exposure ids 1.0, 1.0 (copy), 2.0, … 10.0, 11: loaded ids 1, 2, 4, 11.
    expect(await pg.rows(`SELECT source_row FROM hospital.dispensing ORDER BY source_row`)).toEqual([1, 3, 5, 12].map((source_row) => ({ source_row })));
    expect(await pg.rows(`SELECT source_table, source_row, reason FROM hospital.quarantine WHERE source_table IN ('person', 'death') ORDER BY source_table, source_row`)).toEqual([
      { source_table: 'death', source_row: 1, reason: 'date-outside-life' },
      { source_table: 'death', source_row: 3, reason: 'unparseable-date' },
      { source_table: 'death', source_row: 5, reason: 'duplicate-key' },
      { source_table: 'death', source_row: 6, reason: 'orphan-key' },
      { source_table: 'person', source_row: 2, reason: 'duplicate-key' },
      { source_table: 'person', source_row: 4, reason: 'duplicate-row' },
      { source_table: 'person', source_row: 8, reason: 'unparseable-date' },
      { source_table: 'person', source_row: 9, reason: 'missing-key' },
    ]);
    const raw = await pg.scalar<string>(`SELECT raw FROM hospital.quarantine WHERE source_table = 'person' AND source_row = 2`);
    expect(JSON.parse(raw!)).toEqual({ person_id: '1', gender_concept_id: '8532', year_of_birth: '1951', month_of_birth: null, day_of_birth: null, birth_datetime: null });
  });

  it('loads the same CDM schema on DuckDB identically, source_row included', async () => {
    await createFixtureCdm(duck, duck, 'cdm');
    const r = await loadOmop(duck, { cdmSchema: 'cdm', schema: 'hospital' });
    expect(compact(r.accounts)).toEqual(fixtureAccounts);
    expect(await dumpModel(duck, 'hospital', true)).toEqual(await dumpModel(pg, 'hospital', true));
    expect(r.accounts.find((a) => a.source === 'person')!.files).toEqual(['cdm."PERSON"']);
  });

  it('loads drug_era and condition_era from the schema as from the files', async () => {
    const era = { drug: 'drug_era', condition: 'condition_era' } as const;
    const r = await loadOmop(pg, { cdmSchema: 'cdm', schema: 'era', ...era });
    const f = await loadOmop(duck, { dir: fixtures, schema: 'era', ...era });
    expect(compact(r.accounts)).toEqual(compact(f.accounts));
    expect(compact(r.accounts.filter((a) => a.source.endsWith('_era')))).toEqual({
      drug_era: [4, 2, 'quarantine:unknown-concept:1', 'quarantine:unparseable-date:1'],
      condition_era: [3, 2, 'quarantine:end-before-start:1'],
    });
    expect(await dumpModel(pg, 'era', false)).toEqual(await dumpModel(duck, 'era', false));
  });

  it('stops on a missing table, a missing column, an unknown schema or a target that is the CDM schema, naming what is wrong', async () => {
    await createFixtureCdm(duck, pg, 'cdm_bad', ['procedure_occurrence']);
    const missing = await loadOmop(pg, { cdmSchema: 'cdm_bad', schema: 'bad1' }).catch((e) => e);
    expect(missing.code).toBe('missing-table');
    expect(missing.message).toContain("schema 'cdm_bad'");
    expect(missing.message).toContain('procedure_occurrence');
    expect(await pg.scalar(`SELECT count(*) FROM bad1.person`)).toBe(0);

    await pg.run(`CREATE TABLE cdm_bad.procedure_occurrence (procedure_occurrence_id BIGINT, person_id BIGINT, procedure_date DATE)`);
    const column = await loadOmop(pg, { cdmSchema: 'cdm_bad', schema: 'bad2' }).catch((e) => e);
    expect(column.code).toBe('missing-column');
    expect(column.message).toContain('cdm_bad.procedure_occurrence');
    expect(column.message).toContain("'procedure_concept_id'");

    await expect(loadOmop(pg, { cdmSchema: 'nowhere', schema: 'bad3' })).rejects.toMatchObject({ code: 'missing-table', message: expect.stringContaining("'nowhere'") });
    await expect(loadOmop(pg, { cdmSchema: 'cdm', schema: 'cdm' })).rejects.toMatchObject({ code: 'invalid-option' });
    // The default target schema of PostgreSQL is public.
    await pg.run(`CREATE TABLE public.person (person_id BIGINT)`);
    await expect(loadOmop(pg, { cdmSchema: 'public' })).rejects.toMatchObject({ code: 'invalid-option', message: expect.stringContaining('public') });
    await expect(loadOmop(pg, { cdmSchema: 'cdm', database: '/tmp/x.duckdb' })).rejects.toMatchObject({ code: 'invalid-option' });
    // Files cannot be read by the PostgreSQL engine itself.
    await expect(loadOmop(pg, { dir: fixtures, schema: 'bad4' })).rejects.toMatchObject({ code: 'engine-unsupported' });
  });
});

// Eunomia GiBleed (synthetic OMOP CDM v5.3.1), a subset kept small: the first 300 persons, up to 300 rows of each
// clinical table for them, the first 300 observation periods (many of persons not in the subset: orphans), the
// concept_ancestor rows under celecoxib and GI haemorrhage plus the first 200, and every concept. Typed tables as
// in a real warehouse: ids BIGINT (not the vocabulary's text ids), dates DATE, datetimes TIMESTAMP, birth year/month/day INTEGER, the rest text.
const eunomiaTypes = (c: string) => {
  const l = c.toLowerCase();
  if (l.endsWith('_id') && !['domain_id', 'vocabulary_id', 'concept_class_id'].includes(l)) return 'BIGINT';
  if (l.endsWith('_date')) return 'DATE';
  if (l.endsWith('_datetime')) return 'TIMESTAMP';
  if (/^(year|month|day)_of_birth$/.test(l)) return 'INTEGER';
  return 'VARCHAR';
};

/** Values as a typed warehouse holds them: integer ids without the '.0' of the float export, ISO timestamps. */
function typedValues(t: CsvTable): CsvTable {
  const types = t.columns.map(eunomiaTypes);
  return {
    columns: t.columns,
    rows: t.rows.map((r) =>
      r.map((v, j) => (v === null ? null : types[j] === 'BIGINT' || types[j] === 'INTEGER' ? v.replace(/\.0+$/, '') : types[j] === 'TIMESTAMP' ? v.replace('T', ' ').replace(/Z$/, '') : v)),
    ),
  };
}

describe.runIf(url && existsSync(eunomia))('loadOmop on a Eunomia subset in PostgreSQL and in DuckDB', () => {
  let duck: Engine;
  let pg: Engine;
  const subset: Record<string, CsvTable> = {};

  beforeAll(async () => {
    duck = await openDuckDb();
    const csv = (t: string) => `read_csv('${eunomia}${t}.csv', header = true, all_varchar = true)`;
    await duck.run(`CREATE TEMP TABLE persons AS SELECT CAST(PERSON_ID AS BIGINT) AS id FROM ${csv('person')} LIMIT 300`);
    const ofPersons = (t: string) => `SELECT * FROM ${csv(t)} WHERE CAST(CAST(person_id AS DOUBLE) AS BIGINT) IN (SELECT id FROM persons) LIMIT 300`;
    const selects: Record<string, string> = {
      person: `SELECT * FROM ${csv('person')} LIMIT 300`,
      observation_period: `SELECT * FROM ${csv('observation_period')} LIMIT 300`,
      visit_occurrence: ofPersons('visit_occurrence'),
      drug_exposure: ofPersons('drug_exposure'),
      drug_era: ofPersons('drug_era'),
      condition_occurrence: ofPersons('condition_occurrence'),
      condition_era: ofPersons('condition_era'),
      procedure_occurrence: ofPersons('procedure_occurrence'),
      death: `SELECT * FROM ${csv('death')}`,
      concept_ancestor:
        `SELECT * FROM (SELECT *, row_number() OVER () AS n FROM ${csv('concept_ancestor')}) ` +
        `WHERE ANCESTOR_CONCEPT_ID IN ('1118084', '192671') OR n <= 200`,
      concept: `SELECT * FROM ${csv('concept')}`,
    };
    for (const [t, sql] of Object.entries(selects)) {
      const table = await readCsv(duck, sql);
      const keep = table.columns.map((c, j) => [c, j] as const).filter(([c]) => c !== 'n');
      subset[t] = typedValues({ columns: keep.map(([c]) => c), rows: table.rows.map((r) => keep.map(([, j]) => r[j]!)) });
    }
    pg = await postgres!.open();
    for (const engine of [duck, pg]) {
      await engine.run(`CREATE SCHEMA cdm`);
      for (const [t, table] of Object.entries(subset)) await createTable(engine, 'cdm', t, table, eunomiaTypes);
    }
  }, 120_000);
  afterAll(async () => {
    await duck?.close();
    await pg?.close();
  });

  it('takes a subset of a few hundred rows per table', () => {
    expect(subset['person']!.rows.length).toBe(300);
    expect(subset['death']!.rows.length).toBe(0);
    for (const t of ['observation_period', 'drug_exposure', 'condition_occurrence']) expect(subset[t]!.rows.length, t).toBe(300);
    expect(subset['concept']!.rows.length).toBe(444);
  });

  for (const variant of [{}, { drug: 'drug_era', condition: 'condition_era' }] as const) {
    it(`loads identically on both engines${'drug' in variant ? ' (eras)' : ''}`, async () => {
      const schema = 'drug' in variant ? 'eu_era' : 'eu';
      const d = await loadOmop(duck, { cdmSchema: 'cdm', schema, ...variant });
      const p = await loadOmop(pg, { cdmSchema: 'cdm', schema, ...variant });
      expect(p.accounts).toEqual(d.accounts);
      expect(p.counts).toEqual(d.counts);
      for (const a of p.accounts) expect(isBalanced(a), a.source).toBe(true);
      expect(await dumpModel(pg, schema, true)).toEqual(await dumpModel(duck, schema, true));
      // Independent checks on the subset: every row read; persons all loaded; orphan observation periods
      // are those of persons outside the subset.
      const rowsRead = Object.fromEntries(p.accounts.map((a) => [a.source, a.rowsRead]));
      for (const [t, n] of Object.entries(rowsRead)) expect(n, t).toBe(subset[t]!.rows.length);
      const personIds = new Set(subset['person']!.rows.map((r) => r[0]));
      const op = subset['observation_period']!;
      const pid = op.columns.findIndex((c) => c.toLowerCase() === 'person_id');
      const orphans = op.rows.filter((r) => !personIds.has(r[pid]!)).length;
      expect(orphans).toBeGreaterThan(0);
      expect(p.accounts.find((a) => a.source === 'observation_period')).toMatchObject({
        rowsLoaded: 300 - orphans,
        removed: [{ kind: 'quarantine', reason: 'orphan-key', rows: orphans }],
      });
      expect(p.accounts.find((a) => a.source === 'person')).toMatchObject({ rowsLoaded: 300, removed: [] });
      expect(p.counts.dispensing + p.counts.diagnosis + p.counts.procedure).toBeGreaterThan(300);
    });
  }
});

// The shared staging of engine tables (also used by the linkage), on every engine.
describe.each(engines)('stageTable on $name', ({ open }: TestEngine) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
    await engine.run(`CREATE SCHEMA w`);
    await engine.run(`CREATE TABLE w."Links" ("ID" BIGINT, "Other" VARCHAR, "Seen" DATE)`);
    await engine.run(`INSERT INTO w."Links" VALUES (10, 'b', DATE '2020-01-02'), (9, 'a', NULL), (10, 'a', DATE '2020-01-01'), (NULL, 'z', NULL)`);
    await engine.run(`CREATE TABLE w.empty (id BIGINT)`);
  });
  afterAll(async () => engine.close());

  it('stages columns as text in lower case, numbered by rank in the key order, ties broken by every column', async () => {
    const s = await stageTable(engine, `w."Links"`, 'links', { required: ['id'], caseOf: 'lower', orderBy: ['t.id'] });
    expect(s).toMatchObject({ file: 'w."Links"', columns: ['id', 'other', 'seen'], rows: 4 });
    // Text order of ids: '10' < '9'; the two rows of id 10 by 'other'; NULL last.
    expect(await engine.rows(`SELECT * FROM ${s.table} ORDER BY source_row`)).toEqual([
      { source_row: 1, id: '10', other: 'a', seen: '2020-01-01' },
      { source_row: 2, id: '10', other: 'b', seen: '2020-01-02' },
      { source_row: 3, id: '9', other: 'a', seen: null },
      { source_row: 4, id: null, other: 'z', seen: null },
    ]);
    // The same ordered by the id as a number, as the OMOP loader does.
    const n = await stageTable(engine, `w."Links"`, 'links', { caseOf: 'lower', orderBy: (cols) => [engine.dialect.parseInteger(`t.${cols[0]}`)] });
    expect(await engine.rows(`SELECT id, other FROM ${n.table} ORDER BY source_row`)).toEqual([
      { id: '9', other: 'a' },
      { id: '10', other: 'a' },
      { id: '10', other: 'b' },
      { id: null, other: 'z' },
    ]);
  });

  it('names the table and the column when a column is missing, and refuses an empty table unless allowed', async () => {
    const err = await stageTable(engine, 'w.empty', 'e', { required: ['id', 'date'], label: 'warehouse.empty' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'missing-column', location: { file: 'warehouse.empty', column: 'date' } });
    expect(err.message).toContain("'date'");
    await expect(stageTable(engine, 'w.empty', 'e', { required: ['id'] })).rejects.toMatchObject({ code: 'empty-table' });
    expect((await stageTable(engine, 'w.empty', 'e', { required: ['id'], allowEmpty: true })).rows).toBe(0);
    await expect(stageTable(engine, 'w.nowhere', 'e')).rejects.toMatchObject({ code: 'unreadable-file' });
  });

  it('uses the storage order only where the engine has one', async () => {
    if (engine.dialect.storageRowNumber) {
      const s = await stageTable(engine, `w."Links"`, 'links', { orderBy: 'storage', caseOf: 'lower' });
      expect(await engine.rows(`SELECT source_row, id FROM ${s.table} ORDER BY source_row`)).toEqual([
        { source_row: 1, id: '10' },
        { source_row: 2, id: '9' },
        { source_row: 3, id: '10' },
        { source_row: 4, id: null },
      ]);
    } else await expect(stageTable(engine, `w."Links"`, 'links', { orderBy: 'storage' })).rejects.toMatchObject({ code: 'engine-unsupported' });
  });
});
