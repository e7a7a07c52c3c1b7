// Synthetic linked data with planted drug effects: the same population in the SNDS and OMOP layouts.
export { simulate, type SimulationSummary, type WrittenFile } from './simulate.js';
export { resolveSettings, defaultModel, defaultMessyRates, type SimulationOptions, type SimulationSettings, type ModelParameters, type MessyRates } from './settings.js';
export { populationContext, simulatePerson, type SimPerson, type PopulationContext } from './simulatePopulation.js';
export { exposureSegments, firstEventDay, type ExposureSegment, type ExposureState } from './exposure.js';
export { counterfactualRisk, cumulativeIncidence, type Truth, type CounterfactualRisk } from './truth.js';
export { sndsColumns, dcirKeys, type MessyRowCounts } from './writeSnds.js';
export { omopColumns } from './writeOmop.js';
export { products, ingredients, outcomeCodes, outcomeCodePrefixes, comorbidityCodes, cip13Of, ean13CheckDigit } from './codes.js';
export { estimatePlantedEffect, observableConfounding, type PlantedEffectEstimate, type HazardRatioEstimate } from './estimatePlantedEffect.js';
