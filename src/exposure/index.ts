// Drug exposure from dispensings: days' supply, continuous episodes, switching, discontinuation,
// time-varying exposure states and adherence, all compiled to SQL on the engine.
export type * from './types.js';
export { buildExposureEpisodes, exclusionReasons } from './buildExposureEpisodes.js';
export { daysSupplySql, checkDaysSupply } from './daysSupply.js';
export { drugSelectorSql, checkDrugSelectors } from './drugSelector.js';
export { detectSwitches } from './switching.js';
export { discontinuationDates } from './discontinuation.js';
export { buildExposureStates } from './exposureStates.js';
export { measureAdherence } from './adherence.js';
export { exposureMessages } from '../messages/index.js';
