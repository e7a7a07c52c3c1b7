import { estimateMessages as msg } from '../messages/index.js';
import {
  columnSource,
  completeRows,
  groupColumn,
  numericColumn,
  stratumLabel,
  type EstimatorData,
  type GroupColumn,
} from './input.js';
import { checkConfLevel, checkPer, garwoodCountLimits } from './poissonRate.js';

/**
 * Incidence rates (events / person-time) per stratum with exact Garwood intervals, as
 * `poisson.test(sum(events), sum(personTime))` on each stratum's totals. Input: one row per person,
 * or per Lexis-split interval (see lexisSplit), with an event count and a person-time column.
 */
export interface IncidenceRatesOptions {
  /** Column of event counts per row (0/1, or a count): non-negative whole numbers. */
  events: string;
  /** Column of person-time per row: finite, >= 0. */
  personTime: string;
  /** Stratify by these columns; strata in R factor order, first variable varying slowest. */
  strata?: string[];
  /** Two-sided confidence level, default 0.95. */
  confLevel?: number;
  /** Multiplier for rates and limits (e.g. 1000 for per 1000 person-years), default 1. */
  per?: number;
  /**
   * Display labels for stratum values, per column: { ageBand: { '0': '[0,50)', ... } }
   * (lexisSplit returns such a map as `levelLabels`). Only the `label` text uses them.
   */
  levelLabels?: Record<string, Record<string, string>>;
}

export interface IncidenceRateRow {
  /** The stratum's value of each strata column ({} for the total). */
  stratum: Record<string, string | number | boolean>;
  /** `sex=1, ageBand=[50,60)`; 'Total' for the total row. */
  label: string;
  events: number;
  personTime: number;
  /** null when the stratum has no person-time. */
  rate: number | null;
  lower: number | null;
  upper: number | null;
}

export interface IncidenceRatesResult {
  /** One row per observed stratum (a single row equal to `total` when there are no strata). */
  strata: IncidenceRateRow[];
  total: IncidenceRateRow;
  /** Rows used, and rows dropped for a missing value in a used column. */
  n: number;
  nMissing: number;
  settings: { events: string; personTime: string; strata: string[]; confLevel: number; per: number };
}

function rateRow(
  stratum: Record<string, string | number | boolean>,
  label: string,
  events: number,
  personTime: number,
  confLevel: number,
  per: number,
): IncidenceRateRow {
  if (personTime === 0) return { stratum, label, events, personTime, rate: null, lower: null, upper: null };
  const [lo, hi] = garwoodCountLimits(events, confLevel);
  return {
    stratum,
    label,
    events,
    personTime,
    rate: (events / personTime) * per,
    lower: (lo / personTime) * per,
    upper: (hi / personTime) * per,
  };
}

export function incidenceRates(data: EstimatorData, options: IncidenceRatesOptions): IncidenceRatesResult {
  const confLevel = options.confLevel ?? 0.95;
  const per = options.per ?? 1;
  const strataNames = options.strata ?? [];
  checkConfLevel(confLevel);
  checkPer(per);

  const src = columnSource(data);
  const ev = numericColumn(src, options.events);
  const pt = numericColumn(src, options.personTime);
  const groups: GroupColumn[] = strataNames.map((s) => groupColumn(src, s));
  const { rows, nMissing } = completeRows([ev, pt], groups.map((g) => g.codes));
  if (rows.length === 0) throw msg.noRows('incidenceRates');

  // Mixed-radix stratum key, first strata variable most significant (varies slowest).
  const radix = groups.map((g) => g.levels.length);
  const keyOf = new Float64Array(rows.length);
  const nRows = rows.length;
  for (let r = 0; r < nRows; r++) {
    const i = rows[r]!;
    const x = ev[i]!;
    if (!Number.isFinite(x) || x < 0 || Math.abs(x - Math.round(x)) > 1e-7) {
      throw msg.badEventCode(options.events, i + 1, 'a non-negative whole number of events');
    }
    const t = pt[i]!;
    if (!Number.isFinite(t) || t < 0) throw msg.negativeTime(options.personTime, i + 1);
    let key = 0;
    for (let j = 0; j < groups.length; j++) key = key * radix[j]! + groups[j]!.codes[i]!;
    keyOf[r] = key;
  }

  // Dense slot per observed key; sums with Neumaier compensation (person-time of millions of rows).
  const slotOf = new Map<number, number>();
  const keys: number[] = [];
  for (let r = 0; r < nRows; r++) {
    const k = keyOf[r]!;
    if (!slotOf.has(k)) {
      slotOf.set(k, keys.length);
      keys.push(k);
    }
  }
  const nS = keys.length;
  const evSum = new Float64Array(nS);
  const ptSum = new Float64Array(nS);
  const ptComp = new Float64Array(nS);
  const slot = new Int32Array(nRows);
  for (let r = 0; r < nRows; r++) slot[r] = slotOf.get(keyOf[r]!)!;
  let totEv = 0;
  let totPt = 0;
  let totComp = 0;
  for (let r = 0; r < nRows; r++) {
    const i = rows[r]!;
    const s = slot[r]!;
    const x = Math.round(ev[i]!);
    const t = pt[i]!;
    evSum[s] += x;
    totEv += x;
    let sum = ptSum[s]!;
    let next = sum + t;
    ptComp[s] += Math.abs(sum) >= Math.abs(t) ? sum - next + t : t - next + sum;
    ptSum[s] = next;
    sum = totPt;
    next = sum + t;
    totComp += Math.abs(sum) >= Math.abs(t) ? sum - next + t : t - next + sum;
    totPt = next;
  }

  const order = Array.from({ length: nS }, (_, s) => s).sort((a, b) => keys[a]! - keys[b]!);
  const strata: IncidenceRateRow[] = order.map((s) => {
    let key = keys[s]!;
    const values: Array<string | number | boolean> = new Array(groups.length);
    for (let j = groups.length - 1; j >= 0; j--) {
      const code = key % radix[j]!;
      key = (key - code) / radix[j]!;
      values[j] = groups[j]!.levels[code]!;
    }
    const stratum: Record<string, string | number | boolean> = {};
    strataNames.forEach((nm, j) => (stratum[nm] = values[j]!));
    const shown = values.map((v, j) => options.levelLabels?.[strataNames[j]!]?.[String(v)] ?? v);
    const label = groups.length ? stratumLabel(strataNames, shown) : 'Total';
    return rateRow(stratum, label, evSum[s]!, ptSum[s]! + ptComp[s]!, confLevel, per);
  });
  const total = rateRow({}, 'Total', totEv, totPt + totComp, confLevel, per);

  return {
    strata,
    total,
    n: nRows,
    nMissing,
    settings: { events: options.events, personTime: options.personTime, strata: [...strataNames], confLevel, per },
  };
}
