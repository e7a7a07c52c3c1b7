export { suppressCount, suppressSmallCounts, defaultSuppression, type SuppressionSettings } from './suppress.js';
export { writeJsonResult, writeSummarisedResult, countFields, type WriteOptions } from './write.js';
export {
  summarisedRow,
  suppressSummarised,
  sortSummarised,
  summarisedCsv,
  settingsCsv,
  formatEstimate,
  summarisedResultColumns,
  countEstimateNames,
  type SummarisedRow,
  type ResultSettings,
  type EstimateType,
} from './summarisedResult.js';
export { checkResultsFolder, type OutputProblem } from './checkResults.js';
export { displayTable, type DisplayTableOptions } from './display.js';
export { toDanfo, danfoColumns, type DanfoSource, type DanfoDataFrame } from './toDanfo.js';
export { parseCsv } from './csv.js';
