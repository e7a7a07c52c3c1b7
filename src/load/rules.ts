import { replaceTable, replaceView } from '../engine/sql.js';
import type { Engine } from '../engine/index.js';
import type { RemovalKind, RowRemoval } from '../model/index.js';
import { typedColumn } from './stage.js';

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
  /** Table holding the rows that passed every rule (plus a `_rule` column, NULL on every row). */
  kept: string;
  keptRows: number;
  removed: RowRemoval[];
}

/**
 * Classify every row of `from` against `rules` in one pass: removed rows go to the `quarantine` table
 * (with their raw row as JSON, so nothing is lost), the others into a new table `into`.
 *
 * Cost: `from` is evaluated once, into `into` with the rule number of each row; the removed rows (usually few)
 * are then copied to the quarantine table, their JSON built only for them, and deleted from `into`.
 */
export async function classifyRows(
  engine: Engine,
  args: {
    sourceTable: string;
    from: string;
    into: string;
    rules: RowRule[];
    quarantine: string;
    rawColumns?: string[];
    /**
     * A table or view holding `source_row` (unique) and the `rawColumns`: when given, `into` does not carry the raw
     * columns (less to materialise) and the quarantine JSON is read from here for the removed rows only.
     */
    rawFrom?: string;
  },
): Promise<ClassifyResult> {
  const { sourceTable, from, into, rules } = args;
  const d = engine.dialect;
  const reasonCase = rules.length
    ? `CASE ${rules.map((r, i) => `WHEN (${r.when}) THEN ${i}`).join(' ')} END`
    : 'CAST(NULL AS INTEGER)';
  let select = 'src.*';
  if (args.rawFrom && args.rawColumns) {
    const raw = new Set(args.rawColumns);
    await replaceView(engine, `${into}_cols`, `SELECT * FROM ${from} WHERE FALSE`);
    const names = (await engine.columnNames(`${into}_cols`)).filter((c) => !raw.has(c) && !c.startsWith(typedColumn('')));
    await engine.run(`DROP VIEW ${into}_cols`);
    select = names.map((c) => `src.${d.ident(c)}`).join(', ');
  }
  await replaceTable(engine, into, `SELECT ${select}, ${reasonCase} AS _rule FROM ${from} AS src`);
  const counts = await engine.rows<{ rule: number | null; n: number }>(`SELECT _rule AS rule, count(*) AS n FROM ${into} GROUP BY _rule`);
  const removedRows = counts.reduce((sum, c) => sum + (c.rule === null ? 0 : Number(c.n)), 0);
  if (rules.length && removedRows > 0) {
    const cols = (await engine.columnNames(into)).filter((c) => c !== '_rule');
    const rawCols = args.rawColumns ?? cols.filter((c) => c !== 'source_row' && !c.startsWith('_'));
    const rawAlias = args.rawFrom ? 'w' : 'c';
    const rawJson = d.columnsToJson(rawCols.map((c) => [c, `${rawAlias}.${d.ident(c)}`]));
    const detailCase = `CASE ${rules.map((r, i) => `WHEN c._rule = ${i} THEN ${r.detail ?? 'NULL'}`).join(' ')} END`;
    const kindCase = `CASE ${rules.map((r, i) => `WHEN _rule = ${i} THEN ${d.literal(r.kind)}`).join(' ')} END`;
    const reasonText = `CASE ${rules.map((r, i) => `WHEN _rule = ${i} THEN ${d.literal(r.reason)}`).join(' ')} END`;
    await engine.run(
      `INSERT INTO ${args.quarantine} SELECT ${d.literal(sourceTable)}, c.source_row, ${kindCase}, ${reasonText}, ${detailCase}, ${rawJson} ` +
        `FROM ${into} AS c${args.rawFrom ? ` JOIN ${args.rawFrom} AS w ON w.source_row = c.source_row` : ''} WHERE c._rule IS NOT NULL`,
    );
    await engine.run(`DELETE FROM ${into} WHERE _rule IS NOT NULL`);
  }
  const removed: RowRemoval[] = [];
  let keptRows = 0;
  for (const { rule, n } of counts) {
    if (rule === null) keptRows = Number(n);
  }
  rules.forEach((r, i) => {
    const n = Number(counts.find((c) => c.rule === i)?.n ?? 0);
    if (n > 0) removed.push({ kind: r.kind, reason: r.reason, rows: n });
  });
  return { kept: into, keptRows, removed };
}
