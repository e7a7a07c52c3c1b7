import { summarisedResultColumns, parseCsv } from '../results/index.js';

/** One estimate that differs between a reference results.csv and a re-run. */
export interface ResultDifference {
  key: string;
  expected: string | null;
  actual: string | null;
}


function index(text: string): Map<string, string> {
  const [header, ...rows] = parseCsv(text);
  const valueAt = header!.indexOf('estimate_value');
  const keyCols = summarisedResultColumns.filter((c) => c !== 'estimate_value').map((c) => header!.indexOf(c));
  const m = new Map<string, string>();
  for (const r of rows) m.set(keyCols.map((j) => r[j] ?? '').join(' | '), r[valueAt] ?? '');
  return m;
}

/**
 * Compare two results.csv texts estimate by estimate. Numbers match when within `relTolerance`
 * (relative) or `absTolerance`; anything else must be equal as text.
 */
export function compareResults(expected: string, actual: string, options: { relTolerance?: number; absTolerance?: number } = {}): ResultDifference[] {
  const rel = options.relTolerance ?? 1e-9;
  const abs = options.absTolerance ?? 1e-12;
  const e = index(expected);
  const a = index(actual);
  const diffs: ResultDifference[] = [];
  for (const [key, ev] of e) {
    const av = a.get(key);
    if (av === undefined) diffs.push({ key, expected: ev, actual: null });
    else if (av !== ev) {
      const [x, y] = [Number(ev), Number(av)];
      const numeric = ev !== '' && av !== '' && Number.isFinite(x) && Number.isFinite(y);
      if (!numeric || Math.abs(x - y) > Math.max(abs, rel * Math.abs(x))) diffs.push({ key, expected: ev, actual: av });
    }
  }
  for (const [key, av] of a) if (!e.has(key)) diffs.push({ key, expected: null, actual: av });
  return diffs;
}
