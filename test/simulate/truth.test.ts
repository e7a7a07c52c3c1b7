// truth.json: the counterfactual cumulative incidence, and the planted confounding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate, type SimulationSummary } from '../../src/simulate/index.js';
import { resolveSettings } from '../../src/simulate/settings.js';
import { populationContext, simulatePerson, type Baseline } from '../../src/simulate/simulatePopulation.js';
import { buildTruth, counterfactualRisk, cumulativeIncidence, TruthTally } from '../../src/simulate/truth.js';
import type { Engine } from '../../src/engine/index.js';
import { openGenerated, removeDir, tempDir } from './helpers.js';

const settings = (extra: Record<string, unknown> = {}) =>
  resolveSettings({ persons: 1, seed: 1, layout: 'snds', out: '/unused', format: 'csv', startYear: 2016, endYear: 2021, truthPersons: 3000, ...extra });

describe('cumulativeIncidence', () => {
  it('matches the closed form with constant hazards and a competing death', () => {
    const ctx = populationContext(settings());
    // A woman aged exactly 75 on 1 January 2016, no comorbidity, deprivation quintile 3: the reference person.
    const b: Baseline = {
      sex: 2, birthDay: ctx.yearStart(1941), birthYear: 1941, bornJan1: true, ageAtStart: 75, homeInGroup: true, department: '069',
      commune: 500, deprivationQuintile: 3, comorbidities: { diabetes: false, heartFailure: false, ckd: false },
    };
    const t0 = ctx.yearStart(2016);
    const days = ctx.yearStart(2017) - t0; // 366 days in 2016, one piece
    const lo = 0.02 / 365.25; // outcome rate of the reference person on B
    const ld = 0.035 / 365.25; // death rate at 75 (Gompertz at its reference age)
    const hr = 1.5;
    const expected = ((lo * hr) / (lo * hr + ld)) * (1 - Math.exp(-(lo * hr + ld) * days));
    expect(cumulativeIncidence(ctx, b, t0, hr, [days])[0]).toBeCloseTo(expected, 12);
    expect(cumulativeIncidence(ctx, b, t0, 0, [days])[0]).toBe(0);
    // Two years: more than one year, but less than twice as much (fewer at risk, though hazards rise at 76).
    const [one, two] = cumulativeIncidence(ctx, b, t0, hr, [days, days + 365]);
    expect(two).toBeGreaterThan(one!);
    expect(two).toBeLessThan(2 * one! * 1.1);
  });

  it('ranks the arms by their hazard ratios, with a risk ratio between 1 and the hazard ratio', () => {
    const risk = counterfactualRisk(populationContext(settings()));
    const pop = risk.populations.incidentInitiators;
    expect(pop.persons).toBeGreaterThan(1000);
    for (let i = 0; i < risk.horizonsDays.length; i++) {
      const a = pop.arms.alwaysCurrentA.cumulativeIncidence[i]!;
      const b = pop.arms.alwaysCurrentB.cumulativeIncidence[i]!;
      const u = pop.arms.neverExposed.cumulativeIncidence[i]!;
      expect(a).toBeGreaterThan(b);
      expect(b).toBeGreaterThan(u);
      // Death competes, so the risk ratio is attenuated below the hazard ratio, and shrinks with time.
      expect(pop.riskRatioAvsB[i]).toBeGreaterThan(1);
      expect(pop.riskRatioAvsB[i]).toBeLessThan(1.5);
    }
    expect(pop.riskRatioAvsB[2]).toBeLessThan(pop.riskRatioAvsB[0]!);
    const washout = risk.populations.incidentInitiatorsAfter365DayWashout;
    expect(washout.persons).toBeGreaterThan(0);
    expect(washout.persons).toBeLessThan(pop.persons);
    // With a hazard ratio of 1 the two arms are the same.
    const nullRisk = counterfactualRisk(populationContext(settings({ trueHazardRatio: 1 })));
    expect(nullRisk.populations.incidentInitiators.riskRatioAvsB).toEqual([1, 1, 1]);
  });
});

describe('planted confounding', () => {
  let out: string;
  let summary: SimulationSummary;
  let engine: Engine;
  beforeAll(async () => {
    out = tempDir('sim-conf');
    summary = await simulate({ persons: 4000, seed: 21, layout: 'snds', out, format: 'csv', truthPersons: 2000 });
    engine = await openGenerated(out);
  });
  afterAll(async () => {
    await engine?.close();
    removeDir(out);
  });

  it('gives initiators of A more comorbidity than initiators of B (truth and data)', async () => {
    const byClass = summary.truth.confounding.byInitialClass;
    expect(byClass.A.proportionWithAnyComorbidity!).toBeGreaterThan(byClass.B.proportionWithAnyComorbidity! + 0.1);
    expect(byClass.A.proportionWith.ckd!).toBeGreaterThan(byClass.B.proportionWith.ckd!);
    // In the data: first dispensing of A or B (by ATC code), and a comorbidity seen as an ALD or a stay diagnosis.
    const sql = `
      WITH first AS (
        SELECT k.BEN_IDT_ANO, arg_min(CASE WHEN r.PHA_ATC_C07 LIKE 'B01AA%' THEN 'A' ELSE 'B' END, ${engine.dialect.parseDate('f.EXE_SOI_DTD')}) AS cls
        FROM ER_PRS_F f JOIN ER_PHA_F h USING (DCT_ORD_NUM, FLX_DIS_DTD, FLX_EMT_NUM, FLX_EMT_ORD, FLX_EMT_TYP, FLX_TRT_DTD, ORG_CLE_NUM, PRS_ORD_NUM, REM_TYP_AFF)
        JOIN IR_PHA_R r ON r.PHA_CIP_C13 = h.PHA_PRS_C13 JOIN ben_key k USING (BEN_NIR_PSA, BEN_RNG_GEM)
        WHERE r.PHA_ATC_C07 LIKE 'B01A%' GROUP BY 1),
      comorbid AS (
        SELECT k.BEN_IDT_ANO FROM IR_IMB_R i JOIN ben_key k USING (BEN_NIR_PSA, BEN_RNG_GEM) WHERE i.MED_MTF_COD IN ('E11', 'I50', 'N18')
        UNION SELECT k.BEN_IDT_ANO FROM T_MCO_B b JOIN T_MCO_C c USING (ETA_NUM, RSA_NUM) JOIN ben_key k ON k.BEN_NIR_PSA = c.NIR_ANO_17
          LEFT JOIN T_MCO_D d USING (ETA_NUM, RSA_NUM)
          WHERE substr(b.DGN_PAL, 1, 3) IN ('E11', 'I50', 'N18') OR substr(d.ASS_DGN, 1, 3) IN ('E11', 'I50', 'N18'))
      SELECT cls, avg(CASE WHEN c.BEN_IDT_ANO IS NULL THEN 0 ELSE 1 END) AS p, count(*) AS n FROM first f LEFT JOIN comorbid c USING (BEN_IDT_ANO) GROUP BY 1 ORDER BY 1`;
    const rows = await engine.rows<{ cls: string; p: number; n: number }>(sql);
    expect(rows.map((r) => r.cls)).toEqual(['A', 'B']);
    expect(rows[0]!.n + rows[1]!.n).toBe(summary.truth.counts.treated);
    expect(rows[0]!.p).toBeGreaterThan(rows[1]!.p + 0.1);
  });

  it('biases the crude rate ratio of current A vs current B above the true hazard ratio', () => {
    // The persons alone (no files), many of them, so the bias shows above the noise.
    const ctx = populationContext(settings({ persons: 20_000, seed: 8 }));
    const tally = new TruthTally();
    for (let i = 0; i < 20_000; i++) tally.add(simulatePerson(ctx, i), ctx);
    const truth = buildTruth(ctx, tally, counterfactualRisk(populationContext(settings({ truthPersons: 10 }))), null, []);
    expect(truth.crude.rateRatioAvsB!).toBeGreaterThan(truth.trueHazardRatio * 1.15);
    const c = truth.crude.outcomes;
    expect((c.unexposed as number) + (c.currentA as number) + (c.currentB as number)).toBe(truth.counts.outcomes);
    expect(truth.counts.outcomes).toBe(tally.outcomes);
  });
});

