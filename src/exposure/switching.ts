import type { Engine } from '../engine/index.js';
import { exposureMessages as msg } from '../messages/index.js';
import { checkTableName, checkWholeDays, dateOf, dayNumber, tmpName } from './sql.js';
import type { DetectSwitchesOptions, DetectSwitchesResult, SwitchType } from './types.js';

/**
 * Switches and add-ons between drug classes, from an episodes table (buildExposureEpisodes).
 *
 * For a person, take an episode of class B starting on day b_s and ending on b_e and, for each other
 * class A, the latest A episode [a_s, a_e] that started strictly before B (a_s < b_s). It is examined
 * when A is current or recent at B's start: b_s <= a_e + 1 + W (W = gapDays). Then, with N =
 * overlapDays:
 * - 'switch' from A to B on b_s when A does not go on for more than N days from B's start:
 *   a_e <= b_s − 1 + N (the number of days of A on or after b_s, a_e − b_s + 1, is at most N);
 * - 'add-on' of B to A on b_s when both go on together for more than N days from B's start:
 *   min(a_e, b_e) − b_s + 1 > N;
 * - otherwise (A goes on but B stops within N days: a short trial of B) no event.
 * Episodes starting the same day are never paired. Several current classes A give one event each.
 *
 * Output table `into`: (person_id, from_drug, to_drug, date, type, from_episode_id, to_episode_id).
 */
export async function detectSwitches(engine: Engine, options: DetectSwitchesOptions): Promise<DetectSwitchesResult> {
  const d = engine.dialect;
  const drugs = [...new Set(options.drugs)];
  if (drugs.length < 2) throw msg.tooFewDrugs(drugs.length);
  const episodes = checkTableName('episodes', options.episodes);
  const into = checkTableName('into', options.into);
  const W = checkWholeDays('gapDays', options.gapDays);
  const N = checkWholeDays('overlapDays', options.overlapDays);
  const e = tmpName('ep');
  try {
    await engine.run(`CREATE TEMP TABLE ${e} AS
      SELECT person_id, drug, episode_id, ${dayNumber(d, 'start_date')} AS s, ${dayNumber(d, 'end_date')} AS e
      FROM ${episodes} WHERE drug IN (${drugs.map(d.literal).join(', ')})`);
    await engine.run(`DROP TABLE IF EXISTS ${into}`);
    await engine.run(`CREATE TABLE ${into} AS
      SELECT person_id, from_drug, to_drug, ${dateOf(d, 'b_s')} AS date, type, from_episode_id, to_episode_id FROM (
        SELECT person_id, from_drug, to_drug, b_s, from_episode_id, to_episode_id,
          CASE WHEN a_e <= b_s - 1 + ${N} THEN 'switch' WHEN (CASE WHEN a_e < b_e THEN a_e ELSE b_e END) - b_s + 1 > ${N} THEN 'add-on' END AS type
        FROM (
          SELECT b.person_id, a.drug AS from_drug, b.drug AS to_drug, b.s AS b_s, b.e AS b_e, a.e AS a_e,
            a.episode_id AS from_episode_id, b.episode_id AS to_episode_id,
            ROW_NUMBER() OVER (PARTITION BY b.person_id, b.drug, b.episode_id, a.drug ORDER BY a.s DESC) AS rn
          FROM ${e} b JOIN ${e} a ON a.person_id = b.person_id AND a.drug <> b.drug AND a.s < b.s) x
        WHERE rn = 1 AND b_s <= a_e + 1 + ${W}) y
      WHERE type IS NOT NULL`);
    const byPair = await engine.rows<{ from: string; to: string; type: SwitchType; events: number }>(
      `SELECT from_drug AS "from", to_drug AS "to", type, COUNT(*) AS events FROM ${into} GROUP BY from_drug, to_drug, type ORDER BY 1, 2, 3`,
    );
    const persons = Number((await engine.scalar<number>(`SELECT COUNT(DISTINCT person_id) FROM ${into}`)) ?? 0);
    const total = (t: SwitchType) => byPair.filter((r) => r.type === t).reduce((s, r) => s + Number(r.events), 0);
    return {
      table: into,
      settings: { episodes, drugs, gapDays: W, overlapDays: N },
      counts: { switches: total('switch'), addOns: total('add-on'), persons, byPair: byPair.map((r) => ({ ...r, events: Number(r.events) })) },
    };
  } finally {
    await engine.run(`DROP TABLE IF EXISTS ${e}`);
  }
}
