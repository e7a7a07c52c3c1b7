import { estimateMessages as msg } from '../messages/index.js';

/** One column: a typed array or a plain array (null/undefined/NaN/'' are missing). */
export type ColumnValues = ArrayLike<unknown>;

/** What every estimator accepts: an Arquero table, row objects, or an object of columns. */
export type EstimatorData =
  | { columnNames(): string[]; numRows(): number; array(name: string): ArrayLike<unknown> }
  | ReadonlyArray<Record<string, unknown>>
  | Readonly<Record<string, ColumnValues>>;

/** A uniform view over the three input shapes: look up a column by name. */
export interface ColumnSource {
  readonly n: number;
  readonly names: string[];
  column(name: string): ColumnValues;
}

function isArqueroTable(data: unknown): data is Extract<EstimatorData, { numRows(): number }> {
  const d = data as { numRows?: unknown; array?: unknown; columnNames?: unknown };
  return typeof d?.numRows === 'function' && typeof d.array === 'function' && typeof d.columnNames === 'function';
}

export function columnSource(data: EstimatorData): ColumnSource {
  if (isArqueroTable(data)) {
    const names = data.columnNames();
    return {
      n: data.numRows(),
      names,
      column(name) {
        if (!names.includes(name)) throw msg.missingColumn(name, names);
        return data.array(name);
      },
    };
  }
  if (Array.isArray(data)) {
    const rows = data as ReadonlyArray<Record<string, unknown>>;
    const names = rows.length ? Object.keys(rows[0]!) : [];
    return {
      n: rows.length,
      names,
      column(name) {
        if (rows.length && !rows.some((r) => name in r)) throw msg.missingColumn(name, names);
        const out = new Array<unknown>(rows.length);
        for (let i = 0; i < rows.length; i++) out[i] = rows[i]![name];
        return out;
      },
    };
  }
  if (data && typeof data === 'object') {
    const cols = data as Readonly<Record<string, ColumnValues>>;
    const names = Object.keys(cols);
    let n = -1;
    for (const name of names) {
      const len = cols[name]!.length;
      if (n < 0) n = len;
      else if (len !== n) throw msg.unequalColumnLengths(name, len, n);
    }
    return {
      n: Math.max(n, 0),
      names,
      column(name) {
        const c = cols[name];
        if (c === undefined) throw msg.missingColumn(name, names);
        return c;
      },
    };
  }
  throw msg.unsupportedInput();
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

/** A numeric column as Float64Array, missing as NaN. Booleans count as 0/1; numeric strings are parsed. */
export function numericColumn(src: ColumnSource, name: string): Float64Array {
  const col = src.column(name);
  if (col instanceof Float64Array) return col;
  const out = new Float64Array(src.n);
  if (ArrayBuffer.isView(col)) {
    for (let i = 0; i < src.n; i++) out[i] = Number(col[i]);
    return out;
  }
  for (let i = 0; i < src.n; i++) {
    const v = col[i];
    if (isMissing(v)) out[i] = NaN;
    else if (typeof v === 'number') out[i] = v;
    else if (typeof v === 'boolean') out[i] = v ? 1 : 0;
    else if (typeof v === 'bigint') out[i] = Number(v);
    else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) out[i] = Number(v);
    else throw msg.notNumeric(name, i + 1, v);
  }
  return out;
}

/**
 * A grouping column coded as integers 0..k-1 in R factor order (numbers ascending, else strings in
 * code-point order), with -1 for missing. `levels` keeps the original values for labels.
 */
export interface GroupColumn {
  codes: Int32Array;
  levels: Array<string | number | boolean>;
}

export function groupColumn(src: ColumnSource, name: string): GroupColumn {
  const col = src.column(name);
  const distinct = new Map<unknown, number>();
  for (let i = 0; i < src.n; i++) {
    const v = col[i];
    if (!isMissing(v) && !distinct.has(v)) distinct.set(v, 0);
  }
  const values = [...distinct.keys()] as Array<string | number | boolean>;
  const allNumeric = values.every((v) => typeof v === 'number' || typeof v === 'boolean');
  values.sort(allNumeric ? (a, b) => Number(a) - Number(b) : (a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  values.forEach((v, k) => distinct.set(v, k));
  const codes = new Int32Array(src.n);
  for (let i = 0; i < src.n; i++) {
    const v = col[i];
    codes[i] = isMissing(v) ? -1 : distinct.get(v)!;
  }
  return { codes, levels: values };
}

/** Indices of rows with no missing value in any of the given columns (R's na.omit), and how many were dropped. */
export function completeRows(numeric: Float64Array[], groups: Int32Array[] = []): { rows: Int32Array; nMissing: number; n: number } {
  const n = numeric[0]?.length ?? groups[0]?.length ?? 0;
  const keep = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (const c of numeric) if (Number.isNaN(c[i]!)) { ok = false; break; }
    if (ok) for (const g of groups) if (g[i]! < 0) { ok = false; break; }
    if (ok) keep[k++] = i;
  }
  return { rows: keep.slice(0, k), nMissing: n - k, n };
}

/** Take the listed rows of a column (after completeRows). */
export function takeRows<T extends Float64Array | Int32Array>(col: T, rows: Int32Array): T {
  const out = new (col.constructor as { new (n: number): T })(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = col[rows[i]!]!;
  return out;
}

/** R-style stratum label: `sex=1`, or `sex=1, ecog=0` for several variables. */
export function stratumLabel(names: string[], values: Array<string | number | boolean>): string {
  return names.map((nm, j) => `${nm}=${String(values[j])}`).join(', ');
}
