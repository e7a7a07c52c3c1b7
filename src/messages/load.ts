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

  // --- OMOP CDM loader (src/load/omop) and hospital + claims linkage (src/load/linkage.ts) ---
  omopNoInput: () =>
    new CohorteError(
      'missing-input',
      'loadOmop: no input given; expected `dir` (a folder of OMOP CDM tables as CSV or Parquet), `files` (one path per table), `database` (a DuckDB database file holding the CDM tables) or `cdmSchema` (a schema of the engine holding them, e.g. in PostgreSQL).',
    ),
  // OMOP CDM read from a schema of the engine (option cdmSchema), staged by stageTable (src/load/stage.ts).
  emptyTable: (table: string) =>
    new CohorteError('empty-table', `${table}: the table has no rows; expected data rows.`, { file: table }),
  noStorageOrder: (table: string, engine: string) =>
    new CohorteError('engine-unsupported', `${table}: the ${engine} engine has no stable storage order to number rows by; give the key columns to order by instead.`, { file: table }),
  omopSchemaNotFound: (schema: string) =>
    new CohorteError('missing-table', `schema '${schema}': no tables found in this schema of the engine's database; expected the OMOP CDM tables (person, observation_period, …) there (option \`cdmSchema\`).`),
  omopMissingCdmTable: (schema: string, table: string, what: string) =>
    new CohorteError('missing-table', `schema '${schema}': no table ${table} (name case ignored); expected ${what}.`, { file: schema, table }),
  omopInvalidOption: (option: string, value: string, expected: string) =>
    new CohorteError('invalid-option', `loadOmop: option '${option}' is '${value}'; expected ${expected}.`),
  omopDatabaseUnsupported: (file: string, engine: string) =>
    new CohorteError(
      'unsupported-input',
      `${file}: reading the CDM from a database file needs the DuckDB engine (the ${engine} engine cannot attach it); export the CDM tables to CSV or Parquet instead.`,
      { file },
    ),
  omopDatabaseUnreadable: (file: string, reason: string) =>
    new CohorteError('unreadable-file', `${file}: could not be opened read-only as a DuckDB database (${reason}).`, { file }),
  targetNotEmpty: (schema: string, table: string, rows: number) =>
    new CohorteError(
      'target-not-empty',
      `schema '${schema || '(default)'}': model table ${table} already holds ${rows} rows; load into an empty schema (option \`schema\`) so row accounts stay exact.`,
      { table },
    ),
  linkageInvalidOption: (problem: string) => new CohorteError('invalid-option', `linkPersons: ${problem}`),

  // --- SNDS loader (src/load/snds) ---
  sndsAmbiguousTable: (dir: string, table: string, files: string[]) =>
    new CohorteError(
      'ambiguous-table',
      `${dir}: several files for table ${table} (${files.join(', ')}); expected one file per table: keep one, or name it in option \`files\`.`,
      { file: dir, table },
    ),
  sndsNoOutpatientFlag: (file: string) =>
    new CohorteError(
      'missing-column',
      `${file}: column 'ETE_IND_TAA' not found and no ER_ETE_F file given; expected one of them to exclude hospital outpatient lines (excludeHospitalOutpatient / cleaning rule 'dcir-hospital-outpatient').`,
      { file, column: 'ETE_IND_TAA' },
    ),
  sndsKeyCollision: (file: string, rows: number, expected: number) =>
    new CohorteError(
      'internal-error',
      `${file}: ${rows} rows after joining ER_PHA_F to ER_PRS_F on the 9 DCIR keys, expected ${expected}: two different key tuples share a 64-bit key hash. Please report this.`,
      { file },
    ),
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
  'unknown-concept': 'concept id 0 or empty: not mapped to a standard concept',
  // OMOP loader and linkage
  'duplicate-key': 'identifier already used by an earlier valid row (first row in file order kept)',
  'not-inpatient-visit': 'visit is not an inpatient stay (visit_concept_id not in the inpatient list)',
  'ambiguous-link': 'linkage row whose id is mapped to several different ids on the other side',
  'linked-person': 'hospital person merged into the linked claims person',
  // SNDS loader: cleaning rules (see src/load/snds/cleaning.ts) and loader reasons
  'dcir-invalid-nir': "beneficiary identifier not a valid NIR (BEN_CDI_NIR <> '00')",
  'dcir-information-only': 'line sent for information only (DPN_QLF = 71)',
  'dcir-surcharge': 'surcharge line (CPL_MAJ_TOP >= 2)',
  'dcir-hospital-outpatient': 'hospital outpatient line already counted in the PMSI (ETE_IND_TAA = 1)',
  'dcir-no-pharmacy-line': 'prestation with no pharmacy line: not a drug dispensing',
  'dcir-return-netted': 'return or regularisation netted into the dispensing of the same person, care date and CIP13',
  'dcir-same-dispensing-line': 'further line of the same person, care date and CIP13, summed into one dispensing',
  'dcir-cancelled-dispensing': 'dispensing cancelled: its lines net to zero packs or less',
  'dcir-zero-quantity': 'pharmacy line with zero packs and no dispensing to join',
  'pmsi-duplicate-finess': 'AP-HP/AP-HM/HCL stay transmitted twice: geographic FINESS copy dropped',
  'pmsi-error-ghm': "stay grouped in error (GHM starting with '90')",
  'pmsi-inter-establishment': "inter-establishment service (SEJ_TYP = 'B')",
  'pmsi-dummy-patient-key': 'dummy patient key NIR_ANO_17',
  'pmsi-linkage-codes': "a linkage return code is not '0'",
  'ambiguous-key': 'patient key matches several persons',
  'missing-code': 'the code (diagnosis, procedure, product) is empty',
  'beneficiary-merged': 'another IR_BEN_R row of the same person (BEN_IDT_ANO)',
  'death-merged-with-cause': 'death date merged into the KI_CCI_R death row of the same person',
  // Exposure (src/exposure): dispensings of a drug class left out of exposure episodes.
  'missing-date': 'the dispensing has no date',
  'missing-days-supply': "no recorded days' supply",
  'missing-packs': 'no number of packs',
  'missing-units-per-pack': 'no number of units per pack',
  'non-positive-supply': "days' supply under 1 day (e.g. packs <= 0)",
  'implausible-supply': "days' supply over 36,500 days",
  'unknown-person': 'person not in the person table',
  'outside-observation': 'date outside every observation period',
  'after-death': 'dispensed after the death date',
};

// --- Simulator (src/simulate): messages for bad options of simulate(). ---
export const simulateMessages = {
  badOption: (option: string, expected: string, got: unknown) =>
    new CohorteError('bad-option', `simulate: option '${option}' must be ${expected}; got ${JSON.stringify(got) ?? String(got)}.`, { column: option }),
};
