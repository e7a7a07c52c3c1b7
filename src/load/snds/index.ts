// The SNDS loader: an extract in the French national claims layout into the event model.
export { loadSnds, type LoadSndsOptions } from './loadSnds.js';
export {
  resolveCleaning,
  sndsCleaningRules,
  sndsCleaningRuleNames,
  pmsiDummyPatientKeys,
  pmsiDuplicateFiness,
  pmsiLinkageCodes,
  type SndsCleaningRule,
  type SndsCleaningRuleDoc,
} from './cleaning.js';
export { findSndsFiles, resolveSndsFiles, mcoTableName, type SndsFiles, type SndsMcoYear } from './files.js';
export { dcirJoinKeys } from './dcir.js';
export { irDeathSource } from './deaths.js';
