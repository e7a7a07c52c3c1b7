import type { Engine } from '../engine/index.js';

/** One step of a study flowchart: what remained after it, and what it removed. */
export interface AttritionRow {
  step: number;
  description: string;
  records: number;
  persons: number;
  excludedRecords: number;
  excludedPersons: number;
}

/** Records and distinct persons of a table. */
export async function countRecordsAndPersons(engine: Engine, table: string): Promise<{ records: number; persons: number }> {
  const [r] = await engine.rows<{ records: number; persons: number }>(
    `SELECT count(*) AS records, count(DISTINCT person_id) AS persons FROM ${table}`,
  );
  return { records: Number(r!.records), persons: Number(r!.persons) };
}

/** Append a step to an attrition table, computing what it removed from the previous step. */
export function addAttritionStep(rows: AttritionRow[], description: string, counts: { records: number; persons: number }): void {
  const prev = rows[rows.length - 1];
  rows.push({
    step: rows.length,
    description,
    records: counts.records,
    persons: counts.persons,
    excludedRecords: prev ? prev.records - counts.records : 0,
    excludedPersons: prev ? prev.persons - counts.persons : 0,
  });
}
