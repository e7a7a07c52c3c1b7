import { replaceTable } from '../engine/sql.js';
import type { Engine, TypedColumns } from '../engine/index.js';
import { schemaPrefix } from '../load/model.js';
import { designMessages as msg } from '../messages/index.js';
import { addAttritionStep, countRecordsAndPersons, type AttritionRow } from '../cohort/attrition.js';
import { eventsSql, describeEvent, type EventSelector } from '../cohort/events.js';
import { codeSetRef, type CodeSetRef } from '../cohort/codeSets.js';

/** A date after which a person is censored (as-treated follow-up): e.g. discontinuation or switch. */
export interface CensoringDates {
  /** Engine table with person_id and a date column (one row per person; the earliest date is used). */
  table: string;
  dateColumn: string;
  /** Follow-up continues this many days after the date (exposure lag). */
  lagDays?: number;
  /** Name used as the end reason, e.g. 'discontinuation' or 'switch'. */
  reason: string;
}

/** A baseline covariate: 1 when the event occurs in the window relative to index, else 0. */
export interface BaselineCovariate {
  name: string;
  event: EventSelector;
  /** [start, end] days relative to index, inclusive, e.g. [-365, -1]. */
  window: [number, number];
}

export interface AnalysisTableOptions {
  schema?: string;
  /** The cohort table (from buildCohort or buildComparatorCohorts; a "group" column is kept when present). */
  cohort: { table: string };
  outcome: {
    event: EventSelector;
    /**
     * Prior-outcome exclusion: persons with the outcome in the `priorOutcomeDays` days before index are
     * excluded ('all' = any time before index). Omit to keep them.
     */
    priorOutcomeDays?: number | 'all';
  };
  timeAtRisk?: {
    /** First day at risk, in days after index (default 1: events on the index day do not count). */
    startOffset?: number;
    /** Follow-up ends at most this many days after index. */
    horizonDays?: number;
    /** Administrative end of the study (ISO date, inclusive). */
    studyEnd?: string;
    /** As-treated censoring dates (discontinuation + lag, switch...). Empty for intention-to-treat. */
    censorAt?: CensoringDates[];
  };
  /** Death as a competing event (status 2, default) or as censoring (status 0). */
  competingDeath?: boolean;
  covariates?: BaselineCovariate[];
  into?: string;
}

/**
 * The analysis table, one row per cohort entry:
 * person_id, group (when present), index_date, risk_start, end_date, end_reason,
 * time (days from index to end of follow-up), person_days (days at risk, risk_start..end_date inclusive),
 * status (0 censored, 1 outcome, 2 death), outcome (0/1), age_at_index, sex, and one 0/1 column per covariate.
 */
export interface AnalysisTableResult {
  table: string;
  settings: {
    outcome: string;
    outcomeCodeSet: CodeSetRef;
    priorOutcomeDays: number | 'all' | null;
    startOffset: number;
    horizonDays: number | null;
    studyEnd: string | null;
    censorAt: Array<{ reason: string; lagDays: number }>;
    followUp: 'intention-to-treat' | 'as-treated';
    competingDeath: boolean;
    covariates: Array<{ name: string; event: string; window: [number, number] }>;
    codeSets: CodeSetRef[];
  };
  attrition: AttritionRow[];
  persons: number;
  records: number;
  /** Entries by how follow-up ended. */
  endReasons: Record<string, number>;
}

const farFuture = `DATE '9999-12-31'`;

/**
 * Follow each cohort entry from index + startOffset to the first of: outcome, death, end of observation,
 * horizon, study end, or an as-treated censoring date (+ lag). Same-day ties: outcome wins over death,
 * death over censoring.
 */
export async function buildAnalysisTable(engine: Engine, options: AnalysisTableOptions): Promise<AnalysisTableResult> {
  const d = engine.dialect;
  const tar = options.timeAtRisk ?? {};
  const start = tar.startOffset ?? 1;
  const competing = options.competingDeath ?? true;
  const censors = tar.censorAt ?? [];
  const covariates = options.covariates ?? [];
  for (const c of covariates) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(c.name)) throw msg.badCovariateName(c.name);
    if (c.window[0] > c.window[1]) throw msg.badWindow(`covariate ${c.name}`, c.window);
  }
  const into = options.into ?? `analysis_${options.cohort.table}`;
  const w = `tmp_${into}`;
  const cols = await engine.columnNames(options.cohort.table);
  const hasGroup = cols.includes('group');
  const attrition: AttritionRow[] = [];
  addAttritionStep(attrition, 'cohort entries', await countRecordsAndPersons(engine, options.cohort.table));

  const outcomes = `${w}_outcomes`;
  await replaceTable(engine, outcomes, `SELECT DISTINCT person_id, event_date FROM (${eventsSql(engine, options.schema, options.outcome.event)}) e`);

  let base = `SELECT * FROM ${options.cohort.table}`;
  const prior = options.outcome.priorOutcomeDays;
  if (prior !== undefined) {
    const lower = prior === 'all' ? '' : `AND o.event_date >= ${d.addDays('c.index_date', String(-prior))}`;
    base = `SELECT c.* FROM ${options.cohort.table} c WHERE NOT EXISTS (SELECT 1 FROM ${outcomes} o WHERE o.person_id = c.person_id AND o.event_date < c.index_date ${lower})`;
    await replaceTable(engine, `${w}_eligible`, base);
    addAttritionStep(
      attrition,
      `no ${describeEvent(options.outcome.event)} ${prior === 'all' ? 'any time' : `in the ${prior} days`} before index`,
      await countRecordsAndPersons(engine, `${w}_eligible`),
    );
    base = `SELECT * FROM ${w}_eligible`;
  }

  // Candidate end dates; NULL means "does not apply" and is replaced by a far-future date in LEAST.
  const riskStart = d.addDays('c.index_date', String(start));
  const ends: Array<[string, string]> = [
    ['outcome', `(SELECT min(o.event_date) FROM ${outcomes} o WHERE o.person_id = c.person_id AND o.event_date >= ${riskStart})`],
    ['death', 'c.death_date'],
    ['observation-end', 'c.observation_end'],
  ];
  if (tar.horizonDays !== undefined) ends.push(['horizon', d.addDays('c.index_date', String(tar.horizonDays))]);
  if (tar.studyEnd) ends.push(['study-end', `DATE ${d.literal(tar.studyEnd)}`]);
  censors.forEach((cz) => {
    ends.push([
      cz.reason,
      `(SELECT ${d.addDays(`min(z.${d.ident(cz.dateColumn)})`, String(cz.lagDays ?? 0))} FROM ${cz.table} z WHERE z.person_id = c.person_id AND z.${d.ident(cz.dateColumn)} >= c.index_date)`,
    ]);
  });
  const endCols = ends.map(([, sql], i) => `${sql} AS end_${i}`).join(', ');
  const least = `LEAST(${ends.map((_, i) => `COALESCE(end_${i}, ${farFuture})`).join(', ')})`;
  // Reason: the first candidate (in priority order: outcome, death, then censoring) equal to the end date.
  const reason = `CASE ${ends.map(([r], i) => `WHEN end_${i} = end_date THEN ${d.literal(r)}`).join(' ')} END`;
  const covCols = covariates
    .map(
      (cv) =>
        `CASE WHEN EXISTS (SELECT 1 FROM (${eventsSql(engine, options.schema, cv.event)}) e WHERE e.person_id = c.person_id ` +
        `AND e.event_date >= ${d.addDays('c.index_date', String(cv.window[0]))} AND e.event_date <= ${d.addDays('c.index_date', String(cv.window[1]))}) THEN 1 ELSE 0 END AS ${d.ident(cv.name)}`,
    )
    .join(', ');

  await replaceTable(
    engine,
    `${w}_ends`,
    `SELECT c.*, ${riskStart} AS risk_start, ${endCols}${covCols ? `, ${covCols}` : ''} FROM (${base}) c`,
  );
  await replaceTable(engine, `${w}_end`, `SELECT x.*, ${least} AS end_date FROM ${w}_ends x`);
  await engine.run(`DROP TABLE IF EXISTS ${into}`);
  const statusExpr = `CASE WHEN end_0 = end_date THEN 1 WHEN ${competing ? 'end_1 = end_date' : 'FALSE'} THEN 2 ELSE 0 END`;
  await engine.run(
    `CREATE TABLE ${into} AS SELECT person_id, ${hasGroup ? '"group", ' : ''}index_date, risk_start, end_date, ${reason} AS end_reason, ` +
      `${d.daysBetween('index_date', 'end_date')} AS time, ${d.daysBetween('risk_start', 'end_date')} + 1 AS person_days, ` +
      `${statusExpr} AS status, CASE WHEN end_0 = end_date THEN 1 ELSE 0 END AS outcome, age_at_index, sex` +
      `${covariates.map((cv) => `, ${d.ident(cv.name)}`).join('')} FROM ${w}_end WHERE end_date >= risk_start ORDER BY person_id, index_date`,
  );
  addAttritionStep(attrition, `at least one day at risk (from day ${start} after index)`, await countRecordsAndPersons(engine, into));
  for (const t of [`${w}_ends`, `${w}_end`, outcomes, `${w}_eligible`]) await engine.run(`DROP TABLE IF EXISTS ${t}`);

  const reasons = await engine.rows<{ end_reason: string; n: number }>(`SELECT end_reason, count(*) AS n FROM ${into} GROUP BY end_reason ORDER BY end_reason`);
  const final = attrition[attrition.length - 1]!;
  const sets = [options.outcome.event.codeSet, ...covariates.map((c) => c.event.codeSet)].map(codeSetRef);
  return {
    table: into,
    settings: {
      outcome: describeEvent(options.outcome.event),
      outcomeCodeSet: codeSetRef(options.outcome.event.codeSet),
      priorOutcomeDays: prior ?? null,
      startOffset: start,
      horizonDays: tar.horizonDays ?? null,
      studyEnd: tar.studyEnd ?? null,
      censorAt: censors.map((c) => ({ reason: c.reason, lagDays: c.lagDays ?? 0 })),
      followUp: censors.length ? 'as-treated' : 'intention-to-treat',
      competingDeath: competing,
      covariates: covariates.map((c) => ({ name: c.name, event: describeEvent(c.event), window: c.window })),
      codeSets: sets.filter((s, i) => sets.findIndex((t) => t.name === s.name && t.version === s.version) === i),
    },
    attrition,
    persons: final.persons,
    records: final.records,
    endReasons: Object.fromEntries(reasons.map((r) => [r.end_reason, Number(r.n)])),
  };
}

/** Pull analysis columns as typed arrays for the estimators (dates are left out; use time and status). */
export async function readAnalysisColumns(engine: Engine, table: string, columns: string[] = ['time', 'status', 'outcome', 'person_days']): Promise<TypedColumns> {
  return engine.columns(`SELECT ${columns.map((c) => engine.dialect.ident(c)).join(', ')} FROM ${table} ORDER BY person_id, index_date`);
}
