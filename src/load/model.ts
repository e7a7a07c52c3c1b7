import type { Engine } from '../engine/index.js';
import { createTableSql, modelTables, type ModelTableName } from '../model/index.js';

/** `schema.` for a schema name, '' for the default schema. */
export function schemaPrefix(schema?: string): string {
  return schema ? `${schema}.` : '';
}

/** Create every model table (empty) in `schema` (default: the engine's default schema), if not there yet. */
export async function createModelTables(engine: Engine, schema?: string): Promise<void> {
  if (schema) await engine.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  for (const t of Object.keys(modelTables) as ModelTableName[]) await engine.run(createTableSql(t, schemaPrefix(schema)));
}

/** Row count of every model table in a schema. */
export async function countModelTables(engine: Engine, schema?: string): Promise<Record<ModelTableName, number>> {
  const p = schemaPrefix(schema);
  const names = Object.keys(modelTables) as ModelTableName[];
  const row = (await engine.rows<Record<string, number>>(`SELECT ${names.map((t) => `(SELECT count(*) FROM ${p}${t}) AS ${t}`).join(', ')}`))[0]!;
  return Object.fromEntries(names.map((t) => [t, Number(row[t])])) as Record<ModelTableName, number>;
}
