import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { basename } from 'node:path';
import type { Engine } from '../engine/index.js';
import { loadMessages as msg } from '../messages/index.js';

/** A raw input file staged on the engine: all columns as text, plus `source_row` (1-based data row). */
export interface StagedTable {
  /** Engine table or view holding the raw rows. */
  table: string;
  file: string;
  /** Column names as found in the file. */
  columns: string[];
  rows: number;
  /**
   * The source type of each column (by staged name) when the input is typed (Parquet), e.g. `DATE`, `BIGINT`.
   * The staged columns are text all the same; the typed value of column `c` is also in the view as
   * `typedColumn(c)`, so a reader can skip parsing what is known to be a date or an integer. Absent for CSV.
   */
  types?: Record<string, string>;
}

export interface StageOptions {
  /** Columns that must be present (compared case-insensitively). */
  required?: string[];
  /** Name the staged columns in lower case (OMOP) or upper case (SNDS), whatever the file used. */
  caseOf?: 'lower' | 'upper';
  /** Accept a CSV with a header and no data rows (e.g. an OMOP death table of a population with no deaths). */
  allowEmpty?: boolean;
}

/** Read the first line of a text file (gunzipping .gz) to sniff its delimiter and header. */
function headerLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(65536);
    const n = readSync(fd, buf, 0, buf.length, 0);
    let text: string;
    if (file.endsWith('.gz')) {
      try {
        text = gunzipSync(buf.subarray(0, n), { finishFlush: 2 }).toString('utf8');
      } catch {
        text = '';
      }
    } else text = buf.subarray(0, n).toString('utf8');
    return text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  } finally {
    closeSync(fd);
  }
}

/** The delimiter of a header line: the most frequent of ';', ',', tab and '|'. */
export function sniffDelimiter(header: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [';', ',', '\t', '|']) {
    const count = header.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

let stageCounter = 0;

/** The name, in a staged view, of the typed source value of staged column `c` (see `StagedTable.types`). */
export function typedColumn(c: string): string {
  return `__typed_${c}`;
}

/**
 * Stage a CSV or Parquet file as a table of text columns with `source_row`, checking required columns.
 * CSV is copied once into a staging table (its rowid keeps file order); Parquet is read in place.
 */
export async function stageFile(engine: Engine, file: string, name: string, options: StageOptions = {}): Promise<StagedTable> {
  if (!existsSync(file)) throw msg.fileNotFound(file, `the ${name} table as CSV or Parquet`);
  const table = `stage_${name.replace(/[^A-Za-z0-9_]/g, '_')}_${++stageCounter}`;
  const d = engine.dialect;
  let sourceExpr: string;
  let rawColumns: string[];
  let rowExpr: string;
  let sourceTypes: Record<string, string> | undefined;
  if (/\.parquet$/i.test(file)) {
    sourceExpr = d.readParquet(file);
    try {
      const described = await engine.rows<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${sourceExpr}`);
      rawColumns = described.map((c) => c.column_name).filter((c) => c !== 'file_row_number');
      sourceTypes = Object.fromEntries(described.map((c) => [c.column_name, c.column_type]));
    } catch (e) {
      throw msg.unreadableFile(file, (e as Error).message.split('\n')[0]!);
    }
    rowExpr = 'file_row_number + 1';
  } else if (/\.(csv|txt)(\.gz)?$/i.test(file)) {
    if (statSync(file).size === 0 || headerLine(file).trim() === '') throw msg.emptyFile(file);
    const delimiter = sniffDelimiter(headerLine(file));
    // Outside the try: an engine that cannot read files says so itself (not "unreadable file").
    const reader = d.readCsv(file, { delimiter });
    try {
      await engine.run(`CREATE TEMP TABLE ${table}_raw AS SELECT * FROM ${reader}`);
    } catch (e) {
      throw msg.unreadableFile(file, (e as Error).message.split('\n')[0]!);
    }
    sourceExpr = `${table}_raw`;
    rawColumns = await engine.columnNames(sourceExpr);
    rowExpr = 'rowid + 1';
  } else {
    throw msg.unsupportedFormat(file);
  }
  const rename = (c: string) => (options.caseOf === 'lower' ? c.toLowerCase() : options.caseOf === 'upper' ? c.toUpperCase() : c);
  const present = new Set(rawColumns.map((c) => c.toLowerCase()));
  const missing = (options.required ?? []).filter((c) => !present.has(c.toLowerCase()));
  if (missing.length) throw msg.missingColumns(file, missing, rawColumns);
  // Every column as text, so parsing (and its failures) is ours to account for.
  let select = rawColumns.map((c) => `CAST(${d.ident(c)} AS VARCHAR) AS ${d.ident(rename(c))}`).join(', ');
  if (sourceTypes) select += ', ' + rawColumns.map((c) => `${d.ident(c)} AS ${d.ident(typedColumn(rename(c)))}`).join(', ');
  await engine.run(`CREATE TEMP VIEW ${table} AS SELECT CAST(${rowExpr} AS BIGINT) AS source_row, ${select} FROM ${sourceExpr}`);
  const rows = Number(await engine.scalar<number>(`SELECT count(*) FROM ${table}`));
  if (rows === 0 && !/\.parquet$/i.test(file) && !options.allowEmpty) throw msg.emptyFile(file);
  const types = sourceTypes && Object.fromEntries(rawColumns.map((c) => [rename(c), sourceTypes![c]!]));
  return { table, file, columns: rawColumns.map(rename), rows, ...(types ? { types } : {}) };
}

export interface TableStageOptions extends StageOptions {
  /** How messages and `StagedTable.file` name the table, e.g. `cdm.person` (default: `qualifiedTable`). */
  label?: string;
  /**
   * What `source_row` is, since a table has no file row number:
   * - SQL expressions over the staged text columns (named as staged, see `caseOf`), or a function of the staged
   *   column names giving them: source_row is the row's rank in that order (NULLs last), ties broken by every
   *   column as text (in the engine's collation), so it is deterministic (rows tied on every column are
   *   identical anyway). Default:
   *   the required columns. E.g. `['person_id']` for a table whose primary key is person_id;
   * - 'storage': the engine's storage order (`dialect.storageRowNumber`, DuckDB rowid), for tables written once
   *   in file order, such as a DuckDB database built from CSV exports.
   */
  orderBy?: string[] | ((columns: string[]) => string[]) | 'storage';
}

/**
 * Stage a table or view already on the engine (e.g. `cdm.person` in a PostgreSQL warehouse) as a view of text
 * columns with `source_row`, checking required columns like `stageFile` (errors name the table and the column).
 * Nothing is copied: the view reads the table each time it is queried.
 */
export async function stageTable(engine: Engine, qualifiedTable: string, name: string, options: TableStageOptions = {}): Promise<StagedTable> {
  const d = engine.dialect;
  const label = options.label ?? qualifiedTable;
  let rawColumns: string[];
  try {
    rawColumns = await engine.columnNames(qualifiedTable);
  } catch (e) {
    throw msg.unreadableFile(label, (e as Error).message.split('\n')[0]!);
  }
  const rename = (c: string) => (options.caseOf === 'lower' ? c.toLowerCase() : options.caseOf === 'upper' ? c.toUpperCase() : c);
  const present = new Set(rawColumns.map((c) => c.toLowerCase()));
  const missing = (options.required ?? []).filter((c) => !present.has(c.toLowerCase()));
  if (missing.length) throw msg.missingColumns(label, missing, rawColumns);
  const columns = rawColumns.map(rename);
  const view = `stage_${name.replace(/[^A-Za-z0-9_]/g, '_')}_${++stageCounter}`;
  // Every column as text, so parsing (and its failures) is ours to account for, as for files.
  const select = rawColumns.map((c, i) => `CAST(${d.ident(c)} AS VARCHAR) AS ${d.ident(columns[i]!)}`).join(', ');
  let sql: string;
  if (options.orderBy === 'storage') {
    if (!d.storageRowNumber) throw msg.noStorageOrder(label, d.name);
    sql = `SELECT CAST(${d.storageRowNumber} AS BIGINT) AS source_row, ${select} FROM ${qualifiedTable}`;
  } else {
    const byLower = new Map(columns.map((c) => [c.toLowerCase(), c]));
    const keys =
      typeof options.orderBy === 'function'
        ? options.orderBy(columns)
        : (options.orderBy ?? (options.required ?? []).map((c) => d.ident(byLower.get(c.toLowerCase())!)));
    const order = [...keys, ...columns.map((c) => `t.${d.ident(c)}`)].map((k) => `${k} NULLS LAST`).join(', ');
    sql = `SELECT CAST(ROW_NUMBER() OVER (ORDER BY ${order}) AS BIGINT) AS source_row, t.* FROM (SELECT ${select} FROM ${qualifiedTable}) AS t`;
  }
  await engine.run(`DROP VIEW IF EXISTS ${view}`);
  await engine.run(`CREATE TEMP VIEW ${view} AS ${sql}`);
  const rows = Number(await engine.scalar<number>(`SELECT count(*) FROM ${view}`));
  if (rows === 0 && !options.allowEmpty) {
    await engine.run(`DROP VIEW ${view}`);
    throw msg.emptyTable(label);
  }
  return { table: view, file: label, columns, rows };
}

/** The table name a file stands for: `ER_PRS_F.csv` → `ER_PRS_F`. */
export function tableNameOf(file: string): string {
  return basename(file).replace(/\.(csv|txt|parquet)(\.gz)?$/i, '');
}
