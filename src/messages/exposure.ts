import { CohorteError } from './error.js';

// User-facing messages of the exposure steps. Never person-level values: only option names and numbers.
export const exposureMessages = {
  emptyDrugSelector: (drug: string) =>
    new CohorteError('empty-drug-selector', `drug class '${drug}' has no ATC prefix and no product code; give atcPrefixes (e.g. ['C10AA']) or productCodes.`),
  badAtcPrefix: (drug: string, prefix: string) =>
    new CohorteError('bad-code-pattern', `drug class '${drug}': '${prefix}' is not an ATC code or prefix; expected 1 to 7 letters and digits such as 'C10' or 'C10AA05'.`),
  badDrugName: (name: string) => new CohorteError('bad-drug-name', `drug class name '${name}' must be non-empty text without quotes.`),
  duplicateDrug: (name: string) => new CohorteError('duplicate-drug', `drug class '${name}' is given twice; class names must be unique.`),
  noDrugs: () => new CohorteError('no-drugs', 'no drug class given; expected at least one { name, atcPrefixes | productCodes }.'),
  missingDaysSupply: (drug: string) =>
    new CohorteError('missing-days-supply-rule', `no days' supply rule for drug class '${drug}'; give daysSupply for every class or one rule for all.`),
  badNumber: (what: string, value: unknown, expected: string) =>
    new CohorteError('bad-option', `${what} must be ${expected}, got ${String(value)}.`),
  badTableName: (what: string, name: string) =>
    new CohorteError('bad-table-name', `${what}: '${name}' is not a table name; expected an identifier such as 'exposure' or 'study.exposure'.`),
  badBands: (what: string, bands: readonly number[]) =>
    new CohorteError('bad-bands', `${what}: bands [${bands.join(', ')}] must start at 0 and increase strictly.`),
  missingColumns: (table: string, missing: string[], expected: string) =>
    new CohorteError('missing-column', `table ${table}: column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} not found; expected ${expected}.`, {
      table,
      column: missing[0],
    }),
  duplicatePersons: (table: string, rows: number) =>
    new CohorteError('duplicate-person', `table ${table}: ${rows} person_id value(s) appear more than once; expected one row per person.`, { table, column: 'person_id' }),
  duplicateProducts: (table: string, rows: number) =>
    new CohorteError('duplicate-product', `table ${table}: ${rows} product_code value(s) appear more than once; expected one ddd_per_unit per product.`, { table, column: 'product_code' }),
  tooFewDrugs: (n: number) => new CohorteError('too-few-drugs', `switching needs two or more drug classes, got ${n}.`),
};
