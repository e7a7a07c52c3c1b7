import type { SndsContext } from './steps.js';
import type { StagedTable } from '../stage.js';

/**
 * The extract's window: SNDS has no observation period table, so a person is observed from the later of
 * the extract start and their insurance start (IR_BEN_R.BEN_DTE_INS, when readable), to the earlier of
 * the extract end and death. Without explicit dates, the extract runs from its first to its last
 * care date (dispensings and hospital stays).
 */
export interface SndsObservationWindow {
  /** First day covered by the extract (ISO). Default: the earliest care date loaded. */
  start?: string;
  /** Last day covered by the extract (ISO). Default: the latest care date loaded. */
  end?: string;
}

/** Derive one observation period per person into the model; returns the window used and the number of periods. */
export async function deriveObservationPeriods(ctx: SndsContext, ben: StagedTable, window: SndsObservationWindow): Promise<{ start: string | null; end: string | null; periods: number }> {
  const { engine, p } = ctx;
  const d = engine.dialect;
  const bounds = await engine.rows<{ first: string | null; last: string | null }>(
    `SELECT min(x) AS first, max(y) AS last FROM (SELECT min(date) AS x, max(date) AS y FROM ${p}dispensing ` +
      `UNION ALL SELECT min(admission_date), max(discharge_date) FROM ${p}hospital_stay) b`,
  );
  const start = window.start ?? bounds[0]?.first ?? null;
  const end = window.end ?? bounds[0]?.last ?? null;
  if (!start || !end) return { start, end, periods: 0 };
  const insured = ben.columns.includes('BEN_DTE_INS') ? d.parseDate('b.BEN_DTE_INS') : 'CAST(NULL AS DATE)';
  const from = `CASE WHEN ${insured} > DATE ${d.literal(start)} THEN ${insured} ELSE DATE ${d.literal(start)} END`;
  const to = `CASE WHEN pe.death_date IS NOT NULL AND pe.death_date < DATE ${d.literal(end)} THEN pe.death_date ELSE DATE ${d.literal(end)} END`;
  await engine.run(
    `INSERT INTO ${p}observation_period (person_id, start_date, end_date, source_table, source_row) ` +
      `SELECT person_id, start_date, end_date, 'IR_BEN_R', source_row FROM (` +
      `SELECT pe.person_id, ${from} AS start_date, ${to} AS end_date, pe.source_row FROM ${p}person pe JOIN ${ben.table} b ON b.source_row = pe.source_row) o ` +
      `WHERE start_date <= end_date`,
  );
  const periods = Number(await engine.scalar(`SELECT count(*) FROM ${p}observation_period`));
  return { start, end, periods };
}
