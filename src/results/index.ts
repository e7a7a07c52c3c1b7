export { suppressCount, suppressSmallCounts, defaultSuppression, type SuppressionSettings } from './suppress.js';
export { writeJsonResult, countFields, type WriteOptions } from './write.js';
