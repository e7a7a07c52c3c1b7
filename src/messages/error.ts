/** Where bad input was found: enough to find it in the raw file, never person-level values beyond an id. */
export interface ErrorLocation {
  file?: string;
  table?: string;
  column?: string;
  /** 1-based data row (header excluded), as a user counts rows in a spreadsheet. */
  row?: number;
}

/** The one error type the toolkit throws on bad input or misuse. `code` is stable for scripts. */
export class CohorteError extends Error {
  readonly code: string;
  readonly location: ErrorLocation;

  constructor(code: string, message: string, location: ErrorLocation = {}) {
    super(message);
    this.name = 'CohorteError';
    this.code = code;
    this.location = location;
  }
}

/** Prefix "file, column 'x', row 3: " so every message names where it happened. */
export function where(loc: ErrorLocation): string {
  const parts: string[] = [];
  if (loc.file) parts.push(loc.file);
  else if (loc.table) parts.push(`table ${loc.table}`);
  if (loc.column) parts.push(`column '${loc.column}'`);
  if (loc.row !== undefined) parts.push(`row ${loc.row}`);
  return parts.length ? `${parts.join(', ')}: ` : '';
}
