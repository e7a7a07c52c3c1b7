// SQL building blocks shared by the OMOP table loaders: id and date parsing, and the quarantine rules.
import { replaceTable, replaceView, type Engine, type SqlDialect } from '../../engine/index.js';
import type { RowRemoval } from '../../model/index.js';
import { classifyRows, type RowRule } from '../rules.js';
import type { StagedTable } from '../stage.js';

/** What every table loader needs: the engine, the target schema prefix and a unique prefix for temp tables. */
export interface LoadContext {
  engine: Engine;
  d: SqlDialect;
  /** Target schema prefix (`schema.` or ''). */
  p: string;
  /** Unique prefix for this load's temp tables. */
  tag: string;
  /** Days after death an event may still be dated (administrative lag) before it is quarantined. */
  deathMarginDays: number;
}

/** The staged column, or a NULL text when the file does not have it (optional CDM columns). */
export function col(s: StagedTable, name: string, alias = 's'): string {
  return s.columns.includes(name) ? `${alias}.${name}` : 'CAST(NULL AS VARCHAR)';
}

/**
 * An identifier as canonical text: integers written as floats ('26318.0') read as '26318', so ids match
 * across tables exported differently; anything else is kept trimmed; empty is NULL.
 */
export function idText(d: SqlDialect, expr: string): string {
  return `COALESCE(CAST(${d.parseInteger(expr)} AS VARCHAR), NULLIF(trim(${expr}), ''))`;
}

/**
 * A DATE from an OMOP date or datetime written as ISO (`2015-10-02`, `2015-10-02 00:00:00`,
 * `2015-10-02T00:00:00Z`) or compact (`20151002`, `20151002 10:00:00`): the time part is dropped.
 */
export function omopDate(d: SqlDialect, expr: string): string {
  const t = `trim(${expr})`;
  const dateOnly =
    `CASE WHEN ${t} LIKE '____-__-__T%' OR ${t} LIKE '____-__-__ %' THEN substr(${t}, 1, 10) ` +
    `WHEN ${t} LIKE '________T%' OR ${t} LIKE '________ %' THEN substr(${t}, 1, 8) ELSE ${t} END`;
  return d.parseDate(dateOnly);
}

/** The date of a `_date` column, or of its `_datetime` twin when the date is empty or unparseable. */
export function dateOrDatetime(d: SqlDialect, s: StagedTable, dateCol: string, datetimeCol?: string): string {
  const date = omopDate(d, col(s, dateCol));
  return datetimeCol && s.columns.includes(datetimeCol) ? `COALESCE(${date}, ${omopDate(d, col(s, datetimeCol))})` : date;
}

/** True when a raw text is given (not NULL, not blank). */
export function given(expr: string): string {
  return `(${expr} IS NOT NULL AND trim(${expr}) <> '')`;
}

// --- Rules. Column names starting with '_' are derived columns of the prepared view. ---

export const missingKeyRule = (keys: Array<[derived: string, column: string]>): RowRule => ({
  reason: 'missing-key',
  kind: 'quarantine',
  when: keys.map(([k]) => `${k} IS NULL`).join(' OR '),
  detail: `CASE ${keys.map(([k, c]) => `WHEN ${k} IS NULL THEN '${c} is empty'`).join(' ')} END`,
});

export const duplicateRowRule: RowRule = { reason: 'duplicate-row', kind: 'quarantine', when: '_dup > 1', detail: `'same values as an earlier row'` };

export const orphanRule: RowRule = { reason: 'orphan-key', kind: 'quarantine', when: 'NOT _known', detail: `'person_id not in person'` };

/** OMOP writes 0 for a source code not mapped to a standard concept: such a row can match no code set. */
export const unknownConceptRule = (column: string): RowRule => ({
  reason: 'unknown-concept',
  kind: 'quarantine',
  when: `_concept IS NULL OR _concept = '0'`,
  detail: `'${column} is 0 or empty'`,
});

/** Required dates (and optional ones that are given but cannot be read) must parse. */
export const unparseableDateRule = (dates: Array<{ derived: string; column: string; given?: string }>): RowRule => {
  const bad = (x: (typeof dates)[number]) => (x.given ? `(${x.derived} IS NULL AND ${x.given})` : `${x.derived} IS NULL`);
  return {
    reason: 'unparseable-date',
    kind: 'quarantine',
    when: dates.map(bad).join(' OR '),
    detail: `CASE ${dates.map((x) => `WHEN ${bad(x)} THEN '${x.column}'`).join(' ')} END`,
  };
};

export const endBeforeStartRule = (start: string, end: string): RowRule => ({
  reason: 'end-before-start',
  kind: 'quarantine',
  when: '_end < _start',
  detail: `'${end} before ${start}'`,
});

/** The event date must fall in a calendar year not before the birth year, and not after death + margin. */
export const outsideLifeRule = (ctx: LoadContext, column: string): RowRule => {
  const before = `EXTRACT(YEAR FROM _start) < _birth_year`;
  const after = `_start > ${ctx.d.addDays('_death_date', String(ctx.deathMarginDays))}`;
  return {
    reason: 'date-outside-life',
    kind: 'quarantine',
    when: `${before} OR ${after}`,
    detail: `CASE WHEN ${before} THEN '${column} before the birth year' ELSE '${column} more than ${ctx.deathMarginDays} days after death' END`,
  };
};

export interface ClassifyArgs {
  staged: StagedTable;
  /** Source table name, written to the quarantine table. */
  source: string;
  /** Derived columns (`_name` → SQL over the staged row aliased `s`). Must include `_pid` when `persons` is given. */
  derived: Record<string, string>;
  /** A table of known persons (person_id, birth_year, death_date) joined on `_pid` to give `_known`, `_birth_year`, `_death_date`. */
  persons?: string;
  /** Ordered rules. */
  rules: RowRule[];
  /**
   * Derived id column (and its source column, for messages) that must be unique: among the rows passing every
   * rule in `rules`, a row after the first (in source order) with the same id is quarantined as `duplicate-key`.
   */
  uniqueKey?: { derived: string; column: string };
}

/**
 * Prepare a staged table (derived columns, exact-duplicate rank, person facts) and classify every row in one
 * pass: removed rows go to the quarantine table, the others to a temp table returned as `kept`.
 */
export async function classifyStaged(ctx: LoadContext, args: ClassifyArgs): Promise<{ kept: string; keptRows: number; removed: RowRemoval[] }> {
  const { engine, d, p, tag } = ctx;
  const { staged } = args;
  const raw = staged.columns;
  const name = `${tag}_${args.source}`;
  const derived = Object.entries(args.derived)
    .map(([k, v]) => `${v} AS ${k}`)
    .join(', ');
  const level1 = `SELECT s.*${derived ? `, ${derived}` : ''} FROM ${staged.table} AS s`;
  // Exact duplicates: with a 64-bit row hash, only rows whose hash is shared are compared column by column (a
  // narrow pass instead of a window carrying every column); the rank of the others is 1.
  const dups = d.keyHash ? await findDuplicateRows(ctx, staged, `${name}_dups`) : undefined;
  const dup = dups
    ? `COALESCE(dd._dup, 1) AS _dup`
    : `ROW_NUMBER() OVER (PARTITION BY ${raw.map((c) => `n.${d.ident(c)}`).join(', ')} ORDER BY n.source_row) AS _dup`;
  const dupJoin = dups ? ` LEFT JOIN ${dups} AS dd ON dd.source_row = n.source_row` : '';
  const level2 = args.persons
    ? `SELECT n.*, ${dup}, (pe.person_id IS NOT NULL) AS _known, pe.birth_year AS _birth_year, pe.death_date AS _death_date ` +
      `FROM (${level1}) AS n LEFT JOIN ${args.persons} AS pe ON pe.person_id = n._pid${dupJoin}`
    : `SELECT n.*, ${dup} FROM (${level1}) AS n${dupJoin}`;
  let prepared = level2;
  const rules = [...args.rules];
  if (args.uniqueKey) {
    const ok = args.rules.length ? args.rules.map((r) => `NOT COALESCE((${r.when}), FALSE)`).join(' AND ') : 'TRUE';
    prepared =
      `SELECT v.*, CASE WHEN v._ok THEN ROW_NUMBER() OVER (PARTITION BY v.${args.uniqueKey.derived}, v._ok ORDER BY v.source_row) END AS _key_rank ` +
      `FROM (SELECT w.*, (${ok}) AS _ok FROM (${level2}) AS w) AS v`;
    rules.push({
      reason: 'duplicate-key',
      kind: 'quarantine',
      when: '_key_rank > 1',
      detail: `'${args.uniqueKey.column} already used by an earlier row'`,
    });
  }
  await replaceView(engine, `${name}_prepared`, prepared);
  const result = await classifyRows(engine, {
    sourceTable: args.source,
    from: `${name}_prepared`,
    into: `${name}_kept`,
    rules,
    quarantine: `${p}quarantine`,
    rawColumns: raw,
    rawFrom: staged.table,
  });
  await engine.run(`DROP VIEW ${name}_prepared`);
  if (dups) await engine.run(`DROP TABLE ${dups}`);
  // Merge removals that share a kind and reason (a reason may come from two rules).
  const removed: RowRemoval[] = [];
  for (const r of result.removed) {
    const same = removed.find((x) => x.kind === r.kind && x.reason === r.reason);
    if (same) same.rows += r.rows;
    else removed.push({ ...r });
  }
  return { kept: result.kept, keptRows: result.keptRows, removed };
}

/**
 * Rows of a staged table that repeat an earlier row exactly (every raw column equal, NULLs equal), as a temp table
 * (source_row, _dup) holding only ranks > 1. Rows are first grouped by a 64-bit hash of their columns; only rows
 * of a hash shared by several rows are then ranked on the columns themselves, so a hash collision cannot flag a
 * row that is not an exact duplicate.
 */
async function findDuplicateRows(ctx: LoadContext, staged: StagedTable, into: string): Promise<string> {
  const { engine, d } = ctx;
  const cols = staged.columns.map((c) => `s.${d.ident(c)}`);
  // NULL and '' must hash differently yet never make the hash NULL: a null flag per column plus the value.
  const hashed = d.keyHash!([...cols.map((c) => `COALESCE(${c}, '')`), cols.map((c) => `CASE WHEN ${c} IS NULL THEN '1' ELSE '0' END`).join(' || ')]);
  const hashes = `${into}_h`;
  await replaceTable(engine, hashes, `SELECT s.source_row, ${hashed} AS h FROM ${staged.table} AS s`);
  await replaceTable(
    engine,
    into,
    `SELECT source_row, _dup FROM (SELECT s.source_row, ROW_NUMBER() OVER (PARTITION BY ${cols.join(', ')} ORDER BY s.source_row) AS _dup ` +
      `FROM ${staged.table} AS s WHERE s.source_row IN (SELECT x.source_row FROM ${hashes} AS x JOIN ` +
      `(SELECT h FROM ${hashes} GROUP BY h HAVING count(*) > 1) AS g ON g.h = x.h)) AS t WHERE _dup > 1`,
  );
  await engine.run(`DROP TABLE ${hashes}`);
  return into;
}
