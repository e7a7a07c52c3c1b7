import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { buildExposureEpisodes } from '../../src/exposure/buildExposureEpisodes.js';
import { detectSwitches } from '../../src/exposure/switching.js';
import { testEngines, seed, type FixtureDispensing } from './fixtures.js';

describe.each(testEngines())('on $name', ({ open }) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
  });
  afterAll(async () => {
    await engine.close();
  });

  const S = 'C10AA05'; // statin
  const F = 'C10AB05'; // fibrate
  const disp = (person: string, date: string, atc: string, days = 30): FixtureDispensing => ({ person, date, atc, days });

  describe('detectSwitches (grace 0 episodes, W = 10 days, N = 7 days)', () => {
    it('finds switches and add-ons with the documented edges', async () => {
      const ids = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'];
      const schema = await seed(engine, {
        persons: ids.map((id) => ({ id })),
        periods: ids.map((id): [string, string, string] => [id, '2019-01-01', '2021-12-31']),
        dispensings: [
          // s1: statin Jan 1–30, fibrate from Jan 31 (the day after): switch on Jan 31.
          disp('s1', '2020-01-01', S),
          disp('s1', '2020-01-31', F),
          // s2: fibrate from Jan 25; statin goes on Jan 25–30 = 6 days <= 7: switch on Jan 25.
          disp('s2', '2020-01-01', S),
          disp('s2', '2020-01-25', F),
          // s3: statin Jan 1 – Mar 30; fibrate Feb 1 – Mar 1: both for 30 days > 7: add-on on Feb 1.
          disp('s3', '2020-01-01', S, 90),
          disp('s3', '2020-02-01', F),
          // s4: statin goes on; fibrate only Feb 1–5 (5 days <= 7): a short trial, no event.
          disp('s4', '2020-01-01', S, 90),
          disp('s4', '2020-02-01', F, 5),
          // s5: statin ends Jan 30; fibrate Feb 10 = Jan 30 + 1 + 10 (W): switch on Feb 10.
          disp('s5', '2020-01-01', S),
          disp('s5', '2020-02-10', F),
          // s6: fibrate Feb 11 = one day too late: no event.
          disp('s6', '2020-01-01', S),
          disp('s6', '2020-02-11', F),
          // s7: statin → fibrate on Jan 31, then fibrate (to Feb 29) → statin on Mar 1.
          disp('s7', '2020-01-01', S),
          disp('s7', '2020-01-31', F),
          disp('s7', '2020-03-01', S),
          // s8: both start the same day: never paired.
          disp('s8', '2020-01-01', S),
          disp('s8', '2020-01-01', F),
        ],
      });
      await buildExposureEpisodes(engine, {
        schema,
        drugs: [
          { name: 'statin', atcPrefixes: ['C10AA'] },
          { name: 'fibrate', atcPrefixes: ['C10AB'] },
        ],
        daysSupply: { method: 'given' },
        gracePeriod: { days: 0 },
        stockpiling: false,
        into: `${schema}.ep`,
      });
      const r = await detectSwitches(engine, { episodes: `${schema}.ep`, drugs: ['statin', 'fibrate'], gapDays: 10, overlapDays: 7, into: `${schema}.sw` });
      const rows = await engine.rows(`SELECT person_id, from_drug, to_drug, date, type, from_episode_id, to_episode_id FROM ${schema}.sw ORDER BY person_id, date`);
      expect(rows).toEqual([
        { person_id: 's1', from_drug: 'statin', to_drug: 'fibrate', date: '2020-01-31', type: 'switch', from_episode_id: 1, to_episode_id: 1 },
        { person_id: 's2', from_drug: 'statin', to_drug: 'fibrate', date: '2020-01-25', type: 'switch', from_episode_id: 1, to_episode_id: 1 },
        { person_id: 's3', from_drug: 'statin', to_drug: 'fibrate', date: '2020-02-01', type: 'add-on', from_episode_id: 1, to_episode_id: 1 },
        { person_id: 's5', from_drug: 'statin', to_drug: 'fibrate', date: '2020-02-10', type: 'switch', from_episode_id: 1, to_episode_id: 1 },
        { person_id: 's7', from_drug: 'statin', to_drug: 'fibrate', date: '2020-01-31', type: 'switch', from_episode_id: 1, to_episode_id: 1 },
        { person_id: 's7', from_drug: 'fibrate', to_drug: 'statin', date: '2020-03-01', type: 'switch', from_episode_id: 1, to_episode_id: 2 },
      ]);
      expect(r.counts).toEqual({
        switches: 5,
        addOns: 1,
        persons: 5,
        byPair: [
          { from: 'fibrate', to: 'statin', type: 'switch', events: 1 },
          { from: 'statin', to: 'fibrate', type: 'add-on', events: 1 },
          { from: 'statin', to: 'fibrate', type: 'switch', events: 4 },
        ],
      });

      // N = 5: s2's 6 overlapping days are now too many for a switch, and 6 > 5 days together make an add-on.
      await detectSwitches(engine, { episodes: `${schema}.ep`, drugs: ['statin', 'fibrate'], gapDays: 10, overlapDays: 5, into: `${schema}.sw5` });
      expect(await engine.rows(`SELECT type FROM ${schema}.sw5 WHERE person_id = 's2'`)).toEqual([{ type: 'add-on' }]);
    });

    it('needs two classes', async () => {
      await expect(detectSwitches(engine, { episodes: 'ep', drugs: ['a', 'a'], gapDays: 0, overlapDays: 0, into: 'x' })).rejects.toThrow(/two or more/);
    });
  });
});
