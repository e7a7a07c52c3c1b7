import type { Engine } from '../engine/index.js';
import { checkTableName, checkWholeDays, dateOf, dayNumber, requireColumns } from './sql.js';
import type { DiscontinuationOptions, DiscontinuationResult } from './types.js';

/**
 * Discontinuation date per person, for as-treated censoring: the end of the first episode of the
 * class plus `lagDays`.
 * - The episode used is the person's first episode; with `index`, the first episode not ended before
 *   the index date (end_date >= index_date): the one holding the index date, or else the first after it.
 * - discontinuation_date = episode end + lagDays when the supply ran out (end_reason 'supply-end');
 *   NULL when the episode was truncated by death or the end of observation (the person did not stop:
 *   follow-up stopped), so an as-treated analysis censors at the earlier of this date and its own end.
 * Output table `into`: (person_id, drug, episode_id, episode_start, episode_end, end_reason,
 * discontinuation_date), one row per person with an episode.
 */
export async function discontinuationDates(engine: Engine, options: DiscontinuationOptions): Promise<DiscontinuationResult> {
  const d = engine.dialect;
  const episodes = checkTableName('episodes', options.episodes);
  const into = checkTableName('into', options.into);
  const lag = checkWholeDays('lagDays', options.lagDays ?? 0);
  const index = options.index ? checkTableName('index', options.index) : null;
  if (index) await requireColumns(engine, index, ['person_id', 'index_date'], 'person_id and index_date');
  const source = index
    ? `SELECT e.* FROM ${episodes} e JOIN ${index} i ON i.person_id = e.person_id WHERE e.drug = ${d.literal(options.drug)} AND e.end_date >= i.index_date`
    : `SELECT e.* FROM ${episodes} e WHERE e.drug = ${d.literal(options.drug)}`;
  await engine.run(`DROP TABLE IF EXISTS ${into}`);
  await engine.run(`CREATE TABLE ${into} AS
    SELECT person_id, drug, episode_id, start_date AS episode_start, end_date AS episode_end, end_reason,
      CASE WHEN end_reason = 'supply-end' THEN ${dateOf(d, `${dayNumber(d, 'end_date')} + ${lag}`)} END AS discontinuation_date
    FROM (SELECT s.*, ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY start_date) AS rn FROM (${source}) s) x
    WHERE rn = 1`);
  const c = (await engine.rows<{ persons: number; disc: number; death: number; obs: number }>(
    `SELECT COUNT(*) AS persons, SUM(CASE WHEN end_reason = 'supply-end' THEN 1 ELSE 0 END) AS disc,
       SUM(CASE WHEN end_reason = 'death' THEN 1 ELSE 0 END) AS death, SUM(CASE WHEN end_reason = 'observation-end' THEN 1 ELSE 0 END) AS obs FROM ${into}`,
  ))[0]!;
  return {
    table: into,
    settings: { episodes, drug: options.drug, lagDays: lag, index },
    counts: {
      persons: Number(c.persons),
      discontinued: Number(c.disc ?? 0),
      endedByDeath: Number(c.death ?? 0),
      endedByObservationEnd: Number(c.obs ?? 0),
    },
  };
}
