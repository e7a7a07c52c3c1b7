// Progress of a load, for long runs: reported each time a source table (an SNDS part: the DCIR, one PMSI year…) is
// done. Counts only, never a value of a row.
import { existsSync, statSync } from 'node:fs';

export interface LoadProgress {
  /** The source tables just done, e.g. 'ER_PRS_F, ER_PHA_F'. */
  tables: string;
  /** Rows read from the sources done so far. */
  rowsRead: number;
  /** Fraction of the whole load done, from 0 to 1: by file size (SNDS), or by rows (OMOP, whose sources are all counted first). */
  fraction: number;
}

export type OnLoadProgress = (progress: LoadProgress) => void;

/**
 * Fraction of a load done by the size of the files each part reads (SNDS tables are only counted once staged, part
 * by part). `parts` names every part in order with its files; a file read by two parts weighs in both. Only the
 * last part reports a fraction of 1.
 */
export function fileProgress(parts: Array<[string, Array<string | undefined>]>, onProgress: OnLoadProgress | undefined) {
  // A missing file weighs nothing here: the loader itself names it.
  const size = (f: string | undefined) => (f && existsSync(f) ? statSync(f).size : 0);
  const weight = new Map(parts.map(([name, files]) => [name, files.reduce((n, f) => n + size(f), 0)]));
  const total = [...weight.values()].reduce((a, b) => a + b, 0);
  const last = parts.at(-1)?.[0];
  let done = 0;
  return (part: string, rowsRead: number): void => {
    done += weight.get(part) ?? 0;
    // The last part ends the load, whatever parts had no input.
    onProgress?.({ tables: part, rowsRead, fraction: part === last || total === 0 ? 1 : done / total });
  };
}

/** Fraction of a load's rows done, when every source was counted before loading (OMOP stages all its tables first). */
export function rowProgress(totalRows: number, onProgress: OnLoadProgress | undefined) {
  let rowsRead = 0;
  return (tables: string, rows: number): void => {
    rowsRead += rows;
    onProgress?.({ tables, rowsRead, fraction: totalRows > 0 ? rowsRead / totalRows : 1 });
  };
}
