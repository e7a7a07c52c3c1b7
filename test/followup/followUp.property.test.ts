import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import type { Engine } from '../../src/engine/index.js';
import { testEngines } from '../helpers/engines.js';
import { buildAnalysisTable } from '../../src/followup/buildAnalysisTable.js';
import type { Icd10CodeSet } from '../../src/cohort/codeSets.js';
import { freshModelSchema, insertModelRows } from '../helpers/model.js';

describe.each(testEngines())('on $name', ({ open }) => {
  const mi: Icd10CodeSet = { name: 'mi', version: '1', kind: 'icd10', codes: ['I21'] };
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
  });
  afterAll(async () => engine.close());

  const day = (n: number) => new Date(Date.UTC(2020, 0, 1) + n * 86400000).toISOString().slice(0, 10);

  // Random persons: index at day 0, observation end, optional death, outcomes and a discontinuation, in days.
  const personArb = fc.record({
    obsEnd: fc.integer({ min: 0, max: 400 }),
    death: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
    outcomes: fc.array(fc.integer({ min: -100, max: 500 }), { maxLength: 3 }),
    stop: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
  });

  describe('follow-up invariants (property)', () => {
    it('never runs past death, observation end or censoring, and the status matches the end date', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(personArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 2 }), async (persons, startOffset) => {
          const schema = await freshModelSchema(engine);
          const t = `${schema}.cohort`;
          const k = ++run;
          await insertModelRows(
            engine,
            schema,
            'diagnosis',
            persons.flatMap((p, i) => p.outcomes.map((o) => ({ person_id: `p${i}`, date: day(o), code: 'I210', vocabulary: 'ICD10', role: 'primary' }))),
          );
          const rows = persons.map((p, i) => {
            const end = p.death !== undefined ? Math.min(p.death, p.obsEnd) : p.obsEnd;
            return `('p${i}', DATE '${day(0)}', DATE '${day(end)}', ${p.death !== undefined ? `DATE '${day(p.death)}'` : 'CAST(NULL AS DATE)'}, 60, 1)`;
          });
          await engine.run(`CREATE TABLE ${t} AS SELECT * FROM (VALUES ${rows.join(', ')}) v(person_id, index_date, observation_end, death_date, age_at_index, sex)`);
          const stops = persons.flatMap((p, i) => (p.stop !== undefined ? [`('p${i}', DATE '${day(p.stop)}')`] : []));
          await engine.run(`CREATE TABLE ${schema}.stops (person_id VARCHAR, stop_date DATE)`);
          if (stops.length) await engine.run(`INSERT INTO ${schema}.stops VALUES ${stops.join(', ')}`);
          const r = await buildAnalysisTable(engine, {
            schema,
            cohort: { table: t },
            outcome: { event: { type: 'hospitalDiagnosis', codeSet: mi } },
            timeAtRisk: { startOffset, censorAt: [{ table: `${schema}.stops`, dateColumn: 'stop_date', reason: 'stop' }] },
            into: `an_prop_${k}`,
          });
          const out = await engine.rows<{ person_id: string; time: number; status: number }>(`SELECT person_id, time, status FROM ${r.table}`);
          for (const row of out) {
            const p = persons[Number(row.person_id.slice(1))]!;
            const firstOutcome = Math.min(...p.outcomes.filter((o) => o >= startOffset), Infinity);
            const end = Math.min(p.obsEnd, p.death ?? Infinity, p.stop ?? Infinity, firstOutcome);
            expect(row.time).toBe(end);
            expect(row.time).toBeGreaterThanOrEqual(startOffset);
            expect(row.status).toBe(firstOutcome === end ? 1 : p.death === end ? 2 : 0);
          }
          // Entries with no day at risk are the only ones dropped.
          const dropped = persons.filter((p) => Math.min(p.obsEnd, p.death ?? Infinity, p.stop ?? Infinity) < startOffset).length;
          expect(out.length).toBe(persons.length - dropped);
        }),
        { numRuns: 40 },
      );
    });
  });
});
