// Small-cell suppression: the rule of the secure platforms. An exported count between 1 and
// minCell - 1 is replaced by a marker, so no small group of persons can be singled out.

export interface SuppressionSettings {
  /** Smallest count that may be shown; counts 1..minCell-1 are hidden. Default 10. */
  minCell: number;
  /** What replaces a hidden count. Default '<10' (from minCell). */
  marker?: string;
}

export const defaultSuppression: SuppressionSettings = { minCell: 10 };

/** A count as it may be exported: 0 and counts >= minCell as they are, others as the marker. */
export function suppressCount(n: number, settings: SuppressionSettings = defaultSuppression): number | string {
  return n > 0 && n < settings.minCell ? (settings.marker ?? `<${settings.minCell}`) : n;
}

/**
 * A deep copy of `value` where every number under one of `countKeys` (at any depth, or inside an
 * array under such a key) is suppressed. Other numbers (rates, times, estimates) are kept.
 */
export function suppressSmallCounts<T>(value: T, countKeys: ReadonlySet<string>, settings: SuppressionSettings = defaultSuppression): unknown {
  const walk = (v: unknown, isCount: boolean): unknown => {
    if (typeof v === 'number') return isCount ? suppressCount(v, settings) : v;
    if (Array.isArray(v)) return v.map((x) => walk(x, isCount));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, countKeys.has(k));
      return out;
    }
    return v;
  };
  return walk(value, false);
}
