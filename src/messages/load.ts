import { CohorteError, where } from './error.js';

// User-facing messages of the loaders. Name the file, the column, the row and what was expected.
export const loadMessages = {
  fileNotFound: (file: string, what: string) =>
    new CohorteError('file-not-found', `${file}: file not found; expected ${what}.`, { file }),
  emptyFile: (file: string) =>
    new CohorteError('empty-file', `${file}: the file is empty; expected a header line with column names and data rows.`, { file }),
  missingColumns: (file: string, missing: string[], found: string[]) =>
    new CohorteError(
      'missing-column',
      `${where({ file, column: missing[0] })}required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} not found. ` +
        `Found ${found.length} column${found.length === 1 ? '' : 's'}: ${found.slice(0, 12).join(', ')}${found.length > 12 ? ', …' : ''}.` +
        (found.length === 1 ? ' Only one column was found: is the delimiter wrong? Expected \';\' or \',\' separated values.' : ''),
      { file, column: missing[0] },
    ),
  unsupportedFormat: (file: string) =>
    new CohorteError('unsupported-format', `${file}: unsupported file type; expected .csv, .csv.gz, .txt or .parquet.`, { file }),
  unreadableFile: (file: string, reason: string) =>
    new CohorteError('unreadable-file', `${file}: could not be read as a table (${reason}).`, { file }),
  missingTable: (dir: string, table: string, what: string) =>
    new CohorteError('missing-table', `${dir}: no file for required table ${table}; expected ${what}.`, { file: dir, table }),
};

/** Human-readable text for each quarantine / cleaning / merge reason, used in printed row accounts. */
export const removalReasonText: Record<string, string> = {
  'unparseable-date': 'a required date could not be parsed',
  'date-outside-life': 'date before birth or after death',
  'missing-key': 'a required identifier is empty',
  'orphan-key': 'identifier does not link to a known person or parent row',
  'duplicate-row': 'exact duplicate of an earlier row',
  'unknown-product-code': 'product code not in the drug referential',
  'return-without-dispensing': 'a return or regularisation that matches no dispensing',
  'unparseable-number': 'a required number could not be parsed',
  'end-before-start': 'end date before start date',
  'unknown-concept': 'concept id not in the vocabulary',
};
