// SQL building blocks shared by the OMOP table loaders: id and date parsing, and the quarantine rules.
import { replaceTable, replaceView, type Engine, type SqlDialect } from '../../engine/index.js';
import { mergeRemovals, type RowRemoval } from '../../model/index.js';
import { classifyRows, type RowRule } from '../rules.js';
import { typedColumn, type StagedTable } from '../stage.js';

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
  /**
   * The loaded persons keyed by their id as a BIGINT (person_id, birth_year, death_date), once the person table is
   * loaded: events whose person_id column is typed as an integer join it on integers instead of printed text.
   */
  personsByNumber?: string;
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

const integerTypes = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']);
/** Integer types whose every value fits a BIGINT. */
const bigintTypes = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER']);
const numberTypes = new Set([...integerTypes, 'FLOAT', 'DOUBLE', 'REAL']);

/** The source type of a staged column when the input was typed (see `StagedTable.types`). */
function sourceType(s: StagedTable, name: string): string {
  return (s.columns.includes(name) && s.types?.[name]) || '';
}

/** The typed source value of a staged column (only when `sourceType` is known). */
function typed(s: StagedTable, name: string, alias = 's'): string {
  return `${alias}.${typedColumn(name)}`;
}

/** An identifier column as canonical text (see `idText`); an integer-typed source only needs printing. */
export function idOf(d: SqlDialect, s: StagedTable, name: string): string {
  return integerTypes.has(sourceType(s, name)) ? `CAST(${typed(s, name)} AS VARCHAR)` : idText(d, col(s, name));
}

/**
 * The typed value of an id column whose source type fits a BIGINT (over the prepared rows, alias `n`), else
 * undefined. Its printed text is what `idOf` gives, so joining it to a BIGINT key matches the same rows.
 */
export function bigintIdOf(s: StagedTable, name: string): string | undefined {
  return bigintTypes.has(sourceType(s, name)) ? typed(s, name, 'n') : undefined;
}

/**
 * The persons of `table` keyed by their id as a BIGINT: only ids written as canonical integers, the only texts an
 * integer-typed id can print as.
 */
export async function personsByNumber(ctx: LoadContext, table: string, into: string): Promise<string> {
  const n = ctx.d.parseInteger('person_id');
  await replaceTable(
    ctx.engine,
    into,
    `SELECT CAST(${n} AS BIGINT) AS person_id, birth_year, death_date FROM ${table} WHERE ${n} IS NOT NULL AND CAST(CAST(${n} AS BIGINT) AS VARCHAR) = person_id`,
  );
  return into;
}

/** A numeric column as DOUBLE (see `SqlDialect.parseNumber`); a numeric-typed source is cast directly. */
export function numberOf(d: SqlDialect, s: StagedTable, name: string): string {
  const t = sourceType(s, name);
  return numberTypes.has(t) || t.startsWith('DECIMAL') ? `CAST(${typed(s, name)} AS DOUBLE)` : d.parseNumber(col(s, name));
}

/** An integer column as BIGINT (see `SqlDialect.parseInteger`); an integer-typed source is cast directly. */
export function integerOf(d: SqlDialect, s: StagedTable, name: string): string {
  return integerTypes.has(sourceType(s, name)) ? `CAST(${typed(s, name)} AS BIGINT)` : d.parseInteger(col(s, name));
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

/** A date column: parsed from text, or cast directly when the source is typed DATE or TIMESTAMP. */
function dateOf(d: SqlDialect, s: StagedTable, name: string): string {
  const t = sourceType(s, name);
  if (t === 'DATE') return typed(s, name);
  if (t === 'TIMESTAMP' || t === 'TIMESTAMP_NS' || t === 'TIMESTAMP_MS' || t === 'TIMESTAMP_S') return `CAST(${typed(s, name)} AS DATE)`;
  return omopDate(d, col(s, name));
}

/** The date of a `_date` column, or of its `_datetime` twin when the date is empty or unparseable. */
export function dateOrDatetime(d: SqlDialect, s: StagedTable, dateCol: string, datetimeCol?: string): string {
  const date = dateOf(d, s, dateCol);
  return datetimeCol && s.columns.includes(datetimeCol) ? `COALESCE(${date}, ${dateOf(d, s, datetimeCol)})` : date;
}

/** True when a raw text is given (not NULL, not blank). */
export function given(expr: string): string {
  return `(${expr} IS NOT NULL AND trim(${expr}) <> '')`;
}

/** True when a staged column is given (see `given`); a typed non-text source is given when not NULL (it never prints blank). */
export function givenColumn(s: StagedTable, name: string): string {
  const t = sourceType(s, name);
  return t && t !== 'VARCHAR' ? `(${typed(s, name)} IS NOT NULL)` : given(col(s, name));
}

/**
 * The typed value of an integer-typed id column, for rules only: NULL exactly when `idOf` is, and equal to 0 exactly
 * when `idOf` is '0', so `IS NULL` and `= '0'` tests agree, without printing every id. Undefined for other sources.
 */
export function integerIdForRules(s: StagedTable, name: string): string | undefined {
  return integerTypes.has(sourceType(s, name)) ? typed(s, name) : undefined;
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
  /** Join `persons` on this expression over the prepared rows (alias `n`) instead of `_pid` (see `bigintIdOf`). */
  personKey?: string;
  /** Ordered rules. */
  rules: RowRule[];
  /**
   * Cheaper expressions for some derived columns, used only where the rules are evaluated over every row (the
   * streamed pass): each must agree with its derived column on every rule's test (see `integerIdForRules`).
   */
  ruleDerived?: Record<string, string>;
  /**
   * The table's own id column (e.g. drug_exposure_id): exact duplicate rows share it, so when its values are shown
   * distinct cheaply (`idsAscending`), the search for duplicate rows is skipped.
   */
  idColumn?: string;
  /**
   * Derived id column (and its source column, for messages) that must be unique: among the rows passing every
   * rule in `rules`, a row after the first (in source order) with the same id is quarantined as `duplicate-key`.
   */
  uniqueKey?: { derived: string; column: string };
}

export interface ClassifiedRows {
  /** Table (or, when streamed, view) of the rows that passed every rule. */
  kept: string;
  keptRows: number;
  removed: RowRemoval[];
  /** Statements dropping `kept` (and what it reads) once the caller has inserted it into the model. */
  dropKept: string[];
}

/**
 * Prepare a staged table (derived columns, exact-duplicate rank, person facts) and classify every row: removed
 * rows go to the quarantine table, the others are returned as `kept`.
 *
 * With a 64-bit row hash and no unique key (the large event tables), nothing as wide as the input is
 * materialised: one pass writes (source_row, row hash, first rule matched other than duplicate-row), the few
 * removed rows are written out, and `kept` is a view that parses the staged rows again (without the person
 * facts) for the caller's insert into the model. Materialising a table of parsed rows beside the model table
 * made DuckDB spill at 10M rows.
 */
export async function classifyStaged(ctx: LoadContext, args: ClassifyArgs): Promise<ClassifiedRows> {
  if (ctx.d.keyHash && !args.uniqueKey) return classifyStreamed(ctx, args);
  const { engine, d, p, tag } = ctx;
  const { staged } = args;
  const raw = staged.columns;
  const name = `${tag}_${args.source}`;
  // Exact duplicates: with a 64-bit row hash, only rows whose hash is shared are compared column by column (a
  // narrow pass instead of a window carrying every column); the rank of the others is 1.
  const dups = d.keyHash ? await findDuplicateRows(ctx, staged, `${name}_dups`) : undefined;
  const dup = dups
    ? `COALESCE(dd._dup, 1) AS _dup`
    : `ROW_NUMBER() OVER (PARTITION BY ${raw.map((c) => `n.${d.ident(c)}`).join(', ')} ORDER BY n.source_row) AS _dup`;
  const dupJoin = dups ? ` LEFT JOIN ${dups} AS dd ON dd.source_row = n.source_row` : '';
  const level2 = `SELECT n.*, ${dup} FROM (${preparedRows(args)}) AS n${dupJoin}`;
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
  return { kept: result.kept, keptRows: result.keptRows, removed: mergeRemovals(result.removed), dropKept: [`DROP TABLE ${result.kept}`] };
}

/** The staged rows with their derived columns (`derivedColumns` in place of the arguments' own). */
function derivedRows(args: ClassifyArgs, extra = '', derivedColumns = args.derived): string {
  const derived = Object.entries(derivedColumns)
    .map(([k, v]) => `${v} AS ${k}`)
    .join(', ');
  return `SELECT s.*${derived ? `, ${derived}` : ''}${extra} FROM ${args.staged.table} AS s`;
}

/** The staged rows with their derived columns and, with `persons`, the person facts. */
function preparedRows(args: ClassifyArgs, extra = '', derivedColumns = args.derived): string {
  const level1 = derivedRows(args, extra, derivedColumns);
  return args.persons
    ? `SELECT n.*, (pe.person_id IS NOT NULL) AS _known, pe.birth_year AS _birth_year, pe.death_date AS _death_date ` +
        `FROM (${level1}) AS n LEFT JOIN ${args.persons} AS pe ON pe.person_id = ${args.personKey ?? 'n._pid'}`
    : level1;
}

/** `classifyStaged` without materialising the parsed rows (see there). Rule order and counts are the same. */
async function classifyStreamed(ctx: LoadContext, args: ClassifyArgs): Promise<ClassifiedRows> {
  const { engine, d, p, tag } = ctx;
  const name = `${tag}_${args.source}`;
  const rules = args.rules;
  const dupAt = rules.indexOf(duplicateRowRule);
  const others = rules.map((r, i) => [r, i] as const).filter(([r]) => r !== duplicateRowRule);
  const firstOther = others.length ? `CASE ${others.map(([r, i]) => `WHEN (${r.when}) THEN ${i}`).join(' ')} END` : 'CAST(NULL AS INTEGER)';
  const rulesTable = `${name}_rules`;
  const ruleColumns = { ...args.derived, ...args.ruleDerived };
  const searchDuplicates = dupAt >= 0 && !(args.idColumn && (await idsAscending(ctx, args.staged, args.idColumn)));
  const hash = searchDuplicates ? rowHash(d, args.staged) : 'CAST(0 AS UBIGINT)';
  await replaceTable(engine, rulesTable, `SELECT source_row, _h, ${firstOther} AS _rule FROM (${preparedRows(args, `, ${hash} AS _h`, ruleColumns)}) AS src`);
  // Exact duplicates among rows sharing a hash (none, usually, and then the staged rows are not read again).
  const dups = `${name}_dups`;
  const shared = `${name}_shared`;
  // Neighbours in hash order (a sort) cost less than grouping 10M distinct hashes.
  await replaceTable(
    engine,
    shared,
    searchDuplicates
      ? `SELECT DISTINCT _h FROM (SELECT _h, LAG(_h) OVER (ORDER BY _h) AS prev FROM ${rulesTable}) AS t WHERE _h = prev`
      : `SELECT _h FROM ${rulesTable} WHERE FALSE`,
  );
  const anyShared = searchDuplicates && Number(await engine.scalar<number>(`SELECT count(*) FROM ${shared}`)) > 0;
  await replaceTable(
    engine,
    dups,
    anyShared
      ? `SELECT source_row, _dup FROM (SELECT s.source_row, ROW_NUMBER() OVER (PARTITION BY ${args.staged.columns.map((c) => `s.${d.ident(c)}`).join(', ')} ORDER BY s.source_row) AS _dup ` +
          `FROM ${args.staged.table} AS s WHERE s.source_row IN (SELECT x.source_row FROM ${rulesTable} AS x JOIN ${shared} AS g ON g._h = x._h)) AS t WHERE _dup > 1`
      : `SELECT source_row, 1 AS _dup FROM ${rulesTable} WHERE FALSE`,
  );
  await engine.run(`DROP TABLE ${shared}`);
  // A rule before duplicate-row wins over it; duplicate-row wins over the rules after it.
  const removedTable = `${name}_removed`;
  await replaceTable(
    engine,
    removedTable,
    `SELECT r.source_row, CASE WHEN r._rule < ${dupAt} THEN r._rule WHEN dd._dup IS NOT NULL THEN ${dupAt} ELSE r._rule END AS _rule ` +
      `FROM ${rulesTable} AS r LEFT JOIN ${dups} AS dd ON dd.source_row = r.source_row WHERE r._rule IS NOT NULL OR dd._dup IS NOT NULL`,
  );
  const counts = await engine.rows<{ rule: number; n: number }>(`SELECT _rule AS rule, count(*) AS n FROM ${removedTable} GROUP BY _rule`);
  const removedRows = counts.reduce((sum, c) => sum + Number(c.n), 0);
  if (removedRows > 0) {
    const raw = args.staged.columns;
    const rawJson = d.columnsToJson(raw.map((c) => [c, `w.${d.ident(c)}`]));
    const detailCase = `CASE ${rules.map((r, i) => `WHEN q._rule = ${i} THEN ${r.detail ?? 'NULL'}`).join(' ')} END`;
    const kindCase = `CASE ${rules.map((r, i) => `WHEN q._rule = ${i} THEN ${d.literal(r.kind)}`).join(' ')} END`;
    const reasonText = `CASE ${rules.map((r, i) => `WHEN q._rule = ${i} THEN ${d.literal(r.reason)}`).join(' ')} END`;
    await engine.run(
      `INSERT INTO ${p}quarantine SELECT ${d.literal(args.source)}, w.source_row, ${kindCase}, ${reasonText}, ${detailCase}, ${rawJson} ` +
        `FROM (${preparedRows(args)}) AS w JOIN ${removedTable} AS q ON q.source_row = w.source_row`,
    );
  }
  await engine.run(`DROP TABLE ${rulesTable}`);
  await engine.run(`DROP TABLE ${dups}`);
  const kept = `${name}_kept`;
  const notRemoved = removedRows > 0 ? ` WHERE k.source_row NOT IN (SELECT source_row FROM ${removedTable})` : '';
  await replaceView(engine, kept, `SELECT * FROM (${derivedRows(args)}) AS k${notRemoved}`);
  const removed: RowRemoval[] = [];
  rules.forEach((r, i) => {
    const n = Number(counts.find((c) => Number(c.rule) === i)?.n ?? 0);
    if (n > 0) removed.push({ kind: r.kind, reason: r.reason, rows: n });
  });
  return {
    kept,
    keptRows: args.staged.rows - removedRows,
    removed: mergeRemovals(removed),
    dropKept: [`DROP VIEW ${kept}`, `DROP TABLE ${removedTable}`],
  };
}

/**
 * True when every value of `column` is given and strictly greater than the one before it, in the order the engine
 * streams the rows (file order, for an export written by id). Strictly increasing along one sequence of all the rows
 * means distinct, whatever that order is; the check is one streaming pass over one column, against a sort of every
 * row's hash. A single sequence is checked too (one row without a predecessor).
 */
export async function idsAscending(ctx: LoadContext, staged: StagedTable, column: string): Promise<boolean> {
  if (!staged.columns.includes(column)) return false;
  const value = staged.types?.[column] ? typed(staged, column) : `s.${ctx.d.ident(column)}`;
  const r = await ctx.engine.rows<{ n: number; given: number; starts: number; descents: number }>(
    `SELECT count(*) AS n, count(v) AS given, sum(CASE WHEN prev IS NULL THEN 1 ELSE 0 END) AS starts, ` +
      `sum(CASE WHEN v <= prev THEN 1 ELSE 0 END) AS descents FROM (SELECT ${value} AS v, LAG(${value}) OVER () AS prev FROM ${staged.table} AS s) AS t`,
  );
  const { n, given, starts, descents } = r[0]!;
  return Number(n) > 0 && Number(given) === Number(n) && Number(starts) === 1 && Number(descents) === 0;
}

/**
 * A 64-bit hash of a staged row's raw columns; NULL and '' hash differently, and the hash is never NULL. A typed
 * source is hashed on its typed values (equal texts are equal values), which spares printing every column.
 */
function rowHash(d: SqlDialect, staged: StagedTable): string {
  if (staged.types && d.rowHash) return d.rowHash(staged.columns.map((c) => typed(staged, c)));
  const cols = staged.columns.map((c) => `s.${d.ident(c)}`);
  // Never NULL either: the plain row hash where the dialect has one (the key hash's NULL guard doubles the work).
  return (d.rowHash ?? d.keyHash)!([...cols.map((c) => `COALESCE(${c}, '')`), cols.map((c) => `CASE WHEN ${c} IS NULL THEN '1' ELSE '0' END`).join(' || ')]);
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
  const hashed = rowHash(d, staged);
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
