import type { ModelTableName, RowAccount } from '../model/index.js';
import { isBalanced } from '../model/index.js';
import { removalReasonText } from '../messages/index.js';

/** What every loader returns: where the model went, the row account of each source table, and its settings. */
export interface LoadResult {
  layout: 'omop' | 'snds' | 'linked';
  /** Engine schema holding the model tables ('' = default schema). */
  schema: string;
  accounts: RowAccount[];
  /** Rows in each model table after the load. */
  counts: Record<ModelTableName, number>;
  settings: Record<string, unknown>;
}

/** A printable row account: one block per source table, reasons indented. */
export function formatRowAccounts(accounts: RowAccount[]): string {
  const lines: string[] = [];
  const w = Math.max(12, ...accounts.map((a) => a.source.length));
  for (const a of accounts) {
    lines.push(
      `${a.source.padEnd(w)}  read ${String(a.rowsRead).padStart(9)}  loaded ${String(a.rowsLoaded).padStart(9)}  → ${a.target.join(', ')}${isBalanced(a) ? '' : '  UNBALANCED'}`,
    );
    for (const r of a.removed) {
      lines.push(`${''.padEnd(w)}    ${r.kind.padEnd(10)} ${String(r.rows).padStart(9)}  ${r.reason}${removalReasonText[r.reason] ? ` (${removalReasonText[r.reason]})` : ''}`);
    }
  }
  return lines.join('\n');
}
