import type { Engine } from '../../src/engine/index.js';
import { createModelTables } from '../../src/load/model.js';

// Tiny hand-made model fixtures for the exposure tests, inserted straight into the model tables with
// portable SQL, so every test runs unchanged on each engine of testEngines() (DuckDB and PostgreSQL).

export interface FixturePerson {
  id: string;
  death?: string | null;
}

export interface FixtureDispensing {
  person: string;
  date: string | null;
  atc?: string | null;
  product?: string;
  packs?: number | null;
  units?: number | null;
  days?: number | null;
}

export interface Fixture {
  persons: FixturePerson[];
  /** [person, start, end] */
  periods?: Array<[string, string, string]>;
  dispensings: FixtureDispensing[];
}

const lit = (v: string | number | null | undefined) => (v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${v}'`);
const date = (v: string | null | undefined) => (v ? `DATE '${v}'` : 'NULL');

let schemaCounter = 0;

/** A fresh schema (named `name` when given, so two engines can hold the same names) holding the model tables filled with the fixture. */
export async function seed(engine: Engine, f: Fixture, name?: string): Promise<string> {
  schemaCounter += 1;
  const schema = name ?? `fx${schemaCounter}`;
  await createModelTables(engine, schema);
  if (f.persons.length) {
    await engine.run(
      `INSERT INTO ${schema}.person (person_id, death_date, source_table, source_row) VALUES ` +
        f.persons.map((p, i) => `(${lit(p.id)}, ${date(p.death)}, 'person', ${i + 1})`).join(', '),
    );
  }
  if (f.periods?.length) {
    await engine.run(
      `INSERT INTO ${schema}.observation_period (person_id, start_date, end_date, source_table, source_row) VALUES ` +
        f.periods.map(([p, s, e], i) => `(${lit(p)}, ${date(s)}, ${date(e)}, 'observation_period', ${i + 1})`).join(', '),
    );
  }
  if (f.dispensings.length) {
    await engine.run(
      `INSERT INTO ${schema}.dispensing (person_id, date, product_code, product_vocabulary, atc_code, packs, units_per_pack, days_supply, source_table, source_row) VALUES ` +
        f.dispensings
          .map(
            (x, i) =>
              `(${lit(x.person)}, ${date(x.date)}, ${lit(x.product ?? 'P' + (i + 1))}, 'CIP13', ${lit(x.atc === undefined ? 'C10AA05' : x.atc)}, ` +
              `${lit(x.packs === undefined ? 1 : x.packs)}, ${lit(x.units === undefined ? 30 : x.units)}, ${lit(x.days === undefined ? 30 : x.days)}, 'drug_exposure', ${i + 1})`,
          )
          .join(', '),
    );
  }
  return schema;
}

export { testEngines, type TestEngine } from '../helpers/engines.js';

/** Whole days from a to b (b − a), for expected values written as dates. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
}

/** ISO date of a + n days. */
export function addDays(a: string, n: number): string {
  return new Date(Date.parse(a) + n * 86_400_000).toISOString().slice(0, 10);
}
