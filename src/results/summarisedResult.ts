// The long "summarised result" format of the DARWIN EU tools (omopgenerics), so their viewers can
// read cohorte's results. One row per estimate; settings go to a separate table keyed by result_id.

import { defaultSuppression, type SuppressionSettings } from './suppress.js';

export const summarisedResultColumns = [
  'result_id',
  'cdm_name',
  'group_name',
  'group_level',
  'strata_name',
  'strata_level',
  'variable_name',
  'variable_level',
  'estimate_name',
  'estimate_type',
  'estimate_value',
  'additional_name',
  'additional_level',
] as const;

export type EstimateType = 'integer' | 'numeric' | 'percentage' | 'character' | 'date';

export interface SummarisedRow {
  result_id: number;
  cdm_name: string;
  group_name: string;
  group_level: string;
  strata_name: string;
  strata_level: string;
  variable_name: string;
  variable_level: string;
  estimate_name: string;
  estimate_type: EstimateType;
  /** Formatted value: integers as integers, numerics with 10 significant digits, '' for missing. */
  estimate_value: string;
  additional_name: string;
  additional_level: string;
}

/** Settings of one result_id: what produced it and with which options (flattened to text). */
export interface ResultSettings {
  result_id: number;
  result_type: string;
  package_name: string;
  package_version: string;
  [setting: string]: string | number;
}

/** Estimate names that are counts of persons, records or events: these are suppressed when small. */
export const countEstimateNames = new Set(['count', 'n', 'persons', 'records', 'events', 'n_risk', 'n_event', 'n_censor', 'excluded_persons', 'excluded_records', 'outcome_count', 'denominator_count', 'number_subjects', 'number_records']);

/** Deterministic number formatting: integers exactly, other numbers with 10 significant digits, no exponent for ordinary magnitudes. */
export function formatEstimate(value: number | string | null | undefined, type: EstimateType): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return value > 0 ? 'Inf' : value < 0 ? '-Inf' : '';
  if (type === 'integer') return String(Math.round(value));
  if (value === 0) return '0';
  const s = Number(value.toPrecision(10));
  return String(s);
}

/** Build a row with empty defaults ('overall' for group and strata, as omopgenerics does). */
export function summarisedRow(r: Partial<SummarisedRow> & Pick<SummarisedRow, 'result_id' | 'variable_name' | 'estimate_name' | 'estimate_type'> & { value: number | string | null | undefined }): SummarisedRow {
  return {
    result_id: r.result_id,
    cdm_name: r.cdm_name ?? 'unknown',
    group_name: r.group_name ?? 'overall',
    group_level: r.group_level ?? 'overall',
    strata_name: r.strata_name ?? 'overall',
    strata_level: r.strata_level ?? 'overall',
    variable_name: r.variable_name,
    variable_level: r.variable_level ?? '',
    estimate_name: r.estimate_name,
    estimate_type: r.estimate_type,
    estimate_value: formatEstimate(r.value, r.estimate_type),
    additional_name: r.additional_name ?? 'overall',
    additional_level: r.additional_level ?? 'overall',
  };
}

const cellKey = (r: SummarisedRow) => [r.result_id, r.cdm_name, r.group_name, r.group_level, r.strata_name, r.strata_level, r.variable_name, r.variable_level, r.additional_level].join('\u0001');
const groupKey = (r: SummarisedRow) => [r.result_id, r.cdm_name, r.group_name, r.group_level, r.strata_name, r.strata_level].join('\u0001');

const isSmall = (r: SummarisedRow, minCell: number) => {
  if (!countEstimateNames.has(r.estimate_name) || r.estimate_value === '') return false;
  const v = Number(r.estimate_value);
  return v > 0 && v < minCell;
};

/**
 * Small-cell suppression of summarised results:
 * 1. a count between 1 and minCell - 1 is masked, with every estimate of its cell (percentages, rates,
 *    curves at that time) since they can be derived from it;
 * 2. a group whose 'number subjects' or 'number records' is small is masked whole;
 * 3. secondary suppression: when exactly one category of a variable is masked in a group, the smallest
 *    other non-zero category is masked too, so the masked count cannot be recovered from the total.
 * Small counts show as '<minCell>'; every other masked estimate (derived, secondary, whole group) as ''.
 */
export function suppressSummarised(rows: SummarisedRow[], settings: SuppressionSettings = defaultSuppression): SummarisedRow[] {
  const min = settings.minCell;
  const marker = settings.marker ?? `<${min}`;
  const maskedCells = new Set<string>();
  const maskedGroups = new Set<string>();
  for (const r of rows) {
    if (!isSmall(r, min)) continue;
    maskedCells.add(cellKey(r));
    if (['number subjects', 'number records'].includes(r.variable_name) || ['number_subjects', 'number_records'].includes(r.estimate_name)) {
      maskedGroups.add(groupKey(r));
    }
  }
  // Secondary suppression over the categories (variable_level) of each variable within a group.
  const byVariable = new Map<string, SummarisedRow[]>();
  for (const r of rows) {
    if (!countEstimateNames.has(r.estimate_name) || r.variable_level === '') continue;
    const k = [groupKey(r), r.variable_name, r.estimate_name, r.additional_level].join('\u0001');
    if (!byVariable.has(k)) byVariable.set(k, []);
    byVariable.get(k)!.push(r);
  }
  for (const cats of byVariable.values()) {
    const masked = cats.filter((r) => maskedCells.has(cellKey(r)));
    if (masked.length !== 1) continue;
    const candidates = cats.filter((r) => !maskedCells.has(cellKey(r)) && Number(r.estimate_value) > 0).sort((a, b) => Number(a.estimate_value) - Number(b.estimate_value));
    if (candidates[0]) maskedCells.add(cellKey(candidates[0]));
  }
  return rows.map((r) => {
    if (!maskedGroups.has(groupKey(r)) && !maskedCells.has(cellKey(r))) return r;
    return { ...r, estimate_value: isSmall(r, min) ? marker : '' };
  });
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows in a stable order, so two runs on the same inputs give byte-identical files. */
export function sortSummarised(rows: SummarisedRow[]): SummarisedRow[] {
  const keyOf = (r: SummarisedRow) => summarisedResultColumns.filter((c) => c !== 'estimate_value').map((c) => String(r[c]));
  return [...rows].sort((a, b) => {
    if (a.result_id !== b.result_id) return a.result_id - b.result_id;
    const ka = keyOf(a);
    const kb = keyOf(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    return 0;
  });
}

/** CSV text of summarised rows (header included), with LF line ends. */
export function summarisedCsv(rows: SummarisedRow[]): string {
  const lines = [summarisedResultColumns.join(',')];
  for (const r of rows) lines.push(summarisedResultColumns.map((c) => csvField(r[c])).join(','));
  return lines.join('\n') + '\n';
}

/** CSV text of the settings table: union of keys, sorted; missing values empty. */
export function settingsCsv(settings: ResultSettings[]): string {
  const fixed = ['result_id', 'result_type', 'package_name', 'package_version'];
  const extra = [...new Set(settings.flatMap((s) => Object.keys(s)))].filter((k) => !fixed.includes(k)).sort();
  const cols = [...fixed, ...extra];
  const lines = [cols.join(',')];
  for (const s of [...settings].sort((a, b) => a.result_id - b.result_id)) lines.push(cols.map((c) => csvField(s[c] ?? '')).join(','));
  return lines.join('\n') + '\n';
}
