import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import type { Engine } from '../../src/engine/index.js';
import { isBalanced } from '../../src/model/index.js';
import { buildExposureEpisodes } from '../../src/exposure/buildExposureEpisodes.js';
import type { GracePeriod } from '../../src/exposure/types.js';
import { createModelTables } from '../../src/load/model.js';
import { addDays, daysBetween, testEngines, seed, type Fixture } from './fixtures.js';

const statins = { name: 'statin', atcPrefixes: ['C10AA'] };
const obs = (p: string): [string, string, string] => [p, '2019-01-01', '2021-12-31'];

interface EpisodeRow {
  person_id: string;
  episode_id: number;
  start_date: string;
  end_date: string;
  n_dispensings: number;
  supply_days: number;
  exposed_days: number;
  covered_days: number;
  end_reason: string;
}

const pick = (r: EpisodeRow) => [r.start_date, r.end_date, r.exposed_days, r.covered_days, r.end_reason];

// ---------------------------------------------------------------------------------------------
// Reference implementation: the obvious definition, simulated day by day in plain TS.
// Stock in hand (stockpiling) or the latest covered day (no stockpiling) is tracked day after day;
// an uncovered run longer than the grace before a dispensing closes the episode.

interface RefPerson {
  id: string;
  death: number | null;
  periods: Array<[number, number]>;
  disp: Array<{ day: number | null; supply: number | null }>;
}
interface RefEpisode {
  person: string;
  start: number;
  end: number;
  n: number;
  supply: number;
  exposed: number;
  covered: number;
  reason: string;
}

function refEpisodes(persons: RefPerson[], grace: GracePeriod, stockpiling: boolean, extendByGrace: boolean): { episodes: RefEpisode[]; excluded: Record<string, number> } {
  const graceOf = (s: number) => ('days' in grace ? grace.days : Math.floor((grace.percentOfSupply * s) / 100 + 1e-9));
  const episodes: RefEpisode[] = [];
  const excluded: Record<string, number> = {};
  for (const p of persons) {
    // Merge periods by marking observed days.
    const observed = new Set<number>();
    for (const [s, e] of p.periods) for (let t = s; t <= e; t++) observed.add(t);
    const periodOf = (t: number): [number, number] | null => {
      if (!observed.has(t)) return null;
      let s = t;
      let e = t;
      while (observed.has(s - 1)) s--;
      while (observed.has(e + 1)) e++;
      return [s, e];
    };
    const groups = new Map<number, { period: [number, number]; disp: Array<{ day: number; supply: number }> }>();
    for (const x of p.disp) {
      const reason =
        x.day === null
          ? 'missing-date'
          : x.supply === null
            ? 'missing-days-supply'
            : x.supply < 1
              ? 'non-positive-supply'
              : periodOf(x.day) === null
                ? 'outside-observation'
                : p.death !== null && x.day > p.death
                  ? 'after-death'
                  : null;
      if (reason) {
        excluded[reason] = (excluded[reason] ?? 0) + 1;
        continue;
      }
      const period = periodOf(x.day!)!;
      if (!groups.has(period[0])) groups.set(period[0], { period, disp: [] });
      groups.get(period[0])!.disp.push({ day: x.day!, supply: x.supply! });
    }
    for (const { period, disp } of [...groups.values()].sort((a, b) => a.period[0] - b.period[0])) {
      const cap = p.death !== null ? Math.min(p.death, period[1]) : period[1];
      const capKind = p.death !== null && p.death <= period[1] ? 'death' : 'observation-end';
      const byDay = new Map<number, number[]>();
      for (const x of disp) byDay.set(x.day, [...(byDay.get(x.day) ?? []), x.supply]);
      const first = Math.min(...byDay.keys());
      const last = Math.max(...byDay.keys()) + disp.reduce((s, x) => s + x.supply, 0) + 1;
      let cur: { start: number; n: number; supply: number; covered: number; lastPooled: number } | null = null;
      let stock = 0;
      let coverEnd = -Infinity;
      let lastCovered = -Infinity;
      const close = () => {
        const c = cur!;
        let end = lastCovered + (extendByGrace ? graceOf(c.lastPooled) : 0);
        let reason = 'supply-end';
        if (end > cap) {
          end = cap;
          reason = capKind;
        }
        episodes.push({ person: p.id, start: c.start, end, n: c.n, supply: c.supply, exposed: end - c.start + 1, covered: c.covered, reason });
      };
      for (let t = first; t <= last; t++) {
        const sup = byDay.get(t);
        if (sup) {
          // Stock grows by every supply of the day; without stockpiling the longest one counts.
          const pooled = stockpiling ? sup.reduce((a, b) => a + b, 0) : Math.max(...sup);
          if (cur && t - lastCovered - 1 > graceOf(cur.lastPooled)) {
            close();
            cur = null;
          }
          if (!cur) cur = { start: t, n: 0, supply: 0, covered: 0, lastPooled: 0 };
          cur.n += sup.length;
          cur.supply += sup.reduce((a, b) => a + b, 0);
          // The grace after this day is a percent of its largest single supply.
          cur.lastPooled = Math.max(...sup);
          if (stockpiling) stock += pooled;
          else coverEnd = Math.max(coverEnd, t + pooled - 1);
        }
        const covered = stockpiling ? stock > 0 : t <= coverEnd;
        if (covered) {
          if (stockpiling) stock--;
          lastCovered = t;
          if (t <= cap) cur!.covered++;
        }
      }
      close();
    }
  }
  return { episodes, excluded };
}

const base = '2020-01-01';

describe.each(testEngines())('on $name', ({ open }) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
  });
  afterAll(async () => {
    await engine.close();
  });

  async function episodes(table: string, person?: string): Promise<EpisodeRow[]> {
    return engine.rows<EpisodeRow>(
      `SELECT person_id, episode_id, start_date, end_date, n_dispensings, supply_days, exposed_days, covered_days, end_reason FROM ${table}
       ${person ? `WHERE person_id = '${person}'` : ''} ORDER BY person_id, episode_id`,
    );
  }

  /** The episodes of `table` as picked fields, looked up per person. */
  async function byPerson(table: string): Promise<(person: string) => unknown[][]> {
    const ep = await episodes(table);
    return (p) => ep.filter((e) => e.person_id === p).map(pick);
  }

  describe('buildExposureEpisodes on hand-made fixtures (given days supply, 30 days each unless said)', () => {
    // Every person is observed 2019-01-01 – 2021-12-31 unless said otherwise.
    const fixture: Fixture = {
      persons: ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', 'p10'].map((id) => ({ id, death: id === 'p5' ? '2020-01-15' : null })),
      periods: [
        ...['p1', 'p2', 'p3', 'p4', 'p5', 'p10'].map(obs),
        ['p6', '2019-01-01', '2020-01-20'],
        ['p7', '2019-01-01', '2020-03-31'],
        ['p7', '2020-06-01', '2020-12-31'],
        ['p8', '2019-01-01', '2020-01-10'],
        ['p8', '2020-01-20', '2021-12-31'],
        ['p9', '2019-01-01', '2020-01-10'],
        ['p9', '2020-01-11', '2021-12-31'],
      ],
      dispensings: [
        // p1: covers Jan 1–30; Feb 10 leaves Jan 31 … Feb 9 uncovered = 10 days = grace → same episode.
        { person: 'p1', date: '2020-01-01' },
        { person: 'p1', date: '2020-02-10' },
        // p2: Feb 11 leaves Jan 31 … Feb 10 uncovered = 11 days = grace + 1 → new episode.
        { person: 'p2', date: '2020-01-01' },
        { person: 'p2', date: '2020-02-11' },
        // p3: overlapping supplies: Jan 1–30 and Jan 21–Feb 19.
        { person: 'p3', date: '2020-01-01' },
        { person: 'p3', date: '2020-01-21' },
        // p4: two packs the same day.
        { person: 'p4', date: '2020-01-01' },
        { person: 'p4', date: '2020-01-01' },
        // p5: dies 2020-01-15 during the episode; a later dispensing is after death.
        { person: 'p5', date: '2020-01-01' },
        { person: 'p5', date: '2020-01-20' },
        // p6: observation ends 2020-01-20, inside the supply.
        { person: 'p6', date: '2020-01-01' },
        // p7: dispensed on the last day of observation; one between periods; one in the next period.
        { person: 'p7', date: '2020-03-31' },
        { person: 'p7', date: '2020-04-15' },
        { person: 'p7', date: '2020-06-01' },
        // p8: two periods with a break; the second dispensing would continue the episode within one period,
        // and the supply of Jan 1 (to Jan 30) must not carry into the second period (Feb 10 overlaps).
        { person: 'p8', date: '2020-01-01' },
        { person: 'p8', date: '2020-01-25' },
        { person: 'p8', date: '2020-02-10' },
        // p9: touching periods are merged: no cap on 2020-01-10.
        { person: 'p9', date: '2020-01-01' },
        // p10: missing days' supply, zero supply, missing date; a non-statin not selected at all.
        { person: 'p10', date: '2020-01-01', days: null },
        { person: 'p10', date: '2020-02-01', days: 0 },
        { person: 'p10', date: null },
        { person: 'p10', date: '2020-03-01', atc: 'A10BA02' },
        // ghost: no person row and no observation period.
        { person: 'ghost', date: '2020-01-01' },
      ],
    };
    let schema: string;
    beforeAll(async () => {
      schema = await seed(engine, fixture);
    });
    /** The settings every build below shares: given days' supply, a 10-day grace period. */
    const given = () => ({ schema, drugs: statins, daysSupply: { method: 'given' as const }, gracePeriod: { days: 10 } });

    it('without stockpiling: grace edges, overlaps, caps, exclusions, with balanced accounts', async () => {
      const r = await buildExposureEpisodes(engine, {
        ...given(),
        stockpiling: false,
        into: `${schema}.ep`,
      });
      const ep = await episodes(`${schema}.ep`);
      const by = (p: string) => ep.filter((e) => e.person_id === p).map(pick);
      // p1: Jan 1 → Mar 10 (Feb 10 + 29); 31 + 29 + 10 = 70 days, of which 60 covered.
      expect(by('p1')).toEqual([['2020-01-01', '2020-03-10', 70, 60, 'supply-end']]);
      // p2: two episodes of 30 days.
      expect(by('p2')).toEqual([
        ['2020-01-01', '2020-01-30', 30, 30, 'supply-end'],
        ['2020-02-11', '2020-03-11', 30, 30, 'supply-end'],
      ]);
      // p3: overlap truncated: Jan 1 → Feb 19 (Jan 21 + 29) = 31 + 19 = 50 days.
      expect(by('p3')).toEqual([['2020-01-01', '2020-02-19', 50, 50, 'supply-end']]);
      // p4: same-day packs overlap fully: Jan 1–30.
      expect(by('p4')).toEqual([['2020-01-01', '2020-01-30', 30, 30, 'supply-end']]);
      expect(ep.find((e) => e.person_id === 'p4')!.n_dispensings).toBe(2);
      expect(ep.find((e) => e.person_id === 'p4')!.supply_days).toBe(60);
      // p5: truncated at death on Jan 15 (death day exposed): 15 days.
      expect(by('p5')).toEqual([['2020-01-01', '2020-01-15', 15, 15, 'death']]);
      // p6: truncated at the end of observation, Jan 20: 20 days.
      expect(by('p6')).toEqual([['2020-01-01', '2020-01-20', 20, 20, 'observation-end']]);
      // p7: a 1-day episode on the last observed day; a new one from Jun 1 (→ Jun 30).
      expect(by('p7')).toEqual([
        ['2020-03-31', '2020-03-31', 1, 1, 'observation-end'],
        ['2020-06-01', '2020-06-30', 30, 30, 'supply-end'],
      ]);
      // p8: the first period ends Jan 10 → capped; Jan 25 starts a new episode in the next period:
      // Jan 25 – Feb 23 and Feb 10 – Mar 10 → Jan 25 – Mar 10 = 7 + 29 + 10 = 46 days.
      expect(by('p8')).toEqual([
        ['2020-01-01', '2020-01-10', 10, 10, 'observation-end'],
        ['2020-01-25', '2020-03-10', 46, 46, 'supply-end'],
      ]);
      // p9: merged periods: full 30 days.
      expect(by('p9')).toEqual([['2020-01-01', '2020-01-30', 30, 30, 'supply-end']]);
      expect(by('p10')).toEqual([]);

      // Accounting: 22 statin dispensings (the A10 one is not selected).
      expect(r.counts.dispensingsRead).toBe(22);
      expect(r.counts.excluded).toEqual([
        { reason: 'missing-date', rows: 1 },
        { reason: 'missing-days-supply', rows: 1 },
        { reason: 'non-positive-supply', rows: 1 },
        { reason: 'outside-observation', rows: 2 }, // p7 Apr 15, ghost
        { reason: 'after-death', rows: 1 }, // p5 Jan 20
      ]);
      expect(r.counts.dispensingsUsed).toBe(16);
      expect(r.counts.episodes).toBe(12);
      expect(r.counts.persons).toBe(9);
      expect(r.counts.cappedAtDeath).toBe(1);
      expect(r.counts.cappedAtObservationEnd).toBe(3);
      expect(r.accounts).toHaveLength(1);
      expect(isBalanced(r.accounts[0]!)).toBe(true);
      // The tables hold exactly the accounted rows.
      expect(await engine.scalar(`SELECT COUNT(*) FROM ${schema}.ep_dispensings`)).toBe(16);
      expect(await engine.scalar(`SELECT COUNT(*) FROM ${schema}.ep_excluded`)).toBe(6);
      expect(await engine.scalar(`SELECT COUNT(*) FROM ${schema}.ep_dispensings d JOIN ${schema}.ep e USING (person_id, drug, episode_id)`)).toBe(16);
      expect(r.settings).toMatchObject({ stockpiling: false, gracePeriod: { days: 10 }, extendByGrace: false, capAtDeath: true, capAtObservationEnd: true });
    });

    it('restricted to listed persons: only their dispensings are read, their episodes unchanged', async () => {
      await engine.run(`CREATE TABLE ${schema}.chosen AS SELECT person_id FROM ${schema}.person WHERE person_id IN ('p5', 'p8')`);
      const r = await buildExposureEpisodes(engine, {
        ...given(),
        stockpiling: false,
        persons: `${schema}.chosen`,
        into: `${schema}.ep_chosen`,
      });
      const by = await byPerson(`${schema}.ep_chosen`);
      expect(by('p5')).toEqual([['2020-01-01', '2020-01-15', 15, 15, 'death']]);
      expect(by('p8')).toEqual([
        ['2020-01-01', '2020-01-10', 10, 10, 'observation-end'],
        ['2020-01-25', '2020-03-10', 46, 46, 'supply-end'],
      ]);
      expect(await engine.scalar(`SELECT COUNT(*) FROM ${schema}.ep_chosen`)).toBe(3);
      // p5: 2 dispensings (one after death), p8: 3.
      expect(r.counts.dispensingsRead).toBe(5);
      expect(r.counts.excluded).toEqual([{ reason: 'after-death', rows: 1 }]);
      expect(isBalanced(r.accounts[0]!)).toBe(true);
      expect(r.settings.persons).toBe(`${schema}.chosen`);
      await expect(buildExposureEpisodes(engine, { ...given(), stockpiling: false, persons: 'x y', into: 'z' })).rejects.toThrow(/not a table name/);
    });

    it('with stockpiling: overlapping supply is carried forward', async () => {
      await buildExposureEpisodes(engine, {
        ...given(),
        stockpiling: true,
        into: `${schema}.eps`,
      });
      const by = await byPerson(`${schema}.eps`);
      // p3: the Jan 21 supply starts when the first runs out (Jan 31) and ends Feb 29: 60 days.
      expect(by('p3')).toEqual([['2020-01-01', '2020-02-29', 60, 60, 'supply-end']]);
      // p4: two same-day packs: 60 days, Jan 1 – Feb 29.
      expect(by('p4')).toEqual([['2020-01-01', '2020-02-29', 60, 60, 'supply-end']]);
      // Without overlap nothing changes: p1 and p2 as before.
      expect(by('p1')).toEqual([['2020-01-01', '2020-03-10', 70, 60, 'supply-end']]);
      expect(by('p2')).toHaveLength(2);
      // p8: the Jan 1 supply is not carried into the next observation period: Jan 25 – Feb 23, then the
      // Feb 10 supply carried to Feb 24 – Mar 24: 7 + 29 + 24 = 60 days.
      expect(by('p8')).toEqual([
        ['2020-01-01', '2020-01-10', 10, 10, 'observation-end'],
        ['2020-01-25', '2020-03-24', 60, 60, 'supply-end'],
      ]);
    });

    it('dates before 1970 (negative day numbers) give the same episodes', async () => {
      // q1, observed 1965-01-01..1969-12-31: 30 days on 1965-03-01 and on 1965-03-21 (stockpiled: 1965-03-31 to
      // 1965-04-29), then 30 days on 1965-06-08 (40 days after 1965-04-29 > 10-day grace: a new episode).
      const s = await seed(engine, {
        persons: [{ id: 'q1' }],
        periods: [['q1', '1965-01-01', '1969-12-31']],
        dispensings: [
          { person: 'q1', date: '1965-06-08', atc: 'C10AA05', days: 30 },
          { person: 'q1', date: '1965-03-21', atc: 'C10AA05', days: 30 },
          { person: 'q1', date: '1965-03-01', atc: 'C10AA05', days: 30 },
        ],
      });
      for (const stockpiling of [true, false]) {
        await buildExposureEpisodes(engine, { schema: s, drugs: statins, daysSupply: { method: 'given' }, gracePeriod: { days: 10 }, stockpiling, into: `${s}.eps` });
        const ep = (await episodes(`${s}.eps`)).map(pick);
        // Without stockpiling the overlap is lost: 1965-03-01 .. 1965-04-19 (50 days, all covered).
        expect(ep).toEqual([
          stockpiling ? ['1965-03-01', '1965-04-29', 60, 60, 'supply-end'] : ['1965-03-01', '1965-04-19', 50, 50, 'supply-end'],
          ['1965-06-08', '1965-07-07', 30, 30, 'supply-end'],
        ]);
      }
    });

    it('extendByGrace adds the grace after the last supply, still capped', async () => {
      await buildExposureEpisodes(engine, {
        ...given(),
        stockpiling: false,
        extendByGrace: true,
        into: `${schema}.epx`,
      });
      const by = await byPerson(`${schema}.epx`);
      // p1: Mar 10 + 10 = Mar 20: 80 days, still 60 covered.
      expect(by('p1')).toEqual([['2020-01-01', '2020-03-20', 80, 60, 'supply-end']]);
      // p9: Jan 30 + 10 = Feb 9: 40 days.
      expect(by('p9')).toEqual([['2020-01-01', '2020-02-09', 40, 30, 'supply-end']]);
      // p6: supply ran to Jan 30, capped at Jan 20 anyway.
      expect(by('p6')).toEqual([['2020-01-01', '2020-01-20', 20, 20, 'observation-end']]);
      // p2: Jan 30 + 10 = Feb 9 < Feb 11: still two episodes, never overlapping.
      expect(by('p2')).toEqual([
        ['2020-01-01', '2020-02-09', 40, 30, 'supply-end'],
        ['2020-02-11', '2020-03-21', 40, 30, 'supply-end'],
      ]);
    });

    it('without caps: dispensings after death or outside observation are used and episodes run to their supply end', async () => {
      const r = await buildExposureEpisodes(engine, {
        ...given(),
        stockpiling: false,
        capAtDeath: false,
        capAtObservationEnd: false,
        into: `${schema}.epn`,
      });
      const by = await byPerson(`${schema}.epn`);
      // p5: Jan 1–30 and Jan 20–Feb 18 overlap: one episode Jan 1 → Feb 18 = 49 days.
      expect(by('p5')).toEqual([['2020-01-01', '2020-02-18', 49, 49, 'supply-end']]);
      // p8: Jan 1–30, Jan 25 – Feb 23 and Feb 10 – Mar 10 in one episode: 31 + 29 + 10 = 70 days.
      expect(by('p8')).toEqual([['2020-01-01', '2020-03-10', 70, 70, 'supply-end']]);
      // Without observation periods a person must still be known: ghost is 'unknown-person'.
      expect(r.counts.excluded).toEqual([
        { reason: 'missing-date', rows: 1 },
        { reason: 'missing-days-supply', rows: 1 },
        { reason: 'non-positive-supply', rows: 1 },
        { reason: 'unknown-person', rows: 1 },
      ]);
      expect(r.counts.dispensingsUsed).toBe(18);
      expect(isBalanced(r.accounts[0]!)).toBe(true);
    });

    it('grace as a percent of the previous supply: gap = grace continues, gap = grace + 1 starts anew', async () => {
      const s = await seed(engine, {
        persons: [{ id: 'q' }],
        periods: [obs('q')],
        dispensings: [
          // Jan 1 + 20 days → Jan 20. Grace = floor(50% × 20) = 10. Jan 31: uncovered Jan 21–30 = 10 → continues.
          { person: 'q', date: '2020-01-01', days: 20 },
          // Jan 31 + 20 → Feb 19. Mar 2: uncovered Feb 20 – Mar 1 = 11 > 10 → new episode (→ Mar 21).
          { person: 'q', date: '2020-01-31', days: 20 },
          { person: 'q', date: '2020-03-02', days: 20 },
        ],
      });
      await buildExposureEpisodes(engine, {
        schema: s,
        drugs: statins,
        daysSupply: { method: 'given' },
        gracePeriod: { percentOfSupply: 50 },
        stockpiling: true,
        into: `${s}.ep`,
      });
      expect((await episodes(`${s}.ep`)).map(pick)).toEqual([
        ['2020-01-01', '2020-02-19', 50, 40, 'supply-end'],
        ['2020-03-02', '2020-03-21', 20, 20, 'supply-end'],
      ]);
    });

    it('two classes from one call, by ATC prefix and by product code', async () => {
      const s = await seed(engine, {
        persons: [{ id: 'a' }],
        periods: [obs('a')],
        dispensings: [
          { person: 'a', date: '2020-01-01', atc: 'C10AA05' },
          { person: 'a', date: '2020-01-01', atc: null, product: '3400930000001' },
          { person: 'a', date: '2020-01-01', atc: 'C09AA02' },
        ],
      });
      const r = await buildExposureEpisodes(engine, {
        schema: s,
        drugs: [statins, { name: 'other', productCodes: ['3400930000001'] }],
        daysSupply: { statin: { method: 'given' }, other: { method: 'fixed', days: 28 } },
        gracePeriod: { days: 0 },
        stockpiling: false,
        into: `${s}.ep`,
      });
      const rows = await engine.rows<{ drug: string; end_date: string }>(`SELECT drug, end_date FROM ${s}.ep ORDER BY drug`);
      expect(rows).toEqual([
        { drug: 'other', end_date: '2020-01-28' },
        { drug: 'statin', end_date: '2020-01-30' },
      ]);
      expect(r.counts.byDrug['statin']!.dispensingsRead).toBe(1);
      expect(r.counts.byDrug['other']!.dispensingsRead).toBe(1);
      expect(r.accounts.every(isBalanced)).toBe(true);
    });

    it('rejects bad options with messages naming the option', async () => {
      const base = { drugs: statins, daysSupply: { method: 'given' as const }, gracePeriod: { days: 1 }, stockpiling: false, into: 'x' };
      await expect(buildExposureEpisodes(engine, { ...base, gracePeriod: { days: -1 } })).rejects.toThrow(/gracePeriod.days/);
      await expect(buildExposureEpisodes(engine, { ...base, drugs: { name: 'x' } })).rejects.toThrow(/no ATC prefix/);
      await expect(buildExposureEpisodes(engine, { ...base, drugs: { name: 'x', atcPrefixes: ['C10%'] } })).rejects.toThrow(/not an ATC/);
      await expect(buildExposureEpisodes(engine, { ...base, into: 'x; DROP TABLE y' })).rejects.toThrow(/not a table name/);
      await expect(buildExposureEpisodes(engine, { ...base, daysSupply: { method: 'ddd', dailyDose: 0 } })).rejects.toThrow(/dailyDose/);
      await expect(buildExposureEpisodes(engine, { ...base, daysSupply: {} as never })).rejects.toThrow(/days' supply rule/);
    });
  });

  describe('buildExposureEpisodes against the day-by-day reference (fast-check)', () => {
    const personArb = fc.record({
      death: fc.option(fc.integer({ min: 0, max: 300 }), { nil: null }),
      periods: fc.oneof(
        fc.array(
          fc.tuple(fc.integer({ min: -20, max: 300 }), fc.integer({ min: 0, max: 200 })).map(([s, len]): [number, number] => [s, s + len]),
          { minLength: 0, maxLength: 3 },
        ),
        // Two periods a few days apart, so supply from the first would run into the second.
        fc
          .tuple(fc.integer({ min: -10, max: 150 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 150 }))
          .map(([s, len1, gap, len2]): Array<[number, number]> => [
            [s, s + len1],
            [s + len1 + gap, s + len1 + gap + len2],
          ]),
      ),
      disp: fc.array(
        fc.record({
          day: fc.option(fc.integer({ min: 0, max: 300 }), { nil: null, freq: 30 }),
          supply: fc.oneof({ weight: 1, arbitrary: fc.constantFrom(null, 0) }, { weight: 12, arbitrary: fc.integer({ min: 1, max: 60 }) }),
        }),
        { minLength: 0, maxLength: 12 },
      ),
    });
    const caseArb = fc.record({
      persons: fc.array(personArb, { minLength: 1, maxLength: 8 }),
      grace: fc.oneof(fc.integer({ min: 0, max: 30 }).map((days): GracePeriod => ({ days })), fc.integer({ min: 0, max: 150 }).map((p): GracePeriod => ({ percentOfSupply: p }))),
      stockpiling: fc.boolean(),
      extendByGrace: fc.boolean(),
    });

    it('matches the reference exactly, and episodes obey the bounds', async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const persons: RefPerson[] = c.persons.map((p, i) => ({ id: `p${i}`, ...p }));
          const schema = await seed(engine, {
            persons: persons.map((p) => ({ id: p.id, death: p.death === null ? null : addDays(base, p.death) })),
            periods: persons.flatMap((p) => p.periods.map(([s, e]): [string, string, string] => [p.id, addDays(base, s), addDays(base, e)])),
            dispensings: persons.flatMap((p) => p.disp.map((x) => ({ person: p.id, date: x.day === null ? null : addDays(base, x.day), days: x.supply }))),
          });
          const settings = { schema, drugs: statins, daysSupply: { method: 'given' as const }, gracePeriod: c.grace, stockpiling: c.stockpiling, extendByGrace: c.extendByGrace };
          const r = await buildExposureEpisodes(engine, { ...settings, into: `${schema}.ep` });
          const got = (await episodes(`${schema}.ep`)).map((e) => ({
            person: e.person_id,
            start: daysBetween(base, e.start_date),
            end: daysBetween(base, e.end_date),
            n: e.n_dispensings,
            supply: e.supply_days,
            exposed: e.exposed_days,
            covered: e.covered_days,
            reason: e.end_reason,
          }));
          const ref = refEpisodes(persons, c.grace, c.stockpiling, c.extendByGrace);
          const order = (a: RefEpisode, b: RefEpisode) => (a.person < b.person ? -1 : a.person > b.person ? 1 : a.start - b.start);
          expect(got.sort(order)).toEqual(ref.episodes.sort(order));
          const total = persons.reduce((s, p) => s + p.disp.length, 0);
          expect(r.counts.dispensingsRead).toBe(total);
          expect(Object.fromEntries(r.counts.excluded.map((e) => [e.reason, e.rows]))).toEqual(ref.excluded);
          expect(isBalanced(r.accounts[0]!)).toBe(true);

          // Properties stated independently of the reference.
          const maxGrace = (s: number) => ('days' in c.grace ? c.grace.days : Math.floor((c.grace.percentOfSupply * s) / 100 + 1e-9));
          for (const p of persons) {
            const mine = got.filter((e) => e.person === p.id).sort((a, b) => a.start - b.start);
            // Episodes of a person never overlap.
            for (let i = 1; i < mine.length; i++) expect(mine[i]!.start).toBeGreaterThan(mine[i - 1]!.end);
            // Exposed days >= union of the used supplies (each cut at its episode's cap) and <= their sum + grace days.
            const used = await engine.rows<{ date: string; supply_days: number; cap_date: string | null }>(
              `SELECT d.date, d.supply_days, e.cap_date FROM ${schema}.ep_dispensings d JOIN ${schema}.ep e USING (person_id, drug, episode_id)
               WHERE d.person_id = '${p.id}'`,
            );
            const union = new Set<number>();
            for (const u of used) {
              const d0 = daysBetween(base, u.date);
              const capDay = u.cap_date === null ? Infinity : daysBetween(base, u.cap_date);
              for (let t = d0; t < d0 + u.supply_days && t <= capDay; t++) union.add(t);
            }
            // Every such day lies in an episode.
            expect([...union].every((t) => mine.some((e) => t >= e.start && t <= e.end))).toBe(true);
            const exposed = mine.reduce((s, e) => s + e.exposed, 0);
            expect(exposed).toBeGreaterThanOrEqual(union.size);
            const sumSupply = used.reduce((s, u) => s + u.supply_days, 0);
            const sumGrace = used.reduce((s, u) => s + maxGrace(c.stockpiling ? sumSupply : u.supply_days), 0) * (c.extendByGrace ? 2 : 1);
            expect(exposed).toBeLessThanOrEqual(sumSupply + sumGrace);
          }
          // Restricted to every other person: the same episodes for them, and only their dispensings read.
          const chosen = persons.filter((_, i) => i % 2 === 0);
          await engine.run(`CREATE TABLE ${schema}.chosen (person_id VARCHAR)`);
          await engine.run(`INSERT INTO ${schema}.chosen VALUES ${chosen.map((p) => `('${p.id}')`).join(', ')}`);
          const rr = await buildExposureEpisodes(engine, { ...settings, persons: `${schema}.chosen`, into: `${schema}.ep_chosen` });
          const ids = new Set(chosen.map((p) => p.id));
          expect((await episodes(`${schema}.ep_chosen`)).map(pick)).toEqual((await episodes(`${schema}.ep`)).filter((e) => ids.has(e.person_id)).map(pick));
          expect(rr.counts.dispensingsRead).toBe(chosen.reduce((s, p) => s + p.disp.length, 0));
          expect(isBalanced(rr.accounts[0]!)).toBe(true);
          await engine.run(`DROP SCHEMA ${schema} CASCADE`);
        }),
        { numRuns: 80 },
      );
    });
  });

  describe('buildExposureEpisodes at scale (parallel window passes)', () => {
    it('gives the reference episodes on 160,000 dispensings with many same-day ties', async () => {
      const schema = 'scale';
      const persons = 8_000;
      await createModelTables(engine, schema);
      // Portable SQL: integer division and hashing written out, as DuckDB's // and hash() do not exist on PostgreSQL.
      const series = (n: number) => `generate_series(0, ${n - 1}) AS r(i)`;
      const div = (x: string, k: number) => `CAST((${x} - ${x} % ${k}) / ${k} AS BIGINT)`;
      const mix = (x: string) => `((${x} * ${x}) % 1000003 * 48271 + ${x} * 7919) % 1000033`;
      await engine.run(`INSERT INTO ${schema}.person (person_id, source_table, source_row) SELECT 'P' || i, 'person', i FROM ${series(persons)}`);
      await engine.run(
        `INSERT INTO ${schema}.observation_period (person_id, start_date, end_date, source_table, source_row)
         SELECT 'P' || i, DATE '2019-01-01', DATE '2023-12-31', 'observation_period', i FROM ${series(persons)}`,
      );
      // Dispensings come in pairs sharing a day; supplies 10, 30 or 60 days.
      await engine.run(
        `INSERT INTO ${schema}.dispensing (person_id, date, atc_code, days_supply, source_table, source_row)
         SELECT 'P' || ${div('i', 20)}, DATE '2020-01-01' + CAST(${div('i % 20', 2)} * 45 + ${mix(div('i', 2))} % 5 AS INTEGER), 'C10AA05',
           CASE ${mix('CAST(i AS BIGINT)')} % 3 WHEN 0 THEN 10 WHEN 1 THEN 30 ELSE 60 END, 'drug_exposure', i
         FROM ${series(persons * 20)}`,
      );
      const grace: GracePeriod = { percentOfSupply: 50 };
      await buildExposureEpisodes(engine, { schema, drugs: statins, daysSupply: { method: 'given' }, gracePeriod: grace, stockpiling: true, into: `${schema}.ep` });
      const cols = await engine.columns(`SELECT person_id, CAST(date - DATE '${base}' AS INTEGER) AS day, days_supply FROM ${schema}.dispensing`);
      const byPerson = new Map<string, RefPerson>();
      const ids = cols['person_id'] as string[];
      const day = cols['day'] as Float64Array;
      const supply = cols['days_supply'] as Float64Array;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (!byPerson.has(id)) byPerson.set(id, { id, death: null, periods: [[-365, 1460]], disp: [] });
        byPerson.get(id)!.disp.push({ day: day[i]!, supply: supply[i]! });
      }
      const ref = refEpisodes([...byPerson.values()], grace, true, false).episodes;
      const got = await engine.columns(
        `SELECT person_id, CAST(start_date - DATE '${base}' AS INTEGER) AS s, CAST(end_date - DATE '${base}' AS INTEGER) AS e, n_dispensings FROM ${schema}.ep`,
      );
      const key = (p: string, s: number, e: number, n: number) => `${p}:${s}:${e}:${n}`;
      const gotKeys = (got['person_id'] as string[]).map((p, i) => key(p, (got['s'] as Float64Array)[i]!, (got['e'] as Float64Array)[i]!, (got['n_dispensings'] as Float64Array)[i]!));
      expect(gotKeys.length).toBe(ref.length);
      expect(new Set(gotKeys)).toEqual(new Set(ref.map((r) => key(r.person, r.start, r.end, r.n))));
      await engine.run(`DROP SCHEMA ${schema} CASCADE`);
    });
  });
});
