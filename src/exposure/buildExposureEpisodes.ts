import type { Engine } from '../engine/index.js';
import { schemaPrefix } from '../load/model.js';
import type { RowAccount } from '../model/index.js';
import { checkDaysSupply, daysSupplySql, missingSupplyReasonSql } from './daysSupply.js';
import { checkDrugSelectors, drugSelectorSql } from './drugSelector.js';
import { exposureMessages as msg } from '../messages/index.js';
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

/** Most drug classes in one build (the class index is packed into the window keys). */
export const maxDrugs = 64;

/** Longest days' supply accepted for one dispensing (100 years); longer is a data error, excluded as 'implausible-supply'. */
export const maxSupplyDays = 36_500;

/**
 * Continuous exposure episodes of one or more drug classes, built set-based on the engine.
 *
 * Definitions (all days are whole calendar days, all intervals inclusive):
 * 1. Selection. A dispensing belongs to a class when its ATC code starts with one of the class's
 *    prefixes or its product code is listed (DrugSelector); with `persons`, only dispensings of the
 *    persons listed there are selected. Every selected dispensing is either used
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
 * 4. Running end. Order the dispensings of a person, class and period by date, then supply, then
 *    row (a total order shared by every window pass): k = 1..n, with supply s_k and cumulative supply S_k = s_1 + … + s_k (S_0 = 0). F_k is the
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
 *    Why no recursion is needed: a new episode implies d_k > F_(k−1), and then both recurrences of step 4
 *    restart by themselves (max(F_(k−1), d_k) = d_k), so F computed over the whole period equals F
 *    computed within each episode. Running sums and maxima are plain window functions: no recursion
 *    and no row-by-row loop (two window passes over the dispensings, then one over episode starts).
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
 * `<into>_source`: every selected dispensing (person_id, drug, date, supply_days, units = packs ×
 * units_per_pack, product_code, source_table, source_row, reason: NULL when used, else the exclusion
 * reason; plus internal keys di, pk, pid, ps, day, and rid when the engine has no storage row number).
 * `<into>_timeline`: every used dispensing, narrow, for the states and adherence steps (person_id,
 * drug, supply_days, units, cum_units = running total of units of the person and class, exact at the
 * end of each day, gap_days = uncovered days bridged before it; plus the internal columns of the
 * computation: rid, pid, di, ps, day, cum, rn, f, m_prev, prev_supply, is_new, is_last, cum_gap).
 * Views `<into>_dispensings` (every used dispensing: person_id, drug, episode_id, date, supply_days,
 * units, product_code, source_table, source_row, cum_units, coverage_end = F_k − 1 before caps,
 * gap_days: each episode traces back to its source rows) and `<into>_excluded` (every excluded
 * dispensing with its reason).
 * Ties: 'row' above is the engine's storage order, so dispensings of a person and class tied on date
 * and supply may carry their per-row running values (cum_units, coverage_end, gap_days) in another
 * order on another engine; episodes and every later step never depend on that order.
 * Bounds: at most 64 classes per build; per person and class, fewer than 2^21 dispensings and a total
 * supply under 2^31 days (far beyond real data).
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
  const persons = options.persons === undefined ? null : checkTableName('persons', options.persons);
  // Restricting the selection early (and the person keys) spares the window passes every other person.
  const inPersons = (col: string) => (persons ? ` AND ${col} IN (SELECT person_id FROM ${persons})` : '');
  const sourceTable = `${into}_source`;
  const timelineTable = `${into}_timeline`;
  const dispensingsTable = `${into}_dispensings`;
  const excludedTable = `${into}_excluded`;
  const p = schemaPrefix(options.schema);
  if (drugs.length > maxDrugs) throw msg.badNumber('drugs', drugs.length, `at most ${maxDrugs} classes in one build`);
  // Classes are carried as small integers (di), persons and periods as integer keys (pk, pid), so the
  // window sorts run on two BIGINT keys: gp/gq = key × 64 + di, ds = day × 65536 + supply.
  const drugName = (di: string) => `CASE ${di} ${drugs.map((x, i) => `WHEN ${i} THEN ${d.literal(x.name)}`).join(' ')} END`;

  // A unique row id of <into>_source: the engine's storage row number when it has a stable one (free),
  // else a ROW_NUMBER() column written with the table.
  const rowNumber = d.storageRowNumber;
  const rid = rowNumber ?? 'rid';

  const keys = tmpName('keys');
  try {
    // 1. Person keys: one row per (merged) observation period, or per person, with the cap of the
    // exposure that starts in it: the earlier of death and period end, a missing death day ignored
    // (a CASE: LEAST skips NULLs on DuckDB and PostgreSQL, but not on every SQL engine).
    const deaths = `SELECT person_id, MIN(${dayNumber(d, 'death_date')}) AS death_day FROM ${p}person WHERE TRUE${inPersons('person_id')} GROUP BY person_id`;
    const capDay = [capAtDeath ? 'death_day' : null, capAtObservationEnd ? 'period_end' : null].filter(Boolean) as string[];
    await engine.run(`CREATE TEMP TABLE ${keys} AS
      SELECT k.*, ROW_NUMBER() OVER () AS pid,
        ${capDay.length === 0 ? 'CAST(NULL AS INTEGER)' : capDay.length === 1 ? capDay[0] : 'CASE WHEN death_day IS NULL THEN period_end WHEN period_end IS NULL OR death_day < period_end THEN death_day ELSE period_end END'} AS cap_day,
        ${capAtDeath ? `CASE WHEN death_day IS NOT NULL AND (period_end IS NULL OR death_day <= period_end) THEN 'death' ELSE 'observation-end' END` : `'observation-end'`} AS cap_kind
      FROM (${
        capAtObservationEnd
          ? `SELECT mp.person_id, DENSE_RANK() OVER (ORDER BY mp.person_id) AS pk, mp.period_start, mp.period_end, de.death_day
             FROM (${mergedPeriodsSql(engine, p, inPersons('person_id'))}) mp LEFT JOIN (${deaths}) de ON de.person_id = mp.person_id`
          : `SELECT person_id, ROW_NUMBER() OVER () AS pk, CAST(NULL AS INTEGER) AS period_start, CAST(NULL AS INTEGER) AS period_end, death_day FROM (${deaths}) de`
      }) k`);

    // 2. <into>_source: every selected dispensing with its supply, day, keys and exclusion reason.
    const selects = drugs.map((drug, i) => {
      const rule = rules[drug.name]!;
      const missing = missingSupplyReasonSql(rule, 'x');
      return (
        `SELECT ${i} AS di, x.person_id, x.date, x.product_code, x.packs * x.units_per_pack AS units, ` +
        `x.source_table, x.source_row, ${daysSupplySql(rule, 'x')} AS supply_raw, ` +
        `CASE ${missing.map(([c, r]) => `WHEN ${c} THEN ${d.literal(r)}`).join(' ')} END AS missing_reason ` +
        `FROM ${p}dispensing x WHERE (${drugSelectorSql(drug, d, 'x')})${inPersons('x.person_id')}`
      );
    });
    await dropRelations(engine, [dispensingsTable, excludedTable, into, timelineTable, sourceTable, `${into}_days`]);
    await engine.run(`CREATE TABLE ${sourceTable} AS
      SELECT sel.person_id, ${drugName('sel.di')} AS drug, sel.date,
        CASE WHEN sel.supply_raw >= 1 AND sel.supply_raw <= ${maxSupplyDays} THEN CAST(sel.supply_raw AS INTEGER) END AS supply_days,
        sel.units, sel.product_code, sel.source_table, sel.source_row,
        CASE WHEN sel.date IS NULL THEN 'missing-date'
          WHEN sel.missing_reason IS NOT NULL THEN sel.missing_reason
          WHEN sel.supply_raw < 1 THEN 'non-positive-supply'
          WHEN sel.supply_raw > ${maxSupplyDays} THEN 'implausible-supply'
          WHEN k.pk IS NULL THEN ${capAtObservationEnd ? `'outside-observation'` : `'unknown-person'`}
          ${capAtDeath ? `WHEN k.death_day IS NOT NULL AND ${dayNumber(d, 'sel.date')} > k.death_day THEN 'after-death'` : ''}
        END AS reason,
        ${rowNumber ? '' : 'ROW_NUMBER() OVER () AS rid, '}sel.di, k.pk, k.pid, COALESCE(k.period_start, 0) AS ps, ${dayNumber(d, 'sel.date')} AS day
      FROM (${selects.join(' UNION ALL ')}) sel
      LEFT JOIN ${keys} k ON k.person_id = sel.person_id ${capAtObservationEnd ? `AND ${dayNumber(d, 'sel.date')} BETWEEN k.period_start AND k.period_end` : ''}`);

    // 3. <into>_timeline: running end F, gap and new-episode flag of every used dispensing (steps 4–5).
    // Window cost grows with the number of window functions, so they are kept few:
    // - partition by person and class (gq = pk × 64 + di), sorted on (ds = day × 65536 + supply, rid):
    //   BIGINT keys and a total order, so every pass sees same-day dispensings in the same order;
    // - the cumulative supply S and the row count are one running SUM of supply × 2^21 + 1, cast back to
    //   BIGINT (DuckDB sums BIGINTs into 128-bit integers, whose % and / cost 0.9 s of CPU per 6M rows);
    // - periods: the running max runs over the person's whole history, each term raised by
    //   B × period_start (B = 2^32 exceeds any spread of the terms), so terms of the current period
    //   dominate earlier ones; F_k = S_k + (max − B × period_start) with S over the whole history (the
    //   supply before the period cancels out), and a max still below −B/2 once lowered comes from an
    //   earlier period: the dispensing is the first of its period.
    // Stockpiling: pass 1 (S, count, units), pass 2 (running max, next row). Without stockpiling the
    // running max goes in pass 1 and pass 2 sums the bridged gaps.
    const w = `PARTITION BY gq ORDER BY ds, rid`;
    const B = '4294967296';
    const halfB = '2147483648';
    const percent = 'percentOfSupply' in grace;
    const graceOf = (supply: string) => ('days' in grace ? num(grace.days) : `FLOOR(${num(grace.percentOfSupply)} * ${supply} / 100.0 + 0.000000001)`);
    const pass1 = `SELECT g.*, CAST(SUM(CAST(supply AS BIGINT) * 2097152 + 1) OVER (${w} ROWS UNBOUNDED PRECEDING) AS BIGINT) AS cp,
        SUM(units) OVER (${w} ROWS UNBOUNDED PRECEDING) AS cum_units
        ${percent ? `, LAG(supply) OVER (${w}) AS prev_supply` : ', CAST(NULL AS INTEGER) AS prev_supply'}
        ${stockpiling ? '' : `, MAX(day + supply + ps * ${B}) OVER (${w} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS m_prev, LEAD(rid) OVER (${w}) AS next_rid`}
      FROM g`;
    // mdec: the running max lowered back to this period; f_prev = F_(k−1) (NULL for the first
    // dispensing of a period); f = F_k.
    const running = stockpiling
      ? `l2 AS (SELECT l1.*, MAX(day - cum + supply + ps * ${B}) OVER (${w} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS m_prev,
           LEAD(rid) OVER (${w}) AS next_rid FROM l1),
         l2b AS (SELECT l2.*, CASE WHEN m_prev IS NULL OR m_prev - ps * ${B} < -${halfB} THEN NULL ELSE m_prev - ps * ${B} END AS mdec FROM l2),
         l3 AS (SELECT l2b.*, cum - supply + mdec AS f_prev,
           cum + CASE WHEN mdec IS NOT NULL AND mdec > day - cum + supply THEN mdec ELSE day - cum + supply END AS f FROM l2b)`
      : `l2b AS (SELECT l1.*, CASE WHEN m_prev IS NULL OR m_prev - ps * ${B} < -${halfB} THEN NULL ELSE m_prev - ps * ${B} END AS mdec FROM l1),
         l3 AS (SELECT l2b.*, mdec AS f_prev, CASE WHEN mdec IS NOT NULL AND mdec > day + supply THEN mdec ELSE day + supply END AS f FROM l2b)`;
    await engine.run(`CREATE TABLE ${timelineTable} AS
      WITH g AS (
        SELECT ${rid} AS rid, pk * ${maxDrugs} + di AS gq, CAST(day AS BIGINT) * 65536 + supply_days AS ds, pid, di, ps, day, supply_days AS supply, units
        FROM ${sourceTable} WHERE reason IS NULL),
      l0 AS (${pass1}),
      l1 AS (SELECT l0.*, cp % 2097152 AS rn, CAST((cp - cp % 2097152) / 2097152 AS BIGINT) AS cum FROM l0),
      ${running},
      l4 AS (SELECT l3.*, CASE WHEN f_prev IS NULL OR day > f_prev + ${graceOf('prev_supply')} THEN 1 ELSE 0 END AS is_new FROM l3),
      l5 AS (SELECT l4.*, CAST(CASE WHEN is_new = 0 AND day > f_prev THEN day - f_prev ELSE 0 END AS INTEGER) AS gap_days FROM l4)
      SELECT k.person_id, ${drugName('l5.di')} AS drug, l5.supply AS supply_days, l5.units, l5.cum_units, l5.gap_days,
        l5.rid, l5.pid, l5.di, l5.ps, l5.day, l5.cum, l5.rn, l5.f, l5.m_prev, l5.prev_supply, l5.is_new,
        CASE WHEN l5.next_rid IS NULL THEN 1 ELSE 0 END AS is_last,
        ${stockpiling ? 'CAST(0 AS BIGINT)' : `CAST(SUM(l5.gap_days) OVER (PARTITION BY l5.gq ORDER BY l5.ds, l5.rid ROWS UNBOUNDED PRECEDING) AS BIGINT)`} AS cum_gap
      FROM l5 JOIN ${keys} k ON k.pid = l5.pid`);

    // 4. Episodes (step 6), from the rows that start an episode or end the person's history only. An
    // episode ends on the row before the next start, whose running values (S_(k−1), count, raw running
    // max lowered to this episode's period, gap total) that start carries; or on the last row. Counts
    // and sums are differences of running totals; with stockpiling the covered days are exactly the
    // episode's supply, so its gaps are its length minus its supply.
    const nx = (c: string) => `LEAD(${c}) OVER (PARTITION BY person_id, di ORDER BY day, supply_days, rid)`;
    const end = (own: string, fromNextStart: string, fromLast: string) =>
      `CASE WHEN is_last = 1 THEN ${own} WHEN nx_is_new = 1 THEN ${fromNextStart} ELSE ${fromLast} END`;
    await engine.run(`CREATE TABLE ${into} AS
      WITH s AS (
        SELECT t.*, ${nx('is_new')} AS nx_is_new, ${nx('m_prev')} AS nx_m_prev, ${nx('f')} AS nx_f, ${nx('cum')} AS nx_cum,
          ${nx('supply_days')} AS nx_supply, ${nx('rn')} AS nx_rn, ${nx('prev_supply')} AS nx_prev_supply, ${nx('cum_gap')} AS nx_cum_gap,
          CAST(SUM(is_new) OVER (PARTITION BY person_id, di ORDER BY day, supply_days, rid ROWS UNBOUNDED PRECEDING) AS INTEGER) AS episode_id
        FROM ${timelineTable} t WHERE is_new = 1 OR is_last = 1),
      e AS (
        SELECT person_id, di, pid, episode_id, day AS start_day, cum - supply_days AS cum_before, rn AS rn_start, cum_gap AS gap_start,
          ${end('f', stockpiling ? `nx_cum - nx_supply + nx_m_prev - ps * ${B}` : `nx_m_prev - ps * ${B}`, 'nx_f')} AS f_end,
          ${end('cum', 'nx_cum - nx_supply', 'nx_cum')} AS cum_end,
          ${end('rn', 'nx_rn - 1', 'nx_rn')} AS rn_end,
          ${end('supply_days', 'nx_prev_supply', 'nx_supply')} AS last_supply,
          ${end('cum_gap', 'nx_cum_gap', 'nx_cum_gap')} AS gap_end
        FROM s WHERE is_new = 1),
      a AS (
        SELECT e.*, f_end - 1 AS supply_end, f_end - 1 ${extendByGrace ? `+ ${graceOf('last_supply')}` : ''} AS raw_end,
          rn_end - rn_start + 1 AS n_dispensings, cum_end - cum_before AS supply_days,
          ${stockpiling ? 'f_end - start_day - (cum_end - cum_before)' : 'gap_end - gap_start'} AS gaps
        FROM e),
      b AS (
        SELECT a.*, k.cap_day, k.cap_kind,
          CASE WHEN k.cap_day IS NOT NULL AND a.raw_end > k.cap_day THEN k.cap_day ELSE a.raw_end END AS end_day
        FROM a JOIN ${keys} k ON k.pid = a.pid)
      SELECT person_id, ${drugName('di')} AS drug, episode_id, ${dateOf(d, 'start_day')} AS start_date, ${dateOf(d, 'end_day')} AS end_date,
        CAST(n_dispensings AS INTEGER) AS n_dispensings, CAST(supply_days AS INTEGER) AS supply_days,
        CAST(end_day - start_day + 1 AS INTEGER) AS exposed_days,
        CAST(CASE WHEN cap_day IS NOT NULL AND supply_end > cap_day THEN cap_day ELSE supply_end END - start_day + 1 - gaps AS INTEGER) AS covered_days,
        CASE WHEN cap_day IS NOT NULL AND raw_end > cap_day THEN cap_kind ELSE 'supply-end' END AS end_reason,
        ${dateOf(d, 'cap_day')} AS cap_date
      FROM b`);

    // Views: each used dispensing with its episode and source row; each excluded one with its reason.
    // A dispensing lies inside its episode (start <= date <= end, caps included) and episodes of a
    // class never overlap, so the episode is found by its dates.
    await engine.run(`CREATE VIEW ${dispensingsTable} AS
      SELECT t.person_id, t.drug, e.episode_id, s.date, t.supply_days, t.units, s.product_code, s.source_table, s.source_row,
        t.cum_units, ${dateOf(d, 't.f - 1')} AS coverage_end, t.gap_days
      FROM ${timelineTable} t
      JOIN (SELECT ${rid} AS rid, date, product_code, source_table, source_row FROM ${sourceTable}) s ON s.rid = t.rid
      JOIN ${into} e ON e.person_id = t.person_id AND e.drug = t.drug AND s.date BETWEEN e.start_date AND e.end_date`);
    await engine.run(`CREATE VIEW ${excludedTable} AS
      SELECT person_id, drug, date, reason, source_table, source_row FROM ${sourceTable} WHERE reason IS NOT NULL`);

    // Counts: small aggregates only.
    const byReason = await engine.rows<{ drug: string; reason: string | null; n: number }>(
      `SELECT drug, reason, COUNT(*) AS n FROM ${sourceTable} GROUP BY drug, reason`,
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
        target: [timelineTable],
        removed: c.excluded.map((e) => ({ kind: 'cleaning' as const, reason: e.reason, rows: e.rows })),
      };
    });
    return {
      table: into,
      sourceTable,
      timelineTable,
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
        persons,
      },
      counts,
      accounts,
    };
  } finally {
    await engine.run(`DROP TABLE IF EXISTS ${keys}`);
  }
}

/** Drop the outputs of an earlier build with the same name: views first, then tables. */
async function dropRelations(engine: Engine, names: string[]): Promise<void> {
  for (const n of names) {
    await engine.run(`DROP VIEW IF EXISTS ${n}`).catch(() => undefined);
    await engine.run(`DROP TABLE IF EXISTS ${n}`).catch(() => undefined);
  }
}

function checkGrace(g: GracePeriod): GracePeriod {
  if (g && typeof g === 'object' && 'days' in g) return { days: checkWholeDays('gracePeriod.days', g.days) };
  if (g && typeof g === 'object' && 'percentOfSupply' in g) return { percentOfSupply: checkNonNegative('gracePeriod.percentOfSupply', g.percentOfSupply) };
  throw msg.badNumber('gracePeriod', JSON.stringify(g), '{ days: n } or { percentOfSupply: p }');
}

/**
 * Observation periods as day numbers, overlapping or touching periods of a person merged
 * (gaps-and-islands): (person_id, period_start, period_end). `andWhere` (' AND …') filters the periods read.
 */
export function mergedPeriodsSql(engine: Engine, p: string, andWhere = ''): string {
  const d = engine.dialect;
  return `SELECT person_id, MIN(s) AS period_start, MAX(e) AS period_end FROM (
      SELECT person_id, s, e, CAST(SUM(brk) OVER (PARTITION BY person_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS BIGINT) AS grp FROM (
        SELECT person_id, s, e,
          CASE WHEN s <= MAX(e) OVER (PARTITION BY person_id ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1 THEN 0 ELSE 1 END AS brk
        FROM (SELECT person_id, ${dayNumber(d, 'start_date')} AS s, ${dayNumber(d, 'end_date')} AS e FROM ${p}observation_period
              WHERE start_date IS NOT NULL AND end_date IS NOT NULL AND end_date >= start_date${andWhere}) op) a) b
    GROUP BY person_id, grp`;
}
