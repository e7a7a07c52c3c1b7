import type { Engine } from '../engine/index.js';
import { designMessages as msg } from '../messages/index.js';
import { addAttritionStep, countRecordsAndPersons, type AttritionRow } from './attrition.js';
import type { CohortResult } from './buildCohort.js';

/**
 * What to do with persons who are in both the target and the comparator cohort:
 * - 'exclude': drop them from both (the conservative new-user active-comparator rule);
 * - 'firstIndex': keep them in the cohort they entered first; same-day entries are dropped.
 */
export type BothCohortsRule = 'exclude' | 'firstIndex';

export interface ComparatorCohortsResult {
  /** Engine table: the target rows with group = 1 and comparator rows with group = 0, same columns as the cohorts. */
  table: string;
  settings: { target: string; comparator: string; inBoth: BothCohortsRule };
  /** One flowchart per arm: the cohorts' own steps, then the overlap rule. */
  attrition: { target: AttritionRow[]; comparator: AttritionRow[] };
  persons: { target: number; comparator: number; inBoth: number };
}

/** Put a target and an active comparator cohort side by side, resolving persons in both by a stated rule. */
export async function buildComparatorCohorts(
  engine: Engine,
  target: CohortResult,
  comparator: CohortResult,
  options: { inBoth?: BothCohortsRule; into?: string } = {},
): Promise<ComparatorCohortsResult> {
  if (target.name === comparator.name) throw msg.sameCohortName(target.name);
  const rule = options.inBoth ?? 'exclude';
  const into = options.into ?? `comparison_${target.table}_${comparator.table}`.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();
  // The first index of each person in each arm decides 'firstIndex'.
  const firsts = `SELECT person_id, min(index_date) AS first_index FROM`;
  const inBoth = Number(
    await engine.scalar(`SELECT count(*) FROM (${firsts} ${target.table} GROUP BY person_id) t JOIN (${firsts} ${comparator.table} GROUP BY person_id) c ON t.person_id = c.person_id`),
  );
  const keep = (self: string, other: string) =>
    rule === 'exclude'
      ? `NOT EXISTS (SELECT 1 FROM ${other} o WHERE o.person_id = x.person_id)`
      : `NOT EXISTS (SELECT 1 FROM (${firsts} ${other} GROUP BY person_id) o JOIN (${firsts} ${self} GROUP BY person_id) s ON s.person_id = o.person_id WHERE o.person_id = x.person_id AND o.first_index <= s.first_index)`;
  await engine.run(`DROP TABLE IF EXISTS ${into}`);
  await engine.run(
    `CREATE TABLE ${into} AS SELECT 1 AS "group", x.* FROM ${target.table} x WHERE ${keep(target.table, comparator.table)} ` +
      `UNION ALL SELECT 0 AS "group", x.* FROM ${comparator.table} x WHERE ${keep(comparator.table, target.table)}`,
  );
  const description =
    rule === 'exclude' ? 'not in the other cohort (persons in both excluded)' : 'entered this cohort before the other (same-day entries excluded)';
  const arm = async (cohort: CohortResult, group: number) => {
    const rows = cohort.attrition.map((r) => ({ ...r }));
    addAttritionStep(rows, description, await countRecordsAndPersons(engine, `(SELECT * FROM ${into} WHERE "group" = ${group}) g`));
    return rows;
  };
  const t = await arm(target, 1);
  const c = await arm(comparator, 0);
  return {
    table: into,
    settings: { target: target.name, comparator: comparator.name, inBoth: rule },
    attrition: { target: t, comparator: c },
    persons: { target: t[t.length - 1]!.persons, comparator: c[c.length - 1]!.persons, inBoth },
  };
}
