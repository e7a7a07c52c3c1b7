// OMOP CDM v5.3 / v5.4 loader: public entry points.
export { loadOmop, type LoadOmopOptions, type OmopLoadSettings } from './loadOmop.js';
export { omopTables, omopRequiredColumns, omopRowKey, type OmopTable } from './tables.js';
export { genderConcepts } from './person.js';
