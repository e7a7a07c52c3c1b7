import type { Engine } from '../engine/index.js';
import { exposureMessages as msg } from '../messages/index.js';
import { checkTableName, dayNumber, requireColumns, tmpName } from './sql.js';
import type { AdherenceOptions, AdherenceResult } from './types.js';

/**
 * Adherence over a window per person, from the used dispensings of an episodes build
 * (`<episodes>_timeline`, with their days' supply).
 *
 * Window [start_date, end_date], both days included: window_days = end − start + 1.
 * - PDC (proportion of days covered) = covered_days / window_days, where covered_days counts each
 *   window day at most once, so PDC <= 1:
 *   - 'carryOver' (default; like AdhereR's CMA7): supplies are consumed one after another: with
 *     same-day supplies added up and F_k = max(F_(k−1), d_k) + s_k over all the person's dispensings
 *     of the class up to the window end (those before the window included, so stock carried into the
 *     window counts), dispensing day k covers [F_k − s_k, F_k − 1]; these pieces never overlap;
 *   - 'union': dispensing k covers [d_k, d_k + s_k − 1]; overlapping days count once (union).
 * - MPR (medication possession ratio) = supply_days / window_days, where supply_days is the total
 *   days' supply of the dispensings dated inside the window; it may exceed 1. mpr_capped = min(MPR, 1).
 * Output `into`: (person_id, drug, window_start, window_end, window_days, covered_days, pdc,
 * supply_days, mpr, mpr_capped), one row per valid window (persons without dispensings get 0).
 * Windows with a missing date or end before start are excluded and counted.
 */
export async function measureAdherence(engine: Engine, options: AdherenceOptions): Promise<AdherenceResult> {
  const d = engine.dialect;
  const episodes = checkTableName('episodes', options.episodes);
  const timeline = `${episodes}_timeline`;
  const windows = checkTableName('windows', options.windows);
  const into = checkTableName('into', options.into);
  const mode = options.pdc ?? 'carryOver';
  if (mode !== 'carryOver' && mode !== 'union') throw msg.badNumber('pdc', mode, "'carryOver' or 'union'");
  await requireColumns(engine, windows, ['person_id', 'start_date', 'end_date'], 'person_id, start_date and end_date');
  const dup = Number((await engine.scalar<number>(`SELECT COUNT(*) - COUNT(DISTINCT person_id) FROM ${windows}`)) ?? 0);
  if (dup > 0) throw msg.duplicatePersons(windows, dup);

  const w = tmpName('win');
  const part = `PARTITION BY person_id ORDER BY day`;
  // Coverage pieces [cs, ce] of each pooled dispensing day, disjoint by construction.
  const pieces =
    mode === 'carryOver'
      ? `SELECT person_id, day, supply_total, f - supply AS cs, f - 1 AS ce FROM (
           SELECT person_id, day, supply, supply_total, cum + MAX(day - cum + supply) OVER (${part} ROWS UNBOUNDED PRECEDING) AS f FROM (
             SELECT dd.*, CAST(SUM(supply) OVER (${part} ROWS UNBOUNDED PRECEDING) AS BIGINT) AS cum FROM dd) a) b`
      : `SELECT person_id, day, supply_total, CASE WHEN f_prev IS NOT NULL AND f_prev > day THEN f_prev ELSE day END AS cs, f - 1 AS ce FROM (
           SELECT person_id, day, supply_total, f, LAG(f) OVER (${part}) AS f_prev FROM (
             SELECT dd.*, MAX(day + supply) OVER (${part} ROWS UNBOUNDED PRECEDING) AS f FROM dd) a) b`;
  try {
    await engine.run(`CREATE TEMP TABLE ${w} AS
      SELECT person_id, start_date, end_date, ${dayNumber(d, 'start_date')} AS ws, ${dayNumber(d, 'end_date')} AS we,
        CASE WHEN start_date IS NULL OR end_date IS NULL THEN 'missing-date' WHEN end_date < start_date THEN 'end-before-start' END AS reason
      FROM ${windows}`);
    await engine.run(`DROP TABLE IF EXISTS ${into}`);
    await engine.run(`CREATE TABLE ${into} AS
      WITH dd AS (
        SELECT x.person_id, x.day, ${mode === 'carryOver' ? 'SUM' : 'MAX'}(x.supply_days) AS supply, SUM(x.supply_days) AS supply_total
        FROM ${timeline} x JOIN ${w} v ON v.person_id = x.person_id
        WHERE x.drug = ${d.literal(options.drug)} AND v.reason IS NULL AND x.day <= v.we
        GROUP BY x.person_id, x.day),
      pc AS (${pieces}),
      agg AS (
        SELECT pc.person_id,
          SUM(CASE WHEN (CASE WHEN pc.ce < v.we THEN pc.ce ELSE v.we END) >= (CASE WHEN pc.cs > v.ws THEN pc.cs ELSE v.ws END)
                   THEN (CASE WHEN pc.ce < v.we THEN pc.ce ELSE v.we END) - (CASE WHEN pc.cs > v.ws THEN pc.cs ELSE v.ws END) + 1 ELSE 0 END) AS covered,
          SUM(CASE WHEN pc.day >= v.ws THEN pc.supply_total ELSE 0 END) AS supply
        FROM pc JOIN ${w} v ON v.person_id = pc.person_id GROUP BY pc.person_id)
      SELECT v.person_id, ${d.literal(options.drug)} AS drug, v.start_date AS window_start, v.end_date AS window_end,
        CAST(v.we - v.ws + 1 AS INTEGER) AS window_days, CAST(COALESCE(a.covered, 0) AS INTEGER) AS covered_days,
        CAST(COALESCE(a.covered, 0) AS DOUBLE PRECISION) / (v.we - v.ws + 1) AS pdc,
        CAST(COALESCE(a.supply, 0) AS INTEGER) AS supply_days,
        CAST(COALESCE(a.supply, 0) AS DOUBLE PRECISION) / (v.we - v.ws + 1) AS mpr,
        CASE WHEN COALESCE(a.supply, 0) >= v.we - v.ws + 1 THEN 1.0 ELSE CAST(COALESCE(a.supply, 0) AS DOUBLE PRECISION) / (v.we - v.ws + 1) END AS mpr_capped
      FROM ${w} v LEFT JOIN agg a ON a.person_id = v.person_id WHERE v.reason IS NULL`);
    const reasons = await engine.rows<{ reason: string | null; n: number }>(`SELECT reason, COUNT(*) AS n FROM ${w} GROUP BY reason`);
    const n = (r: string | null) => Number(reasons.find((x) => x.reason === r)?.n ?? 0);
    return {
      table: into,
      settings: { episodes, drug: options.drug, windows, pdc: mode },
      counts: {
        windowsRead: reasons.reduce((s, r) => s + Number(r.n), 0),
        windowsOutput: n(null),
        excluded: (['missing-date', 'end-before-start'] as const).map((reason) => ({ reason, rows: n(reason) })).filter((e) => e.rows > 0),
      },
    };
  } finally {
    await engine.run(`DROP TABLE IF EXISTS ${w}`);
  }
}
