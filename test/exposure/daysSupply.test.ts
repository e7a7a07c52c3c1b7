import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { isBalanced } from '../../src/model/index.js';
import { buildExposureEpisodes } from '../../src/exposure/buildExposureEpisodes.js';
import type { DaysSupply } from '../../src/exposure/types.js';
import { testEngines, seed, type FixtureDispensing } from './fixtures.js';

describe.each(testEngines())('on $name', ({ open }) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
  });
  afterAll(async () => {
    await engine.close();
  });

  /** Supply per source row (used) and reason per source row (excluded), for one rule. */
  async function supplies(rule: DaysSupply, dispensings: Array<Omit<FixtureDispensing, 'person' | 'date'>>) {
    const schema = await seed(engine, {
      persons: [{ id: 'a' }],
      periods: [['a', '2019-01-01', '2199-12-31']],
      // One dispensing a year apart so each stays alone.
      dispensings: dispensings.map((x, i) => ({ person: 'a', date: `${2019 + i}-01-01`, ...x })),
    });
    const r = await buildExposureEpisodes(engine, {
      schema,
      drugs: { name: 'statin', atcPrefixes: ['C10'] },
      daysSupply: rule,
      gracePeriod: { days: 0 },
      stockpiling: false,
      into: `${schema}.ep`,
    });
    expect(isBalanced(r.accounts[0]!)).toBe(true);
    const used = await engine.rows<{ source_row: number; supply_days: number }>(`SELECT source_row, supply_days FROM ${schema}.ep_dispensings`);
    const excl = await engine.rows<{ source_row: number; reason: string }>(`SELECT source_row, reason FROM ${schema}.ep_excluded`);
    const out: Record<number, number | string> = {};
    for (const u of used) out[u.source_row] = u.supply_days;
    for (const x of excl) out[x.source_row] = x.reason;
    return out;
  }

  describe("days' supply rules", () => {
    it("'given': the recorded days_supply, rounded up; missing or zero excluded", async () => {
      expect(await supplies({ method: 'given' }, [{ days: 30 }, { days: 30.5 }, { days: null }, { days: 0 }, { days: 40_000 }, { days: 36_500 }])).toEqual({
        1: 30,
        2: 31,
        3: 'missing-days-supply',
        4: 'non-positive-supply',
        5: 'implausible-supply', // over 100 years
        6: 36_500,
      });
    });

    it("'ddd': packs × units per pack ÷ daily dose", async () => {
      // 3 × 28 / 2 = 42; 1 × 25 / 2 = 12.5 → 13; 3 × 10 / 3 = 10 (not 11 from floating error).
      expect(
        await supplies({ method: 'ddd', dailyDose: 2 }, [
          { packs: 3, units: 28 },
          { packs: 1, units: 25 },
          { packs: null, units: 28 },
          { packs: 1, units: null },
          { packs: -1, units: 28 },
        ]),
      ).toEqual({ 1: 42, 2: 13, 3: 'missing-packs', 4: 'missing-units-per-pack', 5: 'non-positive-supply' });
      expect(await supplies({ method: 'ddd', dailyDose: 3 }, [{ packs: 3, units: 10 }])).toEqual({ 1: 10 });
    });

    it("'fixed': packs × days per pack", async () => {
      expect(await supplies({ method: 'fixed', days: 28 }, [{ packs: 2 }, { packs: null }, { packs: 0 }, { packs: 1, units: null }])).toEqual({
        1: 56,
        2: 'missing-packs',
        3: 'non-positive-supply',
        4: 28, // units are not needed
      });
    });

    it("'packSize': 30 days per small pack, 90 per large (units >= largeFrom)", async () => {
      expect(
        await supplies({ method: 'packSize', small: 30, large: 90, largeFrom: 84 }, [
          { packs: 1, units: 28 },
          { packs: 1, units: 84 },
          { packs: 2, units: 90 },
          { packs: 3, units: 30 },
          { packs: 1, units: null },
          { packs: null, units: 30 },
        ]),
      ).toEqual({ 1: 30, 2: 90, 3: 180, 4: 90, 5: 'missing-units-per-pack', 6: 'missing-packs' });
    });
  });
});
