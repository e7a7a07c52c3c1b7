import { inject } from 'vitest';
import pg from 'pg';
import { openDuckDb, openPostgres, type Engine } from '../../src/engine/index.js';

/** The engines the engine-agnostic tests run on: DuckDB always, PostgreSQL when a server is available. */
export interface TestEngine {
  name: 'duckdb' | 'postgres';
  open(): Promise<Engine>;
}

let dbCounter = 0;

/** A fresh PostgreSQL database, so test files running in parallel never share tables; returns its URL. */
export async function freshPostgresUrl(url: string): Promise<string> {
  const db = `cohorte_t${process.pid}_${++dbCounter}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function freshPostgres(url: string): Promise<Engine> {
  return openPostgres(await freshPostgresUrl(url));
}

export function testEngines(): TestEngine[] {
  const url = inject('pgUrl');
  if (!url && process.env.COHORTE_REQUIRE_POSTGRES) {
    throw new Error('COHORTE_REQUIRE_POSTGRES is set but no PostgreSQL server could be started (is the Debian package postgresql installed?)');
  }
  const engines: TestEngine[] = [{ name: 'duckdb', open: () => openDuckDb() }];
  if (url) engines.push({ name: 'postgres', open: () => freshPostgres(url) });
  else console.warn('PostgreSQL not found: engine-agnostic tests run on DuckDB only (install the Debian package postgresql to run them on both).');
  return engines;
}
