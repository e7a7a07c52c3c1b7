import type { SqlDialect } from './dialect.js';

/** Columns pulled from the engine for estimators: numbers as Float64Array (NULL → NaN), text as string arrays. */
export type TypedColumns = Record<string, Float64Array | Array<string | null>>;

/** A SQL engine holding the model. DuckDB is the embedded default; PostgreSQL comes as a second adapter. */
export interface Engine {
  readonly dialect: SqlDialect;
  /** Run one or more statements, discarding results. */
  run(sql: string): Promise<void>;
  /** Run one INSERT, UPDATE or DELETE; the number of rows it changed (no count query after a big insert). */
  changed(sql: string): Promise<number>;
  /** Small results as plain JSON objects: dates as ISO strings, big integers as numbers. */
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** The first column of the first row, or null. */
  scalar<T = unknown>(sql: string): Promise<T | null>;
  /** A result as typed columns, for estimators. Cast dates to day numbers in SQL first. */
  columns(sql: string): Promise<TypedColumns>;
  /** Column names of a table or view. */
  columnNames(table: string): Promise<string[]>;
  tableExists(table: string): Promise<boolean>;
  /**
   * How far the statement running now has got, when the engine can tell (DuckDB; not PostgreSQL): rows its scans
   * have processed, of an estimated total. Undefined when nothing runs or the engine cannot tell.
   */
  progress?(): StatementProgress | undefined;
  close(): Promise<void>;
}

export interface StatementProgress {
  rowsProcessed: number;
  rowsTotal: number;
  /** 0 to 1. */
  fraction: number;
}
