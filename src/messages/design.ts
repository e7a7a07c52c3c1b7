import { CohorteError } from './error.js';

// User-facing messages of the study design: code sets, cohorts, follow-up.
export const designMessages = {
  badIcd10Pattern: (codeSet: string, pattern: string) =>
    new CohorteError(
      'bad-code-pattern',
      `code set '${codeSet}': '${pattern}' is not an ICD-10 code, prefix or range; expected e.g. 'I21', 'I21.4', 'I21-I22' or 'I21.0-I21.4'.`,
    ),
  badAtcPattern: (codeSet: string, pattern: string) =>
    new CohorteError('bad-code-pattern', `code set '${codeSet}': '${pattern}' is not an ATC code or prefix; expected 1 to 7 characters such as 'C10' or 'C10AA05'.`),
  badCip13: (codeSet: string, code: string) =>
    new CohorteError('bad-code-pattern', `code set '${codeSet}': '${code}' is not a CIP13 code; expected 13 digits.`),
  emptyCodeSet: (codeSet: string) => new CohorteError('empty-code-set', `code set '${codeSet}' has no codes.`),
  wrongCodeSetKind: (codeSet: string, kind: string, expected: string) =>
    new CohorteError('wrong-code-set-kind', `code set '${codeSet}' is of kind '${kind}', but this step expects ${expected}.`),
  badWindow: (what: string, window: readonly number[]) =>
    new CohorteError('bad-window', `${what}: window [${window.join(', ')}] must be [start, end] in days relative to index, with start <= end.`),
  negativeDays: (what: string, days: number) => new CohorteError('negative-days', `${what} must be >= 0 days, got ${days}.`),
  unknownCohort: (name: string) => new CohorteError('unknown-cohort', `no cohort named '${name}' has been built on this engine.`),
  badCovariateName: (name: string) =>
    new CohorteError('bad-covariate-name', `covariate name '${name}' must start with a letter and hold only letters, digits and '_'.`),
  oneEntryPerPerson: (table: string) =>
    new CohorteError('one-entry-per-person', `${table}: a time-varying analysis needs one entry per person; build the cohort with entries: 'first'.`),
  sameCohortName: (name: string) => new CohorteError('same-cohort-name', `target and comparator cohorts must have different names, both are '${name}'.`),
};
