import { replaceTable, replaceView } from '../engine/sql.js';
import type { Engine } from '../engine/index.js';
import { schemaPrefix } from '../load/model.js';
import { designMessages as msg } from '../messages/index.js';
import { codeSetRef, type CodeSetRef } from './codeSets.js';
import { eventsSql, describeEvent, type EventSelector } from './events.js';
import { addAttritionStep, countRecordsAndPersons, type AttritionRow } from './attrition.js';

/** An inclusion (require) or exclusion criterion, relative to the index date. */
export type Criterion =
  | {
      /** 'require': the event must occur in the window; 'exclude': it must not. */
      type: 'require' | 'exclude';
      event: EventSelector;
      /** [start, end] in days relative to index, both inclusive: [-365, -1] is the year before index. */
      window: [number, number];
      description?: string;
    }
  | { type: 'age'; min?: number; max?: number }
  | { type: 'sex'; sex: 1 | 2 }
  /** Index date within [from, to], ISO dates, both inclusive. */
  | { type: 'calendar'; from?: string; to?: string };

export interface CohortDefinition {
  name: string;
  /** The event that puts a person in the cohort; its date is the index date. */
  entry: EventSelector;
  /**
   * 'first': only each person's first-ever entry event is considered (requireIsFirstEntry): a person whose
   * first event fails a criterion is not re-entered later. 'all': every distinct entry date may be an entry.
   */
  entries?: 'first' | 'all';
  /**
   * New-user washout: no entry event (e.g. no dispensing of the drug) in the N days before index.
   * Use with priorObservationDays >= washoutDays, so the washout look-back is actually observed.
   */
  washoutDays?: number;
  /** Required continuous observation before index, in days (index - observation start >= N). */
  priorObservationDays?: number;
  criteria?: Criterion[];
}

export interface CohortSettings {
  name: string;
  entry: string;
  entryCodeSet: CodeSetRef;
  entries: 'first' | 'all';
  washoutDays: number;
  priorObservationDays: number;
  criteria: Array<Record<string, unknown>>;
  codeSets: CodeSetRef[];
}

/** A cohort on the engine: its table, settings and flowchart. */
export interface CohortResult {
  name: string;
  /**
   * Engine table with one row per entry: person_id, index_date, observation_start, observation_end
   * (end of the observation period, capped at death), death_date, birth_year, sex, age_at_index,
   * entry_source_table, entry_source_row.
   */
  table: string;
  settings: CohortSettings;
  attrition: AttritionRow[];
  records: number;
  persons: number;
}

export interface BuildCohortOptions {
  /** Schema of the model tables ('' or undefined = default schema). */
  schema?: string;
  /** Engine table to create (replaced if it exists). Default `cohort_<name>`. */
  into?: string;
}

/** Age in whole years at a date: exact when the birth date is known, else calendar year difference. */
export function ageAtSql(dateExpr: string, birthDate: string, birthYear: string): string {
  return (
    `CASE WHEN ${birthDate} IS NOT NULL THEN EXTRACT(YEAR FROM ${dateExpr}) - EXTRACT(YEAR FROM ${birthDate}) - ` +
    `CASE WHEN EXTRACT(MONTH FROM ${dateExpr}) * 100 + EXTRACT(DAY FROM ${dateExpr}) < EXTRACT(MONTH FROM ${birthDate}) * 100 + EXTRACT(DAY FROM ${birthDate}) THEN 1 ELSE 0 END ` +
    `ELSE EXTRACT(YEAR FROM ${dateExpr}) - ${birthYear} END`
  );
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();
}

function describeCriterion(c: Criterion): string {
  switch (c.type) {
    case 'require':
    case 'exclude':
      return c.description ?? `${c.type === 'require' ? 'with' : 'without'} ${describeEvent(c.event)} in [${c.window[0]}, ${c.window[1]}] days`;
    case 'age':
      return `age at index ${c.min !== undefined ? `>= ${c.min}` : ''}${c.min !== undefined && c.max !== undefined ? ' and ' : ''}${c.max !== undefined ? `<= ${c.max}` : ''}`;
    case 'sex':
      return `sex = ${c.sex === 1 ? 'male (1)' : 'female (2)'}`;
    case 'calendar':
      return `index date in [${c.from ?? '…'}, ${c.to ?? '…'}]`;
  }
}

/**
 * Build a cohort on the engine: entry events → first or all entries → in observation → alive →
 * prior observation → washout → criteria, one attrition row per step. Each step is one SQL pass.
 */
export async function buildCohort(engine: Engine, def: CohortDefinition, options: BuildCohortOptions = {}): Promise<CohortResult> {
  const d = engine.dialect;
  const p = schemaPrefix(options.schema);
  const entries = def.entries ?? 'first';
  const washout = def.washoutDays ?? 0;
  const priorObs = def.priorObservationDays ?? 0;
  if (washout < 0) throw msg.negativeDays('washoutDays', washout);
  if (priorObs < 0) throw msg.negativeDays('priorObservationDays', priorObs);
  for (const c of def.criteria ?? []) if ((c.type === 'require' || c.type === 'exclude') && c.window[0] > c.window[1]) throw msg.badWindow(describeCriterion(c), c.window);

  const into = options.into ?? `cohort_${safeName(def.name)}`;
  const w = `tmp_${safeName(def.name)}`;
  const attrition: AttritionRow[] = [];
  let step = 0;
  let current = '';
  const next = async (description: string, sql: string) => {
    const t = `${w}_s${++step}`;
    await replaceTable(engine, t, sql);
    addAttritionStep(attrition, description, await countRecordsAndPersons(engine, t));
    if (current) await engine.run(`DROP TABLE ${current}`);
    current = t;
  };

  addAttritionStep(attrition, 'persons in the database', {
    records: Number(await engine.scalar(`SELECT count(*) FROM ${p}person`)),
    persons: Number(await engine.scalar(`SELECT count(DISTINCT person_id) FROM ${p}person`)),
  });

  // All entry events. Entries are one per person and day: the first source row of that day, kept for tracing.
  // First entries read the events once or twice (below): a view is cheaper than writing every event.
  const allEvents = `${w}_events`;
  const eventsSelect = `SELECT person_id, event_date, source_table, source_row FROM (${eventsSql(engine, options.schema, def.entry)}) e`;
  if (entries === 'first') await replaceView(engine, allEvents, eventsSelect);
  else await replaceTable(engine, allEvents, eventsSelect);
  const firstOfDay = `row_number() OVER (PARTITION BY person_id, event_date ORDER BY source_table, source_row)`;
  await next(
    `with ${entries === 'first' ? 'a first' : 'an'} ${describeEvent(def.entry)}`,
    `SELECT person_id, event_date AS index_date, source_table AS entry_source_table, source_row AS entry_source_row FROM (` +
      (entries === 'first'
        ? d.firstOfGroup
          ? // The first (day, source row) by one aggregation; events without a person or a date never enter.
            `${d.firstOfGroup(`(SELECT * FROM ${allEvents} WHERE person_id IS NOT NULL AND event_date IS NOT NULL) AS e`, 'person_id', ['event_date', 'source_table', 'source_row'])}) x`
          : // The first day by aggregation, then the first row of that day: no sort of every event.
            `SELECT e.*, row_number() OVER (PARTITION BY e.person_id ORDER BY e.source_table, e.source_row) AS k FROM ${allEvents} e ` +
            `JOIN (SELECT person_id, min(event_date) AS first_date FROM ${allEvents} GROUP BY person_id) f ` +
            `ON f.person_id = e.person_id AND e.event_date = f.first_date) x WHERE k = 1`
        : `SELECT e.*, ${firstOfDay} AS k FROM ${allEvents} e) x WHERE k = 1`),
  );

  await next(
    'index date within an observation period, person known',
    `SELECT c.*, o.start_date AS observation_start, ` +
      `CASE WHEN pe.death_date IS NOT NULL AND pe.death_date < o.end_date THEN pe.death_date ELSE o.end_date END AS observation_end, ` +
      `pe.death_date, pe.birth_year, pe.birth_date, pe.sex FROM ${current} c ` +
      `JOIN ${p}person pe ON pe.person_id = c.person_id ` +
      `JOIN (SELECT person_id, start_date, end_date, row_number() OVER (PARTITION BY person_id, start_date ORDER BY end_date DESC) AS k FROM ${p}observation_period) o ` +
      `ON o.person_id = c.person_id AND o.k = 1 AND c.index_date BETWEEN o.start_date AND o.end_date`,
  );
  await next('alive at index (index date not after death)', `SELECT * FROM ${current} WHERE death_date IS NULL OR index_date <= death_date`);
  if (priorObs > 0) {
    await next(`at least ${priorObs} days of observation before index`, `SELECT * FROM ${current} WHERE ${d.daysBetween('observation_start', 'index_date')} >= ${priorObs}`);
  }
  if (washout > 0) {
    await next(
      `no ${describeEvent(def.entry)} in the ${washout} days before index (washout)`,
      // A first entry has no earlier event at all: the step passes everyone (it stays in the flowchart).
      entries === 'first'
        ? `SELECT * FROM ${current}`
        : `SELECT * FROM ${current} c WHERE NOT EXISTS (SELECT 1 FROM ${allEvents} e WHERE e.person_id = c.person_id ` +
            `AND e.event_date >= ${d.addDays('c.index_date', String(-washout))} AND e.event_date < c.index_date)`,
    );
  }
  const age = ageAtSql('c.index_date', 'c.birth_date', 'c.birth_year');
  for (const crit of def.criteria ?? []) {
    let cond: string;
    switch (crit.type) {
      case 'require':
      case 'exclude': {
        const exists =
          `EXISTS (SELECT 1 FROM (${eventsSql(engine, options.schema, crit.event)}) e WHERE e.person_id = c.person_id ` +
          `AND e.event_date >= ${d.addDays('c.index_date', String(crit.window[0]))} AND e.event_date <= ${d.addDays('c.index_date', String(crit.window[1]))})`;
        cond = crit.type === 'require' ? exists : `NOT ${exists}`;
        break;
      }
      case 'age':
        cond = [crit.min !== undefined ? `${age} >= ${crit.min}` : '', crit.max !== undefined ? `${age} <= ${crit.max}` : ''].filter(Boolean).join(' AND ') || 'TRUE';
        break;
      case 'sex':
        cond = `c.sex = ${crit.sex}`;
        break;
      case 'calendar':
        cond = [crit.from ? `c.index_date >= DATE ${d.literal(crit.from)}` : '', crit.to ? `c.index_date <= DATE ${d.literal(crit.to)}` : ''].filter(Boolean).join(' AND ') || 'TRUE';
        break;
    }
    // COALESCE: a criterion on a missing value (unknown age or sex) excludes the record.
    await next(describeCriterion(crit), `SELECT * FROM ${current} c WHERE COALESCE(${cond}, FALSE)`);
  }

  await engine.run(`DROP TABLE IF EXISTS ${into}`);
  await engine.run(
    `CREATE TABLE ${into} AS SELECT person_id, ${d.literal(def.name)} AS cohort_name, index_date, observation_start, observation_end, death_date, ` +
      `birth_year, birth_date, sex, ${ageAtSql('index_date', 'birth_date', 'birth_year')} AS age_at_index, entry_source_table, entry_source_row FROM ${current} ORDER BY person_id, index_date`,
  );
  await engine.run(`DROP TABLE ${current}`);
  await engine.run(`DROP ${entries === 'first' ? 'VIEW' : 'TABLE'} ${allEvents}`);
  const final = attrition[attrition.length - 1]!;
  const codeSets = [def.entry.codeSet, ...(def.criteria ?? []).flatMap((c) => (c.type === 'require' || c.type === 'exclude' ? [c.event.codeSet] : []))].map(codeSetRef);
  return {
    name: def.name,
    table: into,
    settings: {
      name: def.name,
      entry: describeEvent(def.entry),
      entryCodeSet: codeSetRef(def.entry.codeSet),
      entries,
      washoutDays: washout,
      priorObservationDays: priorObs,
      criteria: (def.criteria ?? []).map((c) => ({ ...c, ...(c.type === 'require' || c.type === 'exclude' ? { event: describeEvent(c.event) } : {}), text: describeCriterion(c) })),
      codeSets: codeSets.filter((s, i) => codeSets.findIndex((t) => t.name === s.name && t.version === s.version) === i),
    },
    attrition,
    records: final.records,
    persons: final.persons,
  };
}
