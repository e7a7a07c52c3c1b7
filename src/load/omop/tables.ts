// The OMOP CDM (v5.3 / v5.4) tables the loader reads, and the columns each one must have.
// Column names are compared in lower case: CDM exports write them in either case.

export type OmopTable =
  | 'person'
  | 'observation_period'
  | 'drug_exposure'
  | 'drug_era'
  | 'condition_occurrence'
  | 'condition_era'
  | 'visit_occurrence'
  | 'procedure_occurrence'
  | 'death'
  | 'concept_ancestor'
  | 'concept';

export const omopTables: readonly OmopTable[] = [
  'person',
  'observation_period',
  'drug_exposure',
  'drug_era',
  'condition_occurrence',
  'condition_era',
  'visit_occurrence',
  'procedure_occurrence',
  'death',
  'concept_ancestor',
  'concept',
];

/**
 * Columns a table must have. A date column may be given as its `_datetime` twin instead only where the
 * CDM itself makes the date required, so the date column is what we require.
 */
export const omopRequiredColumns: Record<OmopTable, string[]> = {
  person: ['person_id', 'gender_concept_id', 'year_of_birth'],
  observation_period: ['person_id', 'observation_period_start_date', 'observation_period_end_date'],
  drug_exposure: ['person_id', 'drug_concept_id', 'drug_exposure_start_date'],
  drug_era: ['person_id', 'drug_concept_id', 'drug_era_start_date', 'drug_era_end_date'],
  condition_occurrence: ['person_id', 'condition_concept_id', 'condition_start_date'],
  condition_era: ['person_id', 'condition_concept_id', 'condition_era_start_date', 'condition_era_end_date'],
  visit_occurrence: ['visit_occurrence_id', 'person_id', 'visit_concept_id', 'visit_start_date', 'visit_end_date'],
  procedure_occurrence: ['person_id', 'procedure_concept_id', 'procedure_date'],
  death: ['person_id', 'death_date'],
  concept_ancestor: ['ancestor_concept_id', 'descendant_concept_id'],
  concept: ['concept_id', 'vocabulary_id', 'concept_class_id', 'concept_code'],
};

/**
 * The key ordering the rows of a CDM table read from a database schema, which gives them their source_row
 * (rank in this order, see omopRowOrder): the table's primary key; for death (no id; person_id is its key in
 * v5.3) the person then the death date, so of two deaths of a person the earlier one comes first.
 */
export const omopRowKey: Record<OmopTable, string[]> = {
  person: ['person_id'],
  observation_period: ['observation_period_id'],
  drug_exposure: ['drug_exposure_id'],
  drug_era: ['drug_era_id'],
  condition_occurrence: ['condition_occurrence_id'],
  condition_era: ['condition_era_id'],
  visit_occurrence: ['visit_occurrence_id'],
  procedure_occurrence: ['procedure_occurrence_id'],
  death: ['person_id', 'death_date'],
  concept_ancestor: ['ancestor_concept_id', 'descendant_concept_id'],
  concept: ['concept_id'],
};

/** What a table holds, for "file not found" messages. */
export const omopTableDescription: Record<OmopTable, string> = {
  person: 'one row per person (person_id, gender_concept_id, year_of_birth)',
  observation_period: 'observation periods (person_id, observation_period_start_date, observation_period_end_date)',
  drug_exposure: 'drug exposures (person_id, drug_concept_id, drug_exposure_start_date)',
  drug_era: 'drug eras (person_id, drug_concept_id, drug_era_start_date, drug_era_end_date)',
  condition_occurrence: 'condition occurrences (person_id, condition_concept_id, condition_start_date)',
  condition_era: 'condition eras (person_id, condition_concept_id, condition_era_start_date, condition_era_end_date)',
  visit_occurrence: 'visits (visit_occurrence_id, person_id, visit_concept_id, visit_start_date, visit_end_date)',
  procedure_occurrence: 'procedures (person_id, procedure_concept_id, procedure_date)',
  death: 'deaths (person_id, death_date); a header-only file when nobody died',
  concept_ancestor: 'the vocabulary hierarchy (ancestor_concept_id, descendant_concept_id)',
  concept: 'the vocabulary concepts (concept_id, vocabulary_id, concept_class_id, concept_code)',
};
