// OMOP clinical tables → model events: observation_period, visit_occurrence (inpatient stays),
// drug_exposure / drug_era → dispensing, condition_occurrence / condition_era → diagnosis, procedure_occurrence.
import type { RowAccount } from '../../model/index.js';
import type { RowRule } from '../rules.js';
import type { StagedTable } from '../stage.js';
import {
  bigintIdOf,
  classifyStaged,
  col,
  dateOrDatetime,
  duplicateRowRule,
  endBeforeStartRule,
  givenColumn,
  idOf,
  integerIdForRules,
  numberOf,
  missingKeyRule,
  orphanRule,
  outsideLifeRule,
  unknownConceptRule,
  unparseableDateRule,
  type LoadContext,
} from './sql.js';

interface EventSpec {
  staged: StagedTable;
  source: string;
  target: string[];
  /** Derived columns: `_pid` and `_start` always, `_end`, `_concept`, `_key` when the table has them. */
  derived: Record<string, string>;
  start: string;
  /** End column: required, or optional (checked only when `given`, a derived boolean column, is true). */
  end?: { column: string; required: boolean; given?: string };
  /** Concept column: 0 or empty is `unknown-concept`. */
  concept?: string;
  /** Id column that must be given and unique (derived `_key`). */
  key?: string;
  /** The table's own id column, if any: distinct ids rule out exact duplicate rows (see `idsAscending`). */
  id?: string;
  /** A scope rule (kind 'cleaning') tried after orphan and concept checks. */
  scope?: RowRule;
  insert: (kept: string) => string;
}

/** Rules in order: missing-key, duplicate-row, orphan-key, unknown-concept, scope, unparseable-date, end-before-start, date-outside-life, duplicate-key. */
async function loadEvents(ctx: LoadContext, spec: EventSpec): Promise<RowAccount> {
  const keys: Array<[string, string]> = [['_pid', 'person_id']];
  if (spec.key) keys.push(['_key', spec.key]);
  const rules: RowRule[] = [missingKeyRule(keys), duplicateRowRule, orphanRule];
  if (spec.concept) rules.push(unknownConceptRule(spec.concept));
  if (spec.scope) rules.push(spec.scope);
  const dates = [{ derived: '_start', column: spec.start }];
  if (spec.end) dates.push({ derived: '_end', column: spec.end.column, ...(spec.end.required ? {} : { given: spec.end.given! }) });
  rules.push(unparseableDateRule(dates));
  if (spec.end) rules.push(endBeforeStartRule(spec.start, spec.end.column));
  rules.push(outsideLifeRule(ctx, spec.start));
  // An integer-typed person_id joins the persons on integers: cheaper than printing it and hashing text.
  const personKey = ctx.personsByNumber ? bigintIdOf(spec.staged, 'person_id') : undefined;
  // Integer-typed ids are tested as integers where every row is classified; only kept rows print them. The person
  // id stays text when persons are joined on it.
  const ruleDerived: Record<string, string> = {};
  const typedPid = personKey ? integerIdForRules(spec.staged, 'person_id') : undefined;
  if (typedPid) ruleDerived._pid = typedPid;
  const typedConcept = spec.concept ? integerIdForRules(spec.staged, spec.concept) : undefined;
  if (typedConcept) ruleDerived._concept = typedConcept;
  const r = await classifyStaged(ctx, {
    staged: spec.staged,
    source: spec.source,
    derived: spec.derived,
    persons: personKey ? ctx.personsByNumber! : `${ctx.p}person`,
    ...(personKey ? { personKey } : {}),
    rules,
    ruleDerived,
    ...(spec.id ? { idColumn: spec.id } : {}),
    ...(spec.key ? { uniqueKey: { derived: '_key', column: spec.key } } : {}),
  });
  await ctx.engine.run(spec.insert(r.kept));
  for (const sql of r.dropKept) await ctx.engine.run(sql);
  return { source: spec.source, files: [spec.staged.file], rowsRead: spec.staged.rows, rowsLoaded: r.keptRows, target: spec.target, removed: r.removed };
}

export function loadObservationPeriod(ctx: LoadContext, s: StagedTable): Promise<RowAccount> {
  const { d, p } = ctx;
  return loadEvents(ctx, {
    staged: s,
    source: 'observation_period',
    id: 'observation_period_id',
    target: ['observation_period'],
    derived: {
      _pid: idOf(d, s, 'person_id'),
      _start: dateOrDatetime(d, s, 'observation_period_start_date'),
      _end: dateOrDatetime(d, s, 'observation_period_end_date'),
    },
    start: 'observation_period_start_date',
    end: { column: 'observation_period_end_date', required: true },
    insert: (k) =>
      `INSERT INTO ${p}observation_period (person_id, start_date, end_date, source_table, source_row) ` +
      `SELECT _pid, _start, _end, 'observation_period', source_row FROM ${k}`,
  });
}

/**
 * Inpatient visits → hospital_stay (stay_id = visit_occurrence_id). Other visits are removed by the cleaning
 * rule `not-inpatient-visit` (kept in the quarantine table like every removed row).
 */
export function loadVisits(ctx: LoadContext, s: StagedTable, inpatientConceptIds: number[]): Promise<RowAccount> {
  const { d, p } = ctx;
  const ids = inpatientConceptIds.map((c) => d.literal(String(Math.trunc(c)))).join(', ');
  return loadEvents(ctx, {
    staged: s,
    source: 'visit_occurrence',
    target: ['hospital_stay'],
    derived: {
      _pid: idOf(d, s, 'person_id'),
      _key: idOf(d, s, 'visit_occurrence_id'),
      _visit_concept: idOf(d, s, 'visit_concept_id'),
      _start: dateOrDatetime(d, s, 'visit_start_date', 'visit_start_datetime'),
      _end: dateOrDatetime(d, s, 'visit_end_date', 'visit_end_datetime'),
    },
    start: 'visit_start_date',
    end: { column: 'visit_end_date', required: true },
    key: 'visit_occurrence_id',
    scope: {
      reason: 'not-inpatient-visit',
      kind: 'cleaning',
      when: `_visit_concept IS NULL OR _visit_concept NOT IN (${ids})`,
      detail: `'visit_concept_id not in ${inpatientConceptIds.join(', ')}'`,
    },
    insert: (k) =>
      `INSERT INTO ${p}hospital_stay (stay_id, person_id, admission_date, discharge_date, primary_diagnosis, related_diagnosis, source_table, source_row) ` +
      `SELECT _key, _pid, _start, _end, NULL, NULL, 'visit_occurrence', source_row FROM ${k}`,
  });
}

export interface DrugOptions {
  /** Temp table (concept_id text, atc_code) from the concept table, when there is one. */
  atcLookup?: string;
  /** drug_exposure: derive days_supply from the end date when days_supply is 0 or empty. */
  deriveDaysSupply: boolean;
}

/**
 * drug_exposure → dispensing: one record = one dispensing dated at drug_exposure_start_date, product_code =
 * drug_concept_id (vocabulary 'OMOP'). `quantity` counts units (tablets, mL), not packs: packs = 1 and
 * units_per_pack = quantity (when > 0), so packs × units_per_pack is the quantity dispensed. days_supply as
 * recorded when > 0; else (deriveDaysSupply) end − start + 1 days when drug_exposure_end_date is given.
 */
export function loadDrugExposure(ctx: LoadContext, s: StagedTable, o: DrugOptions): Promise<RowAccount> {
  const { d, p } = ctx;
  const endGiven = `(${givenColumn(s, 'drug_exposure_end_date')} OR ${givenColumn(s, 'drug_exposure_end_datetime')})`;
  const derivedSupply = o.deriveDaysSupply ? `WHEN k._end IS NOT NULL THEN ${d.daysBetween('k._start', 'k._end')} + 1 ` : '';
  return loadEvents(ctx, {
    staged: s,
    source: 'drug_exposure',
    id: 'drug_exposure_id',
    target: ['dispensing'],
    derived: {
      _pid: idOf(d, s, 'person_id'),
      _concept: idOf(d, s, 'drug_concept_id'),
      _start: dateOrDatetime(d, s, 'drug_exposure_start_date', 'drug_exposure_start_datetime'),
      _end: dateOrDatetime(d, s, 'drug_exposure_end_date', 'drug_exposure_end_datetime'),
      _end_given: endGiven,
      _days_supply: numberOf(d, s, 'days_supply'),
      _quantity: numberOf(d, s, 'quantity'),
    },
    start: 'drug_exposure_start_date',
    end: { column: 'drug_exposure_end_date', required: false, given: '_end_given' },
    concept: 'drug_concept_id',
    insert: (k) =>
      `INSERT INTO ${p}dispensing (person_id, date, product_code, product_vocabulary, atc_code, packs, units_per_pack, days_supply, source_table, source_row) ` +
      `SELECT k._pid, k._start, k._concept, 'OMOP', ${o.atcLookup ? 'a.atc_code' : 'NULL'}, 1, ` +
      `CASE WHEN k._quantity > 0 THEN k._quantity END, ` +
      `CAST(CASE WHEN k._days_supply > 0 THEN k._days_supply ${derivedSupply}END AS DOUBLE PRECISION), 'drug_exposure', k.source_row ` +
      `FROM ${k} AS k${o.atcLookup ? ` LEFT JOIN ${o.atcLookup} AS a ON a.concept_id = k._concept` : ''}`,
  });
}

/**
 * drug_era → dispensing: one era = one record dated at the era start, days_supply = era length
 * (end − start + 1, gaps included); packs and units unknown (NULL).
 */
export function loadDrugEra(ctx: LoadContext, s: StagedTable, o: DrugOptions): Promise<RowAccount> {
  const { d, p } = ctx;
  return loadEvents(ctx, {
    staged: s,
    source: 'drug_era',
    id: 'drug_era_id',
    target: ['dispensing'],
    derived: {
      _pid: idOf(d, s, 'person_id'),
      _concept: idOf(d, s, 'drug_concept_id'),
      _start: dateOrDatetime(d, s, 'drug_era_start_date'),
      _end: dateOrDatetime(d, s, 'drug_era_end_date'),
    },
    start: 'drug_era_start_date',
    end: { column: 'drug_era_end_date', required: true },
    concept: 'drug_concept_id',
    insert: (k) =>
      `INSERT INTO ${p}dispensing (person_id, date, product_code, product_vocabulary, atc_code, packs, units_per_pack, days_supply, source_table, source_row) ` +
      `SELECT k._pid, k._start, k._concept, 'OMOP', ${o.atcLookup ? 'a.atc_code' : 'NULL'}, NULL, NULL, ` +
      `CAST(${d.daysBetween('k._start', 'k._end')} + 1 AS DOUBLE PRECISION), 'drug_era', k.source_row ` +
      `FROM ${k} AS k${o.atcLookup ? ` LEFT JOIN ${o.atcLookup} AS a ON a.concept_id = k._concept` : ''}`,
  });
}

/** The stay of an event: its visit_occurrence_id when that visit was loaded as an inpatient stay of the same person. */
function stayJoin(p: string, k: string): string {
  return `${k} AS k LEFT JOIN ${p}hospital_stay AS hs ON hs.stay_id = k._visit AND hs.person_id = k._pid`;
}

/** condition_occurrence → diagnosis (role 'condition', vocabulary 'OMOP', code = condition_concept_id). */
export function loadConditionOccurrence(ctx: LoadContext, s: StagedTable): Promise<RowAccount> {
  const { d, p } = ctx;
  const endGiven = `(${givenColumn(s, 'condition_end_date')} OR ${givenColumn(s, 'condition_end_datetime')})`;
  return loadEvents(ctx, {
    staged: s,
    source: 'condition_occurrence',
    id: 'condition_occurrence_id',
    target: ['diagnosis'],
    derived: {
      _pid: idOf(d, s, 'person_id'),
      _concept: idOf(d, s, 'condition_concept_id'),
      _start: dateOrDatetime(d, s, 'condition_start_date', 'condition_start_datetime'),
      _end: dateOrDatetime(d, s, 'condition_end_date', 'condition_end_datetime'),
      _visit: idOf(d, s, 'visit_occurrence_id'),
      _end_given: endGiven,
    },
    start: 'condition_start_date',
    end: { column: 'condition_end_date', required: false, given: '_end_given' },
    concept: 'condition_concept_id',
    insert: (k) =>
      `INSERT INTO ${p}diagnosis (person_id, date, code, vocabulary, role, stay_id, source_table, source_row) ` +
      `SELECT k._pid, k._start, k._concept, 'OMOP', 'condition', hs.stay_id, 'condition_occurrence', k.source_row FROM ${stayJoin(p, k)}`,
  });
}

/** condition_era → diagnosis dated at the era start (role 'condition', no stay). */
export function loadConditionEra(ctx: LoadContext, s: StagedTable): Promise<RowAccount> {
  const { d, p } = ctx;
  return loadEvents(ctx, {
    staged: s,
    source: 'condition_era',
    id: 'condition_era_id',
    target: ['diagnosis'],
    derived: {
      _pid: idOf(d, s, 'person_id'),
      _concept: idOf(d, s, 'condition_concept_id'),
      _start: dateOrDatetime(d, s, 'condition_era_start_date'),
      _end: dateOrDatetime(d, s, 'condition_era_end_date'),
    },
    start: 'condition_era_start_date',
    end: { column: 'condition_era_end_date', required: true },
    concept: 'condition_concept_id',
    insert: (k) =>
      `INSERT INTO ${p}diagnosis (person_id, date, code, vocabulary, role, stay_id, source_table, source_row) ` +
      `SELECT _pid, _start, _concept, 'OMOP', 'condition', NULL, 'condition_era', source_row FROM ${k}`,
  });
}

/** procedure_occurrence → procedure (code = procedure_concept_id, vocabulary 'OMOP'). */
export function loadProcedures(ctx: LoadContext, s: StagedTable): Promise<RowAccount> {
  const { d, p } = ctx;
  return loadEvents(ctx, {
    staged: s,
    source: 'procedure_occurrence',
    id: 'procedure_occurrence_id',
    target: ['procedure'],
    derived: {
      _pid: idOf(d, s, 'person_id'),
      _concept: idOf(d, s, 'procedure_concept_id'),
      _start: dateOrDatetime(d, s, 'procedure_date', 'procedure_datetime'),
      _visit: idOf(d, s, 'visit_occurrence_id'),
    },
    start: 'procedure_date',
    concept: 'procedure_concept_id',
    insert: (k) =>
      `INSERT INTO ${p}procedure (person_id, date, code, vocabulary, stay_id, source_table, source_row) ` +
      `SELECT k._pid, k._start, k._concept, 'OMOP', hs.stay_id, 'procedure_occurrence', k.source_row FROM ${stayJoin(p, k)}`,
  });
}
