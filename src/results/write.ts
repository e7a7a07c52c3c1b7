import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suppressSmallCounts, defaultSuppression, type SuppressionSettings } from './suppress.js';
import { suppressSummarised, sortSummarised, summarisedCsv, settingsCsv, type SummarisedRow, type ResultSettings } from './summarisedResult.js';

// The only way results leave the toolkit: every writer suppresses small counts first.

/** Field names that hold person or row counts in the toolkit's results. */
export const countFields = new Set([
  'n', 'rows', 'rowsRead', 'rowsLoaded', 'persons', 'records', 'events', 'nEvent', 'nRisk', 'nCensor',
  'linked', 'hospitalOnly', 'claimsOnly', 'ambiguous', 'observed', 'count', 'dropped', 'remaining',
]);

export interface WriteOptions {
  suppression?: SuppressionSettings;
  /** Extra count field names beyond `countFields`. */
  countKeys?: string[];
}

/** Write a JSON result (small counts suppressed) and return its path. */
export function writeJsonResult(dir: string, name: string, value: unknown, options: WriteOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  const keys = new Set([...countFields, ...(options.countKeys ?? [])]);
  const path = join(dir, name.endsWith('.json') ? name : `${name}.json`);
  writeFileSync(path, JSON.stringify(suppressSmallCounts(value, keys, options.suppression ?? defaultSuppression), null, 2) + '\n');
  return path;
}

/** Write results.csv (summarised result format, suppressed and sorted) and settings.csv; returns their paths. */
export function writeSummarisedResult(
  dir: string,
  rows: SummarisedRow[],
  settings: ResultSettings[],
  options: WriteOptions = {},
): { results: string; settings: string } {
  mkdirSync(dir, { recursive: true });
  const results = join(dir, 'results.csv');
  const settingsPath = join(dir, 'settings.csv');
  writeFileSync(results, summarisedCsv(sortSummarised(suppressSummarised(rows, options.suppression ?? defaultSuppression))));
  writeFileSync(settingsPath, settingsCsv(settings));
  return { results, settings: settingsPath };
}
