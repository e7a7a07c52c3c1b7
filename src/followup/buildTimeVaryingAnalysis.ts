import type { Engine } from '../engine/index.js';
import { replaceTable } from '../engine/sql.js';
import { designMessages as msg } from '../messages/index.js';
import { addAttritionStep, countRecordsAndPersons, type AttritionRow } from '../cohort/attrition.js';

/** An exposure episodes table (buildExposureEpisodes: person_id, drug, start_date, end_date). */
export interface EpisodeSource {
  table: string;
  /** Only episodes of these drug classes (the `drug` column); default all. */
  drugs?: string[];
}

export interface TimeVaryingAnalysisOptions {
  /** The analysis table (buildAnalysisTable), one entry per person. */
  analysis: { table: string };
  /** Episodes of one or more drug classes: a person is 'current' on a class within one of its episodes. */
  episodes: EpisodeSource[];
  into: string;
}

export interface TimeVaryingAnalysisResult {
  /**
   * Counting-process rows (person_id, start, stop, exposure, event, status, then every column of the analysis
   * table except dates and time): (start, stop] in days since index; `exposure` is the drug class current on
   * those days ('unexposed' when none; when several are current, the one whose episode started last);
   * `status` and `event` (= status 1, the outcome) are set on the last row of a person only; one 0/1
   * column `exposure_<drug>` (lower case, non-alphanumerics as _) per class, for regression.
   */
  table: string;
  drugs: string[];
  attrition: AttritionRow[];
  rows: number;
  settings: { analysis: string; episodes: EpisodeSource[]; dayConvention: string };
}

const safeDrug = (d: string) => d.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();

/**
 * Split each person's follow-up into intervals of constant exposure, for a Cox model with a time-varying
 * exposure (coxph with `start`). Day t after index is the interval (t − 1, t]: an episode covering days
 * s..e (offsets from index) covers (s − 1, e], and an outcome at time T falls in the row ending at T.
 */
export async function buildTimeVaryingAnalysis(engine: Engine, options: TimeVaryingAnalysisOptions): Promise<TimeVaryingAnalysisResult> {
  const d = engine.dialect;
  const a = options.analysis.table;
  const w = `tmp_${options.into.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const perPerson = await engine.scalar<number>(`SELECT count(*) - count(DISTINCT person_id) FROM ${a}`);
  if (Number(perPerson) > 0) throw msg.oneEntryPerPerson(a);
  const attrition: AttritionRow[] = [];
  addAttritionStep(attrition, 'analysis entries', await countRecordsAndPersons(engine, a));

  const extra = (await engine.columnNames(a)).filter((c) => !['person_id', 'index_date', 'risk_start', 'end_date', 'time', 'status', 'end_reason', 'person_days'].includes(c));
  const episodes = options.episodes
    .map(
      (e) =>
        `SELECT person_id, drug, start_date, end_date FROM ${e.table}${e.drugs?.length ? ` WHERE drug IN (${e.drugs.map((x) => d.literal(x)).join(', ')})` : ''}`,
    )
    .join(' UNION ALL ');
  // Episodes as day offsets, clipped to each person's follow-up [0, T].
  await replaceTable(
    engine,
    `${w}_ep`,
    `SELECT x.person_id, x.drug, x.s, x.e FROM (SELECT e.person_id, e.drug, ${d.daysBetween('a.index_date', 'e.start_date')} AS s, ` +
      `${d.daysBetween('a.index_date', 'e.end_date')} AS e, a.time AS t FROM (${episodes}) e JOIN ${a} a ON a.person_id = e.person_id) x ` +
      `WHERE x.e >= 1 AND x.s <= x.t`,
  );
  const drugs = (await engine.rows<{ drug: string }>(`SELECT DISTINCT drug FROM ${w}_ep ORDER BY drug`)).map((r) => r.drug);
  await replaceTable(
    engine,
    `${w}_b`,
    `SELECT person_id, 0 AS t FROM ${a} UNION SELECT person_id, time FROM ${a} ` +
      `UNION SELECT ep.person_id, CASE WHEN ep.s - 1 > 0 THEN ep.s - 1 ELSE 0 END FROM ${w}_ep ep ` +
      `UNION SELECT ep.person_id, CASE WHEN ep.e < a.time THEN ep.e ELSE a.time END FROM ${w}_ep ep JOIN ${a} a ON a.person_id = ep.person_id`,
  );
  await replaceTable(
    engine,
    `${w}_iv`,
    `SELECT person_id, start, stop FROM (SELECT person_id, t AS start, lead(t) OVER (PARTITION BY person_id ORDER BY t) AS stop FROM ${w}_b) x WHERE stop IS NOT NULL`,
  );
  // The class current on an interval; when several are, the episode that started last (then by name).
  await replaceTable(
    engine,
    `${w}_lab`,
    `SELECT person_id, start, stop, exposure FROM (SELECT iv.person_id, iv.start, iv.stop, ep.drug AS exposure, ` +
      `row_number() OVER (PARTITION BY iv.person_id, iv.start ORDER BY ep.s DESC, ep.drug) AS k ` +
      `FROM ${w}_iv iv LEFT JOIN ${w}_ep ep ON ep.person_id = iv.person_id AND ep.s - 1 <= iv.start AND ep.e >= iv.stop) x WHERE k = 1`,
  );
  await engine.run(`DROP TABLE IF EXISTS ${options.into}`);
  await engine.run(
    `CREATE TABLE ${options.into} AS SELECT l.person_id, l.start, l.stop, COALESCE(l.exposure, 'unexposed') AS exposure, ` +
      `CASE WHEN l.stop = a.time AND a.status = 1 THEN 1 ELSE 0 END AS event, CASE WHEN l.stop = a.time THEN a.status ELSE 0 END AS status` +
      drugs.map((x) => `, CASE WHEN l.exposure = ${d.literal(x)} THEN 1 ELSE 0 END AS ${d.ident(`exposure_${safeDrug(x)}`)}`).join('') +
      extra.map((c) => `, a.${d.ident(c)}`).join('') +
      ` FROM ${w}_lab l JOIN ${a} a ON a.person_id = l.person_id ORDER BY l.person_id, l.start`,
  );
  for (const t of ['_lab', '_iv', '_b', '_ep']) await engine.run(`DROP TABLE IF EXISTS ${w}${t}`);
  // A follow-up of 0 days has no (start, stop] interval: such entries cannot enter a Cox model.
  addAttritionStep(attrition, 'at least one day of follow-up (time > 0)', await countRecordsAndPersons(engine, options.into));
  return {
    table: options.into,
    drugs,
    attrition,
    rows: Number(await engine.scalar(`SELECT count(*) FROM ${options.into}`)),
    settings: { analysis: a, episodes: options.episodes, dayConvention: 'day t after index is the interval (t - 1, t]' },
  };
}
