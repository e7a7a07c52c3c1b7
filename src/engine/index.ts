export type { Engine, StatementProgress, TypedColumns } from './engine.js';
export { watchStatements, type StatementWatch } from './watchStatements.js';
export { duckdbDialect, acceptedDateFormats, type SqlDialect, type CsvReadOptions } from './dialect.js';
export { openDuckDb, type DuckDbOptions } from './duckdb.js';
export { openPostgres, postgresDialect } from './postgres.js';
export { replaceTable, replaceView } from './sql.js';
