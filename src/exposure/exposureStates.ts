import type { Engine } from '../engine/index.js';
import { exposureMessages as msg } from '../messages/index.js';
import {
  bandIndexSql,
  bandLabelSql,
  bandLabels,
  checkBands,
  checkPositive,
  checkTableName,
  checkWholeDays,
  dayNumber,
  num,
  requireColumns,
  tmpName,
} from './sql.js';
import type { DddSource, ExposureStatesOptions, ExposureStatesResult } from './types.js';

/** Status codes carried in SQL; the output writes the names. */
const stateNames = ['never', 'current', 'recent', 'past'] as const;

/** Day numbers are shifted by this much before being packed with a status code, so keys stay positive for any date after year −700. */
const keyShift = 1_000_000;

/**
 * Time-varying exposure states per person, as counting-process intervals in days since the index
 * date, from an episodes table (buildExposureEpisodes).
 *
 * Time axis. Day offset t = date − index_date. The interval (t − 1, t] stands for day t, so an
 * outcome on day t (time t) falls in the interval carrying day t's state. Rows cover (0, T] with
 * T = end_date − index_date, in order, with no gap and no overlap; adjacent days with identical
 * states are merged into one row. A person with end_date = index_date gets one row (0, 0] carrying
 * the index day's state. Index rows with a missing date or end_date < index_date are excluded and
 * counted.
 *
 * State on a day (from every episode of the class, before and after the index date):
 * - 'current': the day lies in an episode [start_date, end_date];
 * - 'recent': within R = recentDays days after an episode's end (end + 1 … end + R), and no new
 *   episode yet;
 * - 'past': later than that;
 * - 'never': before the person's first episode (= first used dispensing).
 * Cumulative duration on day t: the number of episode days on or before t (each episode counts
 * end − start + 1 days once over, bridged gaps included), banded by `durationBands` ([lo, hi)).
 * Cumulative dose on day t: the DDDs of every used dispensing dated on or before t (the whole
 * dispensed quantity counts from its dispensing day), banded by `dddBands`. A dispensing whose dose
 * cannot be computed counts 0 DDD and is counted in dispensingsWithoutDose.
 *
 * Output table `into`: (person_id, start, stop, state, cum_days_band, cum_ddd_band), start and stop
 * INTEGER day offsets, bands as their labels (see bandLabels), cum_ddd_band NULL without `ddd`.
 */
export async function buildExposureStates(engine: Engine, options: ExposureStatesOptions): Promise<ExposureStatesResult> {
  const d = engine.dialect;
  const episodes = checkTableName('episodes', options.episodes);
  const timeline = `${episodes}_timeline`;
  const dispensings = `${episodes}_dispensings`;
  const source = `${episodes}_source`;
  const index = checkTableName('index', options.index);
  const into = checkTableName('into', options.into);
  const R = checkWholeDays('recentDays', options.recentDays);
  const durationBands = checkBands('durationBands', options.durationBands ?? [0]);
  const dddBands = checkBands('dddBands', options.dddBands ?? [0]);
  const ddd = checkDdd(options.ddd);
  const durationLabels = bandLabels(durationBands);
  const dddLabels = ddd ? bandLabels(dddBands) : [];
  const drug = d.literal(options.drug);

  await requireColumns(engine, index, ['person_id', 'index_date', 'end_date'], 'person_id, index_date and end_date');
  const dup = Number((await engine.scalar<number>(`SELECT COUNT(*) - COUNT(DISTINCT person_id) FROM ${index}`)) ?? 0);
  if (dup > 0) throw msg.duplicatePersons(index, dup);
  if (ddd && 'table' in ddd) {
    await requireColumns(engine, ddd.table, ['product_code', 'ddd_per_unit'], 'product_code and ddd_per_unit');
    const dupDdd = Number((await engine.scalar<number>(`SELECT COUNT(*) - COUNT(DISTINCT product_code) FROM ${ddd.table}`)) ?? 0);
    if (dupDdd > 0) throw msg.duplicateProducts(ddd.table, dupDdd);
  }

  const ix = tmpName('ix');
  try {
    // The follow-up of each person, with an integer key ik: the window passes below sort on it.
    await engine.run(`CREATE TEMP TABLE ${ix} AS
      SELECT person_id, ROW_NUMBER() OVER () AS ik, ${dayNumber(d, 'index_date')} AS i0, ${dayNumber(d, 'end_date')} AS t_end,
        CASE WHEN end_date > index_date THEN ${dayNumber(d, 'index_date')} + 1 ELSE ${dayNumber(d, 'index_date')} END AS fstart,
        CASE WHEN index_date IS NULL OR end_date IS NULL THEN 'missing-date' WHEN end_date < index_date THEN 'end-before-index' END AS reason
      FROM ${index}`);

    // Breakpoints: days on which a component of the state changes, with its new value. Every one is a
    // real change (an episode starts, ends or turns past; a band is entered), and episodes of a class
    // are at least one day apart, so consecutive days always differ and need no merging.
    const nullInt = 'CAST(NULL AS INTEGER)';
    const thresholds = durationBands.slice(1).map((b, i) => `SELECT ${i + 1} AS i, ${num(b)} AS b`);
    // Cumulative dose bands: the first day of each band above 0 (cumulative doses only grow), found
    // per person before joining the (smaller) result to the follow-up.
    const dddFirstDays = !ddd || dddBands.length === 1
      ? null
      : 'unitsPerDdd' in ddd
        ? `SELECT person_id, band, MIN(day) AS day FROM (
             SELECT person_id, day, ${bandIndexSql(`cum_units / ${num(ddd.unitsPerDdd)}`, dddBands)} AS band FROM ${timeline} WHERE drug = ${drug}) x
           WHERE band > 0 GROUP BY person_id, band`
        : `SELECT person_id, band, MIN(day) AS day FROM (
             SELECT person_id, day, ${bandIndexSql('cum', dddBands)} AS band FROM (
               SELECT x.person_id, ${dayNumber(d, 'x.date')} AS day,
                 SUM(x.units * dt.ddd_per_unit) OVER (PARTITION BY x.person_id ORDER BY x.date, x.supply_days ROWS UNBOUNDED PRECEDING) AS cum
               FROM ${dispensings} x LEFT JOIN ${ddd.table} dt ON dt.product_code = x.product_code
               WHERE x.drug = ${drug}) c) b
           WHERE band > 0 GROUP BY person_id, band`;
    const parts = [
      `SELECT ik, s AS day, 1 AS st, ${nullInt} AS db, ${nullInt} AS ddb FROM ep`,
      ...(R > 0 ? [`SELECT ik, e + 1, 2, ${nullInt}, ${nullInt} FROM ep WHERE next_s IS NULL OR e + 1 < next_s`] : []),
      `SELECT ik, e + ${R} + 1, 3, ${nullInt}, ${nullInt} FROM ep WHERE next_s IS NULL OR e + ${R} + 1 < next_s`,
      ...(thresholds.length
        ? [`SELECT ep.ik, ep.s + th.b - ep.cb - 1, ${nullInt}, th.i, ${nullInt} FROM ep CROSS JOIN (${thresholds.join(' UNION ALL ')}) th
            WHERE ep.s + th.b - ep.cb - 1 BETWEEN ep.s AND ep.e`]
        : []),
      ...(dddFirstDays
        ? [`SELECT i.ik, dd.day, ${nullInt}, ${nullInt}, dd.band FROM (${dddFirstDays}) dd JOIN ${ix} i ON i.person_id = dd.person_id
            WHERE i.reason IS NULL AND dd.day <= i.t_end`]
        : []),
      `SELECT ik, fstart, ${nullInt}, ${nullInt}, ${nullInt} FROM ${ix} WHERE reason IS NULL`,
    ];

    // One window pass: carry each component forward (bands only grow, so a running max; the status is
    // packed with its day so the running max picks the latest) and find where the next day starts.
    // Breakpoints sharing a day are not grouped: only the last of them (whose frame holds them all)
    // is kept, the one whose next breakpoint is on a later day.
    const w = `PARTITION BY ik ORDER BY day`;
    await engine.run(`DROP TABLE IF EXISTS ${into}`);
    await engine.run(`CREATE TABLE ${into} AS
      WITH ep AS (
        SELECT ik, s, e, LEAD(s) OVER (PARTITION BY ik ORDER BY s) AS next_s,
          COALESCE(CAST(SUM(e - s + 1) OVER (PARTITION BY ik ORDER BY s ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS BIGINT), 0) AS cb
        FROM (SELECT i.ik, ${dayNumber(d, 'x.start_date')} AS s, ${dayNumber(d, 'x.end_date')} AS e
              FROM ${episodes} x JOIN ${ix} i ON i.person_id = x.person_id
              WHERE x.drug = ${drug} AND i.reason IS NULL AND ${dayNumber(d, 'x.start_date')} <= i.t_end) a),
      cf AS (
        SELECT ik, day, LEAD(day) OVER (${w}) AS next_day,
          MAX((day + ${keyShift}) * 4 + st) OVER (${w} ROWS UNBOUNDED PRECEDING) AS stkey,
          MAX(db) OVER (${w} ROWS UNBOUNDED PRECEDING) AS db, MAX(ddb) OVER (${w} ROWS UNBOUNDED PRECEDING) AS ddb
        FROM (${parts.join(' UNION ALL ')}) bp),
      seg AS (
        SELECT i.person_id, cf.day - i.i0 - 1 AS start0,
          CASE WHEN cf.next_day IS NULL OR cf.next_day - 1 > i.t_end THEN i.t_end ELSE cf.next_day - 1 END - i.i0 AS stop,
          COALESCE(cf.stkey % 4, 0) AS st, COALESCE(cf.db, 0) AS db, COALESCE(cf.ddb, 0) AS ddb
        FROM cf JOIN ${ix} i ON i.ik = cf.ik
        WHERE (cf.next_day IS NULL OR cf.next_day > cf.day) AND cf.day >= i.fstart AND cf.day <= i.t_end)
      SELECT person_id, CAST(CASE WHEN start0 < 0 THEN 0 ELSE start0 END AS INTEGER) AS start, CAST(stop AS INTEGER) AS stop,
        ${bandLabelSql('st', stateNames, d)} AS state,
        ${bandLabelSql('db', durationLabels, d)} AS cum_days_band,
        ${ddd ? bandLabelSql('ddb', dddLabels, d) : 'CAST(NULL AS VARCHAR)'} AS cum_ddd_band
      FROM seg`);

    const reasons = await engine.rows<{ reason: string | null; n: number }>(`SELECT reason, COUNT(*) AS n FROM ${ix} GROUP BY reason`);
    const intervals = Number((await engine.scalar<number>(`SELECT COUNT(*) FROM ${into}`)) ?? 0);
    const personsOutput = Number((await engine.scalar<number>(`SELECT COUNT(DISTINCT person_id) FROM ${into}`)) ?? 0);
    const withoutDose = !ddd
      ? 0
      : Number(
          (await engine.scalar<number>(
            'unitsPerDdd' in ddd
              ? `SELECT COUNT(*) FROM ${source} x JOIN ${ix} i ON i.person_id = x.person_id
                 WHERE x.drug = ${drug} AND x.reason IS NULL AND i.reason IS NULL AND x.units IS NULL`
              : `SELECT COUNT(*) FROM ${dispensings} x JOIN ${ix} i ON i.person_id = x.person_id
                 LEFT JOIN ${ddd.table} dt ON dt.product_code = x.product_code
                 WHERE x.drug = ${drug} AND i.reason IS NULL AND (x.units * dt.ddd_per_unit) IS NULL`,
          )) ?? 0,
        );
    const n = (r: string | null) => Number(reasons.find((x) => x.reason === r)?.n ?? 0);
    return {
      table: into,
      settings: {
        episodes,
        drug: options.drug,
        index,
        recentDays: R,
        durationBands,
        ddd,
        dddBands,
        durationBandLabels: durationLabels,
        dddBandLabels: dddLabels,
      },
      counts: {
        personsRead: reasons.reduce((s, r) => s + Number(r.n), 0),
        personsOutput,
        excluded: (['missing-date', 'end-before-index'] as const).map((reason) => ({ reason, rows: n(reason) })).filter((e) => e.rows > 0),
        intervals,
        dispensingsWithoutDose: withoutDose,
      },
    };
  } finally {
    await engine.run(`DROP TABLE IF EXISTS ${ix}`);
  }
}

function checkDdd(ddd: DddSource | undefined): DddSource | null {
  if (!ddd) return null;
  if ('unitsPerDdd' in ddd) return { unitsPerDdd: checkPositive('ddd.unitsPerDdd', ddd.unitsPerDdd) };
  if ('table' in ddd) return { table: checkTableName('ddd.table', ddd.table) };
  throw msg.badNumber('ddd', JSON.stringify(ddd), '{ unitsPerDdd: n } or { table: name }');
}
