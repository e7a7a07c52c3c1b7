// Row accounts: every load accounts for every input row. rowsRead = rowsLoaded + Σ removed.rows.

/** Why a row did not reach the model as-is. */
export type RemovalKind =
  /** Bad input: kept in the quarantine table for inspection. */
  | 'quarantine'
  /** Dropped by a named, documented cleaning rule that can be switched off. */
  | 'cleaning'
  /** Folded into another row (e.g. a return netted into its dispensing, an ER_PHA_F line joined to its ER_PRS_F line). */
  | 'merged';

export interface RowRemoval {
  kind: RemovalKind;
  /** Stable machine name: `unparseable-date`, `orphan-key`, `dcir-information-only-line`, … */
  reason: string;
  rows: number;
}

export interface RowAccount {
  /** Source table name (e.g. `ER_PRS_F`, `T_MCOaaB`, `drug_exposure`). */
  source: string;
  /** File(s) read, as given by the user. */
  files: string[];
  rowsRead: number;
  rowsLoaded: number;
  /** Model table(s) the loaded rows went to. */
  target: string[];
  removed: RowRemoval[];
}

/** True when rowsRead = rowsLoaded + Σ removed. */
export function isBalanced(a: RowAccount): boolean {
  return a.rowsRead === a.rowsLoaded + a.removed.reduce((s, r) => s + r.rows, 0);
}

/** Sum removal lists of several passes over the same source (same kind and reason add up), keeping first-seen order. */
export function mergeRemovals(...lists: RowRemoval[][]): RowRemoval[] {
  const out: RowRemoval[] = [];
  for (const list of lists) {
    for (const r of list) {
      const same = out.find((o) => o.kind === r.kind && o.reason === r.reason);
      if (same) same.rows += r.rows;
      else out.push({ ...r });
    }
  }
  return out;
}
