import { replaceTable } from '../engine/sql.js';
import type { Engine } from '../engine/index.js';
import type { RemovalKind, RowRemoval } from '../model/index.js';

/** A reason a raw row does not reach the model: a SQL condition over the staged row's columns. */
export interface RowRule {
  reason: string;
  kind: RemovalKind;
  /** SQL boolean: true means the row is removed for this reason. Rules are tried in order; the first match wins. */
  when: string;
  /** SQL text expression describing the problem (e.g. the column name); never person-level values. */
  detail?: string;
}

export interface ClassifyResult {
  /** Table holding the rows that passed every rule. */
  kept: string;
  keptRows: number;
  removed: RowRemoval[];
}

/**
 * Classify every row of `from` against `rules` in one pass: removed rows go to the `quarantine` table
 * (with their raw row as JSON, so nothing is lost), the others into a new table `into`.
 */
export async function classifyRows(
  engine: Engine,
  args: { sourceTable: string; from: string; into: string; rules: RowRule[]; quarantine: string; rawColumns?: string[] },
): Promise<ClassifyResult> {
  const { sourceTable, from, into, rules } = args;
  const d = engine.dialect;
  const reasonCase = rules.length
    ? `CASE ${rules.map((r, i) => `WHEN COALESCE((${r.when}), FALSE) THEN ${i}`).join(' ')} END`
    : 'CAST(NULL AS INTEGER)';
  const classified = `${into}_classified`;
  await replaceTable(engine, classified, `SELECT ${reasonCase} AS _rule, src.* FROM ${from} AS src`);
  const cols = (await engine.columnNames(classified)).filter((c) => c !== '_rule');
  const rawCols = args.rawColumns ?? cols.filter((c) => c !== 'source_row' && !c.startsWith('_'));
  const rawJson = `(SELECT ${d.rowToJson('r')} FROM (SELECT ${rawCols.map((c) => `c.${d.ident(c)}`).join(', ')}) AS r)`;
  if (rules.length) {
    const detailCase = `CASE ${rules.map((r, i) => `WHEN c._rule = ${i} THEN ${r.detail ?? 'NULL'}`).join(' ')} END`;
    const kindCase = `CASE ${rules.map((r, i) => `WHEN _rule = ${i} THEN ${d.literal(r.kind)}`).join(' ')} END`;
    const reasonText = `CASE ${rules.map((r, i) => `WHEN _rule = ${i} THEN ${d.literal(r.reason)}`).join(' ')} END`;
    await engine.run(
      `INSERT INTO ${args.quarantine} SELECT ${d.literal(sourceTable)}, c.source_row, ${kindCase}, ${reasonText}, ${detailCase}, ${rawJson} ` +
        `FROM ${classified} AS c WHERE c._rule IS NOT NULL`,
    );
  }
  await replaceTable(engine, into, `SELECT ${cols.map((c) => d.ident(c)).join(', ')} FROM ${classified} WHERE _rule IS NULL`);
  const counts = await engine.rows<{ rule: number | null; n: number }>(`SELECT _rule AS rule, count(*) AS n FROM ${classified} GROUP BY _rule`);
  await engine.run(`DROP TABLE ${classified}`);
  const removed: RowRemoval[] = [];
  let keptRows = 0;
  for (const { rule, n } of counts) {
    if (rule === null) keptRows = n;
  }
  rules.forEach((r, i) => {
    const n = counts.find((c) => c.rule === i)?.n ?? 0;
    if (n > 0) removed.push({ kind: r.kind, reason: r.reason, rows: n });
  });
  return { kept: into, keptRows, removed };
}
