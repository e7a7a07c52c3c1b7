// The OMOP CDM 5.4 layout: valid ids, concepts that resolve, and descendant sets that work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate, type SimulationSummary } from '../../src/simulate/index.js';
import { atcClasses, ingredients, products } from '../../src/simulate/codes.js';
import { omopColumns } from '../../src/simulate/writeOmop.js';
import type { Engine } from '../../src/engine/index.js';
import { count, openGenerated, removeDir, tempDir } from './helpers.js';

let out: string;
let summary: SimulationSummary;
let engine: Engine;

beforeAll(async () => {
  out = tempDir('sim-omop');
  summary = await simulate({ persons: 800, seed: 3, layout: 'both', out, format: 'csv', messy: true, truthPersons: 2000 });
  engine = await openGenerated(out);
});
afterAll(async () => {
  await engine.close();
  removeDir(out);
});

describe('OMOP layout', () => {
  it('writes the CDM 5.4 columns, lower case, comma-separated', () => {
    const header = (t: string) => readFileSync(join(out, 'omop', `${t}.csv`), 'utf8').split('\n')[0]!.split(',');
    expect(header('person')).toEqual(expect.arrayContaining(['person_id', 'gender_concept_id', 'year_of_birth', 'race_concept_id', 'ethnicity_concept_id']));
    expect(header('drug_exposure')).toEqual(expect.arrayContaining(['drug_exposure_id', 'person_id', 'drug_concept_id', 'drug_exposure_start_date', 'drug_exposure_end_date', 'drug_type_concept_id', 'quantity', 'days_supply', 'drug_source_value']));
    expect(header('visit_occurrence')).toEqual(expect.arrayContaining(['visit_occurrence_id', 'person_id', 'visit_concept_id', 'visit_start_date', 'visit_end_date', 'visit_type_concept_id', 'admitted_from_concept_id', 'discharged_to_concept_id']));
    expect(header('condition_occurrence')).toEqual(omopColumns.condition_occurrence);
    expect(header('death')).toEqual(['person_id', 'death_date', 'death_datetime', 'death_type_concept_id', 'cause_concept_id', 'cause_source_value', 'cause_source_concept_id']);
  });

  it('has unique ids and no orphan rows', async () => {
    for (const [t, id] of [['person', 'person_id'], ['visit_occurrence', 'visit_occurrence_id'], ['condition_occurrence', 'condition_occurrence_id'], ['drug_exposure', 'drug_exposure_id'], ['procedure_occurrence', 'procedure_occurrence_id'], ['death', 'person_id'], ['observation_period', 'person_id']]) {
      expect(await count(engine, `SELECT count(*) - count(DISTINCT ${id}) FROM ${t}`), t).toBe(0);
    }
    for (const t of ['observation_period', 'visit_occurrence', 'condition_occurrence', 'drug_exposure', 'procedure_occurrence', 'death']) {
      expect(await count(engine, `SELECT count(*) FROM ${t} WHERE person_id NOT IN (SELECT person_id FROM person)`), t).toBe(0);
    }
    expect(await count(engine, 'SELECT count(*) FROM condition_occurrence WHERE visit_occurrence_id NOT IN (SELECT visit_occurrence_id FROM visit_occurrence)')).toBe(0);
    expect(await count(engine, 'SELECT count(*) FROM procedure_occurrence WHERE visit_occurrence_id NOT IN (SELECT visit_occurrence_id FROM visit_occurrence)')).toBe(0);
    expect(await count(engine, "SELECT count(*) FROM visit_occurrence WHERE visit_concept_id <> '9201'")).toBe(0);
    expect(await count(engine, 'SELECT count(*) FROM person')).toBe(summary.truth.counts.warehousePersons);
  });

  it('resolves every concept id used in concept.csv, and maps every diagnosis to a standard concept', async () => {
    const used = `
      SELECT gender_concept_id AS id FROM person UNION SELECT visit_concept_id FROM visit_occurrence UNION SELECT visit_type_concept_id FROM visit_occurrence
      UNION SELECT drug_concept_id FROM drug_exposure UNION SELECT drug_type_concept_id FROM drug_exposure
      UNION SELECT condition_concept_id FROM condition_occurrence UNION SELECT condition_status_concept_id FROM condition_occurrence
      UNION SELECT procedure_concept_id FROM procedure_occurrence UNION SELECT death_type_concept_id FROM death UNION SELECT cause_concept_id FROM death
      UNION SELECT period_type_concept_id FROM observation_period UNION SELECT place_of_service_concept_id FROM care_site`;
    expect(await count(engine, `SELECT count(*) FROM (${used}) u WHERE u.id <> '0' AND u.id NOT IN (SELECT concept_id FROM concept)`)).toBe(0);
    expect(await count(engine, 'SELECT count(*) - count(DISTINCT concept_id) FROM concept')).toBe(0);
    // Every diagnosis maps to a standard concept (0 only for a death without recorded cause).
    expect(await count(engine, "SELECT count(*) FROM condition_occurrence WHERE condition_concept_id = '0'")).toBe(0);
    expect(await count(engine, "SELECT count(*) FROM concept WHERE concept_id IN (SELECT condition_concept_id FROM condition_occurrence) AND standard_concept <> 'S'")).toBe(0);
    expect(await count(engine, "SELECT count(*) FROM death WHERE cause_concept_id = '0' AND cause_source_value IS NOT NULL")).toBe(0);
    // The outcome maps to the real SNOMED concepts.
    expect(await count(engine, "SELECT count(DISTINCT condition_concept_id) FROM condition_occurrence WHERE condition_source_value LIKE 'K92%' AND condition_concept_id <> '192671'")).toBe(0);
  });

  it('makes drug class and ingredient descendant sets work through concept_ancestor', async () => {
    const descendants = (ancestor: number) =>
      count(engine, `SELECT count(*) FROM drug_exposure WHERE drug_concept_id IN (SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = '${ancestor}')`);
    const bySource = (cips: string[]) => count(engine, `SELECT count(*) FROM drug_exposure WHERE drug_source_value IN (${cips.map((c) => `'${c}'`).join(',')})`);
    for (const cls of atcClasses) {
      const cips = products.filter((p) => p.ingredient.atc4 === cls.code).map((p) => p.cip13);
      expect(await descendants(cls.omopConceptId), cls.code).toBe(await bySource(cips));
    }
    for (const ing of ingredients) {
      const cips = products.filter((p) => p.ingredient === ing).map((p) => p.cip13);
      const n = await descendants(ing.omopConceptId);
      expect(n, ing.name).toBe(await bySource(cips));
    }
    // Drug A (VKA) and drug B (DOAC, two ATC classes) as ingredient sets.
    const classA = await count(engine, "SELECT count(*) FROM drug_exposure WHERE drug_concept_id IN (SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id IN ('1310149','19024063','2000000101'))");
    expect(classA).toBeGreaterThan(0);
  });

  it('records quantity and days supply consistent with the pack', async () => {
    const rows = await engine.rows<{ cip: string; q: number; ds: number; days: number }>(
      `SELECT drug_source_value AS cip, CAST(quantity AS INTEGER) AS q, CAST(days_supply AS INTEGER) AS ds,
              CAST(drug_exposure_end_date AS DATE) - CAST(drug_exposure_start_date AS DATE) + 1 AS days FROM drug_exposure`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const p = products.find((x) => x.cip13 === r.cip)!;
      expect(r.q % p.unitsPerPack).toBe(0);
      expect(r.ds).toBe(r.q / p.unitsPerDay);
      expect(r.days).toBe(r.ds);
    }
  });
});
