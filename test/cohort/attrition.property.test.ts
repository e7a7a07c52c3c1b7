import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { openDuckDb, type Engine } from '../../src/engine/index.js';
import { buildCohort } from '../../src/cohort/buildCohort.js';
import type { AtcCodeSet } from '../../src/cohort/codeSets.js';
import { freshModelSchema, insertModelRows } from '../helpers/model.js';

const drug: AtcCodeSet = { name: 'drug', version: '1', kind: 'atc', codes: ['N02'] };
const day = (n: number) => new Date(Date.UTC(2018, 0, 1) + n * 86400000).toISOString().slice(0, 10);

let engine: Engine;
beforeAll(async () => {
  engine = await openDuckDb();
});
afterAll(async () => engine.close());

// Random persons with random observation, death and dispensing days; random cohort settings.
const personArb = fc.record({
  obsStart: fc.integer({ min: 0, max: 600 }),
  obsLength: fc.integer({ min: 0, max: 1200 }),
  death: fc.option(fc.integer({ min: 0, max: 1800 }), { nil: undefined }),
  birthYear: fc.integer({ min: 1920, max: 2010 }),
  dispensings: fc.array(fc.integer({ min: 0, max: 1800 }), { maxLength: 5 }),
});

describe('attrition (property)', () => {
  it('is monotone, reconciles step by step, and ends with the cohort table', async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(personArb, { minLength: 1, maxLength: 8 }),
        fc.constantFrom<'first' | 'all'>('first', 'all'),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 90 }),
        async (persons, entries, washoutDays, priorObservationDays, minAge) => {
          const schema = await freshModelSchema(engine);
          await insertModelRows(engine, schema, 'person', persons.map((p, i) => ({ person_id: `p${i}`, birth_year: p.birthYear, sex: 1, death_date: p.death === undefined ? null : day(p.death) })));
          await insertModelRows(engine, schema, 'observation_period', persons.map((p, i) => ({ person_id: `p${i}`, start_date: day(p.obsStart), end_date: day(p.obsStart + p.obsLength) })));
          await insertModelRows(
            engine,
            schema,
            'dispensing',
            persons.flatMap((p, i) => p.dispensings.map((d) => ({ person_id: `p${i}`, date: day(d), product_code: 'x', product_vocabulary: 'CIP13', atc_code: 'N02BE01' }))),
          );
          const c = await buildCohort(engine, { name: `prop${++k}`, entry: { type: 'dispensing', codeSet: drug }, entries, washoutDays, priorObservationDays, criteria: [{ type: 'age', min: minAge }] }, { schema });
          const a = c.attrition;
          expect(a[0]!.persons).toBe(persons.length);
          for (let i = 2; i < a.length; i++) {
            expect(a[i]!.records).toBeLessThanOrEqual(a[i - 1]!.records);
            expect(a[i]!.persons).toBeLessThanOrEqual(a[i - 1]!.persons);
            expect(a[i - 1]!.records - a[i]!.records).toBe(a[i]!.excludedRecords);
            expect(a[i - 1]!.persons - a[i]!.persons).toBe(a[i]!.excludedPersons);
          }
          const rows = await engine.rows<{ records: number; persons: number }>(`SELECT count(*) AS records, count(DISTINCT person_id) AS persons FROM ${c.table}`);
          expect(rows[0]).toEqual({ records: c.records, persons: c.persons });
          // Every entry lies inside observation, before death, with the required history.
          const bad = await engine.scalar<number>(
            `SELECT count(*) FROM ${c.table} WHERE index_date < observation_start OR index_date > observation_end OR (index_date - observation_start) < ${priorObservationDays}`,
          );
          expect(bad).toBe(0);
        },
      ),
      { numRuns: 30 },
    );
  });
});
