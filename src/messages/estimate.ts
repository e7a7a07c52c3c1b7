import { CohorteError, where } from './error.js';

// User-facing messages of the estimators. Each builder returns an error or a warning string.
// Add new messages in the section of your estimator; keep wording plain and say what was expected.

// --- input (shared by all estimators) ---
export const estimateMessages = {
  missingColumn: (column: string, available: string[]) =>
    new CohorteError(
      'missing-column',
      `${where({ column })}not found in the input data; expected one of the columns ${available.slice(0, 20).join(', ')}${available.length > 20 ? ', …' : ''}.`,
      { column },
    ),
  unequalColumnLengths: (column: string, length: number, expected: number) =>
    new CohorteError(
      'unequal-column-lengths',
      `${where({ column })}has ${length} values but the other columns have ${expected}; columns of one table must have equal lengths.`,
      { column },
    ),
  notNumeric: (column: string, row: number, value: unknown) =>
    new CohorteError(
      'not-numeric',
      `${where({ column, row })}expected a number (or an empty/missing value), found a value of type ${typeof value}.`,
      { column, row },
    ),
  unsupportedInput: () =>
    new CohorteError(
      'unsupported-input',
      'Estimator input must be an Arquero table, an array of row objects, or an object of columns { name: array | typed array }.',
    ),
  negativeTime: (column: string, row: number) =>
    new CohorteError('negative-time', `${where({ column, row })}time must be >= 0.`, { column, row }),
  startNotBeforeStop: (row: number) =>
    new CohorteError('start-not-before-stop', `${where({ row })}interval (start, stop] must have start < stop.`, { row }),
  badEventCode: (column: string, row: number, expected: string) =>
    new CohorteError('bad-event-code', `${where({ column, row })}expected ${expected}.`, { column, row }),
  negativeWeight: (column: string, row: number) =>
    new CohorteError('negative-weight', `${where({ column, row })}case weights must be >= 0.`, { column, row }),
  badConfLevel: (confLevel: number) =>
    new CohorteError('bad-conf-level', `confLevel must be strictly between 0 and 1, got ${confLevel}.`),
  noRows: (estimator: string) =>
    new CohorteError('no-rows', `${estimator}: no complete rows to analyse (all rows were empty or had a missing value).`),

  // --- kaplanMeier / logRank (survivalTable, kaplanMeier, logRank) ---
  nonFiniteTime: (column: string, row: number) =>
    new CohorteError('non-finite-time', `${where({ column, row })}time must be a finite number >= 0.`, { column, row }),
  nonFiniteWeight: (column: string, row: number) =>
    new CohorteError('non-finite-weight', `${where({ column, row })}case weights must be finite numbers >= 0.`, { column, row }),
  badConfType: (confType: unknown) =>
    new CohorteError('bad-conf-type', `kaplanMeier: confType must be 'log', 'log-log' or 'plain' (as survfit's conf.type), got ${String(confType)}.`),
  badRmstTau: (tau: unknown) =>
    new CohorteError('bad-rmst-tau', `kaplanMeier: rmstTau (the upper limit of the restricted mean) must be a finite number >= 0, got ${String(tau)}.`),
  logRankOneGroup: (group: string) =>
    new CohorteError('logrank-one-group', `logRank: the group column(s) ${group} hold a single value among the complete rows; the test needs at least 2 groups.`),
  logRankSingular: () =>
    new CohorteError('logrank-singular', 'logRank: the variance matrix of observed minus expected events is singular (as in R: "system is computationally singular"); no test statistic can be computed.'),

  // --- aalenJohansen ---
  ajBadTimes: (value: unknown) =>
    new CohorteError('aj-bad-times', `aalenJohansen: times (the read-out times) must be finite numbers, got ${String(value)}.`),

  // --- coxph / coxZph (errors: thrown; warnings: strings collected on the result's `warnings`) ---
  coxBadTies: (ties: unknown) =>
    new CohorteError('cox-bad-ties', `coxph: ties must be 'efron' or 'breslow' (as coxph's ties), got ${String(ties)}.`),
  coxNoCovariates: () =>
    new CohorteError('cox-no-covariates', 'coxph: give at least one covariate column in covariates (a model without covariates has no coefficient to estimate).'),
  coxNoEvents: () =>
    new CohorteError('cox-no-events', "coxph: the complete rows hold no event; a Cox model needs at least one (R: \"Can't fit a Cox model with 0 failures\")."),
  coxBadOption: (name: string, value: unknown, expected: string) =>
    new CohorteError('cox-bad-option', `coxph: ${name} must be ${expected}, got ${String(value)}.`),
  coxNonFinite: (column: string, row: number) =>
    new CohorteError('cox-non-finite', `${where({ column, row })}expected a finite number (R: "data contains an infinite predictor").`, { column, row }),
  coxNonPositiveWeight: (column: string, row: number) =>
    new CohorteError('cox-non-positive-weight', `${where({ column, row })}coxph case weights must be finite and > 0 (R: "Invalid weights, must be >0"); drop rows with weight 0 beforehand.`, { column, row }),
  coxRobustNeedsCluster: () =>
    new CohorteError('cox-robust-needs-cluster', 'coxph: robust = true with (start, stop] data needs a cluster column (e.g. the subject id), as R ("one of cluster or id is needed").'),
  coxZphBadTransform: (transform: unknown) =>
    new CohorteError('cox-zph-bad-transform', `coxZph: transform must be 'km', 'rank' or 'identity' (as cox.zph), got ${String(transform)}.`),
  coxZphNoCoefficients: () =>
    new CohorteError('cox-zph-no-coefficients', 'coxZph: the fit has no estimated (non-aliased) coefficient to test.'),
  coxZphDataMismatch: (nFit: number, nData: number) =>
    new CohorteError('cox-zph-data-mismatch', `coxZph: the data give ${nData} complete rows but the fit used ${nFit}; pass the same data (and the fit's own result) that coxph was given.`),
  coxZphSingular: () =>
    new CohorteError('cox-zph-singular', 'coxZph: the information matrix of the score test is singular (R: "system is computationally singular"); no test can be computed.'),
  coxWarnNotConverged: (maxIter: number) =>
    `coxph: ran out of iterations (maxIter = ${maxIter}) and did not converge; the coefficients, standard errors and tests are those of the last Newton-Raphson step and may be unreliable.`,
  coxWarnMaybeInfinite: () =>
    'coxph: one or more coefficients may be infinite (the likelihood is still increasing towards an infinite coefficient).',
  coxWarnInfinite: (terms: string[]) =>
    `coxph: loglik converged before variable ${terms.join(', ')}; coefficient may be infinite (monotone likelihood: e.g. no event in one group). Its estimate, standard error and test are not meaningful.`,
  coxWarnAliased: (terms: string[]) =>
    `coxph: X matrix deemed to be singular; variable ${terms.join(', ')} is collinear with the others (or constant) and was dropped: its coefficient is null, as R's NA.`,
  coxWarnClusterIgnored: () =>
    'coxph: cluster given with robust = false; cluster ignored (as R: "cluster specified with robust=FALSE, cluster ignored").',
  coxWarnUnstableLoglik: () =>
    'coxph: the log-likelihood at the initial values is not finite (exp overflow); the fit stopped at the initial values.',

  // --- rates / Lexis / standardisation (poissonRate, rateRatio, incidenceRates, lexisSplit, directStandardise) ---
  badCount: (what: string, value: unknown, wholeNumber = true) =>
    new CohorteError('bad-count', `${what} must be a finite non-negative ${wholeNumber ? 'whole number' : 'number'} of events, got ${String(value)}.`),
  badPersonTime: (what: string, value: unknown, strictlyPositive = false) =>
    new CohorteError(
      'bad-person-time',
      `${what} must be a finite number ${strictlyPositive ? '> 0' : '>= 0'} (person-time), got ${String(value)}.`,
    ),
  badPer: (per: unknown) =>
    new CohorteError('bad-per', `per (the rate multiplier, e.g. 1000 for rates per 1000 person-years) must be a finite number > 0, got ${String(per)}.`),
  exitBeforeEntry: (row: number) =>
    new CohorteError('exit-before-entry', `${where({ row })}exit must be >= entry.`, { row }),
  entryBeforeBirth: (row: number) =>
    new CohorteError('entry-before-birth', `${where({ row })}entry must be on or after the date of birth (age >= 0) when splitting by age.`, { row }),
  birthRequired: () =>
    new CohorteError('birth-required', 'lexisSplit: age breaks need a date-of-birth column; give the option birth.'),
  badBreaks: (scale: string, reason: string) =>
    new CohorteError('bad-breaks', `lexisSplit: breaks.${scale} ${reason}; expected finite numbers in strictly increasing order.`),
  badTimeScale: (timeScale: unknown) =>
    new CohorteError('bad-time-scale', `lexisSplit: timeScale must be 'years' (decimal years) or 'days' (dates or days since 1970-01-01), got ${String(timeScale)}.`),
  badDate: (column: string, row: number, value: unknown) =>
    new CohorteError(
      'bad-date',
      `${where({ column, row })}expected a date (ISO 'YYYY-MM-DD' string, Date, or a number of days since 1970-01-01), found a value of type ${typeof value}.`,
      { column, row },
    ),
  duplicateStratum: (where_: string, stratum: unknown) =>
    new CohorteError('duplicate-stratum', `${where_}: stratum ${String(stratum)} is listed more than once.`),
  stratumNotMatched: (stratum: unknown, presentIn: string, missingFrom: string) =>
    new CohorteError(
      'stratum-not-matched',
      `directStandardise: stratum ${String(stratum)} is in the ${presentIn} but not in the ${missingFrom}; every stratum must appear in both (give 0 events with the observed person-time where nothing happened).`,
    ),
  badStandardPopulation: (stratum: unknown, value: unknown) =>
    new CohorteError('bad-standard-population', `directStandardise: the standard population of stratum ${String(stratum)} must be a finite number >= 0, got ${String(value)}; the total must be > 0.`),
  badMethod: (method: unknown) =>
    new CohorteError('bad-method', `directStandardise: method must be 'gamma' (Fay & Feuer 1997), got ${String(method)}.`),
};

// --- kaplanMeier / logRank ---

// --- aalenJohansen ---

// --- coxph / coxZph ---

// --- rates / Lexis / standardisation ---
