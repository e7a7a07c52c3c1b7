import { estimateMessages as msg } from '../messages/index.js';
import { checkConfLevel, checkPer, gammaQuantile, garwoodCountLimits } from './poissonRate.js';

/**
 * Directly standardised rate with the Fay & Feuer (1997) gamma interval, as
 * epitools::ageadjust.direct. With stratum weights w_i = N_i / sum(N) from the standard population,
 * counts d_i and person-time n_i:
 *   y = sum(w_i d_i / n_i),   v = sum(w_i^2 d_i / n_i^2),   wM = max(w_i / n_i)
 *   lower = G^-1(alpha/2;   shape = y^2 / v,                scale = v / y)          (0 when y = 0)
 *   upper = G^-1(1-alpha/2; shape = (y + wM)^2 / (v + wM^2), scale = (v + wM^2) / (y + wM))
 * With a single stratum this is the exact Garwood interval of poissonRate.
 */
export interface StratumRate {
  stratum: string | number;
  /** Events in the stratum (finite, >= 0; weighted counts are accepted). */
  events: number;
  /** Person-time in the stratum (> 0). */
  personTime: number;
}

export interface StandardPopulationStratum {
  stratum: string | number;
  /** Size of the standard population in the stratum (>= 0; only proportions matter). */
  population: number;
}

export interface DirectStandardiseOptions {
  /** Two-sided confidence level, default 0.95. */
  confLevel?: number;
  /** Multiplier for rates, limits and standard error (e.g. 100000), default 1. */
  per?: number;
  /** Interval method: 'gamma' (Fay & Feuer 1997), the only one. */
  method?: 'gamma';
}

export interface DirectStandardiseStratum {
  stratum: string | number;
  events: number;
  personTime: number;
  /** events / personTime * per. */
  rate: number;
  /** Standard-population proportion w_i. */
  weight: number;
}

export interface DirectStandardiseResult {
  events: number;
  personTime: number;
  /** sum(events) / sum(personTime) * per, with its exact Garwood interval (integer event totals only, else null). */
  crudeRate: number;
  crudeLower: number | null;
  crudeUpper: number | null;
  adjustedRate: number;
  lower: number;
  upper: number;
  /** sqrt(v) * per: the Poisson standard error of the adjusted rate. */
  standardError: number;
  confLevel: number;
  per: number;
  method: 'gamma';
  /** In the standard population's order. */
  strata: DirectStandardiseStratum[];
  settings: { confLevel: number; per: number; method: 'gamma' };
}

export function directStandardise(
  rates: ReadonlyArray<StratumRate>,
  standardPopulation: ReadonlyArray<StandardPopulationStratum>,
  options: DirectStandardiseOptions = {},
): DirectStandardiseResult {
  const confLevel = options.confLevel ?? 0.95;
  const per = options.per ?? 1;
  const method = options.method ?? 'gamma';
  checkConfLevel(confLevel);
  checkPer(per);
  if (method !== 'gamma') throw msg.badMethod(method);

  // Strata are matched on their text (1 and '1' are the same stratum).
  const byStratum = new Map<string, StratumRate>();
  for (const r of rates) {
    const key = String(r.stratum);
    if (byStratum.has(key)) throw msg.duplicateStratum('directStandardise rates', r.stratum);
    if (typeof r.events !== 'number' || !Number.isFinite(r.events) || r.events < 0) throw msg.badCount(`events of stratum ${key}`, r.events, false);
    if (typeof r.personTime !== 'number' || !Number.isFinite(r.personTime) || r.personTime <= 0) {
      throw msg.badPersonTime(`personTime of stratum ${key}`, r.personTime, true);
    }
    byStratum.set(key, r);
  }
  const seen = new Set<string>();
  let popTotal = 0;
  for (const s of standardPopulation) {
    const key = String(s.stratum);
    if (seen.has(key)) throw msg.duplicateStratum('directStandardise standardPopulation', s.stratum);
    seen.add(key);
    if (!byStratum.has(key)) throw msg.stratumNotMatched(s.stratum, 'standard population', 'rates');
    if (typeof s.population !== 'number' || !Number.isFinite(s.population) || s.population < 0) throw msg.badStandardPopulation(s.stratum, s.population);
    popTotal += s.population;
  }
  for (const r of rates) if (!seen.has(String(r.stratum))) throw msg.stratumNotMatched(r.stratum, 'rates', 'standard population');
  if (!(popTotal > 0)) throw msg.badStandardPopulation('(all)', popTotal);

  const k = standardPopulation.length;
  const d = new Float64Array(k);
  const n = new Float64Array(k);
  const w = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const s = standardPopulation[i]!;
    const r = byStratum.get(String(s.stratum))!;
    d[i] = r.events;
    n[i] = r.personTime;
    w[i] = s.population / popTotal;
  }
  // Same operations as epitools::ageadjust.direct, for agreement to the last digits.
  let events = 0;
  let personTime = 0;
  let y = 0;
  let v = 0;
  let wM = 0;
  for (let i = 0; i < k; i++) {
    events += d[i]!;
    personTime += n[i]!;
    y += w[i]! * (d[i]! / n[i]!);
    v += w[i]! ** 2 * (d[i]! / n[i]! ** 2);
    const wi = w[i]! / n[i]!;
    if (wi > wM) wM = wi;
  }
  const alpha = 1 - confLevel;
  // G^-1(p; shape, scale) = scale * G^-1(p; shape, 1); gammaQuantile corrects @stdlib for large shapes.
  const lower = y === 0 ? 0 : gammaQuantile(alpha / 2, (y * y) / v) * (v / y);
  const upper = gammaQuantile(1 - alpha / 2, (y + wM) ** 2 / (v + wM * wM)) * ((v + wM * wM) / (y + wM));

  const integerEvents = Number.isInteger(events);
  const [clo, chi] = integerEvents ? garwoodCountLimits(events, confLevel) : [NaN, NaN];
  return {
    events,
    personTime,
    crudeRate: (events / personTime) * per,
    crudeLower: integerEvents ? (clo / personTime) * per : null,
    crudeUpper: integerEvents ? (chi / personTime) * per : null,
    adjustedRate: y * per,
    lower: lower * per,
    upper: upper * per,
    standardError: Math.sqrt(v) * per,
    confLevel,
    per,
    method,
    strata: standardPopulation.map((s, i) => ({
      stratum: s.stratum,
      events: d[i]!,
      personTime: n[i]!,
      rate: (d[i]! / n[i]!) * per,
      weight: w[i]!,
    })),
    settings: { confLevel, per, method },
  };
}
