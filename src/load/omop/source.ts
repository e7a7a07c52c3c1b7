// Where each OMOP table comes from (a file given by name, a file found in a folder, or a table of an
// existing DuckDB database file) and how it is staged: every column as lower-case text plus source_row.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../engine/index.js';
import { loadMessages as msg } from '../../messages/index.js';
import { stageFile, type StagedTable } from '../stage.js';
import { omopRequiredColumns, omopTableDescription, type OmopTable } from './tables.js';

export interface OmopInputs {
  dir?: string;
  files?: Partial<Record<OmopTable, string>>;
  database?: string;
  databaseSchema?: string;
}

/** File extensions tried in a folder, in order of preference when several are present. */
const extensions = ['.parquet', '.csv', '.csv.gz', '.txt'];

let attachCounter = 0;

/** Stages OMOP tables from the inputs; remembers what it created so it can clean up. */
export class OmopSources {
  private alias: string | undefined;
  private dbTables: Map<string, string> | undefined;
  private readonly created: StagedTable[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly inputs: OmopInputs,
  ) {}

  /** Attach the database file, if any, and list its tables. */
  async open(): Promise<void> {
    const { database } = this.inputs;
    if (!database) return;
    const d = this.engine.dialect;
    if (!d.attachReadOnly) throw msg.omopDatabaseUnsupported(database, d.name);
    if (!existsSync(database)) throw msg.fileNotFound(database, 'a DuckDB database file holding OMOP CDM tables');
    this.alias = `omop_db_${++attachCounter}`;
    try {
      await this.engine.run(d.attachReadOnly(database, this.alias));
    } catch (e) {
      this.alias = undefined;
      throw msg.omopDatabaseUnreadable(database, (e as Error).message.split('\n')[0]!);
    }
    const schema = this.inputs.databaseSchema ?? 'main';
    const rows = await this.engine.rows<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_catalog = ${d.literal(this.alias)} AND table_schema = ${d.literal(schema)}`,
    );
    this.dbTables = new Map(rows.map((r) => [r.table_name.toLowerCase(), r.table_name]));
  }

  /** A readable name for where a table comes from, or undefined when it is nowhere. */
  locate(table: OmopTable): string | undefined {
    const given = this.inputs.files?.[table];
    if (given) return given;
    if (this.dbTables?.has(table)) return `${this.inputs.database}#${this.inputs.databaseSchema ?? 'main'}.${this.dbTables.get(table)}`;
    const dir = this.inputs.dir;
    if (dir && existsSync(dir) && statSync(dir).isDirectory()) {
      const byLower = new Map(readdirSync(dir).map((f) => [f.toLowerCase(), f]));
      for (const ext of extensions) {
        const f = byLower.get(table + ext);
        if (f) return join(dir, f);
      }
    }
    return undefined;
  }

  /** Stage a table; a missing required table stops with an error naming where it was looked for. */
  async stage(table: OmopTable, required: true): Promise<StagedTable>;
  async stage(table: OmopTable, required: false): Promise<StagedTable | undefined>;
  async stage(table: OmopTable, required: boolean): Promise<StagedTable | undefined> {
    const columns = omopRequiredColumns[table];
    const given = this.inputs.files?.[table];
    let staged: StagedTable | undefined;
    if (given) staged = await stageFile(this.engine, given, table, { required: columns, caseOf: 'lower', allowEmpty: true });
    else if (this.dbTables?.has(table)) staged = await this.stageDbTable(table, this.dbTables.get(table)!, columns);
    else {
      const file = this.locate(table);
      if (file) staged = await stageFile(this.engine, file, table, { required: columns, caseOf: 'lower', allowEmpty: true });
    }
    if (!staged) {
      if (!required) return undefined;
      const where = [this.inputs.dir, this.inputs.database].filter(Boolean).join(' and ') || '(no folder or database given)';
      throw msg.missingTable(where, table, `${table}.csv or ${table}.parquet${this.inputs.database ? ` or a table ${table}` : ''}: ${omopTableDescription[table]}`);
    }
    this.created.push(staged);
    return staged;
  }

  /** A database table as a view of lower-case text columns, source_row = storage order (DuckDB rowid) + 1. */
  private async stageDbTable(table: OmopTable, name: string, required: string[]): Promise<StagedTable> {
    const d = this.engine.dialect;
    const schema = this.inputs.databaseSchema ?? 'main';
    const ref = `${d.ident(this.alias!)}.${d.ident(schema)}.${d.ident(name)}`;
    const label = `${this.inputs.database}#${schema}.${name}`;
    const raw = await this.engine.columnNames(ref);
    const present = new Set(raw.map((c) => c.toLowerCase()));
    const missing = required.filter((c) => !present.has(c));
    if (missing.length) throw msg.missingColumns(label, missing, raw);
    const view = `stage_${table}_db_${attachCounter}`;
    const select = raw.map((c) => `CAST(${d.ident(c)} AS VARCHAR) AS ${d.ident(c.toLowerCase())}`).join(', ');
    await this.engine.run(`CREATE OR REPLACE TEMP VIEW ${view} AS SELECT CAST(rowid + 1 AS BIGINT) AS source_row, ${select} FROM ${ref}`);
    const rows = Number(await this.engine.scalar<number>(`SELECT count(*) FROM ${view}`));
    return { table: view, file: label, columns: raw.map((c) => c.toLowerCase()), rows };
  }

  /** Drop the staging views and tables and detach the database. */
  async close(): Promise<void> {
    for (const s of this.created) {
      await this.engine.run(`DROP VIEW IF EXISTS ${s.table}`);
      // stageFile copies a CSV into `<view>_raw`.
      await this.engine.run(`DROP TABLE IF EXISTS ${s.table}_raw`);
    }
    this.created.length = 0;
    if (this.alias) {
      await this.engine.run(`DETACH ${this.engine.dialect.ident(this.alias)}`);
      this.alias = undefined;
    }
  }
}
