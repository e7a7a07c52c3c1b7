import type { Engine } from '../../src/engine/index.js';
import { modelTables, type ModelTableName } from '../../src/model/index.js';
import { createModelTables, schemaPrefix } from '../../src/load/model.js';

/** Insert rows into a model table from plain objects; absent columns are NULL, source_row counts from 1. */
export async function insertModelRows(engine: Engine, schema: string | undefined, table: ModelTableName, rows: Array<Record<string, unknown>>): Promise<void> {
  if (!rows.length) return;
  const cols = modelTables[table];
  const values = rows.map((r, i) => {
    const withSource: Record<string, unknown> = { source_table: `fixture_${table}`, source_row: i + 1, ...r };
    return `(${cols
      .map((c) => {
        const v = withSource[c.name];
        if (v === null || v === undefined) return 'NULL';
        if (c.type === 'DATE') return `DATE '${v}'`;
        if (typeof v === 'number') return String(v);
        return engine.dialect.literal(String(v));
      })
      .join(', ')})`;
  });
  await engine.run(`INSERT INTO ${schemaPrefix(schema)}${table} (${cols.map((c) => c.name).join(', ')}) VALUES ${values.join(', ')}`);
}

/** A fresh schema holding empty model tables. */
let counter = 0;
export async function freshModelSchema(engine: Engine): Promise<string> {
  const schema = `fx${++counter}_${process.pid}`;
  await createModelTables(engine, schema);
  return schema;
}
