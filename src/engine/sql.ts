import type { Engine } from './engine.js';

/** (Re)create a table from a query, portably (no CREATE OR REPLACE, which PostgreSQL lacks for tables). */
export async function replaceTable(engine: Engine, name: string, select: string, options: { temp?: boolean } = {}): Promise<void> {
  await engine.run(`DROP TABLE IF EXISTS ${name}`);
  await engine.run(`CREATE ${options.temp === false ? '' : 'TEMP '}TABLE ${name} AS ${select}`);
}

/** (Re)create a temp view, portably (PostgreSQL's CREATE OR REPLACE VIEW refuses a changed column list). */
export async function replaceView(engine: Engine, name: string, select: string): Promise<void> {
  await engine.run(`DROP VIEW IF EXISTS ${name}`);
  await engine.run(`CREATE TEMP VIEW ${name} AS ${select}`);
}
