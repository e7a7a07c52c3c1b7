// Toolkit results as danfo.js DataFrames, for exploring them in a notebook with a pandas-like API.
// danfojs is an OPTIONAL dependency: it is imported only when toDanfo is called, so the toolkit
// installs, type-checks and runs without it.
import type { TypedColumns } from '../engine/index.js';
import type { KaplanMeierResult } from '../estimate/kaplanMeier.js';
import type { AalenJohansenResult } from '../estimate/aalenJohansen.js';
import type { IncidenceRatesResult } from '../estimate/incidenceRates.js';
import { CohorteError } from '../messages/index.js';

/**
 * What toDanfo accepts:
 * - rows: summarised result rows, attrition rows, incidence or Cox rows, any array of plain objects;
 * - a kaplanMeier result: one row per stratum and time (stratum, time, nRisk, nEvent, nCensor, surv,
 *   stdErr, lower, upper);
 * - an aalenJohansen result: one row per stratum, cause and time (stratum, cause, time, nRisk, nEvent
 *   of that cause, cumulativeIncidence, stdErr, lower, upper);
 * - an incidenceRates result: one row per stratum (the stratum's columns, label, events, personTime,
 *   rate, lower, upper);
 * - columns: an analysis table's typed columns (readAnalysisColumns, engine.columns) or any object of
 *   equally long arrays.
 */
export type DanfoSource =
  | ReadonlyArray<object>
  | KaplanMeierResult
  | AalenJohansenResult
  | IncidenceRatesResult
  | TypedColumns
  | Readonly<Record<string, ArrayLike<unknown>>>;

/**
 * The part of danfo.js's DataFrame used here. The object returned is a real danfo DataFrame: cast it
 * (`as unknown as import('danfojs').DataFrame`) for the full API.
 */
export interface DanfoDataFrame {
  readonly shape: number[];
  readonly columns: string[];
  readonly dtypes: string[];
  readonly values: unknown[][];
  head(rows?: number): DanfoDataFrame;
  toString(): string;
}

interface DanfoModule {
  DataFrame: new (data: unknown, options?: { columns?: string[] }) => DanfoDataFrame;
}

type Columns = Record<string, unknown[]>;

// A variable, so neither tsc nor a bundler requires the optional package to be there.
const danfoPackage = 'danfojs';

async function loadDanfo(): Promise<DanfoModule> {
  let mod: Partial<DanfoModule> & { default?: Partial<DanfoModule> };
  try {
    mod = (await import(danfoPackage)) as typeof mod;
  } catch (e) {
    throw new CohorteError(
      'optional-dependency-missing',
      `toDanfo needs the optional package danfojs, which could not be loaded (${(e as Error).message.split('\n')[0]}). ` +
        'Install it with `npm install danfojs` (it is in optionalDependencies; `npm ci --omit=optional` leaves it out).',
    );
  }
  const DataFrame = mod.DataFrame ?? mod.default?.DataFrame;
  if (typeof DataFrame !== 'function') throw new CohorteError('optional-dependency-missing', 'toDanfo: the installed danfojs has no DataFrame export.');
  return { DataFrame };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

function isKaplanMeier(x: Record<string, unknown>): x is KaplanMeierResult & Record<string, unknown> {
  return Array.isArray(x.strata) && isObject(x.settings) && 'confType' in x.settings && !('causes' in x.settings);
}

function isAalenJohansen(x: Record<string, unknown>): x is AalenJohansenResult & Record<string, unknown> {
  return Array.isArray(x.strata) && isObject(x.settings) && Array.isArray(x.settings.causes) && 'variance' in x.settings;
}

function isIncidence(x: Record<string, unknown>): x is IncidenceRatesResult & Record<string, unknown> {
  return Array.isArray(x.strata) && isObject(x.total) && isObject(x.settings) && 'personTime' in x.settings;
}

/** A cell as danfo takes it: numbers, strings, booleans and null as they are; a Date as its ISO day; objects as JSON. */
function cell(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.toISOString().slice(0, 10) : null;
  if (typeof v === 'bigint') return Number(v);
  if (isObject(v)) return JSON.stringify(v);
  return v;
}

/** Rows → columns over the union of their keys (a key missing from a row gives null). */
function rowsToColumns(rows: ReadonlyArray<Record<string, unknown>>): Columns {
  const cols: Columns = {};
  rows.forEach((r, i) => {
    if (!isObject(r)) throw new CohorteError('bad-input', `toDanfo: row ${i + 1} is not an object.`);
    for (const k of Object.keys(r)) if (!(k in cols)) cols[k] = new Array<unknown>(rows.length).fill(null);
  });
  rows.forEach((r, i) => {
    for (const [k, v] of Object.entries(r)) cols[k]![i] = cell(v);
  });
  return cols;
}

function kaplanMeierColumns(km: KaplanMeierResult): Columns {
  const cols: Columns = { stratum: [], time: [], nRisk: [], nEvent: [], nCensor: [], surv: [], stdErr: [], lower: [], upper: [] };
  for (const s of km.strata) {
    for (let i = 0; i < s.time.length; i++) {
      cols.stratum!.push(s.label);
      cols.time!.push(s.time[i]);
      cols.nRisk!.push(s.nRisk[i]);
      cols.nEvent!.push(s.nEvent[i]);
      cols.nCensor!.push(s.nCensor[i]);
      cols.surv!.push(s.surv[i]);
      cols.stdErr!.push(s.stdErr[i] ?? null);
      cols.lower!.push(s.lower[i] ?? null);
      cols.upper!.push(s.upper[i] ?? null);
    }
  }
  return cols;
}

function aalenJohansenColumns(aj: AalenJohansenResult): Columns {
  const cols: Columns = { stratum: [], cause: [], time: [], nRisk: [], nEvent: [], cumulativeIncidence: [], stdErr: [], lower: [], upper: [] };
  for (const s of aj.strata) {
    for (const c of s.causes) {
      for (let i = 0; i < s.time.length; i++) {
        cols.stratum!.push(s.label);
        cols.cause!.push(c.cause);
        cols.time!.push(s.time[i]);
        cols.nRisk!.push(s.nRisk[i]);
        cols.nEvent!.push(c.nEvent[i]);
        cols.cumulativeIncidence!.push(c.cumulativeIncidence[i]);
        cols.stdErr!.push(c.stdErr[i] ?? null);
        cols.lower!.push(c.lower[i] ?? null);
        cols.upper!.push(c.upper[i] ?? null);
      }
    }
  }
  return cols;
}

function incidenceColumns(ir: IncidenceRatesResult): Columns {
  return rowsToColumns(ir.strata.map((s) => ({ ...s.stratum, label: s.label, events: s.events, personTime: s.personTime, rate: s.rate, lower: s.lower, upper: s.upper })));
}

/** An object of equally long arrays (typed arrays become plain arrays). */
function plainColumns(x: Record<string, unknown>): Columns {
  const cols: Columns = {};
  let n = -1;
  for (const [k, v] of Object.entries(x)) {
    const arrayLike = Array.isArray(v) || ArrayBuffer.isView(v);
    if (!arrayLike) throw new CohorteError('bad-input', `toDanfo: '${k}' is not an array; expected rows, a kaplanMeier / aalenJohansen / incidenceRates result, or an object of columns.`);
    const values = Array.from(v as ArrayLike<unknown>, cell);
    if (n >= 0 && values.length !== n) throw new CohorteError('bad-input', `toDanfo: column '${k}' has ${values.length} values, the others ${n}.`);
    n = values.length;
    cols[k] = values;
  }
  return cols;
}

/** The columns of any accepted source (exported for tests and for callers without danfojs). */
export function danfoColumns(source: DanfoSource): Columns {
  if (Array.isArray(source)) return rowsToColumns(source as ReadonlyArray<Record<string, unknown>>);
  if (!isObject(source)) throw new CohorteError('bad-input', 'toDanfo: expected rows, a kaplanMeier / aalenJohansen / incidenceRates result, or an object of columns.');
  if (isAalenJohansen(source)) return aalenJohansenColumns(source);
  if (isKaplanMeier(source)) return kaplanMeierColumns(source);
  if (isIncidence(source)) return incidenceColumns(source);
  return plainColumns(source);
}

/**
 * A danfo.js DataFrame of a toolkit result (see DanfoSource for the shapes). danfojs is imported on
 * the first call; without it a CohorteError says how to install it.
 * The DataFrame holds counts as they are, small ones included: it is for exploring on the secure
 * platform; show it through displayTable and export through the result writers, which suppress.
 */
export async function toDanfo(source: DanfoSource): Promise<DanfoDataFrame> {
  const columns = danfoColumns(source);
  const { DataFrame } = await loadDanfo();
  const names = Object.keys(columns);
  // danfo cannot build a frame from zero-length columns: give it no rows and the column names.
  if (names.length === 0 || columns[names[0]!]!.length === 0) return new DataFrame([], { columns: names });
  return new DataFrame(columns);
}
