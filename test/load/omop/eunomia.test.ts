import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { openDuckDb, type Engine } from '../../../src/engine/index.js';
import { isBalanced } from '../../../src/model/index.js';
import { loadOmop } from '../../../src/load/omop/loadOmop.js';
import type { LoadResult } from '../../../src/load/result.js';
import { sharedDir } from '../../helpers/approx.js';

// OHDSI Eunomia GiBleed (synthetic OMOP CDM v5.3.1, /work/shared/data/eunomia-gibleed). Expected counts come
// from the README, from `wc -l` / awk on the files, and from independent SQL over the raw CSVs written below
// (plain read_csv with DuckDB's own type detection, not the loader's staging or parsing).
const dir = `${sharedDir}data/eunomia-gibleed/`;
const csv = (t: string) => `read_csv('${dir}${t}.csv', header = true)`;

describe.runIf(existsSync(dir))('loadOmop on Eunomia GiBleed', () => {
  let engine: Engine;
  let result: LoadResult;

  beforeAll(async () => {
    engine = await openDuckDb();
    result = await loadOmop(engine, { dir, schema: 'eu' });
  }, 300_000);
  afterAll(async () => engine.close());

  const account = (source: string) => result.accounts.find((a) => a.source === source)!;
  const independent = async (sql: string) => Number(await engine.scalar(sql));

  it('balances every account, and the quarantine table holds every removed row', async () => {
    for (const a of result.accounts) expect(isBalanced(a), a.source).toBe(true);
    const removed = result.accounts.reduce((s, a) => s + a.removed.reduce((t, r) => t + r.rows, 0), 0);
    expect(result.counts.quarantine).toBe(removed);
    // Rows read = data lines of each file (wc -l minus the header).
    expect(Object.fromEntries(result.accounts.map((a) => [a.source, a.rowsRead]))).toEqual({
      person: 2694,
      death: 0,
      observation_period: 5343,
      visit_occurrence: 1037,
      drug_exposure: 67707,
      condition_occurrence: 65332,
      procedure_occurrence: 37409,
      concept_ancestor: 65690,
      concept: 444,
    });
  });

  it('loads every person and reports the observation periods of persons absent from person as orphans', async () => {
    expect(account('person')).toMatchObject({ rowsLoaded: 2694, removed: [] });
    // awk: 2,649 observation_period rows have a PERSON_ID that is not in person.csv.
    const orphans = await independent(`SELECT count(*) FROM ${csv('observation_period')} WHERE PERSON_ID NOT IN (SELECT PERSON_ID FROM ${csv('person')})`);
    expect(orphans).toBe(2649);
    expect(account('observation_period')).toMatchObject({ rowsLoaded: 5343 - 2649, removed: [{ kind: 'quarantine', reason: 'orphan-key', rows: 2649 }] });
    expect(await independent(`SELECT count(DISTINCT person_id) FROM eu.observation_period`)).toBe(2694);
    const sexes = await engine.rows(`SELECT sex, count(*) AS n FROM eu.person GROUP BY sex ORDER BY sex`);
    expect(sexes).toEqual(
      await engine.rows(`SELECT CASE GENDER_CONCEPT_ID WHEN 8507 THEN 1 WHEN 8532 THEN 2 END AS sex, count(*) AS n FROM ${csv('person')} GROUP BY 1 ORDER BY 1`),
    );
  });

  it('quarantines the one drug exposure dated before the birth year, and loads the float-id rows', async () => {
    const before = await independent(
      `SELECT count(*) FROM ${csv('drug_exposure')} AS d JOIN ${csv('person')} AS p ON CAST(d.person_id AS BIGINT) = p.PERSON_ID ` +
        `WHERE year(d.drug_exposure_start_date) < p.YEAR_OF_BIRTH`,
    );
    expect(before).toBe(1);
    expect(account('drug_exposure')).toMatchObject({ rowsLoaded: 67706, removed: [{ kind: 'quarantine', reason: 'date-outside-life', rows: 1 }] });
    // Ids are canonical: no '.0' left, and the celecoxib dispensings (ingredient 1118084 and its descendants) match the raw file.
    expect(await independent(`SELECT count(*) FROM eu.dispensing WHERE product_code LIKE '%.%' OR person_id LIKE '%.%'`)).toBe(0);
    const celecoxib = `(SELECT DESCENDANT_CONCEPT_ID FROM ${csv('concept_ancestor')} WHERE ANCESTOR_CONCEPT_ID = 1118084)`;
    const raw = await independent(
      `SELECT count(*) FROM ${csv('drug_exposure')} AS d JOIN ${csv('person')} AS p ON CAST(d.person_id AS BIGINT) = p.PERSON_ID ` +
        `WHERE CAST(d.drug_concept_id AS BIGINT) IN ${celecoxib} AND year(d.drug_exposure_start_date) >= p.YEAR_OF_BIRTH`,
    );
    const loaded = await independent(
      `SELECT count(*) FROM eu.dispensing WHERE product_code IN (SELECT CAST(descendant_concept_id AS VARCHAR) FROM eu.concept_ancestor WHERE ancestor_concept_id = 1118084)`,
    );
    expect(loaded).toBe(raw);
    expect(loaded).toBeGreaterThan(0);
    // days_supply: as recorded when > 0; else end − start + 1 (Eunomia's zero-supply exposures end on their start day).
    const supply = await engine.rows(
      `SELECT count(*) FILTER (WHERE days_supply IS NULL) AS none, count(*) FILTER (WHERE days_supply = 1) AS one FROM eu.dispensing`,
    );
    const zero = await independent(
      `SELECT count(*) FROM ${csv('drug_exposure')} WHERE (days_supply = 0 AND drug_exposure_end_date = drug_exposure_start_date) OR days_supply = 1`,
    );
    expect(supply).toEqual([{ none: 0, one: zero }]);
  });

  it('loads every inpatient visit as a stay and links conditions and procedures to them', async () => {
    expect(account('visit_occurrence')).toMatchObject({ rowsLoaded: 1037, removed: [] });
    expect(account('condition_occurrence')).toMatchObject({ rowsLoaded: 65332, removed: [] });
    expect(account('procedure_occurrence')).toMatchObject({ rowsLoaded: 37409, removed: [] });
    const conditionStays = await independent(
      `SELECT count(*) FROM ${csv('condition_occurrence')} AS c JOIN ${csv('visit_occurrence')} AS v ` +
        `ON CAST(c.visit_occurrence_id AS BIGINT) = v.VISIT_OCCURRENCE_ID AND CAST(c.person_id AS BIGINT) = v.PERSON_ID WHERE v.VISIT_CONCEPT_ID IN (9201, 262)`,
    );
    expect(conditionStays).toBe(550);
    expect(await independent(`SELECT count(stay_id) FROM eu.diagnosis`)).toBe(550);
    const procedureStays = await independent(
      `SELECT count(*) FROM ${csv('procedure_occurrence')} AS c JOIN ${csv('visit_occurrence')} AS v ` +
        `ON c.VISIT_OCCURRENCE_ID = v.VISIT_OCCURRENCE_ID AND c.PERSON_ID = v.PERSON_ID WHERE v.VISIT_CONCEPT_ID IN (9201, 262)`,
    );
    expect(await independent(`SELECT count(stay_id) FROM eu.procedure`)).toBe(procedureStays);
    expect(result.counts).toMatchObject({ hospital_stay: 1037, diagnosis: 65332, procedure: 37409, concept_ancestor: 65690, death: 0 });
    // GI haemorrhage 192671 and its descendants, as a cohort would select them.
    const gi = `(SELECT DESCENDANT_CONCEPT_ID FROM ${csv('concept_ancestor')} WHERE ANCESTOR_CONCEPT_ID = 192671)`;
    expect(await independent(`SELECT count(*) FROM eu.diagnosis WHERE code IN (SELECT CAST(descendant_concept_id AS VARCHAR) FROM eu.concept_ancestor WHERE ancestor_concept_id = 192671)`)).toBe(
      await independent(`SELECT count(*) FROM ${csv('condition_occurrence')} WHERE CAST(condition_concept_id AS BIGINT) IN ${gi}`),
    );
  });

  it('loads drug_era and condition_era as alternatives', async () => {
    const r = await loadOmop(engine, { dir, schema: 'eu_era', drug: 'drug_era', condition: 'condition_era' });
    for (const a of r.accounts) expect(isBalanced(a), a.source).toBe(true);
    const before = await independent(
      `SELECT count(*) FROM ${csv('drug_era')} AS d JOIN ${csv('person')} AS p USING (PERSON_ID) WHERE year(d.DRUG_ERA_START_DATE) < p.YEAR_OF_BIRTH`,
    );
    expect(before).toBe(1);
    expect(r.accounts.find((a) => a.source === 'drug_era')).toMatchObject({ rowsRead: 52508, rowsLoaded: 52507, removed: [{ reason: 'date-outside-life', rows: 1 }] });
    // awk: 443 condition eras have CONDITION_CONCEPT_ID 0 (unmapped).
    const unmapped = await independent(`SELECT count(*) FROM ${csv('condition_era')} WHERE CONDITION_CONCEPT_ID = 0 OR CONDITION_CONCEPT_ID IS NULL`);
    expect(unmapped).toBe(443);
    expect(r.accounts.find((a) => a.source === 'condition_era')).toMatchObject({
      rowsRead: 65719,
      rowsLoaded: 65719 - 443,
      removed: [{ kind: 'quarantine', reason: 'unknown-concept', rows: 443 }],
    });
    // days_supply of an era is its length.
    const lengths = await independent(`SELECT sum(date_diff('day', DRUG_ERA_START_DATE, DRUG_ERA_END_DATE) + 1) FROM ${csv('drug_era')}`);
    const outside = await independent(
      `SELECT sum(date_diff('day', d.DRUG_ERA_START_DATE, d.DRUG_ERA_END_DATE) + 1) FROM ${csv('drug_era')} AS d JOIN ${csv('person')} AS p USING (PERSON_ID) WHERE year(d.DRUG_ERA_START_DATE) < p.YEAR_OF_BIRTH`,
    );
    expect(await independent(`SELECT sum(days_supply) FROM eu_era.dispensing`)).toBe(lengths - outside);
  }, 300_000);
});
