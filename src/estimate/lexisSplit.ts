import { estimateMessages as msg } from '../messages/index.js';
import { columnSource, completeRows, numericColumn, type ColumnSource, type EstimatorData } from './input.js';

/**
 * Lexis splitting: cut each person's follow-up (entry, exit] at age, calendar-period and
 * time-since-entry breaks, so events and person-time can be tabulated by band (incidenceRates).
 * Mirrors survival::survSplit / Epi::splitLexis:
 * - Bands are [lo, hi): a time exactly on a break belongs to the band starting there.
 * - Each interval (start, stop] is labelled by the band containing its start, so an exit (and its
 *   event) exactly on a break stays in the band that ends there; a follow-up that starts exactly on a
 *   break starts in the band beginning there. Intervals are never of length 0, except a person with
 *   entry = exit, who keeps one interval of length 0 (so events are conserved).
 * - Time before the first break and after the last is kept in open bands (as survSplit; Epi drops it).
 * - The event code of the person (0 = censored) is carried by the last interval only; others get 0.
 *
 * Time scales (`timeScale`):
 * - 'years' (default): entry, exit and birth are decimal years (e.g. 2004.37); all breaks are in
 *   years (period breaks are calendar years such as 2005).
 * - 'days': entry, exit and birth are dates: ISO 'YYYY-MM-DD' strings, Date objects, or numbers of
 *   days since 1970-01-01 (UTC). Age and follow-up breaks are still in years and become
 *   break * 365.25 days; period breaks are dates (ISO strings / Date) or day numbers. Day counts are
 *   exact; personTime is days / 365.25 (years), entry/exit in the output stay in days. Strings other
 *   than 'YYYY-MM-DD' go through Date.parse (a date-time without a zone is local time: prefer dates).
 * Person-time is conserved: the intervals of a person are contiguous, so their lengths add up to
 * exit - entry (exactly in days with whole-year age breaks; to rounding with decimal years).
 * The output columns are typed arrays, built for millions of persons (Array.from them for JSON).
 */
export type LexisTimeScale = 'years' | 'days';

export interface LexisSplitOptions {
  /** Person identifier, copied to every interval. */
  id: string;
  /** Start of follow-up (calendar time). */
  entry: string;
  /** End of follow-up (calendar time), >= entry. */
  exit: string;
  /** Status at exit: 0 = censored, k > 0 = event (of cause k). */
  event: string;
  /** Date of birth (calendar time); required for age breaks. */
  birth?: string;
  breaks: {
    /** Age in years. */
    age?: number[];
    /** Calendar time: decimal years ('years'), or dates / day numbers ('days'). */
    period?: Array<number | string | Date>;
    /** Time since entry, in years. */
    followUp?: number[];
  };
  timeScale?: LexisTimeScale;
}

/** One band [lower, upper) of a time scale; null = unbounded (-Inf / +Inf). */
export interface LexisBand {
  index: number;
  lower: number | null;
  upper: number | null;
  label: string;
}

/** One row per split interval, as typed columns (usable directly as EstimatorData). */
// A type alias (not an interface) so it is assignable to EstimatorData's column-object form.
export type LexisSplitColumns = {
  /** The person's id (Float64Array for a typed numeric id column, else the original values). */
  id: Float64Array | unknown[];
  /** 0-based row of the person in the input. */
  row: Int32Array;
  /** Index into bands.age / bands.period / bands.followUp (all 0 when that scale has no breaks). */
  ageBand: Int32Array;
  period: Int32Array;
  followUp: Int32Array;
  /** Interval (entry, exit] on the calendar scale, in the input unit (years, or days). */
  entry: Float64Array;
  exit: Float64Array;
  /** exit - entry, in years. */
  personTime: Float64Array;
  /** The person's event code on the last interval, 0 elsewhere. */
  event: Int32Array;
};

export interface LexisSplitResult {
  columns: LexisSplitColumns;
  bands: { age: LexisBand[]; period: LexisBand[]; followUp: LexisBand[] };
  /** For incidenceRates' levelLabels option: band index -> label, per column. */
  levelLabels: { ageBand: Record<string, string>; period: Record<string, string>; followUp: Record<string, string> };
  nPersons: number;
  nIntervals: number;
  /** Persons dropped for a missing id, entry, exit, event (or birth when splitting by age). */
  nMissing: number;
  settings: {
    id: string;
    entry: string;
    exit: string;
    event: string;
    birth: string | null;
    breaks: { age: number[]; period: number[]; followUp: number[] };
    timeScale: LexisTimeScale;
  };
}

const MS_PER_DAY = 86_400_000;
const DAYS_PER_YEAR = 365.25;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

/** A date as days since 1970-01-01 UTC (NaN if not a date). */
function toDays(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime() / MS_PER_DAY;
  if (typeof v === 'string') {
    const m = ISO_DATE.exec(v);
    if (m) return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!) / MS_PER_DAY;
    return Date.parse(v) / MS_PER_DAY;
  }
  return NaN;
}

function isoDate(days: number): string {
  const d = new Date(days * MS_PER_DAY);
  return Number.isInteger(days) ? d.toISOString().slice(0, 10) : d.toISOString();
}

/** Dates column as Float64Array of days since 1970-01-01, missing as NaN. */
function dayColumn(src: ColumnSource, name: string): Float64Array {
  const col = src.column(name);
  const out = new Float64Array(src.n);
  if (ArrayBuffer.isView(col)) {
    for (let i = 0; i < src.n; i++) out[i] = Number(col[i]);
    return out;
  }
  for (let i = 0; i < src.n; i++) {
    const v = col[i];
    if (isMissing(v)) {
      out[i] = NaN;
      continue;
    }
    const d = toDays(v);
    if (!Number.isFinite(d)) throw msg.badDate(name, i + 1, v);
    out[i] = d;
  }
  return out;
}

function checkBreaks(scale: string, b: number[]): void {
  for (let k = 0; k < b.length; k++) {
    if (typeof b[k] !== 'number' || !Number.isFinite(b[k]!)) throw msg.badBreaks(scale, `has a non-finite value at position ${k + 1}`);
    if (k > 0 && !(b[k]! > b[k - 1]!)) throw msg.badBreaks(scale, `is not strictly increasing at position ${k + 1}`);
  }
}

function makeBands(breaks: number[], firstLower: number | null, fmt: (x: number) => string): LexisBand[] {
  const bands: LexisBand[] = [];
  for (let k = 0; k <= breaks.length; k++) {
    const lower = k === 0 ? firstLower : breaks[k - 1]!;
    const upper = k === breaks.length ? null : breaks[k]!;
    bands.push({ index: k, lower, upper, label: `[${lower === null ? '-Inf' : fmt(lower)},${upper === null ? 'Inf' : fmt(upper)})` });
  }
  return bands;
}

/** Number of breaks b with b + offset <= t (breaks ascending): the band index of time t. */
function bandOf(b: Float64Array, offset: number, t: number): number {
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b[mid]! + offset <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type WalkOutput = Omit<LexisSplitColumns, 'id'>;

/**
 * Split every person's (entry, exit] at the breaks (in the input's time unit); count the intervals,
 * and write them when `out` is given. A plain top-level function over typed arrays, for speed.
 */
function walk(
  rows: Int32Array,
  entry: Float64Array,
  exit: Float64Array,
  birth: Float64Array | null,
  ev: Float64Array,
  A: Float64Array,
  P: Float64Array,
  F: Float64Array,
  unit: number,
  out: WalkOutput | null,
): number {
  const nA = A.length;
  const nPer = P.length;
  const nF = F.length;
  const nP = rows.length;
  // Locals, not property loads in the inner loop; empty arrays on the counting pass.
  const write = out !== null;
  const empty = { i: new Int32Array(0), f: new Float64Array(0) };
  const oRow = write ? out.row : empty.i;
  const oA = write ? out.ageBand : empty.i;
  const oP = write ? out.period : empty.i;
  const oF = write ? out.followUp : empty.i;
  const oEntry = write ? out.entry : empty.f;
  const oExit = write ? out.exit : empty.f;
  const oPt = write ? out.personTime : empty.f;
  const oEv = write ? out.event : empty.i;
  let o = 0;
  for (let r = 0; r < nP; r++) {
    const i = rows[r]!;
    const s = entry[i]!;
    const e = exit[i]!;
    const bi = birth !== null ? birth[i]! : 0;
    // Every cut is computed as break + offset, and bands are found with the same expression, so a
    // start on a break is classified consistently with the cut that produced it.
    let ka = nA ? bandOf(A, bi, s) : 0;
    let kp = nPer ? bandOf(P, 0, s) : 0;
    let kf = nF ? bandOf(F, s, s) : 0;
    let cur = s;
    for (;;) {
      const na = ka < nA ? A[ka]! + bi : Infinity;
      const np = kp < nPer ? P[kp]! : Infinity;
      const nf = kf < nF ? F[kf]! + s : Infinity;
      let c = na < np ? na : np;
      if (nf < c) c = nf;
      const last = c >= e;
      const stop = last ? e : c;
      if (write) {
        oRow[o] = i;
        oA[o] = ka;
        oP[o] = kp;
        oF[o] = kf;
        oEntry[o] = cur;
        oExit[o] = stop;
        oPt[o] = (stop - cur) / unit;
        oEv[o] = last ? ev[i]! : 0;
      }
      o++;
      if (last) break;
      // Advance every scale whose next break is at (or, by rounding, before) the cut.
      while (ka < nA && A[ka]! + bi <= c) ka++;
      while (kp < nPer && P[kp]! <= c) kp++;
      while (kf < nF && F[kf]! + s <= c) kf++;
      cur = c;
    }
  }
  return o;
}

export function lexisSplit(data: EstimatorData, options: LexisSplitOptions): LexisSplitResult {
  const timeScale = options.timeScale ?? 'years';
  if (timeScale !== 'years' && timeScale !== 'days') throw msg.badTimeScale(timeScale);
  const unit = timeScale === 'days' ? DAYS_PER_YEAR : 1; // time units per year
  const ageBreaks = [...(options.breaks?.age ?? [])];
  const followBreaks = [...(options.breaks?.followUp ?? [])];
  const periodBreaks = (options.breaks?.period ?? []).map((v) => (timeScale === 'days' ? toDays(v) : typeof v === 'number' ? v : NaN));
  checkBreaks('age', ageBreaks);
  checkBreaks('period', periodBreaks);
  checkBreaks('followUp', followBreaks);
  const useAge = ageBreaks.length > 0;
  if (useAge && !options.birth) throw msg.birthRequired();

  // --- read and check the input columns ---
  const src = columnSource(data);
  const read = (name: string) => (timeScale === 'days' ? dayColumn(src, name) : numericColumn(src, name));
  const entry = read(options.entry);
  const exit = read(options.exit);
  const ev = numericColumn(src, options.event);
  const birth = useAge ? read(options.birth!) : null;
  const idCol = src.column(options.id);
  const idTyped = ArrayBuffer.isView(idCol);
  const idMiss = new Float64Array(src.n);
  for (let i = 0; i < src.n; i++) if (idTyped ? Number.isNaN(Number(idCol[i])) : isMissing(idCol[i])) idMiss[i] = NaN;
  const used = [entry, exit, ev, idMiss];
  if (birth) used.push(birth);
  const { rows, nMissing } = completeRows(used);
  const nP = rows.length;
  for (let r = 0; r < nP; r++) {
    const i = rows[r]!;
    if (!Number.isFinite(entry[i]!)) throw msg.notNumeric(options.entry, i + 1, entry[i]);
    if (!Number.isFinite(exit[i]!)) throw msg.notNumeric(options.exit, i + 1, exit[i]);
    if (!(exit[i]! >= entry[i]!)) throw msg.exitBeforeEntry(i + 1);
    const e = ev[i]!;
    if (!(e >= 0 && Number.isInteger(e) && e <= 2 ** 31 - 1)) throw msg.badEventCode(options.event, i + 1, '0 (censored) or a positive whole event code');
    if (birth && !(entry[i]! >= birth[i]!)) throw msg.entryBeforeBirth(i + 1);
  }

  // Breaks in the input's time unit: age / follow-up breaks are given in years.
  const A = Float64Array.from(ageBreaks, (b) => b * unit);
  const P = Float64Array.from(periodBreaks);
  const F = Float64Array.from(followBreaks, (b) => b * unit);
  // Two passes over the same walk: count the intervals, then fill exactly-sized typed columns.
  const nI = walk(rows, entry, exit, birth, ev, A, P, F, unit, null);
  const out: WalkOutput = {
    row: new Int32Array(nI),
    ageBand: new Int32Array(nI),
    period: new Int32Array(nI),
    followUp: new Int32Array(nI),
    entry: new Float64Array(nI),
    exit: new Float64Array(nI),
    personTime: new Float64Array(nI),
    event: new Int32Array(nI),
  };
  walk(rows, entry, exit, birth, ev, A, P, F, unit, out);
  const outRow = out.row;

  let outId: Float64Array | unknown[];
  if (idTyped) {
    const ids = idCol as ArrayLike<number>;
    outId = new Float64Array(nI);
    for (let k = 0; k < nI; k++) outId[k] = Number(ids[outRow[k]!]);
  } else {
    outId = new Array<unknown>(nI);
    for (let k = 0; k < nI; k++) outId[k] = idCol[outRow[k]!];
  }

  const yearFmt = (x: number) => String(x);
  const periodFmt = timeScale === 'days' ? isoDate : yearFmt;
  const bands = {
    // Ages and times since entry are >= 0 here, so the first band starts at 0 when the first break is positive.
    age: makeBands(ageBreaks, ageBreaks.length && ageBreaks[0]! > 0 ? 0 : ageBreaks.length ? null : 0, yearFmt),
    period: makeBands(periodBreaks, null, periodFmt),
    followUp: makeBands(followBreaks, followBreaks.length && followBreaks[0]! <= 0 ? null : 0, yearFmt),
  };
  const labels = (b: LexisBand[]) => Object.fromEntries(b.map((x) => [String(x.index), x.label]));

  return {
    columns: { id: outId, ...out },
    bands,
    levelLabels: { ageBand: labels(bands.age), period: labels(bands.period), followUp: labels(bands.followUp) },
    nPersons: nP,
    nIntervals: nI,
    nMissing,
    settings: {
      id: options.id,
      entry: options.entry,
      exit: options.exit,
      event: options.event,
      birth: options.birth ?? null,
      breaks: { age: ageBreaks, period: periodBreaks, followUp: followBreaks },
      timeScale,
    },
  };
}
