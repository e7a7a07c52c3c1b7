// Where each OMOP table comes from (a file given by name, a file found in a folder, a table of an existing
// DuckDB database file, or a table of a schema of the engine itself, e.g. a PostgreSQL warehouse) and how it is
// staged: every column as lower-case text plus source_row.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine, SqlDialect } from '../../engine/index.js';
import { loadMessages as msg } from '../../messages/index.js';
import { stageFile, stageTable, type StagedTable } from '../stage.js';
import { omopDate } from './sql.js';
import { omopRequiredColumns, omopRowKey, omopTableDescription, type OmopTable } from './tables.js';

export interface OmopInputs {
  dir?: string;
  files?: Partial<Record<OmopTable, string>>;
  database?: string;
  databaseSchema?: string;
  cdmSchema?: string;
}

/** File extensions tried in a folder, in order of preference when several are present. */
const extensions = ['.parquet', '.csv', '.csv.gz', '.txt'];

let attachCounter = 0;

/**
 * The order giving source_row to the rows of a CDM table of the engine (it has no file row number): the
 * table's key (`omopRowKey`), ids compared as integers and dates as dates, whatever the column types; then
 * every column as text (stageTable). Key columns the table lacks are skipped.
 */
export function omopRowOrder(d: SqlDialect, table: OmopTable): (columns: string[]) => string[] {
  return (columns) =>
    omopRowKey[table]
      .filter((c) => columns.includes(c))
      .map((c) => (c.endsWith('_date') ? omopDate(d, `t.${d.ident(c)}`) : d.parseInteger(`t.${d.ident(c)}`)));
}

/** Names a CDM table by a plain SQL name when it is one, quoted otherwise (`cdm.person`, `cdm."PERSON"`). */
function sqlName(d: SqlDialect, name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : d.ident(name);
}

/** Stages OMOP tables from the inputs; remembers what it created so it can clean up. */
export class OmopSources {
  private alias: string | undefined;
  private dbTables: Map<string, string> | undefined;
  /** The CDM schema's actual name and its tables (lower-case name → actual name), when `cdmSchema` is given. */
  private cdm: { schema: string; tables: Map<string, string> } | undefined;
  private readonly created: StagedTable[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly inputs: OmopInputs,
  ) {}

  /** Attach the database file, if any, and list its tables; list the tables of the CDM schema, if any. */
  async open(): Promise<void> {
    const d = this.engine.dialect;
    const { database, cdmSchema } = this.inputs;
    if (cdmSchema) {
      const rows = await this.engine.rows<{ table_schema: string; table_name: string }>(
        `SELECT table_schema, table_name FROM information_schema.tables ` +
          `WHERE lower(table_schema) = ${d.literal(cdmSchema.toLowerCase())} AND table_catalog = current_database()`,
      );
      // The schema as named, else its only case-insensitive match (PostgreSQL folds unquoted names to lower case).
      const schemas = [...new Set(rows.map((r) => r.table_schema))];
      const schema = schemas.includes(cdmSchema) ? cdmSchema : schemas.length === 1 ? schemas[0]! : undefined;
      if (!schema) {
        if (schemas.length > 1) throw msg.omopInvalidOption('cdmSchema', cdmSchema, `one schema; several differ only by case: ${schemas.join(', ')}`);
        throw msg.omopSchemaNotFound(cdmSchema);
      }
      const tables = new Map<string, string>();
      // A lower-case table wins over an upper-case twin (`person` over `PERSON`).
      for (const r of rows) if (r.table_schema === schema && (!tables.has(r.table_name.toLowerCase()) || r.table_name === r.table_name.toLowerCase())) tables.set(r.table_name.toLowerCase(), r.table_name);
      this.cdm = { schema, tables };
    }
    if (!database) return;
    if (!d.attachReadOnly || !d.detach) throw msg.omopDatabaseUnsupported(database, d.name);
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
    if (this.cdm?.tables.has(table)) return `${this.cdm.schema}.${this.cdm.tables.get(table)}`;
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
    const d = this.engine.dialect;
    const columns = omopRequiredColumns[table];
    const given = this.inputs.files?.[table];
    let staged: StagedTable | undefined;
    if (given) staged = await stageFile(this.engine, given, table, { required: columns, caseOf: 'lower', allowEmpty: true });
    else if (this.dbTables?.has(table)) {
      // A database built from CSV exports keeps their row order: source_row = storage order, as in the file.
      const schema = this.inputs.databaseSchema ?? 'main';
      const name = this.dbTables.get(table)!;
      staged = await stageTable(this.engine, `${d.ident(this.alias!)}.${d.ident(schema)}.${d.ident(name)}`, table, {
        required: columns,
        caseOf: 'lower',
        allowEmpty: true,
        label: `${this.inputs.database}#${schema}.${name}`,
        orderBy: 'storage',
      });
    } else if (this.cdm?.tables.has(table)) {
      // A warehouse table has no row number: source_row = rank in key order (see omopRowOrder).
      const name = this.cdm.tables.get(table)!;
      staged = await stageTable(this.engine, `${d.ident(this.cdm.schema)}.${d.ident(name)}`, table, {
        required: columns,
        caseOf: 'lower',
        allowEmpty: true,
        label: `${sqlName(d, this.cdm.schema)}.${sqlName(d, name)}`,
        orderBy: omopRowOrder(d, table),
      });
    } else {
      const file = this.locate(table);
      if (file) staged = await stageFile(this.engine, file, table, { required: columns, caseOf: 'lower', allowEmpty: true });
    }
    if (!staged) {
      if (!required) return undefined;
      if (this.cdm && !this.inputs.dir) throw msg.omopMissingCdmTable(this.cdm.schema, table, omopTableDescription[table]);
      const where =
        [this.inputs.dir, this.inputs.database, this.cdm ? `schema '${this.cdm.schema}'` : undefined].filter(Boolean).join(' and ') || '(no folder or database given)';
      throw msg.missingTable(
        where,
        table,
        `${table}.csv or ${table}.parquet${this.inputs.database || this.cdm ? ` or a table ${table}` : ''}: ${omopTableDescription[table]}`,
      );
    }
    this.created.push(staged);
    return staged;
  }

  /** Drop the staging views and tables and detach the database. */
  async close(): Promise<void> {
    for (const s of this.created) {
      await this.engine.run(`DROP VIEW IF EXISTS ${s.table}`);
      // stageFile copies a CSV into `<view>_raw`.
      await this.engine.run(`DROP TABLE IF EXISTS ${s.table}_raw`);
    }
    this.created.length = 0;
    const { detach } = this.engine.dialect;
    if (this.alias && detach) {
      await this.engine.run(detach(this.alias));
      this.alias = undefined;
    }
  }
}
