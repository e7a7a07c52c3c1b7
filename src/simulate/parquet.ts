// CSV → Parquet through the engine (DuckDB streams the copy, so memory does not grow with the file).
// Every column is written as text, exactly as in the CSV (leading zeros of codes are kept).

import type { Engine } from '../engine/index.js';

export async function csvToParquet(engine: Engine, csvPath: string, parquetPath: string, columns: readonly string[], delimiter: string): Promise<void> {
  const d = engine.dialect;
  const types = columns.map((c) => `${d.literal(c)}: 'VARCHAR'`).join(', ');
  const source = `read_csv(${d.literal(csvPath)}, delim=${d.literal(delimiter)}, header=true, quote='"', escape='"', columns={${types}})`;
  await engine.run(`COPY (SELECT * FROM ${source}) TO ${d.literal(parquetPath)} (FORMAT parquet)`);
}
