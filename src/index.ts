// cohorte: the public API. Notebooks, studies and scripts import only from here.

// --- the event model ---
export * from './model/index.js';

// --- engines ---
export {
  openDuckDb,
  openPostgres,
  duckdbDialect,
  postgresDialect,
  replaceTable,
  replaceView,
  watchStatements,
  type Engine,
  type StatementProgress,
  type StatementWatch,
  type TypedColumns,
  type SqlDialect,
  type DuckDbOptions,
} from './engine/index.js';

// --- loading ---
export { stageFile, stageTable, type StagedTable, type StageOptions, type TableStageOptions } from './load/stage.js';
export { createModelTables, countModelTables } from './load/model.js';
export { formatRowAccounts, type LoadResult } from './load/result.js';
export { type LoadProgress, type OnLoadProgress } from './load/progress.js';
export {
  loadSnds,
  sndsCleaningRules,
  sndsCleaningRuleNames,
  type LoadSndsOptions,
  type SndsCleaningRule,
  type SndsCleaningRuleDoc,
  type SndsFiles,
} from './load/snds/index.js';
export { type SndsObservationWindow } from './load/snds/observation.js';
export { loadOmop, omopTables, type LoadOmopOptions, type OmopLoadSettings, type OmopTable } from './load/omop/index.js';
export { linkPersons, type LinkPersonsOptions, type LinkageResult, type LinkageConflicts } from './load/linkage.js';

// --- study design: code sets, cohorts, follow-up ---
export {
  codeSetCondition,
  codeSetRef,
  matchesIcd10,
  validateCodeSet,
  type CodeSet,
  type CodeSetRef,
  type AtcCodeSet,
  type Icd10CodeSet,
  type Cip13CodeSet,
  type OmopCodeSet,
} from './cohort/codeSets.js';
export { type EventSelector } from './cohort/events.js';
export { buildCohort, type CohortDefinition, type Criterion, type CohortResult, type BuildCohortOptions } from './cohort/buildCohort.js';
export { buildComparatorCohorts, type BothCohortsRule, type ComparatorCohortsResult } from './cohort/comparatorCohorts.js';
export { type AttritionRow } from './cohort/attrition.js';
export { personTimeline, type PersonTimeline } from './cohort/personTimeline.js';
export {
  buildAnalysisTable,
  readAnalysisColumns,
  type AnalysisTableOptions,
  type AnalysisTableResult,
  type BaselineCovariate,
  type CensoringDates,
} from './followup/buildAnalysisTable.js';
// --- exposure windows from dispensings ---
export * from './exposure/index.js';

export {
  buildTimeVaryingAnalysis,
  type TimeVaryingAnalysisOptions,
  type TimeVaryingAnalysisResult,
  type EpisodeSource,
} from './followup/buildTimeVaryingAnalysis.js';

// --- estimators ---
export { type EstimatorData } from './estimate/input.js';
export {
  kaplanMeier,
  type KaplanMeierOptions,
  type KaplanMeierResult,
  type KaplanMeierSettings,
  type KmStratum,
  type KmMedian,
  type KmRmst,
  type KmConfType,
} from './estimate/kaplanMeier.js';
export { logRank, type LogRankOptions, type LogRankResult, type LogRankSettings } from './estimate/logRank.js';
export {
  aalenJohansen,
  type AalenJohansenOptions,
  type AalenJohansenResult,
  type AalenJohansenSingleResult,
  type AjStratum,
  type AjCauseCurve,
  type AjSurvival,
} from './estimate/aalenJohansen.js';
export { coxph, type CoxphOptions, type CoxphResult, type CoxphSettings, type CoxTest } from './estimate/coxph.js';
export { coxZph, type CoxZphOptions, type CoxZphResult, type CoxZphRow } from './estimate/coxZph.js';
export { poissonRate, type PoissonRateOptions, type PoissonRateResult } from './estimate/poissonRate.js';
export { rateRatio, type RateRatioOptions, type RateRatioResult } from './estimate/rateRatio.js';
export { incidenceRates, type IncidenceRatesOptions, type IncidenceRatesResult, type IncidenceRateRow } from './estimate/incidenceRates.js';
export { lexisSplit, type LexisSplitOptions, type LexisSplitResult, type LexisSplitColumns, type LexisBand } from './estimate/lexisSplit.js';
export {
  directStandardise,
  type DirectStandardiseOptions,
  type DirectStandardiseResult,
  type StratumRate,
  type StandardPopulationStratum,
} from './estimate/directStandardise.js';

// --- comparative effectiveness: propensity scores, matching, weighting, balance ---
export { logisticRegression } from './estimate/logisticRegression.js';
export type { LogisticRegressionOptions, LogisticRegressionResult } from './estimate/logisticRegression.js';
export { propensityScore, cStatistic } from './estimate/propensityScore.js';
export type { PropensityScoreOptions, PropensityScoreResult } from './estimate/propensityScore.js';
export { matchOnPropensity, matchingWeights } from './estimate/matchOnPropensity.js';
export type { MatchOnPropensityOptions, MatchOnPropensityResult } from './estimate/matchOnPropensity.js';
export { weightByPropensity } from './estimate/weightByPropensity.js';
export type { WeightByPropensityOptions, WeightByPropensityResult } from './estimate/weightByPropensity.js';
export { bootstrap, percentileInterval, riskAtHorizon, adjustedCurves, weightedCox, matchedCox } from './estimate/adjustedRisk.js';
export type { RiskAtHorizonOptions, RiskAtHorizonResult } from './estimate/adjustedRisk.js';
export { balanceTable, loveplotSpec } from './characterise/balanceTable.js';
export type { BalanceTableOptions, BalanceTableResult } from './characterise/balanceTable.js';
export { tableOne } from './characterise/tableOne.js';
export type { TableOneOptions, TableOneResult } from './characterise/tableOne.js';
export { covariateMatrix } from './characterise/covariateMatrix.js';
export type { CovariateMatrixOptions, CovariateMatrixResult } from './characterise/covariateMatrix.js';
export { buildCovariateTable } from './characterise/covariateTable.js';
export type { CovariateTableOptions } from './characterise/covariateTable.js';
export { targetTrialProtocol, protocolTable, formatProtocol, assertNoImmortalTime } from './design/targetTrial.js';
export type { TargetTrialProtocol, TargetTrialProtocolInput } from './design/targetTrial.js';

// --- plots: Vega-Lite specs, rendered to SVG / PNG without a browser ---
export * from './plot/index.js';

// --- simulation: synthetic linked data with planted effects ---
export {
  simulate,
  estimatePlantedEffect,
  type SimulationOptions,
  type SimulationSummary,
  type WrittenFile,
  type PlantedEffectEstimate,
  type HazardRatioEstimate,
} from './simulate/index.js';
export {
  simulationPerformance,
  type SimulationReplicate,
  type SimulationPerformanceOptions,
  type SimulationPerformanceResult,
  type MeasureWithMcse,
} from './estimate/simulationPerformance.js';

// --- studies: definitions, batch runs, verification ---
export * from './study/index.js';

// --- results: the only way out ---
export * from './results/index.js';

// --- messages ---
export { CohorteError } from './messages/index.js';
