import type { Engine } from '../engine/index.js';
import { schemaPrefix } from '../load/model.js';
import type { RowAccount } from '../model/index.js';
import { checkDaysSupply, daysSupplySql, missingSupplyReasonSql } from './daysSupply.js';
import { checkDrugSelectors, drugSelectorSql } from './drugSelector.js';
import { exposureMessages as msg } from './messages.js';
import { checkNonNegative, checkTableName, checkWholeDays, dateOf, dayNumber, num, tmpName } from './sql.js';
import type {
  DaysSupply,
  EpisodeCounts,
  ExclusionCount,
  ExclusionReason,
  ExposureEpisodesOptions,
  ExposureEpisodesResult,
  GracePeriod,
} from './types.js';

/** Exclusion reasons in the order they are checked (the first that applies wins). */
export const exclusionReasons: ExclusionReason[] = [
  'missing-date',
  'missing-days-supply',
  'missing-packs',
  'missing-units-per-pack',
  'non-positive-supply',
  'implausible-supply',
  'unknown-person',
  'outside-observation',
  'after-death',
];

/** Longest days' supply accepted for one dispensing (100 years); longer is a data error, excluded as 'implausible-supply'. */
export const maxSupplyDays = 36_500;

/**
 * Continuous exposure episodes of one or more drug classes, built set-based on the engine.
 *
 * Definitions (all days are whole calendar days, all intervals inclusive):
 * 1. Selection. A dispensing belongs to a class when its ATC code starts with one of the class's
 *    prefixes or its product code is listed (DrugSelector). Every selected dispensing is either used
 *    or excluded with one reason, checked in this order: 'missing-date'; missing supply inputs
 *    ('missing-days-supply', 'missing-packs', 'missing-units-per-pack', see DaysSupply);
 *    'non-positive-supply' (supply < 1 day); 'implausible-supply' (supply > 36,500 days);
 *    'unknown-person' (no person row, when observation periods are not used); 'outside-observation'
 *    (date in no observation period, when capAtObservationEnd); 'after-death' (date > death date,
 *    when capAtDeath).
 * 2. Coverage. A dispensing on day d with supply s covers days [d, d + s − 1].
 * 3. Observation. Observation periods of a person that overlap or touch (next start <= previous
 *    end + 1) are merged first. Episodes are built separately within each period, so they never
 *    cross a period boundary.
 * 4. Running end. Order the dispensings of a person, class and period by date, and by supply within
 *    a day: k = 1..n, with supply s_k and cumulative supply S_k = s_1 + … + s_k (S_0 = 0). F_k is the
 *    first day NOT covered after dispensing k (an exclusive end):
 *    - stockpiling: F_k = max(F_(k−1), d_k) + s_k (supply in hand is used up first, new supply is
 *      carried forward), which unrolls to F_k = S_k + max over j <= k of (d_j − S_(j−1));
 *    - no stockpiling: F_k = max(F_(k−1), d_k + s_k) = max over j <= k of (d_j + s_j)
 *      (overlapping supply is truncated).
 *    So same-day supplies add up with stockpiling; without it the longest one counts.
 * 5. Episodes. The gap before dispensing k is the number of uncovered days between the running
 *    coverage and d_k: gap_k = d_k − F_(k−1) (0 or less = no gap). Dispensing k starts a new episode
 *    when it is the first of its period or gap_k > grace_k, i.e. d_k > F_(k−1) + grace_k; so gap =
 *    grace continues the episode and gap = grace + 1 starts a new one. grace_k is the fixed number of
 *    days, or floor(p/100 × s_(k−1)) for { percentOfSupply: p }: for the first dispensing of a day,
 *    s_(k−1) is the largest supply dispensed on the previous dispensing day. A dispensing on the same
 *    day as the previous one never starts an episode.
 *    Why one pass is enough: a new episode implies d_k > F_(k−1), and then both recurrences of step 4
 *    restart by themselves (max(F_(k−1), d_k) = d_k), so F computed over the whole period equals F
 *    computed within each episode. Running sums and maxima are plain window functions: no recursion
 *    and no row-by-row loop (three window passes with stockpiling, two without).
 * 6. Episode start = first dispensing day; supply end = F_last − 1 (last covered day); episode end =
 *    supply end, plus grace after the last dispensing when extendByGrace (for percentOfSupply, p% of
 *    the largest supply of the last dispensing day). Then the end is truncated at the cap: the death
 *    date (capAtDeath) and the end of the observation period (capAtObservationEnd), whichever comes
 *    first; the death day itself and the last day of observation stay exposed.
 *
 * Output table `into`, one row per episode:
 *   person_id, drug, episode_id (1, 2, … per person and class, by start), start_date, end_date,
 *   n_dispensings, supply_days (Σ days' supply of its dispensings, before truncation),
 *   exposed_days (end − start + 1: every day of the episode, bridged gaps included),
 *   covered_days (days of the episode actually covered by supply: exposed days minus bridged gaps and
 *   minus the grace extension), end_reason ('supply-end' | 'death' | 'observation-end': 'death' or
 *   'observation-end' when the cap truncated the episode), cap_date (the cap, NULL when none).
 * `<into>_dispensings`: every used dispensing (person_id, drug, episode_id, date, supply_days,
 * units = packs × units_per_pack, product_code, source_table, source_row, cum_units (running total of
 * units of the person and class, this dispensing included, for dose bands), coverage_end = F_k − 1 (the
 * last day covered by the supplies so far, before caps), gap_days = the uncovered days it bridges
 * (max(0, gap_k) when it continues an episode, else 0)), so each episode traces to its source rows.
 * `<into>_excluded`: every excluded dispensing (person_id, drug, date, reason, source_table,
 * source_row).
 */
export async function buildExposureEpisodes(engine: Engine, options: ExposureEpisodesOptions): Promise<ExposureEpisodesResult> {
  const d = engine.dialect;
  const drugs = checkDrugSelectors(options.drugs);
  const rules: Record<string, DaysSupply> = {};
  const isSingleRule = options.daysSupply && typeof (options.daysSupply as DaysSupply).method === 'string';
  for (const drug of drugs) {
    const rule = isSingleRule ? (options.daysSupply as DaysSupply) : (options.daysSupply as Record<string, DaysSupply>)[drug.name];
    rules[drug.name] = checkDaysSupply(drug.name, rule);
  }
  const grace = checkGrace(options.gracePeriod);
  if (typeof options.stockpiling !== 'boolean') throw msg.badNumber('stockpiling', options.stockpiling, 'true or false');
  const stockpiling = options.stockpiling;
  const extendByGrace = options.extendByGrace ?? false;
  const capAtDeath = options.capAtDeath ?? true;
  const capAtObservationEnd = options.capAtObservationEnd ?? true;
  const into = checkTableName('into', options.into);
  const dispensingsTable = `${into}_dispensings`;
  const excludedTable = `${into}_excluded`;
  const p = schemaPrefix(options.schema);
  // Classes are carried as small integers (di) and persons as integer keys (pk) so the window sorts
  // run on integers; names come back at the end.
  const drugName = `CASE di ${drugs.map((x, i) => `WHEN ${i} THEN ${d.literal(x.name)}`).join(' ')} END`;

  const keys = tmpName('keys');
  const cand = tmpName('cand');
  try {
    // 1. Person keys: one row per (merged) observation period, or per person, with the cap of the
    // exposure that starts in it.
    const deaths = `SELECT person_id, MIN(${dayNumber(d, 'death_date')}) AS death_day FROM ${p}person GROUP BY person_id`;
    const capDay = [capAtDeath ? 'death_day' : null, capAtObservationEnd ? 'period_end' : null].filter(Boolean) as string[];
    await engine.run(`CREATE TEMP TABLE ${keys} AS
      SELECT k.*, ${capDay.length === 0 ? 'CAST(NULL AS INTEGER)' : capDay.length === 1 ? capDay[0] : `LEAST(${capDay.join(', ')})`} AS cap_day,
        ${capAtDeath ? `CASE WHEN death_day IS NOT NULL AND (period_end IS NULL OR death_day <= period_end) THEN 'death' ELSE 'observation-end' END` : `'observation-end'`} AS cap_kind
      FROM (${
        capAtObservationEnd
          ? `SELECT mp.person_id, DENSE_RANK() OVER (ORDER BY mp.person_id) AS pk, mp.period_start, mp.period_end, de.death_day
             FROM (${mergedPeriodsSql(engine, p)}) mp LEFT JOIN (${deaths}) de ON de.person_id = mp.person_id`
          : `SELECT person_id, ROW_NUMBER() OVER () AS pk, CAST(NULL AS INTEGER) AS period_start, CAST(NULL AS INTEGER) AS period_end, death_day FROM (${deaths}) de`
      }) k`);

    // 2. Every selected dispensing with its supply, day number, person key, period and exclusion reason.
    // Only the columns needed later are kept: every window pass below carries them.
    const selects = drugs.map((drug, i) => {
      const rule = rules[drug.name]!;
      const missing = missingSupplyReasonSql(rule, 'x');
      return (
        `SELECT ${i} AS di, x.person_id, x.date, x.product_code, x.packs * x.units_per_pack AS units, ` +
        `x.source_table, x.source_row, ${daysSupplySql(rule, 'x')} AS supply_raw, ` +
        `CASE ${missing.map(([c, r]) => `WHEN ${c} THEN ${d.literal(r)}`).join(' ')} END AS missing_reason ` +
        `FROM ${p}dispensing x WHERE ${drugSelectorSql(drug, d, 'x')}`
      );
    });
    await engine.run(`CREATE TEMP TABLE ${cand} AS
      SELECT ROW_NUMBER() OVER () AS rid, sel.di, k.pk, sel.person_id, ${dayNumber(d, 'sel.date')} AS day, k.period_start,
        CASE WHEN sel.supply_raw >= 1 AND sel.supply_raw <= ${maxSupplyDays} THEN CAST(sel.supply_raw AS INTEGER) END AS supply,
        sel.units, sel.product_code, sel.source_table, sel.source_row,
        CASE WHEN sel.date IS NULL THEN 'missing-date'
          WHEN sel.missing_reason IS NOT NULL THEN sel.missing_reason
          WHEN sel.supply_raw < 1 THEN 'non-positive-supply'
          WHEN sel.supply_raw > ${maxSupplyDays} THEN 'implausible-supply'
          WHEN k.pk IS NULL THEN ${capAtObservationEnd ? `'outside-observation'` : `'unknown-person'`}
          ${capAtDeath ? `WHEN k.death_day IS NOT NULL AND ${dayNumber(d, 'sel.date')} > k.death_day THEN 'after-death'` : ''}
        END AS reason
      FROM (${selects.join(' UNION ALL ')}) sel
      LEFT JOIN ${keys} k ON k.person_id = sel.person_id ${capAtObservationEnd ? `AND ${dayNumber(d, 'sel.date')} BETWEEN k.period_start AND k.period_end` : ''}`);

    // 3. Running end F, gap, new-episode flag and episode number of every used dispensing (steps 4–5),
    // written straight into <into>_dispensings. One running MAX over the preceding rows gives both
    // F_(k−1) and F_k = max(F_(k−1), …).
    // rid makes the order total: every window pass must see same-day dispensings in the same order.
    const order = `ORDER BY day, supply, rid`;
    const wp = `PARTITION BY pk, di, period_start ${order}`;
    const graceOf = (supply: string) => ('days' in grace ? num(grace.days) : `FLOOR(${num(grace.percentOfSupply)} * ${supply} / 100.0 + 0.000000001)`);
    // Sums of INTEGER columns are cast back to BIGINT: wider types slow every later window pass.
    const running = stockpiling
      ? `l1 AS (SELECT u.*, CAST(SUM(supply) OVER (${wp} ROWS UNBOUNDED PRECEDING) AS BIGINT) AS cum, LAG(supply) OVER (${wp}) AS prev_supply FROM u),
         l2 AS (SELECT l1.*, day - cum + supply AS term, MAX(day - cum + supply) OVER (${wp} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS m_prev FROM l1),
         l3 AS (SELECT l2.*, cum - supply + m_prev AS f_prev, cum + CASE WHEN m_prev IS NOT NULL AND m_prev > term THEN m_prev ELSE term END AS f FROM l2)`
      : `l2 AS (SELECT u.*, LAG(supply) OVER (${wp}) AS prev_supply,
           MAX(day + supply) OVER (${wp} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS f_prev FROM u),
         l3 AS (SELECT l2.*, CASE WHEN f_prev IS NOT NULL AND f_prev > day + supply THEN f_prev ELSE day + supply END AS f FROM l2)`;
    // The window passes carry only narrow integer columns (they sort everything they carry); the
    // text columns come back by rid at the end.
    await engine.run(`DROP TABLE IF EXISTS ${dispensingsTable}`);
    await engine.run(`CREATE TABLE ${dispensingsTable} AS
      WITH u AS (SELECT rid, di, pk, day, period_start, supply, units FROM ${cand} WHERE reason IS NULL),
      ${running},
      l4 AS (SELECT l3.*, CASE WHEN f_prev IS NULL OR day > f_prev + ${graceOf('prev_supply')} THEN 1 ELSE 0 END AS is_new FROM l3),
      l5 AS (SELECT rid, day, supply, f,
        CAST(SUM(is_new) OVER (PARTITION BY pk, di ${order} ROWS UNBOUNDED PRECEDING) AS INTEGER) AS episode_id,
        SUM(units) OVER (PARTITION BY pk, di ${order} ROWS UNBOUNDED PRECEDING) AS cum_units,
        CAST(CASE WHEN is_new = 0 AND day > f_prev THEN day - f_prev ELSE 0 END AS INTEGER) AS gap_days
        FROM l4)
      SELECT c.person_id, ${drugName.replace('CASE di', 'CASE c.di')} AS drug, l5.episode_id, ${dateOf(d, 'l5.day')} AS date, l5.supply AS supply_days,
        c.units, c.product_code, c.source_table, c.source_row, l5.cum_units, ${dateOf(d, 'l5.f - 1')} AS coverage_end, l5.gap_days
      FROM l5 JOIN ${cand} c ON c.rid = l5.rid`);

    // 4. Episodes (step 6), with the cap of the period holding their start. The last dispensing's
    // supply is found by packing (day, supply) into one key.
    const dd = dayNumber(d, 'date');
    const lastSupply = `MAX(CAST(${dd} AS BIGINT) * 1048576 + supply_days) - MAX(CAST(${dd} AS BIGINT)) * 1048576`;
    await engine.run(`DROP TABLE IF EXISTS ${into}`);
    await engine.run(`CREATE TABLE ${into} AS
      SELECT person_id, drug, episode_id, ${dateOf(d, 'start_day')} AS start_date, ${dateOf(d, 'end_day')} AS end_date,
        CAST(n_dispensings AS INTEGER) AS n_dispensings, CAST(supply_days AS INTEGER) AS supply_days,
        CAST(end_day - start_day + 1 AS INTEGER) AS exposed_days, CAST(covered_days AS INTEGER) AS covered_days,
        end_reason, ${dateOf(d, 'cap_day')} AS cap_date
      FROM (
        SELECT b.*,
          CASE WHEN cap_day IS NOT NULL AND raw_end > cap_day THEN cap_day ELSE raw_end END AS end_day,
          CASE WHEN cap_day IS NOT NULL AND supply_end > cap_day THEN cap_day ELSE supply_end END - start_day + 1 - gaps AS covered_days,
          CASE WHEN cap_day IS NOT NULL AND raw_end > cap_day THEN cap_kind ELSE 'supply-end' END AS end_reason
        FROM (
          SELECT a.*, k.cap_day, k.cap_kind FROM (
            SELECT person_id, drug, episode_id, MIN(${dd}) AS start_day, MAX(${dayNumber(d, 'coverage_end')}) AS supply_end,
              MAX(${dayNumber(d, 'coverage_end')}) ${extendByGrace ? `+ ${graceOf(`(${lastSupply})`)}` : ''} AS raw_end,
              COUNT(*) AS n_dispensings, SUM(supply_days) AS supply_days, SUM(gap_days) AS gaps
            FROM ${dispensingsTable} GROUP BY person_id, drug, episode_id) a
          JOIN ${keys} k ON k.person_id = a.person_id ${capAtObservationEnd ? 'AND a.start_day BETWEEN k.period_start AND k.period_end' : ''}) b) c`);

    await engine.run(`DROP TABLE IF EXISTS ${excludedTable}`);
    await engine.run(`CREATE TABLE ${excludedTable} AS
      SELECT person_id, ${drugName} AS drug, ${dateOf(d, 'day')} AS date, reason, source_table, source_row FROM ${cand} WHERE reason IS NOT NULL`);

    // Counts: small aggregates only.
    const byReason = await engine.rows<{ drug: string; reason: string | null; n: number }>(
      `SELECT ${drugName} AS drug, reason, COUNT(*) AS n FROM ${cand} GROUP BY di, reason`,
    );
    const byEpisodes = await engine.rows<{ drug: string; episodes: number; persons: number; death: number; obs: number }>(
      `SELECT drug, COUNT(*) AS episodes, COUNT(DISTINCT person_id) AS persons,
        SUM(CASE WHEN end_reason = 'death' THEN 1 ELSE 0 END) AS death, SUM(CASE WHEN end_reason = 'observation-end' THEN 1 ELSE 0 END) AS obs
       FROM ${into} GROUP BY drug`,
    );
    const allPersons = Number((await engine.scalar<number>(`SELECT COUNT(DISTINCT person_id) FROM ${into}`)) ?? 0);

    const byDrug: Record<string, EpisodeCounts> = {};
    for (const drug of drugs) {
      const rows = byReason.filter((r) => r.drug === drug.name);
      const ep = byEpisodes.find((r) => r.drug === drug.name);
      const excluded: ExclusionCount[] = exclusionReasons
        .map((reason) => ({ reason, rows: Number(rows.find((r) => r.reason === reason)?.n ?? 0) }))
        .filter((e) => e.rows > 0);
      const used = Number(rows.find((r) => r.reason === null)?.n ?? 0);
      byDrug[drug.name] = {
        dispensingsRead: rows.reduce((s, r) => s + Number(r.n), 0),
        dispensingsUsed: used,
        excluded,
        episodes: Number(ep?.episodes ?? 0),
        persons: Number(ep?.persons ?? 0),
        cappedAtDeath: Number(ep?.death ?? 0),
        cappedAtObservationEnd: Number(ep?.obs ?? 0),
      };
    }
    const all = Object.values(byDrug);
    const sum = (f: (c: EpisodeCounts) => number) => all.reduce((s, c) => s + f(c), 0);
    const counts = {
      dispensingsRead: sum((c) => c.dispensingsRead),
      dispensingsUsed: sum((c) => c.dispensingsUsed),
      excluded: exclusionReasons
        .map((reason) => ({ reason, rows: sum((c) => c.excluded.find((e) => e.reason === reason)?.rows ?? 0) }))
        .filter((e) => e.rows > 0),
      episodes: sum((c) => c.episodes),
      persons: allPersons,
      cappedAtDeath: sum((c) => c.cappedAtDeath),
      cappedAtObservationEnd: sum((c) => c.cappedAtObservationEnd),
      byDrug,
    };
    const accounts: RowAccount[] = drugs.map((drug) => {
      const c = byDrug[drug.name]!;
      return {
        source: `dispensing:${drug.name}`,
        files: [`${p}dispensing`],
        rowsRead: c.dispensingsRead,
        rowsLoaded: c.dispensingsUsed,
        target: [dispensingsTable],
        removed: c.excluded.map((e) => ({ kind: 'cleaning' as const, reason: e.reason, rows: e.rows })),
      };
    });
    return {
      table: into,
      dispensingsTable,
      excludedTable,
      settings: {
        schema: options.schema ?? '',
        drugs,
        daysSupply: rules,
        gracePeriod: grace,
        stockpiling,
        extendByGrace,
        capAtDeath,
        capAtObservationEnd,
      },
      counts,
      accounts,
    };
  } finally {
    await engine.run(`DROP TABLE IF EXISTS ${cand}`);
    await engine.run(`DROP TABLE IF EXISTS ${keys}`);
  }
}

function checkGrace(g: GracePeriod): GracePeriod {
  if (g && typeof g === 'object' && 'days' in g) return { days: checkWholeDays('gracePeriod.days', g.days) };
  if (g && typeof g === 'object' && 'percentOfSupply' in g) return { percentOfSupply: checkNonNegative('gracePeriod.percentOfSupply', g.percentOfSupply) };
  throw msg.badNumber('gracePeriod', JSON.stringify(g), '{ days: n } or { percentOfSupply: p }');
}

/**
 * Observation periods as day numbers, overlapping or touching periods of a person merged
 * (gaps-and-islands): (person_id, period_start, period_end).
 */
export function mergedPeriodsSql(engine: Engine, p: string): string {
  const d = engine.dialect;
  return `SELECT person_id, MIN(s) AS period_start, MAX(e) AS period_end FROM (
      SELECT person_id, s, e, SUM(brk) OVER (PARTITION BY person_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS grp FROM (
        SELECT person_id, s, e,
          CASE WHEN s <= MAX(e) OVER (PARTITION BY person_id ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1 THEN 0 ELSE 1 END AS brk
        FROM (SELECT person_id, ${dayNumber(d, 'start_date')} AS s, ${dayNumber(d, 'end_date')} AS e FROM ${p}observation_period
              WHERE start_date IS NOT NULL AND end_date IS NOT NULL AND end_date >= start_date) op) a) b
    GROUP BY person_id, grp`;
}
