// Current exposure as the data-generating process defines it, shared by the person model (the
// outcome hazard depends on it) and truth.json (which states it):
//   a person is currently exposed to a class on day t when t ∈ [d, d + supply + grace) for at least
//   one dispensing of that class on day d, with supply = packs × units per pack / units per day;
//   when both classes are current, the class dispensed most recently wins; otherwise unexposed.

/** 0: unexposed to A and B, 1: current A, 2: current B. */
export type ExposureState = 0 | 1 | 2;

export const exposureStateNames = ['unexposed', 'currentA', 'currentB'] as const;

export interface ExposureDispensing {
  day: number;
  /** 'A' or 'B'; other classes are ignored. */
  drugClass: string;
  supplyDays: number;
}

/** A span [start, end) of days with one exposure state. */
export interface ExposureSegment {
  start: number;
  end: number;
  state: ExposureState;
}

/** Exposure segments covering [from, to), adjacent segments of equal state merged. Dispensings must be sorted by day. */
export function exposureSegments(dispensings: readonly ExposureDispensing[], graceDays: number, from: number, to: number): ExposureSegment[] {
  if (to <= from) return [];
  const cuts: number[] = [from, to];
  for (const d of dispensings) {
    if (d.drugClass !== 'A' && d.drugClass !== 'B') continue;
    if (d.day > from && d.day < to) cuts.push(d.day);
    const end = d.day + d.supplyDays + graceDays;
    if (end > from && end < to) cuts.push(end);
  }
  cuts.sort((a, b) => a - b);
  let endA = -Infinity;
  let endB = -Infinity;
  let lastA = -Infinity;
  let lastB = -Infinity;
  let k = 0;
  const out: ExposureSegment[] = [];
  for (let i = 0; i < cuts.length - 1; i++) {
    const t = cuts[i]!;
    if (cuts[i + 1] === t) continue;
    while (k < dispensings.length && dispensings[k]!.day <= t) {
      const d = dispensings[k++]!;
      const end = d.day + d.supplyDays + graceDays;
      if (d.drugClass === 'A') {
        if (end > endA) endA = end;
        lastA = d.day;
      } else if (d.drugClass === 'B') {
        if (end > endB) endB = end;
        lastB = d.day;
      }
    }
    const a = t < endA;
    const b = t < endB;
    const state: ExposureState = a && b ? (lastA > lastB ? 1 : 2) : a ? 1 : b ? 2 : 0;
    const prev = out[out.length - 1];
    if (prev && prev.state === state) prev.end = cuts[i + 1]!;
    else out.push({ start: t, end: cuts[i + 1]!, state });
  }
  return out;
}

/** A span [start, end) with a constant daily hazard. */
export interface HazardPiece {
  start: number;
  end: number;
  ratePerDay: number;
}

/**
 * The first event day under piecewise-constant hazards, given a unit-exponential draw `e`:
 * the day where the cumulative hazard reaches e, or null if it does not before the last piece ends.
 */
export function firstEventDay(pieces: readonly HazardPiece[], e: number): number | null {
  let cum = 0;
  for (const p of pieces) {
    const h = p.ratePerDay * (p.end - p.start);
    if (cum + h >= e && p.ratePerDay > 0) {
      const day = p.start + Math.floor((e - cum) / p.ratePerDay);
      return Math.min(day, p.end - 1);
    }
    cum += h;
  }
  return null;
}
