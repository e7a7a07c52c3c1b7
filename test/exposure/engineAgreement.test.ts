import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { buildExposureEpisodes } from '../../src/exposure/buildExposureEpisodes.js';
import { detectSwitches } from '../../src/exposure/switching.js';
import { discontinuationDates } from '../../src/exposure/discontinuation.js';
import { buildExposureStates } from '../../src/exposure/exposureStates.js';
import { measureAdherence } from '../../src/exposure/adherence.js';
import type { ExposureEpisodesOptions } from '../../src/exposure/types.js';
import { addDays, seed, testEngines, type Fixture, type FixtureDispensing } from './fixtures.js';

// The same exposure plans on DuckDB and PostgreSQL must give the same rows, in the same order, with the
// same values. One deterministic fixture of 48 persons (a seeded generator, so both engines get exactly
// the same rows) exercises every step: two classes, several observation-period layouts, deaths, same-day
// ties, excluded dispensings, fractional days' supply, percent grace, DDD bands from a rate and a table.

/** mulberry32: a small seeded PRNG, so the fixture is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const persons = 48;
const ids = Array.from({ length: persons }, (_, i) => `a${String(i).padStart(2, '0')}`);
const STATIN = 'C10AA05';
const FIBRATE = 'C10AB05';

function fixture(): Fixture {
  const rnd = prng(20240611);
  const int = (n: number) => Math.floor(rnd() * n);
  const one = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const periods: Fixture['periods'] = [];
  const dispensings: FixtureDispensing[] = [];
  const people = ids.map((id, i) => {
    // Period layouts: one long period; two with a 19-day break; two touching (merged); one shorter.
    if (i % 4 === 0) periods.push([id, '2019-01-01', '2021-12-31']);
    if (i % 4 === 1) periods.push([id, '2019-01-01', '2020-06-30'], [id, '2020-07-20', '2021-12-31']);
    if (i % 4 === 2) periods.push([id, '2019-01-01', '2020-03-31'], [id, '2020-04-01', '2021-12-31']);
    if (i % 4 === 3) periods.push([id, '2019-06-01', '2021-03-31']);
    const death = rnd() < 0.2 ? addDays('2020-03-01', int(500)) : null;
    let day = int(120);
    let atc = rnd() < 0.7 ? STATIN : FIBRATE;
    const n = 4 + int(11);
    for (let k = 0; k < n; k++) {
      const days = one([10, 28, 30, 30, 60, 90]);
      const x: FixtureDispensing = { person: id, date: addDays('2019-11-01', day), atc, days, packs: 1 + int(3), units: one([28, 30, 84]), product: one(['P1', 'P2', 'P3', 'P4']) };
      const odd = rnd();
      if (odd < 0.03) x.days = null;
      else if (odd < 0.05) x.date = null;
      else if (odd < 0.065) x.days = 0;
      else if (odd < 0.08) x.packs = null;
      else if (odd < 0.09) x.atc = 'A10BA02'; // another class: never selected
      dispensings.push(x);
      // A same-day copy (a tie on day and supply) now and then; a second class alongside now and then.
      if (rnd() < 0.1) dispensings.push({ ...x, product: one(['P1', 'P2']), packs: 1 });
      if (rnd() < 0.08) dispensings.push({ ...x, atc: atc === STATIN ? FIBRATE : STATIN, days: one([5, 30, 90]) });
      if (rnd() < 0.2) atc = atc === STATIN ? FIBRATE : STATIN;
      day += rnd() < 0.08 ? 0 : Math.floor(days * (0.4 + rnd() * 1.4));
    }
    return { id, death };
  });
  dispensings.push({ person: 'ghost', date: '2020-01-01' });
  return { persons: people, periods, dispensings };
}

/** Index dates (states, discontinuation) and adherence windows: one bad row of each kind. */
function followUp(i: number): { index: string | null; end: string | null; winEnd: string | null } {
  const index = addDays('2020-01-01', (i * 37) % 240);
  if (i === 5) return { index, end: addDays(index, -1), winEnd: addDays(index, -1) };
  if (i === 7) return { index: null, end: addDays(index, 100), winEnd: null };
  return { index, end: addDays(index, 30 + ((i * 53) % 420)), winEnd: addDays(index, 179) };
}

type Row = Record<string, unknown>;
/** Representation only: big integers as numbers, dates as ISO strings (both engines already do this). */
const plain = (rows: Row[]) =>
  rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString().slice(0, 10) : v])),
  );

interface Outputs {
  results: Record<string, unknown>;
  tables: Record<string, Row[]>;
}

const schema = 'agree';
const lit = (v: string | null) => (v === null ? 'NULL' : `DATE '${v}'`);
const episodeQuery = (t: string) =>
  `SELECT person_id, drug, episode_id, start_date, end_date, n_dispensings, supply_days, exposed_days, covered_days, end_reason, cap_date
   FROM ${t} ORDER BY person_id, drug, episode_id`;
const sourceQuery = (t: string) =>
  `SELECT person_id, drug, date, supply_days, units, product_code, source_table, source_row, reason FROM ${t}_source ORDER BY drug, source_row`;
// Dispensings sharing person, class, day and supply are tied in the order of the running totals, which
// is each engine's own storage order: per-row running values are compared through tie-free aggregates.
const dispensingQuery = (t: string) =>
  `SELECT person_id, drug, date, supply_days, COUNT(*) AS n, MIN(episode_id) AS episode_id, MAX(episode_id) AS episode_id_max,
     MAX(coverage_end) AS coverage_end, SUM(gap_days) AS gap_days, MAX(cum_units) AS cum_units, SUM(units) AS units
   FROM ${t}_dispensings GROUP BY person_id, drug, date, supply_days ORDER BY person_id, drug, date, supply_days`;

async function runAll(engine: Engine): Promise<Outputs> {
  await seed(engine, fixture(), schema);
  await engine.run(`CREATE TABLE ${schema}.idx (person_id VARCHAR, index_date DATE, end_date DATE)`);
  await engine.run(
    `INSERT INTO ${schema}.idx VALUES ` +
      ids.map((id, i) => {
        const f = followUp(i);
        return `('${id}', ${lit(f.index)}, ${lit(f.end)})`;
      }).join(', '),
  );
  await engine.run(`CREATE TABLE ${schema}.win (person_id VARCHAR, start_date DATE, end_date DATE)`);
  await engine.run(
    `INSERT INTO ${schema}.win VALUES ` +
      ids.map((id, i) => {
        const f = followUp(i);
        return `('${id}', ${lit(f.index)}, ${lit(f.winEnd)})`;
      }).join(', '),
  );
  await engine.run(`CREATE TABLE ${schema}.ddd (product_code VARCHAR, ddd_per_unit DECIMAL(6, 3))`);
  await engine.run(`INSERT INTO ${schema}.ddd VALUES ('P1', 0.5), ('P2', 1), ('P3', 0.125)`);

  const drugs = [
    { name: 'statin', atcPrefixes: ['C10AA'] },
    { name: 'fibrate', atcPrefixes: ['C10AB'] },
  ];
  const builds: Record<string, ExposureEpisodesOptions> = {
    // Stockpiling with a percent grace, extended after the last supply; fibrate by pack size.
    epA: {
      schema,
      drugs,
      daysSupply: { statin: { method: 'given' }, fibrate: { method: 'packSize', small: 30, large: 90, largeFrom: 84 } },
      gracePeriod: { percentOfSupply: 50 },
      stockpiling: true,
      extendByGrace: true,
      into: `${schema}.epA`,
    },
    // No stockpiling, fixed grace; statin from a fractional daily dose (rounded up).
    epB: {
      schema,
      drugs,
      daysSupply: { statin: { method: 'ddd', dailyDose: 1.5 }, fibrate: { method: 'given' } },
      gracePeriod: { days: 15 },
      stockpiling: false,
      into: `${schema}.epB`,
    },
    // Stockpiling, no grace, no caps.
    epC: {
      schema,
      drugs,
      daysSupply: { method: 'given' },
      gracePeriod: { days: 0 },
      stockpiling: true,
      capAtDeath: false,
      capAtObservationEnd: false,
      into: `${schema}.epC`,
    },
  };
  const results: Record<string, unknown> = {};
  const tables: Record<string, Row[]> = {};
  const read = async (name: string, sql: string) => {
    tables[name] = plain(await engine.rows<Row>(sql));
  };
  for (const [name, options] of Object.entries(builds)) {
    results[name] = await buildExposureEpisodes(engine, options);
    await read(name, episodeQuery(options.into));
    await read(`${name}_source`, sourceQuery(options.into));
    await read(`${name}_dispensings`, dispensingQuery(options.into));
  }

  for (const ep of ['epA', 'epB']) {
    results[`sw_${ep}`] = await detectSwitches(engine, { episodes: `${schema}.${ep}`, drugs: ['statin', 'fibrate'], gapDays: 30, overlapDays: 7, into: `${schema}.sw_${ep}` });
    await read(`sw_${ep}`, `SELECT person_id, from_drug, to_drug, date, type, from_episode_id, to_episode_id FROM ${schema}.sw_${ep} ORDER BY person_id, date, from_drug, to_drug`);
  }

  results['discA'] = await discontinuationDates(engine, { episodes: `${schema}.epA`, drug: 'statin', lagDays: 30, into: `${schema}.discA` });
  results['discB'] = await discontinuationDates(engine, { episodes: `${schema}.epB`, drug: 'fibrate', index: `${schema}.idx`, into: `${schema}.discB` });
  for (const t of ['discA', 'discB']) {
    await read(t, `SELECT person_id, drug, episode_id, episode_start, episode_end, end_reason, discontinuation_date FROM ${schema}.${t} ORDER BY person_id`);
  }

  results['stA'] = await buildExposureStates(engine, {
    episodes: `${schema}.epA`,
    drug: 'statin',
    index: `${schema}.idx`,
    recentDays: 30,
    durationBands: [0, 90, 180],
    ddd: { unitsPerDdd: 28 },
    dddBands: [0, 3, 6.5],
    into: `${schema}.stA`,
  });
  results['stB'] = await buildExposureStates(engine, {
    episodes: `${schema}.epB`,
    drug: 'fibrate',
    index: `${schema}.idx`,
    recentDays: 60,
    durationBands: [0, 45],
    ddd: { table: `${schema}.ddd` },
    dddBands: [0, 10, 40],
    into: `${schema}.stB`,
  });
  for (const t of ['stA', 'stB']) {
    await read(t, `SELECT person_id, start, stop, state, cum_days_band, cum_ddd_band FROM ${schema}.${t} ORDER BY person_id, start`);
  }

  results['adhA'] = await measureAdherence(engine, { episodes: `${schema}.epA`, drug: 'statin', windows: `${schema}.win`, into: `${schema}.adhA` });
  results['adhB'] = await measureAdherence(engine, { episodes: `${schema}.epB`, drug: 'statin', windows: `${schema}.win`, pdc: 'union', into: `${schema}.adhB` });
  results['adhC'] = await measureAdherence(engine, { episodes: `${schema}.epC`, drug: 'fibrate', windows: `${schema}.win`, into: `${schema}.adhC` });
  for (const t of ['adhA', 'adhB', 'adhC']) {
    await read(
      t,
      `SELECT person_id, drug, window_start, window_end, window_days, covered_days, pdc, supply_days, mpr, mpr_capped FROM ${schema}.${t} ORDER BY person_id`,
    );
  }
  return { results, tables };
}

const engines = testEngines();

describe.skipIf(engines.length < 2)('exposure plans give identical results on DuckDB and PostgreSQL', () => {
  const out: Record<string, Outputs> = {};
  const open: Engine[] = [];
  beforeAll(async () => {
    for (const e of engines) {
      const engine = await e.open();
      open.push(engine);
      out[e.name] = await runAll(engine);
    }
  }, 120_000);
  afterAll(async () => {
    for (const engine of open) await engine.close();
  });

  const same = (...names: string[]) => {
    for (const n of names) expect(out['postgres']!.tables[n], n).toEqual(out['duckdb']!.tables[n]);
  };
  const sameResults = (...names: string[]) => {
    for (const n of names) expect(out['postgres']!.results[n], n).toEqual(out['duckdb']!.results[n]);
  };
  const duck = (n: string) => out['duckdb']!.tables[n]!;
  const values = (n: string, column: string) => new Set(duck(n).map((r) => r[column]));

  it('the fixture exercises every case (checked on DuckDB; the comparisons below hold PostgreSQL to it)', () => {
    expect(duck('epA').length).toBeGreaterThan(60);
    for (const t of ['epA', 'epB']) expect(values(t, 'end_reason')).toEqual(new Set(['supply-end', 'death', 'observation-end']));
    expect(values('epA_source', 'reason')).toEqual(
      new Set([null, 'missing-date', 'missing-days-supply', 'missing-packs', 'non-positive-supply', 'outside-observation', 'after-death']),
    );
    expect(values('epC_source', 'reason')).toContain('unknown-person');
    expect(duck('epA_dispensings').some((r) => Number(r['n']) > 1)).toBe(true); // same-day ties
    expect(duck('epB_dispensings').some((r) => Number(r['gap_days']) > 0)).toBe(true); // bridged gaps
    for (const t of ['sw_epA', 'sw_epB']) expect(values(t, 'type')).toEqual(new Set(['switch', 'add-on']));
    expect(values('discA', 'discontinuation_date').has(null)).toBe(true);
    expect(duck('discB').length).toBeGreaterThan(5);
    expect(values('stA', 'state')).toEqual(new Set(['never', 'current', 'recent', 'past']));
    expect(values('stA', 'cum_days_band')).toEqual(new Set(['[0,90)', '[90,180)', '>=180']));
    expect(values('stA', 'cum_ddd_band')).toEqual(new Set(['[0,3)', '[3,6.5)', '>=6.5']));
    expect(values('stB', 'cum_ddd_band')).toEqual(new Set(['[0,10)', '[10,40)', '>=40']));
    const pdc = duck('adhA').map((r) => Number(r['pdc']));
    expect(pdc.some((p) => p > 0 && p < 1)).toBe(true);
    expect(duck('adhA').some((r) => Number(r['mpr']) > 1)).toBe(true);
  });

  it('episodes: stockpiling with percent grace, no stockpiling with fixed grace, uncapped', () => {
    same('epA', 'epB', 'epC');
    sameResults('epA', 'epB', 'epC');
  });

  it("dispensings: days' supply, exclusion reasons and running values", () => {
    same('epA_source', 'epB_source', 'epC_source', 'epA_dispensings', 'epB_dispensings', 'epC_dispensings');
  });

  it('switching', () => {
    same('sw_epA', 'sw_epB');
    sameResults('sw_epA', 'sw_epB');
  });

  it('discontinuation, without and with an index date', () => {
    same('discA', 'discB');
    sameResults('discA', 'discB');
  });

  it('exposure states: current/recent/past, duration bands, DDD bands from a rate and from a table', () => {
    same('stA', 'stB');
    sameResults('stA', 'stB');
  });

  it('adherence: PDC (carry-over and union) and MPR', () => {
    same('adhA', 'adhB', 'adhC');
    sameResults('adhA', 'adhB', 'adhC');
  });
});
