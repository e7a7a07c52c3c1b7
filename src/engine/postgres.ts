import pg from 'pg';
import type { Engine, TypedColumns } from './engine.js';
import type { SqlDialect } from './dialect.js';
import { CohorteError } from '../messages/index.js';

// PostgreSQL as the second engine: the same plans, run where hospital warehouses usually live.
// Big integers, numerics and dates come back as JS numbers and ISO date strings, as from DuckDB.
pg.types.setTypeParser(20, (v) => Number(v)); // int8
pg.types.setTypeParser(1700, (v) => Number(v)); // numeric
pg.types.setTypeParser(1082, (v) => v); // date: keep 'YYYY-MM-DD'

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

const noFiles = (what: string) => () => {
  throw new CohorteError(
    'engine-unsupported',
    `The PostgreSQL engine does not read ${what} files itself: load files with the DuckDB engine, or read model tables from an existing PostgreSQL schema.`,
  );
};

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  readCsv: noFiles('CSV'),
  readParquet: noFiles('Parquet'),
  // Same formats as DuckDB's: chosen by shape, then to_date; impossible dates give NULL through the regex checks.
  parseDate: (expr) => {
    const s = `btrim(${expr})`;
    return (
      `(CASE ` +
      `WHEN ${s} ~ '^[0-9]{2}/[0-9]{2}/[0-9]{4}( .*)?$' THEN pg_temp.cohorte_try_date(substr(${s}, 7, 4) || '-' || substr(${s}, 4, 2) || '-' || substr(${s}, 1, 2)) ` +
      `WHEN ${s} ~ '^(19|20)[0-9]{2}(0[1-9]|1[0-2])[0-9]{2}$' AND pg_temp.cohorte_try_date(substr(${s}, 1, 4) || '-' || substr(${s}, 5, 2) || '-' || substr(${s}, 7, 2)) IS NOT NULL ` +
      `THEN pg_temp.cohorte_try_date(substr(${s}, 1, 4) || '-' || substr(${s}, 5, 2) || '-' || substr(${s}, 7, 2)) ` +
      `WHEN ${s} ~ '^[0-9]{8}$' THEN pg_temp.cohorte_try_date(substr(${s}, 5, 4) || '-' || substr(${s}, 3, 2) || '-' || substr(${s}, 1, 2)) ` +
      `WHEN ${s} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T].*)?$' THEN pg_temp.cohorte_try_date(substr(${s}, 1, 10)) ` +
      `WHEN ${s} ~* '^[0-9]{2}[a-z]{3}[0-9]{4}(:.*)?$' THEN pg_temp.cohorte_try_date(substr(${s}, 6, 4) || '-' || ` +
      `lpad(CAST((position(upper(substr(${s}, 3, 3)) in 'JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC') + 2) / 3 AS text), 2, '0') || '-' || substr(${s}, 1, 2)) ` +
      `END)`
    );
  },
  // At most 18 digits: a longer one could overflow BIGINT, and a failed CAST would abort the whole statement.
  parseInteger: (expr) =>
    `CASE WHEN btrim(${expr}) ~ '^[+-]?0*[0-9]{1,18}(\\.0*)?$' THEN CAST(regexp_replace(btrim(${expr}), '\\.0*$', '') AS BIGINT) END`,
  parseNumber: (expr) => `pg_temp.cohorte_try_double(replace(btrim(${expr}), ',', '.'))`,
  rowToJson: (alias) => `CAST(row_to_json(${alias}) AS text)`,
  columnsToJson: (columns) => `(SELECT CAST(row_to_json(r) AS text) FROM (SELECT ${columns.map(([n, e]) => `${e} AS ${quoteIdent(n)}`).join(', ')}) AS r)`,
  daysBetween: (a, b) => `CAST((${b}) - (${a}) AS INTEGER)`,
  addDays: (date, days) => `CAST((${date}) + CAST(${days} AS INTEGER) AS DATE)`,
  ident: quoteIdent,
  literal: quoteLiteral,
};

// Safe casts that give NULL instead of an error, as DuckDB's TRY_CAST does.
const helpers = `
CREATE OR REPLACE FUNCTION pg_temp.cohorte_try_date(s text) RETURNS date AS $$
BEGIN
  IF s IS NULL OR s !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN RETURN NULL; END IF;
  -- to_date accepts impossible days (2001-02-31 → 2001-03-03): reject them by round trip.
  IF to_char(to_date(s, 'YYYY-MM-DD'), 'YYYY-MM-DD') <> s THEN RETURN NULL; END IF;
  RETURN to_date(s, 'YYYY-MM-DD');
EXCEPTION WHEN others THEN RETURN NULL;
END $$ LANGUAGE plpgsql IMMUTABLE;
CREATE OR REPLACE FUNCTION pg_temp.cohorte_try_double(s text) RETURNS double precision AS $$
BEGIN RETURN CAST(s AS double precision);
EXCEPTION WHEN others THEN RETURN NULL;
END $$ LANGUAGE plpgsql IMMUTABLE;`;

class PostgresEngine implements Engine {
  readonly dialect = postgresDialect;
  constructor(private readonly client: pg.Client) {}

  async run(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  async changed(sql: string): Promise<number> {
    return (await this.client.query(sql)).rowCount ?? 0;
  }

  async rows<T>(sql: string): Promise<T[]> {
    return (await this.client.query(sql)).rows as T[];
  }

  async scalar<T>(sql: string): Promise<T | null> {
    const r = await this.client.query({ text: sql, rowMode: 'array' });
    return r.rows.length ? ((r.rows[0] as unknown[])[0] as T) : null;
  }

  async columns(sql: string): Promise<TypedColumns> {
    const r = await this.client.query({ text: sql, rowMode: 'array' });
    const out: TypedColumns = {};
    r.fields.forEach((f, j) => {
      const values = (r.rows as unknown[][]).map((row) => row[j]);
      const first = values.find((v) => v !== null && v !== undefined);
      if (first === undefined || typeof first === 'number' || typeof first === 'boolean') {
        const a = new Float64Array(values.length);
        for (let i = 0; i < values.length; i++) a[i] = values[i] === null || values[i] === undefined ? NaN : Number(values[i]);
        out[f.name] = a;
      } else out[f.name] = values.map((v) => (v === null || v === undefined ? null : String(v)));
    });
    return out;
  }

  async columnNames(table: string): Promise<string[]> {
    const r = await this.client.query(`SELECT * FROM ${table} LIMIT 0`);
    return r.fields.map((f) => f.name);
  }

  async tableExists(table: string): Promise<boolean> {
    const n = await this.scalar<number>(`SELECT count(*) FROM information_schema.tables WHERE table_name = ${quoteLiteral(table)}`);
    return (n ?? 0) > 0;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** Connect to PostgreSQL (a connection string such as postgres://user@127.0.0.1:5432/db). */
export async function openPostgres(connectionString: string): Promise<Engine> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  // Session-local helpers (pg_temp): nothing is left behind in the database.
  await client.query(helpers);
  return new PostgresEngine(client);
}
