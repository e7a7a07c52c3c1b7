// A result table as HTML, for notebooks (tslab's display.html) and reports, with small counts
// masked exactly as the result writers mask them: a count between 1 and minCell - 1 is never shown.
import { CohorteError } from '../messages/index.js';
import { suppressCount } from './suppress.js';
import { countFields } from './write.js';
import { countEstimateNames } from './summarisedResult.js';

export interface DisplayTableOptions {
  /**
   * Columns holding counts of persons, records, events or rows: their values 1..minCell-1 are shown
   * as '<minCell'. Columns named like the toolkit's count fields ('n', 'persons', 'records',
   * 'events', 'nRisk', 'rows', 'count'...) are masked too, listed or not. Naming a column that no
   * row has is an error, so a misspelt name cannot let counts through.
   */
  countColumns?: string[];
  /**
   * Columns computed from the counts of their row (rates, percentages, survival, person-time...):
   * left blank in every row where a count is masked, since they could give the count back (as
   * suppressSummarised does with the estimates of a masked cell).
   */
  derivedColumns?: string[];
  /** Smallest count that may be shown. Default 10 (the platforms' rule: 1..9 hidden). */
  minCell?: number;
  /** Columns to show, in this order. Default: every key of the rows, in order of first appearance. */
  columns?: string[];
  /** Decimals of non-integer numbers. Default 3. */
  digits?: number;
  /** Caption above the table. */
  caption?: string;
  /** At most this many rows are shown; a last line says how many more there are. Default 200. */
  maxRows?: number;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function cellText(v: unknown, digits: number): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number.isFinite(v) ? v.toFixed(digits) : String(v);
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.toISOString().slice(0, 10) : '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * An HTML table of `objects` (plain objects, one per row) with every count suppressed: 1..minCell-1
 * shows as '<minCell', 0 and counts >= minCell as they are, and the row's derived columns are left
 * blank when one of its counts is masked. Values are HTML-escaped; numbers are right-aligned.
 * For summarised results (one estimate per row), suppress with suppressSummarised first.
 */
export function displayTable(objects: ReadonlyArray<object>, options: DisplayTableOptions = {}): string {
  const rows = objects as ReadonlyArray<Record<string, unknown>>;
  const minCell = options.minCell ?? 10;
  if (!(Number.isInteger(minCell) && minCell >= 1)) throw new CohorteError('bad-option', `displayTable: minCell must be a whole number >= 1 (got ${String(minCell)}).`);
  const digits = options.digits ?? 3;
  const maxRows = options.maxRows ?? 200;
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    }
  }
  for (const [option, names] of [['count', options.countColumns], ['derived', options.derivedColumns]] as const) {
    for (const c of names ?? []) {
      if (!seen.has(c)) throw new CohorteError('unknown-column', `displayTable: ${option} column '${c}' is in no row (columns: ${keys.join(', ') || 'none'}).`);
    }
  }
  const columns = options.columns ?? keys;
  const counts = new Set([...(options.countColumns ?? []), ...keys.filter((k) => countFields.has(k) || countEstimateNames.has(k))]);
  const derived = new Set(options.derivedColumns ?? []);
  const settings = { minCell };
  // Only numbers are masked: a value already suppressed ('<10') or a label passes as it is.
  const isSmall = (v: unknown) => typeof v === 'number' && v > 0 && v < minCell;
  const shown = rows.slice(0, Math.max(0, maxRows));
  const body = shown.map((r) => {
    const rowMasked = [...counts].some((c) => isSmall(r[c]));
    const cells = columns.map((c) => {
      let v = r[c];
      if (counts.has(c) && typeof v === 'number') v = suppressCount(v, settings);
      else if (rowMasked && derived.has(c)) v = null;
      const numeric = typeof v === 'number';
      return `<td${numeric ? ' style="text-align:right"' : ''}>${escapeHtml(cellText(v, digits))}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  if (rows.length > shown.length) body.push(`<tr><td colspan="${columns.length}">… ${rows.length - shown.length} more rows</td></tr>`);
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  const head = `<thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>`;
  return `<table class="cohorte-table">${caption}${head}<tbody>${body.join('')}</tbody></table>`;
}
