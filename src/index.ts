// cohorte: the public API. Notebooks, studies and scripts import only from here.

// --- the event model ---
export * from './model/index.js';

// --- engines ---
export { openDuckDb, duckdbDialect, type Engine, type TypedColumns, type SqlDialect, type DuckDbOptions } from './engine/index.js';

// --- loading ---
export { stageFile, type StagedTable, type StageOptions } from './load/stage.js';
export { createModelTables, countModelTables } from './load/model.js';
export { formatRowAccounts, type LoadResult } from './load/result.js';

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

// --- estimators ---
export { type EstimatorData } from './estimate/input.js';

// --- results: the only way out ---
export * from './results/index.js';

// --- messages ---
export { CohorteError } from './messages/index.js';
