// The model's tables on the engine: names and SQL column definitions, one source of truth for
// loaders (which create them) and design code (which reads them).

export interface ModelColumn {
  name: string;
  /** Portable SQL type. */
  type: 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'DOUBLE PRECISION' | 'DATE' | 'SMALLINT';
}

const source: ModelColumn[] = [
  { name: 'source_table', type: 'VARCHAR' },
  { name: 'source_row', type: 'BIGINT' },
];

export const modelTables = {
  person: [
    { name: 'person_id', type: 'VARCHAR' },
    { name: 'birth_year', type: 'INTEGER' },
    { name: 'birth_date', type: 'DATE' },
    { name: 'sex', type: 'SMALLINT' },
    { name: 'death_date', type: 'DATE' },
    ...source,
  ],
  observation_period: [
    { name: 'person_id', type: 'VARCHAR' },
    { name: 'start_date', type: 'DATE' },
    { name: 'end_date', type: 'DATE' },
    ...source,
  ],
  dispensing: [
    { name: 'person_id', type: 'VARCHAR' },
    { name: 'date', type: 'DATE' },
    { name: 'product_code', type: 'VARCHAR' },
    { name: 'product_vocabulary', type: 'VARCHAR' },
    { name: 'atc_code', type: 'VARCHAR' },
    { name: 'packs', type: 'DOUBLE PRECISION' },
    { name: 'units_per_pack', type: 'DOUBLE PRECISION' },
    { name: 'days_supply', type: 'DOUBLE PRECISION' },
    ...source,
  ],
  hospital_stay: [
    { name: 'stay_id', type: 'VARCHAR' },
    { name: 'person_id', type: 'VARCHAR' },
    { name: 'admission_date', type: 'DATE' },
    { name: 'discharge_date', type: 'DATE' },
    { name: 'primary_diagnosis', type: 'VARCHAR' },
    { name: 'related_diagnosis', type: 'VARCHAR' },
    ...source,
  ],
  diagnosis: [
    { name: 'person_id', type: 'VARCHAR' },
    { name: 'date', type: 'DATE' },
    { name: 'code', type: 'VARCHAR' },
    { name: 'vocabulary', type: 'VARCHAR' },
    { name: 'role', type: 'VARCHAR' },
    { name: 'stay_id', type: 'VARCHAR' },
    ...source,
  ],
  procedure: [
    { name: 'person_id', type: 'VARCHAR' },
    { name: 'date', type: 'DATE' },
    { name: 'code', type: 'VARCHAR' },
    { name: 'vocabulary', type: 'VARCHAR' },
    { name: 'stay_id', type: 'VARCHAR' },
    ...source,
  ],
  long_term_registration: [
    { name: 'person_id', type: 'VARCHAR' },
    { name: 'start_date', type: 'DATE' },
    { name: 'end_date', type: 'DATE' },
    { name: 'icd10', type: 'VARCHAR' },
    { name: 'ald_number', type: 'VARCHAR' },
    ...source,
  ],
  death: [
    { name: 'person_id', type: 'VARCHAR' },
    { name: 'death_date', type: 'DATE' },
    { name: 'cause_code', type: 'VARCHAR' },
    ...source,
  ],
  /** OMOP vocabulary hierarchy, kept for descendant code sets. */
  concept_ancestor: [
    { name: 'ancestor_concept_id', type: 'BIGINT' },
    { name: 'descendant_concept_id', type: 'BIGINT' },
    { name: 'min_levels_of_separation', type: 'INTEGER' },
    { name: 'max_levels_of_separation', type: 'INTEGER' },
  ],
  /** Every row a loader did not load as-is: quarantined (bad input) or excluded by a named cleaning rule. */
  quarantine: [
    { name: 'source_table', type: 'VARCHAR' },
    { name: 'source_row', type: 'BIGINT' },
    { name: 'kind', type: 'VARCHAR' },
    { name: 'reason', type: 'VARCHAR' },
    { name: 'detail', type: 'VARCHAR' },
    /** The raw row as JSON text, so nothing is lost. */
    { name: 'raw', type: 'VARCHAR' },
  ],
} as const satisfies Record<string, readonly ModelColumn[]>;

export type ModelTableName = keyof typeof modelTables;

/** `CREATE TABLE` statement for one model table, with an optional name prefix (schema or namespace). */
export function createTableSql(table: ModelTableName, prefix = ''): string {
  const cols = modelTables[table].map((c) => `${c.name} ${c.type}`).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${prefix}${table} (${cols})`;
}
