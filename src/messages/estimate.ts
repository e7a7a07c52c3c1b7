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
  coxZphNeedsData: () =>
    new CohorteError('cox-zph-needs-data', 'coxZph: this fit does not carry its data (it was restored from JSON?); call coxZph(fit, data, { transform }) with the data of the fit.'),
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

  // --- comparative effectiveness (logisticRegression, propensityScore, matchOnPropensity, weightByPropensity,
  //     adjustedRisk, balanceTable, tableOne, covariateMatrix, covariateTable, targetTrial) ---
  badOption: (estimator: string, name: string, value: unknown, expected: string) =>
    new CohorteError('bad-option', `${estimator}: ${name} must be ${expected}, got ${JSON.stringify(value) ?? String(value)}.`),
  notBinary: (column: string, row: number, what: string) =>
    new CohorteError('not-binary', `${where({ column, row })}${what} must be coded 0/1 (or false/true).`, { column, row }),
  nonFiniteValue: (column: string, row: number) =>
    new CohorteError('non-finite-value', `${where({ column, row })}expected a finite number (Infinity is not a valid covariate value).`, { column, row }),
  zeroTotalWeight: (estimator: string) =>
    new CohorteError('zero-total-weight', `${estimator}: every complete row has weight 0; nothing to fit.`),
  needsBothGroups: (estimator: string, column: string) =>
    new CohorteError('needs-both-groups', `${estimator}: column '${column}' must hold both values 0 (comparator) and 1 (target) among the complete rows.`),
  psOutOfRange: (column: string, row: number) =>
    new CohorteError('ps-out-of-range', `${where({ column, row })}a propensity score must lie strictly between 0 and 1 (a score of 0 or 1 gives an infinite weight: check the propensity model for separation).`, { column, row }),
  psOrLogit: (estimator: string) =>
    new CohorteError('ps-or-logit', `${estimator}: give exactly one of ps (a propensity score column) or logitPs (its logit).`),
  weightsOrMatched: (estimator: string) =>
    new CohorteError('weights-or-matched', `${estimator}: give at most one of weights (a weight column) or matchedSet (a matched-set column from matchOnPropensity).`),
  notTwoGroups: (estimator: string, column: string, levels: unknown[]) =>
    new CohorteError('not-two-groups', `${estimator}: column '${column}' must hold exactly 2 groups among the complete rows, found ${levels.length} (${levels.slice(0, 5).map(String).join(', ')}${levels.length > 5 ? ', …' : ''}).`),
  unknownLevel: (estimator: string, column: string, level: unknown) =>
    new CohorteError('unknown-level', `${estimator}: ${String(level)} is not a value of column '${column}'.`),
  duplicateName: (estimator: string, name: string) =>
    new CohorteError('duplicate-name', `${estimator}: the name '${name}' is used twice; covariate and variable names must be unique.`),
  logisticWarnNotConverged: (maxIter: number) =>
    `logisticRegression: the algorithm did not converge in maxIter = ${maxIter} iterations (R: "glm.fit: algorithm did not converge"); the estimates are those of the last iteration.`,
  logisticWarnFitted01: () =>
    'logisticRegression: fitted probabilities numerically 0 or 1 occurred (R: "glm.fit: fitted probabilities numerically 0 or 1 occurred"): a sign of (quasi-)complete separation; the coefficients involved and their standard errors are not meaningful (consider penalty, or dropping or merging the covariate).',
  logisticWarnSeparation: (term: string, level: number, outcome: number) =>
    `logisticRegression: covariate '${term}' (quasi-)completely separates the outcome: every row with ${term} = ${level} has outcome ${outcome}, so its maximum-likelihood coefficient is infinite.`,
  logisticWarnAliased: (terms: string[]) =>
    `logisticRegression: ${terms.join(', ')} ${terms.length > 1 ? 'are' : 'is'} collinear with the other covariates (or constant) and was dropped: coefficient null, as R's NA ("not defined because of singularities").`,
  logisticWarnNonFiniteCoef: (iteration: number) =>
    `logisticRegression: non-finite coefficients at iteration ${iteration} (R: "glm.fit: non-finite coefficients"); the fit stopped.`,
  psWarnPoorOverlap: (group: string, fraction: number, interval: [number, number]) =>
    `propensityScore: only ${(100 * fraction).toFixed(1)}% of the ${group} group have a preference score in [${interval[0]}, ${interval[1]}] (empirical equipoise asks for at least half of each group, Walker et al. 2013): the groups overlap poorly.`,
  matchWarnFewControls: (nTreated: number, nControls: number, ratio: number) =>
    `matchOnPropensity: ${nControls} comparator persons for ${nTreated} target persons at ratio ${ratio}: not every target person can get ${ratio} match${ratio > 1 ? 'es' : ''} without replacement.`,
  weightWarnExtreme: (group: string, max: number) =>
    `weightByPropensity: the largest weight in group ${group} is ${max.toPrecision(4)}; extreme weights inflate the variance (consider truncate, or the 'overlap' estimand).`,
  bootstrapFailedReplicates: (failed: number, replicates: number) =>
    `bootstrap: ${failed} of ${replicates} replicates gave no estimate (e.g. nobody at risk at a horizon in the resample) and were left out of the percentile intervals.`,
  riskHorizonBeyondFollowUp: (horizon: number, group: string) =>
    `riskAtHorizon: horizon ${horizon} is after the last follow-up time in group ${group}; its risk is null (not estimable).`,
  immortalTime: (detail: string) =>
    new CohorteError('immortal-time', `targetTrialProtocol: immortal time: ${detail}`),
  badProtocol: (field: string, expected: string) =>
    new CohorteError('bad-protocol', `targetTrialProtocol: ${field} must be ${expected}.`),
  duplicateLongRow: (key: string, name: string) =>
    new CohorteError('duplicate-long-row', `covariateMatrix: the long table holds covariate '${name}' twice for the key ${key}; give key columns that identify one row of the data (e.g. person_id and index_date when persons have several entries).`),
  badLookback: (window: readonly number[]) =>
    new CohorteError('bad-lookback', `buildCovariateTable: lookback [${window.join(', ')}] must be [start, end] in days relative to index with start <= end <= 0 (baseline covariates come before time zero).`),
  // --- end of comparative effectiveness ---

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

  // --- simulationPerformance ---
  simBadReplicate: (row: number, field: string, expected: string, value: unknown) =>
    new CohorteError('sim-bad-replicate', `simulationPerformance: replicate ${row}: ${field} must be ${expected}, got ${String(value)}.`, { row }),
  simTooFewReplicates: (usable: number) =>
    new CohorteError('sim-too-few-replicates', `simulationPerformance: ${usable} replicate(s) with an estimate and an interval; at least 2 are needed for a standard error.`),

  // --- plots (src/plot: spec builders and render) ---
  plotBadOption: (plot: string, option: string, expected: string, value: unknown) =>
    new CohorteError('plot-bad-option', `${plot}: option ${option} must be ${expected}, got ${String(value)}.`),
  plotNoData: (plot: string, what: string) =>
    new CohorteError('plot-no-data', `${plot}: ${what}; there is nothing to draw.`),
  plotBadDate: (plot: string, field: string, value: unknown) =>
    new CohorteError('plot-bad-date', `${plot}: ${field} must be an ISO 'YYYY-MM-DD' date or a Date, got ${String(value)}.`),
  plotNoFont: (tried: string[]) =>
    new CohorteError(
      'plot-no-font',
      `renderPng: no font file found (looked for ${tried.join(', ')}); install the Debian package fonts-dejavu-core or pass fontFiles.`,
    ),
};

// --- kaplanMeier / logRank ---

// --- aalenJohansen ---

// --- coxph / coxZph ---

// --- rates / Lexis / standardisation ---
