import type { Engine } from '../engine/index.js';
import { schemaPrefix } from '../load/model.js';

/**
 * One person's whole record, for checking why a person is where they are in a study.
 * Person-level: for looking at on the secure platform; never pass it to a results writer.
 */
export interface PersonTimeline {
  personId: string;
  person: Record<string, unknown> | null;
  observationPeriods: Record<string, unknown>[];
  dispensings: Record<string, unknown>[];
  stays: Record<string, unknown>[];
  diagnoses: Record<string, unknown>[];
  procedures: Record<string, unknown>[];
  longTermRegistrations: Record<string, unknown>[];
  deaths: Record<string, unknown>[];
  /** Rows of the given study tables (cohort entries, exposure episodes, follow-up), by table name. */
  study: Record<string, Record<string, unknown>[]>;
}

/** Gather one person's events from the model and from any study tables holding a person_id column. */
export async function personTimeline(
  engine: Engine,
  personId: string,
  options: { schema?: string; studyTables?: string[] } = {},
): Promise<PersonTimeline> {
  const p = schemaPrefix(options.schema);
  const id = engine.dialect.literal(personId);
  const q = (table: string, order: string) => engine.rows(`SELECT * FROM ${p}${table} WHERE person_id = ${id} ORDER BY ${order}, source_table, source_row`);
  const study: Record<string, Record<string, unknown>[]> = {};
  for (const t of options.studyTables ?? []) study[t] = await engine.rows(`SELECT * FROM ${t} WHERE person_id = ${id}`);
  return {
    personId,
    person: (await q('person', 'person_id'))[0] ?? null,
    observationPeriods: await q('observation_period', 'start_date'),
    dispensings: await q('dispensing', 'date'),
    stays: await q('hospital_stay', 'admission_date'),
    diagnoses: await q('diagnosis', 'date'),
    procedures: await q('procedure', 'date'),
    longTermRegistrations: await q('long_term_registration', 'start_date'),
    deaths: await q('death', 'death_date'),
    study,
  };
}
