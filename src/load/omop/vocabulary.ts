// OMOP vocabulary tables: concept_ancestor → model concept_ancestor (for descendant code sets), and the
// optional concept table, used only as a lookup to fill dispensing.atc_code.
import { replaceTable } from '../../engine/index.js';
import type { RowAccount } from '../../model/index.js';
import type { StagedTable } from '../stage.js';
import { classifyStaged, col, duplicateRowRule, integerOf, missingKeyRule, type LoadContext } from './sql.js';

/** concept_ancestor: both concept ids must be integers (`missing-key` otherwise); exact duplicates removed. */
export async function loadConceptAncestor(ctx: LoadContext, s: StagedTable): Promise<RowAccount> {
  const { d, p, engine } = ctx;
  const r = await classifyStaged(ctx, {
    staged: s,
    source: 'concept_ancestor',
    derived: {
      _ancestor: integerOf(d, s, 'ancestor_concept_id'),
      _descendant: integerOf(d, s, 'descendant_concept_id'),
      _min: integerOf(d, s, 'min_levels_of_separation'),
      _max: integerOf(d, s, 'max_levels_of_separation'),
    },
    rules: [
      missingKeyRule([
        ['_ancestor', 'ancestor_concept_id'],
        ['_descendant', 'descendant_concept_id'],
      ]),
      duplicateRowRule,
    ],
  });
  await engine.run(
    `INSERT INTO ${p}concept_ancestor (ancestor_concept_id, descendant_concept_id, min_levels_of_separation, max_levels_of_separation) ` +
      `SELECT _ancestor, _descendant, CAST(_min AS INTEGER), CAST(_max AS INTEGER) FROM ${r.kept}`,
  );
  for (const sql of r.dropKept) await engine.run(sql);
  return { source: 'concept_ancestor', files: [s.file], rowsRead: s.rows, rowsLoaded: r.keptRows, target: ['concept_ancestor'], removed: r.removed };
}

/**
 * A temp table (concept_id text, atc_code) mapping drug concepts to their ATC 5th-level code: the ATC concept
 * itself, or an ATC 5th ancestor through concept_ancestor; when several, the smallest code (e.g. a combination).
 * Its row account: every concept row is read and used as a lookup (nothing is loaded into the model).
 */
export async function buildAtcLookup(ctx: LoadContext, s: StagedTable): Promise<{ table: string; account: RowAccount }> {
  const { d, p, engine, tag } = ctx;
  const table = `${tag}_atc`;
  const atc =
    `SELECT ${d.parseInteger('concept_id')} AS id, upper(trim(concept_code)) AS atc_code FROM ${s.table} ` +
    `WHERE trim(vocabulary_id) = 'ATC' AND trim(concept_class_id) = 'ATC 5th'`;
  await replaceTable(
    engine,
    table,
    `SELECT CAST(concept_id AS VARCHAR) AS concept_id, min(atc_code) AS atc_code FROM (` +
      `SELECT ca.descendant_concept_id AS concept_id, a.atc_code FROM ${p}concept_ancestor AS ca JOIN (${atc}) AS a ON a.id = ca.ancestor_concept_id ` +
      `UNION ALL SELECT a.id, a.atc_code FROM (${atc}) AS a) AS x WHERE concept_id IS NOT NULL GROUP BY concept_id`,
  );
  return {
    table,
    account: { source: 'concept', files: [s.file], rowsRead: s.rows, rowsLoaded: s.rows, target: ['lookup: dispensing.atc_code'], removed: [] },
  };
}
