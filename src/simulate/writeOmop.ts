// Writes the hospital group's warehouse in the OMOP CDM 5.4 layout: lower-case CDM column names,
// ',' delimiters, ISO dates. Only persons with at least one stay in a group establishment are in
// it, with their stays in the group (visit_occurrence 9201, condition_occurrence, procedure_occurrence).
// Choice: drug_exposure mirrors all claims dispensings of these persons (as a warehouse enriched by
// its claims linkage), observation_period is their claims coverage, and death mirrors the death
// register; so the same study can be run on both layouts and compared.

import { join } from 'node:path';
import {
  atc5ConceptId,
  atcClasses,
  ccamActs,
  conditionConceptOf,
  conditionConcepts,
  establishments,
  ingredients,
  localConditionConcepts,
  omopConcepts,
  otherConceptRows,
  procedureConceptOf,
  products,
} from './codes.js';
import { calendarOf, formatDay } from './dates.js';
import { inWarehouse, type PopulationContext, type SimPerson } from './simulatePopulation.js';
import { quoted, TableWriter } from './tableWriter.js';

export const omopColumns = {
  person: ['person_id', 'gender_concept_id', 'year_of_birth', 'month_of_birth', 'day_of_birth', 'birth_datetime', 'race_concept_id', 'ethnicity_concept_id', 'location_id', 'provider_id', 'care_site_id', 'person_source_value', 'gender_source_value', 'gender_source_concept_id', 'race_source_value', 'race_source_concept_id', 'ethnicity_source_value', 'ethnicity_source_concept_id'],
  observation_period: ['observation_period_id', 'person_id', 'observation_period_start_date', 'observation_period_end_date', 'period_type_concept_id'],
  visit_occurrence: ['visit_occurrence_id', 'person_id', 'visit_concept_id', 'visit_start_date', 'visit_start_datetime', 'visit_end_date', 'visit_end_datetime', 'visit_type_concept_id', 'provider_id', 'care_site_id', 'visit_source_value', 'visit_source_concept_id', 'admitted_from_concept_id', 'admitted_from_source_value', 'discharged_to_concept_id', 'discharged_to_source_value', 'preceding_visit_occurrence_id'],
  condition_occurrence: ['condition_occurrence_id', 'person_id', 'condition_concept_id', 'condition_start_date', 'condition_start_datetime', 'condition_end_date', 'condition_end_datetime', 'condition_type_concept_id', 'condition_status_concept_id', 'stop_reason', 'provider_id', 'visit_occurrence_id', 'visit_detail_id', 'condition_source_value', 'condition_source_concept_id', 'condition_status_source_value'],
  drug_exposure: ['drug_exposure_id', 'person_id', 'drug_concept_id', 'drug_exposure_start_date', 'drug_exposure_start_datetime', 'drug_exposure_end_date', 'drug_exposure_end_datetime', 'verbatim_end_date', 'drug_type_concept_id', 'stop_reason', 'refills', 'quantity', 'days_supply', 'sig', 'route_concept_id', 'lot_number', 'provider_id', 'visit_occurrence_id', 'visit_detail_id', 'drug_source_value', 'drug_source_concept_id', 'route_source_value', 'dose_unit_source_value'],
  procedure_occurrence: ['procedure_occurrence_id', 'person_id', 'procedure_concept_id', 'procedure_date', 'procedure_datetime', 'procedure_end_date', 'procedure_end_datetime', 'procedure_type_concept_id', 'modifier_concept_id', 'quantity', 'provider_id', 'visit_occurrence_id', 'visit_detail_id', 'procedure_source_value', 'procedure_source_concept_id', 'modifier_source_value'],
  death: ['person_id', 'death_date', 'death_datetime', 'death_type_concept_id', 'cause_concept_id', 'cause_source_value', 'cause_source_concept_id'],
  care_site: ['care_site_id', 'care_site_name', 'place_of_service_concept_id', 'location_id', 'care_site_source_value', 'place_of_service_source_value'],
  cdm_source: ['cdm_source_name', 'cdm_source_abbreviation', 'cdm_holder', 'source_description', 'source_documentation_reference', 'cdm_etl_reference', 'source_release_date', 'cdm_release_date', 'cdm_version', 'cdm_version_concept_id', 'vocabulary_version'],
  concept: ['concept_id', 'concept_name', 'domain_id', 'vocabulary_id', 'concept_class_id', 'standard_concept', 'concept_code', 'valid_start_date', 'valid_end_date', 'invalid_reason'],
  concept_ancestor: ['ancestor_concept_id', 'descendant_concept_id', 'min_levels_of_separation', 'max_levels_of_separation'],
} as const;

export type OmopTable = keyof typeof omopColumns;

/** OMOP person_id of a simulated person (the index + 1: ids have gaps where persons are not in the warehouse). */
export const omopPersonId = (p: SimPerson): number => p.index + 1;

export class OmopWriter {
  /** Warehouse persons written so far. */
  persons = 0;
  private readonly tables: Record<OmopTable, TableWriter>;
  private ids = { visit: 0, condition: 0, drug: 0, procedure: 0 };

  constructor(
    readonly dir: string,
    private readonly ctx: PopulationContext,
  ) {
    const t = (name: OmopTable) => new TableWriter(join(dir, `${name}.csv`), omopColumns[name], ',');
    this.tables = Object.fromEntries((Object.keys(omopColumns) as OmopTable[]).map((k) => [k, t(k)])) as Record<OmopTable, TableWriter>;
    this.writeVocabulary();
  }

  writers(): TableWriter[] {
    return Object.values(this.tables);
  }

  /** Write a person if they are in the warehouse; returns whether they were. */
  write(p: SimPerson): boolean {
    if (!inWarehouse(p)) return false;
    this.persons++;
    const T = this.tables;
    const id = omopPersonId(p);
    const b = calendarOf(p.birthDay);
    T.person.row([
      id, p.sex === 1 ? omopConcepts.male : omopConcepts.female, b.year, b.month, b.day, '', 0, 0, '', '', '', `IPP${String(p.index * 7 + 100000).padStart(9, '0')}`,
      p.sex === 1 ? 'M' : 'F', 0, '', 0, '', 0,
    ]);
    T.observation_period.row([id, id, formatDay(p.entryDay, 'iso'), formatDay(p.exitDay, 'iso'), omopConcepts.claim]);

    for (const s of p.stays) {
      if (!s.establishment.inGroup) continue;
      const visit = ++this.ids.visit;
      const start = formatDay(s.admissionDay, 'iso');
      const end = formatDay(s.dischargeDay, 'iso');
      T.visit_occurrence.row([visit, id, omopConcepts.inpatientVisit, start, '', end, '', omopConcepts.ehr, '', s.establishment.careSiteId ?? '', '', 0, 0, '', 0, s.died ? 'deceased' : '', '']);
      const conditions: Array<[string, number]> = [[s.dp, omopConcepts.primaryDiagnosis]];
      if (s.dr) conditions.push([s.dr, omopConcepts.secondaryDiagnosis]);
      for (const a of s.associated) conditions.push([a, omopConcepts.secondaryDiagnosis]);
      for (const [code, status] of conditions) {
        T.condition_occurrence.row([++this.ids.condition, id, conditionConceptOf(code), start, '', end, '', omopConcepts.ehr, status, '', '', visit, '', code, 0, status === omopConcepts.primaryDiagnosis ? 'DP' : code === s.dr ? 'DR' : 'DAS']);
      }
      for (const act of s.acts) {
        T.procedure_occurrence.row([++this.ids.procedure, id, procedureConceptOf(act), start, '', '', '', omopConcepts.ehr, 0, 1, '', visit, '', act, 0, '']);
      }
    }

    for (const d of p.dispensings) {
      const quantity = d.packs * d.product.unitsPerPack;
      T.drug_exposure.line(
        `${++this.ids.drug},${id},${d.product.omopConceptId},${formatDay(d.day, 'iso')},,${formatDay(d.day + d.supplyDays - 1, 'iso')},,,${omopConcepts.claim},,,${quantity},${d.supplyDays},,,,,,,${d.product.cip13},0,,`,
      );
    }

    if (p.deathDay !== null) {
      const cause = p.causeRecorded && p.deathCause ? p.deathCause : '';
      T.death.row([id, formatDay(p.deathDay, 'iso'), '', omopConcepts.deathCertificate, cause ? conditionConceptOf(cause) : 0, cause, 0]);
    }
    return true;
  }

  /** The small vocabulary of the concepts used, with the drug hierarchy (ATC class → ingredient → product). */
  private writeVocabulary(): void {
    const C = this.tables.concept;
    const A = this.tables.concept_ancestor;
    const row = (id: number, name: string, domain: string, vocabulary: string, cls: string, standard: string, code: string) =>
      C.row([id, quoted(name), domain, vocabulary, cls, standard, quoted(code), '1970-01-01', '2099-12-31', '']);
    for (const c of otherConceptRows) row(c.id, c.name, c.domain, c.vocabulary, c.conceptClass, c.standard, c.code);
    for (const c of conditionConcepts) row(c.omopConceptId, c.name, 'Condition', 'SNOMED', 'Clinical Finding', 'S', c.snomed);
    for (const c of localConditionConcepts) row(c.omopConceptId, c.name, 'Condition', 'Local', 'Clinical Finding', 'S', c.icd10);
    for (const [code, label] of Object.entries(ccamActs)) row(procedureConceptOf(code), label, 'Procedure', 'CCAM', 'CCAM', 'S', code);
    for (const a of atcClasses) row(a.omopConceptId, a.label, 'Drug', 'ATC', 'ATC 4th', 'C', a.code);
    for (const i of ingredients) row(atc5ConceptId(i.atc), i.atcLabel.toLowerCase(), 'Drug', 'ATC', 'ATC 5th', 'C', i.atc);
    for (const i of ingredients) row(i.omopConceptId, i.name, 'Drug', i.conceptSource === 'athena' ? 'RxNorm' : 'RxNorm Extension', 'Ingredient', 'S', i.rxnormCode || `OMOP${i.omopConceptId}`);
    for (const p of products) row(p.omopConceptId, `${p.ingredient.name} ${p.strength.toUpperCase()} ${p.name.includes('GELULE') ? 'Oral Capsule' : 'Oral Tablet'} Box of ${p.unitsPerPack} [${p.name.split(' ')[0]}]`, 'Drug', 'CIP13', 'Drug Product', 'S', p.cip13);

    const anc = (a: number, d: number, level: number) => A.row([a, d, level, level]);
    for (const c of [...conditionConcepts, ...localConditionConcepts]) anc(c.omopConceptId, c.omopConceptId, 0);
    for (const code of Object.keys(ccamActs)) anc(procedureConceptOf(code), procedureConceptOf(code), 0);
    for (const a of atcClasses) {
      anc(a.omopConceptId, a.omopConceptId, 0);
      for (const i of ingredients.filter((x) => x.atc4 === a.code)) {
        anc(a.omopConceptId, atc5ConceptId(i.atc), 1);
        anc(a.omopConceptId, i.omopConceptId, 2);
        for (const p of products.filter((x) => x.ingredient === i)) anc(a.omopConceptId, p.omopConceptId, 3);
      }
    }
    for (const i of ingredients) {
      anc(atc5ConceptId(i.atc), atc5ConceptId(i.atc), 0);
      anc(atc5ConceptId(i.atc), i.omopConceptId, 1);
      anc(i.omopConceptId, i.omopConceptId, 0);
      for (const p of products.filter((x) => x.ingredient === i)) {
        anc(atc5ConceptId(i.atc), p.omopConceptId, 2);
        anc(i.omopConceptId, p.omopConceptId, 1);
      }
    }
    for (const p of products) anc(p.omopConceptId, p.omopConceptId, 0);

    for (const e of establishments) if (e.careSiteId !== null) this.tables.care_site.row([e.careSiteId, quoted(e.name), 8717, '', e.etaNum, '']);
    const s = this.ctx.settings;
    this.tables.cdm_source.row([
      'cohorte synthetic hospital warehouse', 'COHORTE-SIM', 'cohorte', quoted(`Synthetic linked data generated by cohorte src/simulate (seed ${s.seed})`), '', '', `${s.endYear + 1}-01-01`, `${s.endYear + 1}-01-01`, 'v5.4', 0, 'synthetic subset',
    ]);
  }

  close(): void {
    for (const w of this.writers()) w.close();
  }
}
