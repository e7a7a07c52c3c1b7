import type { Engine, SqlDialect } from '../engine/index.js';
import { exposureMessages as msg } from '../messages/index.js';

// Small SQL helpers shared by the exposure steps. Heavy date arithmetic runs on whole day numbers
// (days since 1970-01-01), which is portable and cheap; dates are rebuilt only for output.

const epoch = `DATE '1970-01-01'`;

/** Day number (INTEGER days since 1970-01-01) of a DATE expression. */
export const dayNumber = (d: SqlDialect, date: string) => d.daysBetween(epoch, date);

/** DATE of a day-number expression. */
export const dateOf = (d: SqlDialect, day: string) => d.addDays(epoch, day);

const identifier = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** Check a caller-given table name (plain or schema-qualified identifier) before it goes into SQL. */
export function checkTableName(what: string, name: string): string {
  if (!identifier.test(name)) throw msg.badTableName(what, name);
  return name;
}

export function checkNonNegative(what: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw msg.badNumber(what, value, 'a finite number >= 0');
  return value;
}

export function checkPositive(what: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw msg.badNumber(what, value, 'a finite number > 0');
  return value;
}

export function checkWholeDays(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw msg.badNumber(what, value, 'a whole number of days >= 0');
  return value;
}

/** A numeric literal for SQL (finite numbers only; checked by the callers). */
export const num = (v: number) => String(v);

/** Bands must start at 0 and increase strictly; returns them. */
export function checkBands(what: string, bands: readonly number[]): number[] {
  if (!Array.isArray(bands) || bands.length === 0 || bands[0] !== 0 || bands.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= bands[i - 1]!))) {
    throw msg.badBands(what, bands);
  }
  return [...bands];
}

/** Labels of bands with lower bounds b: '[b0,b1)', …, '>=bk'; a single band [0] is '>=0'. */
export function bandLabels(bands: readonly number[]): string[] {
  return bands.map((b, i) => (i + 1 < bands.length ? `[${b},${bands[i + 1]})` : `>=${b}`));
}

/** SQL CASE giving the 0-based band index of a value expression (value below 0 → band 0). */
export function bandIndexSql(value: string, bands: readonly number[]): string {
  if (bands.length === 1) return '0';
  const whens = bands
    .map((b, i) => [b, i] as const)
    .slice(1)
    .reverse()
    .map(([b, i]) => `WHEN ${value} >= ${num(b)} THEN ${i}`)
    .join(' ');
  return `CASE ${whens} ELSE 0 END`;
}

/** SQL CASE turning a band index into its label. */
export function bandLabelSql(index: string, labels: readonly string[], d: SqlDialect): string {
  return `CASE ${labels.map((l, i) => `WHEN ${index} = ${i} THEN ${d.literal(l)}`).join(' ')} END`;
}

/** Throw a clear error when a caller-given table lacks required columns. */
export async function requireColumns(engine: Engine, table: string, columns: string[], expected: string): Promise<void> {
  const have = (await engine.columnNames(table)).map((c) => c.toLowerCase());
  const missing = columns.filter((c) => !have.includes(c));
  if (missing.length) throw msg.missingColumns(table, missing, expected);
}

let tmpCounter = 0;
/** A fresh name for a temporary table of one step. */
export function tmpName(step: string): string {
  tmpCounter += 1;
  return `cohorte_tmp_${step}_${process.pid}_${tmpCounter}`;
}
