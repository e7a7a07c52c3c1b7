import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import type { Engine } from '../../src/engine/index.js';
import { buildExposureEpisodes } from '../../src/exposure/buildExposureEpisodes.js';
import { measureAdherence } from '../../src/exposure/adherence.js';
import { addDays, testEngines, seed } from './fixtures.js';

describe.each(testEngines())('on $name', ({ open }) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
  });
  afterAll(async () => {
    await engine.close();
  });

  const statins = { name: 'statin', atcPrefixes: ['C10AA'] };

  async function build(schema: string) {
    await buildExposureEpisodes(engine, {
      schema,
      drugs: statins,
      daysSupply: { method: 'given' },
      gracePeriod: { days: 0 },
      stockpiling: false,
      into: `${schema}.ep`,
    });
  }

  describe('measureAdherence on a hand-made fixture', () => {
    it('PDC without double counting (carry-over and union) and MPR, capped and not', async () => {
      const schema = await seed(engine, {
        persons: ['a', 'b', 'c', 'd'].map((id) => ({ id })),
        periods: ['a', 'b', 'c', 'd'].map((id): [string, string, string] => [id, '2019-01-01', '2021-12-31']),
        dispensings: [
          // a, window Jan 1 – Mar 30 2020 (90 days):
          //   Dec 20 (30 days): Dec 20 – Jan 18 → 18 days in the window (carried in);
          //   Jan 10 (30): carry-over Jan 19 – Feb 17 (30 days); union Jan 10 – Feb 8 (adds Jan 19 – Feb 8 = 21);
          //   Mar 20 (30): Mar 20 – Apr 18 → 11 days in the window.
          //   carry-over: 18 + 30 + 11 = 59; union: 18 + 21 + 11 = 50. MPR: (30 + 30) / 90.
          { person: 'a', date: '2019-12-20' },
          { person: 'a', date: '2020-01-10' },
          { person: 'a', date: '2020-03-20' },
          // b, window Jan 1 – 30 (30 days): 3 × 30 days dispensed: PDC 1, MPR 3 (capped 1).
          { person: 'b', date: '2020-01-01' },
          { person: 'b', date: '2020-01-01' },
          { person: 'b', date: '2020-01-15' },
        ],
      });
      await build(schema);
      await engine.run(`CREATE TABLE ${schema}.win AS SELECT * FROM (VALUES
        ('a', DATE '2020-01-01', DATE '2020-03-30'),
        ('b', DATE '2020-01-01', DATE '2020-01-30'),
        ('c', DATE '2020-01-01', DATE '2020-12-31'),
        ('d', DATE '2020-02-01', DATE '2020-01-31')) t(person_id, start_date, end_date)`);
      const r = await measureAdherence(engine, { episodes: `${schema}.ep`, drug: 'statin', windows: `${schema}.win`, into: `${schema}.adh` });
      const rows = await engine.rows(`SELECT person_id, window_days, covered_days, pdc, supply_days, mpr, mpr_capped FROM ${schema}.adh ORDER BY person_id`);
      expect(rows).toEqual([
        { person_id: 'a', window_days: 90, covered_days: 59, pdc: 59 / 90, supply_days: 60, mpr: 60 / 90, mpr_capped: 60 / 90 },
        { person_id: 'b', window_days: 30, covered_days: 30, pdc: 1, supply_days: 90, mpr: 3, mpr_capped: 1 },
        { person_id: 'c', window_days: 366, covered_days: 0, pdc: 0, supply_days: 0, mpr: 0, mpr_capped: 0 },
      ]);
      expect(r.counts).toEqual({ windowsRead: 4, windowsOutput: 3, excluded: [{ reason: 'end-before-start', rows: 1 }] });

      await measureAdherence(engine, { episodes: `${schema}.ep`, drug: 'statin', windows: `${schema}.win`, pdc: 'union', into: `${schema}.adhu` });
      expect(await engine.rows(`SELECT person_id, covered_days FROM ${schema}.adhu ORDER BY person_id`)).toEqual([
        { person_id: 'a', covered_days: 50 },
        { person_id: 'b', covered_days: 30 },
        { person_id: 'c', covered_days: 0 },
      ]);
    });
  });

  describe('measureAdherence against a day-by-day reference (fast-check)', () => {
    const base = '2020-01-01';
    it('covered days match stock (carry-over) and union simulations; PDC <= 1', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(fc.record({ day: fc.integer({ min: 0, max: 150 }), days: fc.integer({ min: 1, max: 40 }) }), { maxLength: 8 }), { minLength: 1, maxLength: 5 }),
          fc.integer({ min: 0, max: 120 }),
          fc.integer({ min: 0, max: 90 }),
          async (persons, ws, len) => {
            const ids = persons.map((_, i) => `p${i}`);
            const schema = await seed(engine, {
              persons: ids.map((id) => ({ id })),
              periods: ids.map((id): [string, string, string] => [id, '2019-01-01', '2021-12-31']),
              dispensings: persons.flatMap((p, i) => p.map((x) => ({ person: ids[i]!, date: addDays(base, x.day), days: x.days }))),
            });
            await build(schema);
            await engine.run(
              `CREATE TABLE ${schema}.win AS SELECT person_id, DATE '${addDays(base, ws)}' AS start_date, DATE '${addDays(base, ws + len)}' AS end_date FROM ${schema}.person`,
            );
            await measureAdherence(engine, { episodes: `${schema}.ep`, drug: 'statin', windows: `${schema}.win`, into: `${schema}.c` });
            await measureAdherence(engine, { episodes: `${schema}.ep`, drug: 'statin', windows: `${schema}.win`, pdc: 'union', into: `${schema}.u` });
            const carry = await engine.rows<{ person_id: string; covered_days: number; supply_days: number; pdc: number }>(`SELECT * FROM ${schema}.c`);
            const union = await engine.rows<{ person_id: string; covered_days: number }>(`SELECT * FROM ${schema}.u`);
            for (const [i, p] of persons.entries()) {
              // Stock simulation: each day, add what is dispensed, then use one day if any is left.
              let stock = 0;
              let coveredCarry = 0;
              const unionDays = new Set<number>();
              for (let t = 0; t <= ws + len; t++) {
                for (const x of p) if (x.day === t) stock += x.days;
                if (stock > 0) {
                  stock--;
                  if (t >= ws) coveredCarry++;
                }
              }
              for (const x of p) for (let t = x.day; t < x.day + x.days; t++) if (t >= ws && t <= ws + len) unionDays.add(t);
              const supply = p.filter((x) => x.day >= ws && x.day <= ws + len).reduce((s, x) => s + x.days, 0);
              const c = carry.find((r) => r.person_id === ids[i])!;
              expect(c.covered_days).toBe(coveredCarry);
              expect(c.supply_days).toBe(supply);
              expect(c.pdc).toBeLessThanOrEqual(1);
              expect(union.find((r) => r.person_id === ids[i])!.covered_days).toBe(unionDays.size);
            }
            await engine.run(`DROP SCHEMA ${schema} CASCADE`);
          },
        ),
        { numRuns: 40 },
      );
    });
  });
});
