// OMOP CDM v5.3 / v5.4 → the event model, with a row account for every table read.
//
// Conventions (each is also recorded in the result's settings):
// - ids: person_id and concept ids are compared as canonical integer text, so `26318.0` (ids exported as
//   floats) and `26318` are the same id; person_id is stored as that text;
// - dates: ISO or yyyymmdd, date or datetime (the time part is dropped); a `_date` column that is empty or
//   unparseable falls back on its `_datetime` twin;
// - sex: gender_concept_id 8507 → 1, 8532 → 2, any other → NULL;
// - unknown-concept: an event whose concept id is 0 (OMOP's "no matching concept") or empty is quarantined,
//   since no code set can select it; its raw row (with the source value) stays in the quarantine table;
// - date-outside-life: an event dated in a calendar year before the birth year, or more than
//   `deathMarginDays` (default 60, the OHDSI Data Quality Dashboard's plausibleBeforeDeath allowance for
//   administrative records) after death, is quarantined. Only the date the model keeps (the start) is checked:
//   an observation period or a drug exposure may end after death; follow-up is censored at death downstream;
// - hospital stays: inpatient visits only, visit_concept_id in `inpatientVisitConceptIds` (default 9201
//   Inpatient Visit and 262 Emergency Room and Inpatient Visit); other visits are removed by the cleaning rule
//   `not-inpatient-visit`. Conditions and procedures get stay_id = visit_occurrence_id when that visit is a
//   loaded inpatient stay of the same person;
// - drugs: see loadDrugExposure / loadDrugEra (packs = 1 per drug_exposure record, units_per_pack = quantity);
// - duplicate-row: a row identical, column by column, to an earlier row of the same table; two events with
//   different ids and otherwise equal values are both kept (two dispensings on a day are possible). A table whose
//   own ids (drug_exposure_id, …) ascend in file order has none, so its rows are not compared (`idsAscending`);
// - duplicate-key: person (person_id), death (one per person) and visit_occurrence (visit_occurrence_id) ids
//   must be unique: among otherwise valid rows, the first in source order is kept;
// - source order (source_row): the file's data row for CSV and Parquet, the storage order for a DuckDB database
//   file, and for tables of an engine schema (`cdmSchema`, e.g. PostgreSQL) the rank in key order (omopRowKey).
//
// Every statement is portable SQL (DuckDB and PostgreSQL); engine differences go through engine.dialect.
import { existsSync, statSync } from 'node:fs';
import type { Engine } from '../../engine/index.js';
import type { RowAccount } from '../../model/index.js';
import { loadMessages as msg } from '../../messages/index.js';
import { countModelTables, createModelTables, schemaPrefix } from '../model.js';
import { rowProgress, type OnLoadProgress } from '../progress.js';
import type { LoadResult } from '../result.js';
import { loadConditionEra, loadConditionOccurrence, loadDrugEra, loadDrugExposure, loadObservationPeriod, loadProcedures, loadVisits } from './events.js';
import { loadPersonAndDeath } from './person.js';
import { OmopSources } from './source.js';
import { personsByNumber, type LoadContext } from './sql.js';
import type { OmopTable } from './tables.js';
import { buildAtcLookup, loadConceptAncestor } from './vocabulary.js';

export interface LoadOmopOptions {
  /** Folder with one file per CDM table: `person.csv`, `PERSON.parquet`, `drug_exposure.csv.gz`… (name case ignored). */
  dir?: string;
  /** A file per table, overriding `database` and `dir` for that table. */
  files?: Partial<Record<OmopTable, string>>;
  /** An existing DuckDB database file holding the CDM tables, attached read-only (nothing is written to it). */
  database?: string;
  /** Schema of the CDM tables inside `database` (default 'main'). */
  databaseSchema?: string;
  /**
   * A schema of the engine's own database holding the CDM tables (table names in any case), e.g. a hospital
   * warehouse in PostgreSQL read on the PostgreSQL engine: nothing is copied out of the database. A table has no
   * file row number, so source_row is the row's rank in key order (primary key id as an integer; death: person
   * then death date), ties broken by every column. Must differ from `schema` (model tables share CDM names).
   */
  cdmSchema?: string;
  /** Engine schema receiving the model tables (default: the engine's default schema); its model tables must be empty. */
  schema?: string;
  /** Drug records: every exposure (`drug_exposure`, default) or the derived eras (`drug_era`). */
  drug?: 'drug_exposure' | 'drug_era';
  /** Conditions: every occurrence (`condition_occurrence`, default) or the derived eras (`condition_era`). */
  condition?: 'condition_occurrence' | 'condition_era';
  /** visit_concept_ids loaded as hospital stays (default [9201, 262]: inpatient, and ER then inpatient). */
  inpatientVisitConceptIds?: number[];
  /** Days after death an event may still be dated before it is quarantined as date-outside-life (default 60). */
  deathMarginDays?: number;
  /** drug_exposure with days_supply 0 or empty: use end − start + 1 days from drug_exposure_end_date (default true). */
  deriveDaysSupply?: boolean;
  /** Called as each CDM table is loaded. */
  onProgress?: OnLoadProgress;
}

/** The options a load ran with, as stored in LoadResult.settings. */
export interface OmopLoadSettings {
  sources: Record<string, string>;
  drug: 'drug_exposure' | 'drug_era';
  condition: 'condition_occurrence' | 'condition_era';
  inpatientVisitConceptIds: number[];
  deathMarginDays: number;
  deriveDaysSupply: boolean;
  atcFromConcept: boolean;
  unknownConcept: 'quarantine';
  drugQuantity: string;
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
let loadCounter = 0;

/**
 * Load an OMOP CDM (v5.3 or v5.4) from CSV/Parquet files, a DuckDB database file or a schema of the engine
 * (`cdmSchema`, e.g. a PostgreSQL warehouse) into the model tables of `schema`. Every row of every table read
 * is accounted for: loaded, or quarantined with its reason (raw row in `<schema>.quarantine`). A missing table
 * or column stops the load before anything is written.
 */
export async function loadOmop(engine: Engine, options: LoadOmopOptions = {}): Promise<LoadResult> {
  const drug = options.drug ?? 'drug_exposure';
  const condition = options.condition ?? 'condition_occurrence';
  const schema = options.schema ?? '';
  const inpatient = options.inpatientVisitConceptIds ?? [9201, 262];
  const deathMarginDays = options.deathMarginDays ?? 60;
  const deriveDaysSupply = options.deriveDaysSupply ?? true;
  if (!options.dir && !options.database && !options.cdmSchema && !Object.values(options.files ?? {}).some(Boolean)) throw msg.omopNoInput();
  if (options.database && options.cdmSchema) throw msg.omopInvalidOption('cdmSchema', options.cdmSchema, 'no `database` at the same time: one database source');
  if (options.dir && !(existsSync(options.dir) && statSync(options.dir).isDirectory())) throw msg.fileNotFound(options.dir, 'a folder of OMOP CDM tables (person.csv, …)');
  if (drug !== 'drug_exposure' && drug !== 'drug_era') throw msg.omopInvalidOption('drug', String(drug), "'drug_exposure' or 'drug_era'");
  if (condition !== 'condition_occurrence' && condition !== 'condition_era')
    throw msg.omopInvalidOption('condition', String(condition), "'condition_occurrence' or 'condition_era'");
  if (schema && !identifier.test(schema)) throw msg.omopInvalidOption('schema', schema, 'a plain SQL identifier (letters, digits, _)');
  if (!Number.isInteger(deathMarginDays) || deathMarginDays < 0)
    throw msg.omopInvalidOption('deathMarginDays', String(deathMarginDays), 'a whole number of days, 0 or more');
  if (!inpatient.length || inpatient.some((c) => !Number.isInteger(c)))
    throw msg.omopInvalidOption('inpatientVisitConceptIds', inpatient.join(','), 'a non-empty list of integer concept ids');

  if (options.cdmSchema) {
    // The model tables person, death, observation_period… would be the CDM tables themselves.
    const target = schema || String(await engine.scalar<string>('SELECT current_schema()'));
    if (target.toLowerCase() === options.cdmSchema.toLowerCase())
      throw msg.omopInvalidOption('schema', schema || `(default: ${target})`, `a schema other than cdmSchema '${options.cdmSchema}' (model tables share names with CDM tables)`);
  }
  await createModelTables(engine, schema || undefined);
  const before = await countModelTables(engine, schema || undefined);
  for (const [table, n] of Object.entries(before)) if (n > 0) throw msg.targetNotEmpty(schema, table, n);

  const sources = new OmopSources(engine, {
    ...(options.dir ? { dir: options.dir } : {}),
    ...(options.files ? { files: options.files } : {}),
    ...(options.database ? { database: options.database } : {}),
    ...(options.databaseSchema ? { databaseSchema: options.databaseSchema } : {}),
    ...(options.cdmSchema ? { cdmSchema: options.cdmSchema } : {}),
  });
  const accounts: RowAccount[] = [];
  let atcFromConcept = false;
  const sourceFiles: Record<string, string> = {};
  try {
    await sources.open();
    // Stage (and check) every table first: a missing table or column stops before anything is written.
    const person = await sources.stage('person', true);
    const death = await sources.stage('death', true);
    const observation = await sources.stage('observation_period', true);
    const visits = await sources.stage('visit_occurrence', true);
    const drugs = await sources.stage(drug, true);
    const conditions = await sources.stage(condition, true);
    const procedures = await sources.stage('procedure_occurrence', true);
    const ancestor = await sources.stage('concept_ancestor', true);
    const concept = await sources.stage('concept', false);
    const read: Array<[OmopTable, { file: string } | undefined]> = [
      ['person', person],
      ['death', death],
      ['observation_period', observation],
      ['visit_occurrence', visits],
      [drug, drugs],
      [condition, conditions],
      ['procedure_occurrence', procedures],
      ['concept_ancestor', ancestor],
      ['concept', concept],
    ];
    for (const [table, s] of read) if (s) sourceFiles[table] = s.file;
    const done = rowProgress(
      [person, death, observation, visits, drugs, conditions, procedures, ancestor, concept].reduce((n, s) => n + (s?.rows ?? 0), 0),
      options.onProgress,
    );

    const ctx: LoadContext = { engine, d: engine.dialect, p: schemaPrefix(schema || undefined), tag: `omop${++loadCounter}`, deathMarginDays };
    await engine.run('BEGIN TRANSACTION');
    try {
      accounts.push(...(await loadPersonAndDeath(ctx, person, death)));
      ctx.personsByNumber = await personsByNumber(ctx, `${ctx.p}person`, `${ctx.tag}_person_numbers`);
      done('person, death', person.rows + death.rows);
      accounts.push(await loadObservationPeriod(ctx, observation));
      done('observation_period', observation.rows);
      accounts.push(await loadVisits(ctx, visits, inpatient));
      done('visit_occurrence', visits.rows);
      const ancestorAccount = await loadConceptAncestor(ctx, ancestor);
      done('concept_ancestor', ancestor.rows);
      let atcLookup: string | undefined;
      let conceptAccount: RowAccount | undefined;
      if (concept) {
        const atc = await buildAtcLookup(ctx, concept);
        atcLookup = atc.table;
        conceptAccount = atc.account;
        atcFromConcept = true;
        done('concept', concept.rows);
      }
      const drugOptions = { deriveDaysSupply, ...(atcLookup ? { atcLookup } : {}) };
      accounts.push(drug === 'drug_exposure' ? await loadDrugExposure(ctx, drugs, drugOptions) : await loadDrugEra(ctx, drugs, drugOptions));
      done(drug, drugs.rows);
      accounts.push(condition === 'condition_occurrence' ? await loadConditionOccurrence(ctx, conditions) : await loadConditionEra(ctx, conditions));
      done(condition, conditions.rows);
      accounts.push(await loadProcedures(ctx, procedures));
      done('procedure_occurrence', procedures.rows);
      accounts.push(ancestorAccount);
      if (conceptAccount) accounts.push(conceptAccount);
      if (atcLookup) await engine.run(`DROP TABLE ${atcLookup}`);
      await engine.run(`DROP TABLE ${ctx.personsByNumber}`);
      await engine.run('COMMIT');
    } catch (e) {
      // Nothing half-loaded stays behind; the original error is what the user needs.
      await engine.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  } finally {
    await sources.close();
  }
  const settings: OmopLoadSettings = {
    sources: sourceFiles,
    drug,
    condition,
    inpatientVisitConceptIds: inpatient,
    deathMarginDays,
    deriveDaysSupply,
    atcFromConcept,
    unknownConcept: 'quarantine',
    drugQuantity: drug === 'drug_exposure' ? 'packs = 1 per record, units_per_pack = quantity' : 'packs and units unknown; days_supply = era length',
  };
  return { layout: 'omop', schema, accounts, counts: await countModelTables(engine, schema || undefined), settings: { ...settings } };
}
