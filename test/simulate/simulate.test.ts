// simulate(): determinism, chunking, options, and the two layouts describing the same persons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate, type SimulationSummary } from '../../src/simulate/index.js';
import { CohorteError } from '../../src/messages/index.js';
import type { Engine } from '../../src/engine/index.js';
import { count, openGenerated, readTree, removeDir, tempDir } from './helpers.js';

const base = { persons: 400, seed: 11, layout: 'both', format: 'csv', messy: true, truthPersons: 2000 } as const;

describe('simulate: determinism and streaming', () => {
  const dirs: string[] = [];
  const run = async (extra: Record<string, unknown> = {}) => {
    const out = tempDir('sim-det');
    dirs.push(out);
    await simulate({ ...base, out, ...extra });
    return readTree(out);
  };
  afterAll(() => dirs.forEach(removeDir));

  it('writes byte-identical files for the same seed, and different files for another seed', async () => {
    const a = await run();
    const b = await run();
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [path, bytes] of a) expect(bytes.equals(b.get(path)!), path).toBe(true);
    const c = await run({ seed: 12 });
    expect(c.get('snds/ER_PRS_F.csv')!.equals(a.get('snds/ER_PRS_F.csv')!)).toBe(false);
    expect(c.get('truth.json')!.equals(a.get('truth.json')!)).toBe(false);
  });

  it('gives the same output whatever the chunk size (persons are generated and flushed in chunks)', async () => {
    const one = await run({ chunkSize: 100_000 });
    const small = await run({ chunkSize: 7 });
    expect([...small.keys()]).toEqual([...one.keys()]);
    for (const [path, bytes] of one) expect(bytes.equals(small.get(path)!), path).toBe(true);
  });

  it('adds messy rows without changing the clean population', async () => {
    const messy = await run();
    const clean = await run({ messy: false });
    // Files without messy rows are identical; the DCIR and PMSI files differ only by the added rows.
    for (const path of ['snds/IR_BEN_R.csv', 'snds/IR_IMB_R.csv', 'snds/KI_CCI_R.csv', 'omop/person.csv', 'omop/drug_exposure.csv', 'omop/visit_occurrence.csv', 'linkage.csv']) {
      expect(messy.get(path)!.equals(clean.get(path)!), path).toBe(true);
    }
    const tm = JSON.parse(messy.get('truth.json')!.toString());
    const tc = JSON.parse(clean.get('truth.json')!.toString());
    expect(tm.counts).toEqual(tc.counts);
    expect(tm.counterfactualRisk).toEqual(tc.counterfactualRisk);
    const lines = (b: Buffer) => b.toString().trimEnd().split('\n').length - 1;
    expect(lines(messy.get('snds/ER_PRS_F.csv')!)).toBe(lines(clean.get('snds/ER_PRS_F.csv')!) + tm.messyRows.extraRows.ER_PRS_F);
    expect(tc.messyRows.extraRows.ER_PRS_F).toBe(0);
  });
});

describe('simulate: options', () => {
  it('rejects bad options with a CohorteError naming the option', async () => {
    const out = tempDir('sim-opt');
    try {
      await expect(simulate({ ...base, out, persons: 0 })).rejects.toThrow(CohorteError);
      await expect(simulate({ ...base, out, persons: 1.5 })).rejects.toThrow(/'persons'/);
      await expect(simulate({ ...base, out, layout: 'x' as 'snds' })).rejects.toThrow(/'layout'/);
      await expect(simulate({ ...base, out, startYear: 2020, endYear: 2019 })).rejects.toThrow(/'endYear'/);
      await expect(simulate({ ...base, out, trueHazardRatio: -1 })).rejects.toThrow(/'trueHazardRatio'/);
      await expect(simulate({ ...base, out, messyRates: { infoLinePerDispensing: 2 } })).rejects.toThrow(/messyRates.infoLinePerDispensing/);
    } finally {
      removeDir(out);
    }
  });

  it('writes one layout only when asked, and the planted hazard ratio and grace period into truth.json', async () => {
    const out = tempDir('sim-snds');
    try {
      const s = await simulate({ ...base, out, persons: 50, layout: 'snds', trueHazardRatio: 2.5, gracePeriodDays: 15 });
      expect(s.files.every((f) => f.layout === 'snds' || f.layout === 'truth')).toBe(true);
      expect(s.files.some((f) => f.path === 'snds/T_MCO16B.csv')).toBe(true);
      expect(s.files.some((f) => f.path === 'snds/T_MCO21B.csv')).toBe(true);
      const truth = JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8'));
      expect(truth.trueHazardRatio).toBe(2.5);
      expect(truth.model.outcome.hazardRatios.currentA).toBe(2.5);
      expect(truth.exposure.gracePeriodDays).toBe(15);
      expect(truth.settings.persons).toBe(50);
      // Defaults are not changed by a run's options.
      const again = await simulate({ ...base, out, persons: 10, layout: 'snds' });
      expect(again.truth.trueHazardRatio).toBe(1.5);
      expect(again.truth.exposure.gracePeriodDays).toBe(30);
    } finally {
      removeDir(out);
    }
  });

  it('reports every file with its row count', async () => {
    const out = tempDir('sim-files');
    try {
      const s = await simulate({ ...base, out, persons: 80 });
      for (const f of s.files.filter((x) => x.path.endsWith('.csv'))) {
        const text = readFileSync(join(out, f.path), 'utf8');
        expect(text.endsWith('\n')).toBe(true);
        expect(text.split('\n').length - 2, f.path).toBe(f.rows);
      }
      expect(s.truth.files.length).toBe(s.files.length - 1);
    } finally {
      removeDir(out);
    }
  });
});

describe('simulate: both layouts describe the same persons', () => {
  let out: string;
  let summary: SimulationSummary;
  let engine: Engine;
  beforeAll(async () => {
    out = tempDir('sim-same');
    summary = await simulate({ ...base, out, persons: 600, messy: false });
    engine = await openGenerated(out);
  });
  afterAll(async () => {
    await engine.close();
    removeDir(out);
  });

  it('links every warehouse person, and only them (about 60% of persons)', async () => {
    const linked = await count(engine, 'SELECT count(*) FROM linkage');
    expect(linked).toBe(summary.truth.counts.warehousePersons);
    expect(await count(engine, 'SELECT count(*) FROM person')).toBe(linked);
    expect(await count(engine, 'SELECT count(DISTINCT person_id) FROM linkage')).toBe(linked);
    expect(await count(engine, 'SELECT count(*) FROM linkage l LEFT JOIN person p USING (person_id) WHERE p.person_id IS NULL')).toBe(0);
    expect(await count(engine, 'SELECT count(*) FROM linkage l WHERE l.BEN_IDT_ANO NOT IN (SELECT BEN_IDT_ANO FROM IR_BEN_R)')).toBe(0);
    expect(linked / 600).toBeGreaterThan(0.45);
    expect(linked / 600).toBeLessThan(0.75);
    expect(await count(engine, 'SELECT count(DISTINCT BEN_IDT_ANO) FROM IR_BEN_R')).toBe(600);
  });

  it('gives the same birth year, sex and death date to each linked person', async () => {
    const d = engine.dialect;
    const mismatches = await count(
      engine,
      `SELECT count(*) FROM linkage l JOIN person p USING (person_id)
       JOIN (SELECT DISTINCT BEN_IDT_ANO, BEN_NAI_ANN, BEN_SEX_COD, BEN_DCD_DTE FROM IR_BEN_R) b ON b.BEN_IDT_ANO = l.BEN_IDT_ANO
       LEFT JOIN death dt ON dt.person_id = p.person_id
       WHERE b.BEN_NAI_ANN <> p.year_of_birth
          OR (b.BEN_SEX_COD = '1') <> (p.gender_concept_id = '8507')
          OR ${d.parseDate('b.BEN_DCD_DTE')} IS DISTINCT FROM CAST(dt.death_date AS DATE)`,
    );
    expect(mismatches).toBe(0);
    const deathsLinked = await count(engine, 'SELECT count(*) FROM death');
    expect(deathsLinked).toBeGreaterThan(0);
    expect(await count(engine, 'SELECT count(DISTINCT BEN_IDT_ANO) FROM IR_BEN_R WHERE BEN_DCD_DTE IS NOT NULL')).toBe(summary.truth.counts.deaths);
  });

  it('has the same dispensings per linked person in ER_PRS_F and drug_exposure', async () => {
    const sql = `
      WITH s AS (SELECT k.BEN_IDT_ANO, count(*) AS n, sum(CAST(f.PRS_ACT_QTE AS INTEGER)) AS packs FROM ER_PRS_F f JOIN ben_key k USING (BEN_NIR_PSA, BEN_RNG_GEM) GROUP BY 1),
           o AS (SELECT l.BEN_IDT_ANO, count(*) AS n FROM drug_exposure x JOIN linkage l USING (person_id) GROUP BY 1)
      SELECT count(*) FROM o LEFT JOIN s USING (BEN_IDT_ANO) WHERE s.n IS DISTINCT FROM o.n`;
    expect(await count(engine, sql)).toBe(0);
    const total = summary.truth.counts.dispensings;
    expect(await count(engine, 'SELECT count(*) FROM ER_PRS_F')).toBe(total.A + total.B + total.other);
    // The same products: CIP13 of ER_PHA_F = drug_source_value, per linked person.
    const products = `
      WITH s AS (SELECT k.BEN_IDT_ANO, string_agg(h.PHA_PRS_C13, ',' ORDER BY h.PHA_PRS_C13) AS cips
                 FROM ER_PRS_F f JOIN ER_PHA_F h USING (DCT_ORD_NUM, FLX_DIS_DTD, FLX_EMT_NUM, FLX_EMT_ORD, FLX_EMT_TYP, FLX_TRT_DTD, ORG_CLE_NUM, PRS_ORD_NUM, REM_TYP_AFF)
                 JOIN ben_key k USING (BEN_NIR_PSA, BEN_RNG_GEM) GROUP BY 1),
           o AS (SELECT l.BEN_IDT_ANO, string_agg(x.drug_source_value, ',' ORDER BY x.drug_source_value) AS cips FROM drug_exposure x JOIN linkage l USING (person_id) GROUP BY 1)
      SELECT count(*) FROM o JOIN s USING (BEN_IDT_ANO) WHERE s.cips <> o.cips`;
    expect(await count(engine, products)).toBe(0);
  });

  it('has each stay of a linked person in the hospital group both in T_MCO and in visit_occurrence', async () => {
    const group = "('690799991','690799992','690799993')";
    const sql = `
      WITH s AS (SELECT k.BEN_IDT_ANO, count(*) AS n FROM T_MCO_B b JOIN T_MCO_C c USING (ETA_NUM, RSA_NUM) JOIN ben_key k ON k.BEN_NIR_PSA = c.NIR_ANO_17
                 WHERE b.ETA_NUM IN ${group} GROUP BY 1),
           o AS (SELECT l.BEN_IDT_ANO, count(*) AS n FROM visit_occurrence v JOIN linkage l USING (person_id) GROUP BY 1)
      SELECT count(*) FROM o FULL JOIN s USING (BEN_IDT_ANO) WHERE s.n IS DISTINCT FROM o.n`;
    expect(await count(engine, sql)).toBe(0);
    expect(await count(engine, 'SELECT count(*) FROM visit_occurrence')).toBe(summary.truth.counts.staysInGroup);
    // Outcome stays: principal diagnosis in the outcome code list.
    const outcomeSnds = await count(engine, "SELECT count(*) FROM T_MCO_B WHERE DGN_PAL IN ('K920','K921','K922') OR DGN_PAL LIKE 'I61%'");
    expect(outcomeSnds).toBe(summary.truth.counts.outcomesRecorded);
    const outcomeOmop = await count(engine, "SELECT count(*) FROM condition_occurrence WHERE condition_status_concept_id = '32902' AND (condition_source_value IN ('K920','K921','K922') OR condition_source_value LIKE 'I61%')");
    expect(outcomeOmop).toBe(summary.truth.counts.outcomesInWarehouse);
    expect(outcomeOmop).toBeLessThan(outcomeSnds);
  });

  it('keeps every event within life and the observation period', async () => {
    const d = engine.dialect;
    const start = summary.truth.studyPeriod.start;
    const end = summary.truth.studyPeriod.end;
    // Claims: care dates in the study, none on or after death.
    expect(await count(engine, `SELECT count(*) FROM ER_PRS_F WHERE ${d.parseDate('EXE_SOI_DTD')} IS NULL OR ${d.parseDate('EXE_SOI_DTD')} NOT BETWEEN DATE '${start}' AND DATE '${end}'`)).toBe(0);
    const afterDeath = `
      SELECT count(*) FROM ER_PRS_F f JOIN IR_BEN_R b USING (BEN_NIR_PSA, BEN_RNG_GEM)
      WHERE b.BEN_DCD_DTE IS NOT NULL AND ${d.parseDate('f.EXE_SOI_DTD')} >= ${d.parseDate('b.BEN_DCD_DTE')}`;
    expect(await count(engine, afterDeath)).toBe(0);
    const birth = `SELECT count(*) FROM ER_PRS_F WHERE CAST(BEN_NAI_ANN AS INTEGER) > year(${d.parseDate('EXE_SOI_DTD')}) - 18`;
    expect(await count(engine, birth)).toBe(0);
    // Stays: admission ≤ discharge, in the study, discharge not after death.
    const stays = `
      SELECT count(*) FROM T_MCO_C c JOIN ben_key k ON k.BEN_NIR_PSA = c.NIR_ANO_17 JOIN (SELECT DISTINCT BEN_IDT_ANO, BEN_DCD_DTE FROM IR_BEN_R) b USING (BEN_IDT_ANO)
      WHERE ${d.parseDate('c.EXE_SOI_DTD')} > ${d.parseDate('c.EXE_SOI_DTF')}
         OR ${d.parseDate('c.EXE_SOI_DTD')} < DATE '${start}' OR ${d.parseDate('c.EXE_SOI_DTF')} > DATE '${end}'
         OR ${d.parseDate('c.EXE_SOI_DTF')} > COALESCE(${d.parseDate('b.BEN_DCD_DTE')}, DATE '${end}')
         OR ${d.parseDate('c.ENT_DAT')} <> ${d.parseDate('c.EXE_SOI_DTD')}`;
    expect(await count(engine, stays)).toBe(0);
    // OMOP: every event within the person's observation period; death closes it.
    const omop = `
      SELECT (SELECT count(*) FROM drug_exposure x JOIN observation_period o USING (person_id)
              WHERE CAST(x.drug_exposure_start_date AS DATE) NOT BETWEEN CAST(o.observation_period_start_date AS DATE) AND CAST(o.observation_period_end_date AS DATE))
           + (SELECT count(*) FROM visit_occurrence v JOIN observation_period o USING (person_id)
              WHERE CAST(v.visit_start_date AS DATE) < CAST(o.observation_period_start_date AS DATE) OR CAST(v.visit_end_date AS DATE) > CAST(o.observation_period_end_date AS DATE))
           + (SELECT count(*) FROM death x JOIN observation_period o USING (person_id) WHERE x.death_date <> o.observation_period_end_date)
           + (SELECT count(*) FROM drug_exposure WHERE CAST(drug_exposure_end_date AS DATE) < CAST(drug_exposure_start_date AS DATE))`;
    expect(await count(engine, omop)).toBe(0);
  });
});
