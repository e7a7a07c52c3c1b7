// Set-based building blocks of the SNDS loader: classify every row of a source against ordered rules in one SQL
// pass, send removed rows to the quarantine table with their raw row, find exact duplicates, and build row accounts.
// Everything runs on the engine; only counts come back to JS.
import type { Engine } from '../../engine/index.js';
import { mergeRemovals, type RemovalKind, type RowAccount, type RowRemoval } from '../../model/index.js';

export { mergeRemovals };
import { stageFile, type StagedTable, type StageOptions } from '../stage.js';
import type { SndsCleaningRule } from './cleaning.js';

/** State of one SNDS load: engine, target schema, switches, and the temp objects to drop at the end. */
export interface SndsContext {
  engine: Engine;
  /** Model schema prefix: '' or 'schema.'. */
  p: string;
  cleaning: Record<SndsCleaningRule, boolean>;
  /** Unique prefix of this load's temp tables. */
  t: string;
  temps: string[];
  staged: StagedTable[];
  /** Rows of every file staged so far, for progress. */
  rowsRead: number;
}

/** A fresh temp table name of this load, dropped at the end. */
export function tmp(ctx: SndsContext, name: string): string {
  const t = `${ctx.t}_${name}`;
  ctx.temps.push(t);
  return t;
}

/** Stage a file with upper-case column names, remembered for clean-up. */
export async function stage(ctx: SndsContext, file: string, name: string, required: string[], options: StageOptions = {}): Promise<StagedTable> {
  const s = await stageFile(ctx.engine, file, name, { required, caseOf: 'upper', ...options });
  ctx.staged.push(s);
  ctx.rowsRead += s.rows;
  return s;
}

/** Drop every temp object of the load. */
export async function cleanUp(ctx: SndsContext): Promise<void> {
  await dropSince(ctx, 0, 0);
}

/**
 * Run one part of the load (a table, a PMSI year) and drop the temp objects it created as soon as it ends, except
 * the tables `keep` names in its result: held to the end of the load, the DCIR's intermediate tables made DuckDB
 * spill the later steps to disk.
 */
export async function inPart<T>(ctx: SndsContext, part: () => Promise<T>, keep: (result: T) => string[] = () => []): Promise<T> {
  const temps = ctx.temps.length;
  const staged = ctx.staged.length;
  let kept: string[] = [];
  try {
    const result = await part();
    kept = keep(result);
    return result;
  } finally {
    await dropSince(ctx, temps, staged, kept);
  }
}

async function dropSince(ctx: SndsContext, temps: number, staged: number, kept: string[] = []): Promise<void> {
  const mine = ctx.temps.splice(temps);
  ctx.temps.push(...mine.filter((t) => kept.includes(t)));
  for (const t of mine.filter((t) => !kept.includes(t)).reverse()) await ctx.engine.run(`DROP TABLE IF EXISTS ${t}`);
  for (const s of ctx.staged.splice(staged)) {
    await ctx.engine.run(`DROP VIEW IF EXISTS ${s.table}`);
    await ctx.engine.run(`DROP TABLE IF EXISTS ${s.table}_raw`);
  }
}

/** A reason a row does not reach the model. Rules are tried in order; the first whose `when` holds wins. */
export interface SndsRule {
  reason: string;
  kind: RemovalKind;
  /** SQL condition over the FROM clause. */
  when: string;
  /**
   * SQL text naming the column or link at fault, never person-level values; evaluated only for removed rows, over
   * the classified row `c` and the raw staged row `s`.
   */
  detail?: string;
  /** The row takes the fate of a parent row: `_sub` holds the parent's rule index in these rules. */
  inherit?: SndsRule[];
}

/**
 * One pass: `into` gets every row of `from` with the output `columns` ("expr AS name"), `_rule` (index of the first
 * matching rule, NULL when kept) and `_sub` (`sub`: the parent's rule, for a rule that inherits it). Fates are kept
 * as 2-byte integers so the big intermediate tables stay narrow; `quarantine` turns them into kinds and reasons.
 */
export async function classify(ctx: SndsContext, args: ClassifyArgs & { into: string }): Promise<void> {
  await ctx.engine.run(`DROP TABLE IF EXISTS ${args.into}`);
  await ctx.engine.run(`CREATE TEMP TABLE ${args.into} AS ${classified(args)}`);
}

export interface ClassifyArgs {
  from: string;
  columns: string[];
  rules: SndsRule[];
  sub?: string;
}

/** The SELECT of `classify`, to read as a subquery without storing it. */
export function classified(args: ClassifyArgs): string {
  const { rules } = args;
  const ruleCase = rules.length ? `CASE ${rules.map((r, i) => `WHEN (${r.when}) THEN ${i}`).join(' ')} END` : 'NULL';
  return `SELECT ${args.columns.join(', ')}, CAST(${ruleCase} AS SMALLINT) AS _rule, CAST(${args.sub ?? 'NULL'} AS SMALLINT) AS _sub FROM ${args.from}`;
}

/**
 * Give rows of a classified table the fate of one of its rules after the fact (rare cases found by a later, cheaper
 * pass, such as duplicates): the rule must be placed in `rules` where it belongs in the order, with `when: 'FALSE'`.
 * Rows an earlier rule removed keep their fate. `column` holds the fates (default `_rule`).
 */
export async function override(ctx: SndsContext, args: { table: string; rules: SndsRule[]; reason: string; where: string; column?: string }): Promise<void> {
  const i = args.rules.findIndex((r) => r.reason === args.reason);
  const c = args.column ?? '_rule';
  await ctx.engine.run(`UPDATE ${args.table} SET ${c} = ${i} WHERE (${c} IS NULL OR ${c} > ${i}) AND (${args.where})`);
}

/**
 * Send the removed rows of a classified table to the quarantine table, each with its kind, reason, detail and raw
 * source row as JSON (joined back from the staged file by `rowColumn`), and count them by kind and reason in rule order.
 * `rawColumns` narrows the raw row to the columns an account derived from part of a row reads (default: all).
 */
export async function quarantine(
  ctx: SndsContext,
  args: { source: string; staged: StagedTable; table: string; rules: SndsRule[]; rowColumn?: string; rawColumns?: string[] },
): Promise<RowRemoval[]> {
  const { engine } = ctx;
  const d = engine.dialect;
  const { rules } = args;
  const row = args.rowColumn ?? 'source_row';
  const fate = (f: (r: SndsRule) => string) =>
    `CASE c._rule ${rules
      .map((r, i) => `WHEN ${i} THEN ${r.inherit ? `CASE c._sub ${r.inherit.map((p, j) => `WHEN ${j} THEN ${f(p)}`).join(' ')} END` : f(r)}`)
      .join(' ')} END`;
  const detail = `CASE c._rule ${rules.map((r, i) => `WHEN ${i} THEN ${r.detail ?? 'NULL'}`).join(' ')} END`;
  const rawColumns = args.rawColumns ? args.staged.columns.filter((c) => args.rawColumns!.includes(c)) : args.staged.columns;
  const raw = d.columnsToJson(rawColumns.map((c) => [c, `s.${d.ident(c)}`]));
  if (rules.length) {
    await engine.run(
      `INSERT INTO ${ctx.p}quarantine (source_table, source_row, kind, reason, detail, raw) ` +
        `SELECT ${d.literal(args.source)}, c.${row}, ${fate((r) => d.literal(r.kind))}, ${fate((r) => d.literal(r.reason))}, CAST(${detail} AS VARCHAR), ${raw} ` +
        `FROM ${args.table} AS c JOIN ${args.staged.table} AS s ON s.source_row = c.${row} WHERE c._rule IS NOT NULL`,
    );
  }
  const counts = await engine.rows<{ r: number; sub: number | null; n: number }>(
    `SELECT _rule AS r, _sub AS sub, count(*) AS n FROM ${args.table} WHERE _rule IS NOT NULL AND ${row} IS NOT NULL GROUP BY _rule, _sub ORDER BY 1, 2`,
  );
  return mergeRemovals(
    counts.map((c) => {
      const rule = rules[c.r]!;
      const f = rule.inherit ? rule.inherit[c.sub!]! : rule;
      return [{ kind: f.kind, reason: f.reason, rows: Number(c.n) }];
    }).flat(),
  );
}

/** Rows of a classified table that passed every rule. */
export async function keptRows(ctx: SndsContext, table: string, rowColumn = 'source_row'): Promise<number> {
  return Number(await ctx.engine.scalar<number>(`SELECT count(*) FROM ${table} WHERE _rule IS NULL AND ${rowColumn} IS NOT NULL`));
}

export function account(source: string, files: string[], rowsRead: number, rowsLoaded: number, target: string[], removed: RowRemoval[]): RowAccount {
  return { source, files, rowsRead, rowsLoaded, target, removed };
}

/** A narrow join key for wide composite keys: the dialect's 64-bit hash when it has one, else the columns. */
export interface CompositeKey {
  /** Output columns ("expr AS name") carrying the key. */
  select(alias: string): string[];
  /** Names of the key columns in a table holding them. */
  names: string[];
  /** Join condition between two aliases holding the key columns. */
  on(a: string, b: string): string;
  /** True (SQL) when the key is missing in an alias holding it. */
  isNull(alias: string): string;
}

export function compositeKey(engine: Engine, columns: string[]): CompositeKey {
  const d = engine.dialect;
  const cols = columns.map((c) => d.ident(c));
  if (d.keyHash) {
    const keyHash = d.keyHash.bind(d);
    return {
      select: (alias) => [`${keyHash(cols.map((c) => `${alias}.${c}`))} AS kh`],
      names: ['kh'],
      on: (a, b) => `${a}.kh = ${b}.kh`,
      isNull: (alias) => `${alias}.kh IS NULL`,
    };
  }
  const names = cols.map((_, i) => `k${i}`);
  return {
    select: (alias) => cols.map((c, i) => `${alias}.${c} AS ${names[i]}`),
    names,
    on: (a, b) => names.map((n) => `${a}.${n} = ${b}.${n}`).join(' AND '),
    isNull: (alias) => names.map((n) => `${alias}.${n} IS NULL`).join(' OR '),
  };
}

/**
 * Exact duplicates of a staged table, in a small table `into(source_row, dup_row, dup_key)` holding only candidate
 * rows: those sharing their `candidate` key with another row, or those listed by `candidateRows` (SQL giving source
 * rows, when a cheaper pass already found them). `dup_row` when the whole row equals an earlier one (file order),
 * `dup_key` when only the unique `key` (if any) does. Rows absent from `into` are neither.
 */
export async function findDuplicates(
  ctx: SndsContext,
  args: { staged: StagedTable; into: string; candidate?: (alias: string) => string[]; candidateRows?: string; key?: (alias: string) => string[] },
): Promise<void> {
  const { engine } = ctx;
  const d = engine.dialect;
  const all = args.staged.columns.map((c) => `s.${d.ident(c)}`).join(', ');
  let where: string;
  if (args.candidateRows) where = `s.source_row IN (${args.candidateRows})`;
  else {
    // NULL-tolerant candidate key: a superset of the true groups; the exact partitions below decide.
    const cand = (alias: string) => args.candidate!(alias).map((e) => `COALESCE(CAST(${e} AS VARCHAR), '')`);
    // Never NULL: the plain row hash, not the key hash, whose NULL guard evaluates every expression twice.
    const hash = d.rowHash ?? d.keyHash;
    if (hash) {
      where = `${hash(cand('s'))} IN (SELECT ${hash(cand('g'))} FROM ${args.staged.table} AS g GROUP BY 1 HAVING count(*) > 1)`;
    } else {
      const g = cand('g');
      where =
        `EXISTS (SELECT 1 FROM (SELECT ${g.map((e, i) => `${e} AS c${i}`).join(', ')} FROM ${args.staged.table} AS g ` +
        `GROUP BY ${g.map((_, i) => `c${i}`).join(', ')} HAVING count(*) > 1) AS m WHERE ${cand('s').map((e, i) => `m.c${i} = ${e}`).join(' AND ')})`;
    }
  }
  const dupKey = args.key ? `row_number() OVER (PARTITION BY ${args.key('s').join(', ')} ORDER BY s.source_row) > 1` : 'FALSE';
  await engine.run(`DROP TABLE IF EXISTS ${args.into}`);
  await engine.run(
    `CREATE TEMP TABLE ${args.into} AS SELECT s.source_row AS source_row, ` +
      `row_number() OVER (PARTITION BY ${all} ORDER BY s.source_row) > 1 AS dup_row, ${dupKey} AS dup_key ` +
      `FROM ${args.staged.table} AS s WHERE ${where}`,
  );
}

// --- Value normalisation shared by the SNDS tables ---

/** Trimmed text, NULL when empty. */
export const text = (e: string) => `NULLIF(trim(${e}), '')`;

/** ICD-10 code as in the model: upper case, no dots, NULL when empty. */
export const icd10 = (e: string) => `NULLIF(upper(replace(trim(${e}), '.', '')), '')`;

/** Birth rank as text without leading zeros ('01' and '1' are the same rank). */
export const rank = (e: string) => `COALESCE(NULLIF(ltrim(trim(${e}), '0'), ''), CASE WHEN trim(${e}) <> '' THEN '0' END)`;

/** Left-pad a numeric identifier that lost its leading zeros (FINESS on 9, RSA index on 10). */
export const padKey = (e: string, n: number) => `CASE WHEN length(trim(${e})) BETWEEN 1 AND ${n - 1} THEN lpad(trim(${e}), ${n}, '0') ELSE ${text(e)} END`;

/** SNDS writes "no date" as 1600-01-01 (or 0001-01-01, 9999-12-31) in optional date columns (death, end of ALD). */
export const isPlaceholderDate = (date: string) => `(EXTRACT(YEAR FROM ${date}) <= 1600 OR EXTRACT(YEAR FROM ${date}) >= 9999)`;

/** Year of a DATE. */
export const yearOf = (date: string) => `EXTRACT(YEAR FROM ${date})`;
