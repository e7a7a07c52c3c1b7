// The covariate matrix of a propensity score model, with readable column names:
// - numeric columns as they are (age, 0/1 flags, counts of hospitalisations...);
// - categorical columns dummy-coded against a reference level, as R's treatment contrasts, with names
//   such as `sex=2` or `calendarYear=2019`;
// - long-format covariates (key, covariate_name, value), as written by buildCovariateTable (one row per
//   person and covariate present: the OHDSI FeatureExtraction layout), pivoted to one column per
//   covariate with 0 where a person has no row.
//
// The result is a dense matrix: one Float64Array per column (`columns`, directly usable as estimator
// input together with the outcome columns), and on request the row-major `matrix`. Rows follow the
// input data; a missing value stays NaN, so estimators drop the row as R's na.omit.
import { estimateMessages as msg } from '../messages/index.js';
import { columnSource, groupColumn, numericColumn, type EstimatorData } from '../estimate/input.js';

export interface CategoricalSpec {
  /** The reference level (no column). Default: the first level in R factor order. */
  reference?: string | number;
  /** The levels, in column order; a value outside them is an error. Default: the levels found. */
  levels?: Array<string | number>;
}

export interface LongCovariates {
  /** Rows (key columns..., covariate name, value), e.g. engine.rows() of buildCovariateTable's table. */
  data: EstimatorData;
  /** Columns identifying a row of `data` in both tables (compared as text). Default ['person_id']. */
  key?: string[];
  /** Column of covariate names. Default 'covariate_name'. */
  name?: string;
  /** Column of values. Default 'value'. */
  value?: string;
  /** Keep covariates with a non-zero value in at least this many rows of the data. Default 1. */
  minCount?: number;
}

export interface CovariateMatrixOptions {
  /** Numeric columns used as they are. */
  covariates?: string[];
  /** Categorical columns to dummy-code: a list of names, or name -> { reference, levels }. */
  categorical?: string[] | Record<string, CategoricalSpec>;
  /** Long-format covariates to pivot onto the rows of data. */
  long?: LongCovariates;
  /** Also return the row-major n x p matrix. Default false. */
  rowMajor?: boolean;
}

export interface CovariateColumnInfo {
  name: string;
  kind: 'numeric' | 'dummy' | 'long';
  /** The source column (or, for long covariates, the covariate name). */
  variable: string;
  /** The level of a dummy column, else null. */
  level: string | null;
}

export interface CovariateMatrixResult {
  /** Column names, in column order: numeric, then dummies, then long covariates (sorted by name). */
  names: string[];
  /** One column per name, over the rows of data. */
  columns: Record<string, Float64Array>;
  /** Row-major n x p copy when rowMajor was asked, else null. */
  matrix: Float64Array | null;
  n: number;
  p: number;
  info: CovariateColumnInfo[];
  /** Long rows whose key matches no row of data. */
  nUnmatchedLong: number;
  /** Long covariates dropped by minCount. */
  droppedLong: string[];
  settings: {
    covariates: string[];
    categorical: Array<{ variable: string; reference: string; levels: string[] }>;
    long: { key: string[]; name: string; value: string; minCount: number } | null;
  };
}

/** Build the covariate matrix (see the header). */
export function covariateMatrix(data: EstimatorData, options: CovariateMatrixOptions): CovariateMatrixResult {
  const est = 'covariateMatrix';
  const src = columnSource(data);
  const n = src.n;
  const names: string[] = [];
  const columns: Record<string, Float64Array> = {};
  const info: CovariateColumnInfo[] = [];
  const add = (name: string, col: Float64Array, i: Omit<CovariateColumnInfo, 'name'>) => {
    if (name in columns) throw msg.duplicateName(est, name);
    names.push(name);
    columns[name] = col;
    info.push({ name, ...i });
  };

  for (const c of options.covariates ?? []) add(c, Float64Array.from(numericColumn(src, c)), { kind: 'numeric', variable: c, level: null });

  const catSpecs: Array<[string, CategoricalSpec]> = Array.isArray(options.categorical)
    ? options.categorical.map((c) => [c, {}])
    : Object.entries(options.categorical ?? {});
  const catSettings: CovariateMatrixResult['settings']['categorical'] = [];
  for (const [variable, spec] of catSpecs) {
    const g = groupColumn(src, variable);
    const found = g.levels.map(String);
    const levels = spec.levels ? spec.levels.map(String) : found;
    for (const f of found) if (!levels.includes(f)) throw msg.unknownLevel(est, variable, f);
    const reference = spec.reference !== undefined ? String(spec.reference) : levels[0]!;
    if (!levels.includes(reference)) throw msg.unknownLevel(est, variable, reference);
    const pos = g.levels.map((l) => levels.indexOf(String(l)));
    for (const level of levels) {
      if (level === reference) continue;
      const k = levels.indexOf(level);
      const col = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const c = g.codes[i]!;
        col[i] = c < 0 ? NaN : pos[c] === k ? 1 : 0;
      }
      add(`${variable}=${level}`, col, { kind: 'dummy', variable, level });
    }
    catSettings.push({ variable, reference, levels });
  }

  let nUnmatchedLong = 0;
  const droppedLong: string[] = [];
  let longSettings: CovariateMatrixResult['settings']['long'] = null;
  if (options.long) {
    const L = options.long;
    const key = L.key ?? ['person_id'];
    const nameCol = L.name ?? 'covariate_name';
    const valueCol = L.value ?? 'value';
    const minCount = L.minCount ?? 1;
    if (!(Number.isInteger(minCount) && minCount >= 0)) throw msg.badOption(est, 'long.minCount', minCount, 'a whole number >= 0');
    longSettings = { key, name: nameCol, value: valueCol, minCount };
    const keyOf = (cols: ArrayLike<unknown>[], i: number) => cols.map((c) => String(c[i])).join('\u0001');
    const dataKeys = key.map((k) => src.column(k));
    const rowOf = new Map<string, number>();
    for (let i = 0; i < n; i++) rowOf.set(keyOf(dataKeys, i), i);
    const ls = columnSource(L.data);
    const longKeys = key.map((k) => ls.column(k));
    const covNames = ls.column(nameCol);
    const values = numericColumn(ls, valueCol);
    const byName = new Map<string, Float64Array>();
    for (let r = 0; r < ls.n; r++) {
      const i = rowOf.get(keyOf(longKeys, r));
      if (i === undefined) {
        nUnmatchedLong++;
        continue;
      }
      const nm = String(covNames[r]);
      let col = byName.get(nm);
      if (!col) {
        col = new Float64Array(n).fill(NaN);
        byName.set(nm, col);
      }
      if (!Number.isNaN(col[i]!)) throw msg.duplicateLongRow(keyOf(longKeys, r).replace(/\u0001/g, ', '), nm);
      col[i] = values[r]!;
    }
    const sorted = [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const nm of sorted) {
      const col = byName.get(nm)!;
      let nonZero = 0;
      for (let i = 0; i < n; i++) {
        if (Number.isNaN(col[i]!)) col[i] = 0; // no row: covariate absent
        if (col[i] !== 0) nonZero++;
      }
      if (nonZero < minCount) droppedLong.push(nm);
      else add(nm, col, { kind: 'long', variable: nm, level: null });
    }
  }

  const p = names.length;
  let matrix: Float64Array | null = null;
  if (options.rowMajor) {
    matrix = new Float64Array(n * p);
    names.forEach((nm, j) => {
      const c = columns[nm]!;
      for (let i = 0; i < n; i++) matrix![i * p + j] = c[i]!;
    });
  }
  return {
    names,
    columns,
    matrix,
    n,
    p,
    info,
    nUnmatchedLong,
    droppedLong,
    settings: { covariates: [...(options.covariates ?? [])], categorical: catSettings, long: longSettings },
  };
}
