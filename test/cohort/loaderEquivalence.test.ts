import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openDuckDb, type Engine } from '../../src/engine/index.js';
import { loadSnds, loadOmop, buildCohort, type CohortDefinition, type CodeSet } from '../../src/index.js';

// data-samples/ holds one synthetic population in both layouts (src/simulate): the claims (SNDS) and,
// for the persons with a stay in the hospital group, a warehouse (OMOP) whose drug exposures and
// observation periods mirror the claims. The same cohort built through either loader must give the
// same persons and dates, mapped through linkage.csv. One planted difference: a person who leaves
// insurance early (src/simulate's earlyExitProportion) has that exit in the warehouse's observation
// period, while the SNDS extract shows no exit (observation runs to the extract end), so observation
// ends are compared as hospital <= claims.
let engine: Engine;
beforeAll(async () => {
  engine = await openDuckDb();
  await loadSnds(engine, { dir: 'data-samples/snds', schema: 'claims', phaReferential: 'data-samples/snds/IR_PHA_R.csv' });
  await loadOmop(engine, { dir: 'data-samples/omop', schema: 'hospital' });
  await engine.run(`CREATE TABLE link AS SELECT hospital_person_id AS h, claims_person_id AS c FROM read_csv('data-samples/linkage.csv', all_varchar = true)`);
}, 120_000);
afterAll(async () => engine.close());

const atc: CodeSet = { name: 'DOAC', version: '1', kind: 'atc', codes: ['B01AF', 'B01AE07'] };
// Apixaban, rivaroxaban, dabigatran etexilate ingredients; products are their descendants.
const omop: CodeSet = { name: 'DOAC', version: '1', kind: 'omop', conceptIds: [43013024, 40241331, 40228152], includeDescendants: true };

async function compare(def: Omit<CohortDefinition, 'entry' | 'name'>, hospitalSet: CodeSet, tag: string) {
  const claims = await buildCohort(engine, { ...def, name: `c_${tag}`, entry: { type: 'dispensing', codeSet: atc } }, { schema: 'claims' });
  const hospital = await buildCohort(engine, { ...def, name: `h_${tag}`, entry: { type: 'dispensing', codeSet: hospitalSet } }, { schema: 'hospital' });
  // Claims cohort restricted to warehouse persons, in claims ids; hospital cohort mapped to claims ids.
  const fromClaims = await engine.rows(
    `SELECT s.person_id, s.index_date, s.observation_start FROM ${claims.table} s WHERE s.person_id IN (SELECT c FROM link) ORDER BY 1, 2`,
  );
  const fromHospital = await engine.rows(
    `SELECT l.c AS person_id, o.index_date, o.observation_start FROM ${hospital.table} o JOIN link l ON l.h = o.person_id ORDER BY 1, 2`,
  );
  const laterEnds = await engine.scalar<number>(
    `SELECT count(*) FROM ${hospital.table} o JOIN link l ON l.h = o.person_id JOIN ${claims.table} s ON s.person_id = l.c AND s.index_date = o.index_date WHERE o.observation_end > s.observation_end`,
  );
  expect(laterEnds).toBe(0);
  return { fromClaims, fromHospital, hospital };
}

describe('the same cohort through the SNDS and the OMOP loaders', () => {
  it('gives the same persons and dates for new users with washout and prior observation', async () => {
    const { fromClaims, fromHospital, hospital } = await compare({ washoutDays: 365, priorObservationDays: 365 }, omop, 'washout');
    expect(fromHospital.length).toBeGreaterThan(20);
    expect(fromHospital).toEqual(fromClaims);
    expect(hospital.persons).toBe(fromHospital.length);
  });

  it('gives the same entries with every entry kept and an ATC code set on both sides', async () => {
    const { fromClaims, fromHospital } = await compare({ entries: 'all', washoutDays: 180 }, atc, 'all');
    expect(fromHospital.length).toBeGreaterThan(20);
    expect(fromHospital).toEqual(fromClaims);
  });
});
