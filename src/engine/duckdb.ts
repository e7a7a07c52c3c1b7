import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { duckdbDialect } from './dialect.js';
import type { Engine, StatementProgress, TypedColumns } from './engine.js';

export interface DuckDbOptions {
  /** Database file; ':memory:' (default) keeps everything in memory and spills to a temp dir when large. */
  path?: string;
  /** DuckDB memory_limit, e.g. '4GB'. */
  memoryLimit?: string;
  threads?: number;
  /** Where DuckDB spills when over memory. */
  tempDirectory?: string;
}

function toPlain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (Array.isArray(v)) return v.map(toPlain);
  return v;
}

class DuckDbEngine implements Engine {
  readonly dialect = duckdbDialect;
  constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  async run(sql: string): Promise<void> {
    await this.conn.run(sql);
  }

  async changed(sql: string): Promise<number> {
    return (await this.conn.run(sql)).rowsChanged;
  }

  async rows<T>(sql: string): Promise<T[]> {
    const reader = await this.conn.runAndReadAll(sql);
    const names = reader.columnNames();
    return reader.getRowsJS().map((r) => {
      const o: Record<string, unknown> = {};
      names.forEach((n, j) => (o[n] = toPlain(r[j])));
      return o as T;
    });
  }

  async scalar<T>(sql: string): Promise<T | null> {
    const reader = await this.conn.runAndReadAll(sql);
    if (reader.currentRowCount === 0) return null;
    return toPlain(reader.getRowsJS()[0]![0]) as T;
  }

  async columns(sql: string): Promise<TypedColumns> {
    const reader = await this.conn.runAndReadAll(sql);
    const names = reader.columnNames();
    const cols = reader.getColumnsJS();
    const out: TypedColumns = {};
    names.forEach((name, j) => {
      // DuckDB returns no column arrays at all for an empty result.
      const values = cols[j] ?? [];
      const firstNonNull = values.find((v) => v !== null && v !== undefined);
      if (typeof firstNonNull === 'number' || typeof firstNonNull === 'bigint' || typeof firstNonNull === 'boolean' || firstNonNull === undefined) {
        const a = new Float64Array(values.length);
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          a[i] = v === null || v === undefined ? NaN : Number(v);
        }
        out[name] = a;
      } else {
        out[name] = values.map((v) => (v === null || v === undefined ? null : String(toPlain(v))));
      }
    });
    return out;
  }

  async columnNames(table: string): Promise<string[]> {
    const reader = await this.conn.runAndReadAll(`SELECT * FROM ${table} LIMIT 0`);
    return reader.columnNames();
  }

  async tableExists(table: string): Promise<boolean> {
    const n = await this.scalar<number>(
      `SELECT count(*) FROM information_schema.tables WHERE table_name = ${duckdbDialect.literal(table)}`,
    );
    return (n ?? 0) > 0;
  }

  progress(): StatementProgress | undefined {
    const p = this.conn.progress;
    if (p.percentage < 0 || p.total_rows_to_process <= 0n) return undefined;
    return { rowsProcessed: Number(p.rows_processed), rowsTotal: Number(p.total_rows_to_process), fraction: Math.min(p.percentage / 100, 1) };
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/** WAL size that triggers an automatic checkpoint of an in-memory database: in effect never. */
const inMemoryCheckpointThreshold = '1TB';

/** Open the embedded DuckDB engine. */
export async function openDuckDb(options: DuckDbOptions = {}): Promise<Engine> {
  const config: Record<string, string> = {};
  if (options.memoryLimit) config['memory_limit'] = options.memoryLimit;
  if (options.threads) config['threads'] = String(options.threads);
  if (options.tempDirectory) config['temp_directory'] = options.tempDirectory;
  // Offline platform: never try to download extensions.
  config['autoinstall_known_extensions'] = 'false';
  config['autoload_known_extensions'] = 'true';
  // In memory, an automatic checkpoint only vacuums deleted rows (cohorte's steps write new tables, they do not
  // delete), yet it rewrote every in-memory table: 2–3 s stalls on small inserts once the model held GBs.
  const inMemory = !options.path || options.path === ':memory:';
  if (inMemory) config['checkpoint_threshold'] = inMemoryCheckpointThreshold;
  const instance = await DuckDBInstance.create(options.path ?? ':memory:', config);
  const conn = await instance.connect();
  // Track each statement's progress for Engine.progress (measured free), without DuckDB printing a bar itself.
  await conn.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
  return new DuckDbEngine(instance, conn);
}
