import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDb } from '../engine/index.js';
import { loadSnds } from '../load/snds/loadSnds.js';
import { buildCohort } from '../cohort/buildCohort.js';
import type { BaselineCovariate } from '../followup/buildAnalysisTable.js';
import { buildAnalysisTable } from '../followup/buildAnalysisTable.js';
import { buildTimeVaryingAnalysis } from '../followup/buildTimeVaryingAnalysis.js';
import { buildExposureEpisodes } from '../exposure/index.js';
import type { DaysSupply, DrugSelector } from '../exposure/types.js';
import { coxph } from '../estimate/coxph.js';
import { propensityScore } from '../estimate/propensityScore.js';
import { weightByPropensity } from '../estimate/weightByPropensity.js';
import { simulate } from './simulate.js';
import { products, drugClasses, outcomeCodePrefixes, comorbidityCodes } from './codes.js';
import type { DeepPartial, ModelParameters } from './settings.js';

/** One hazard ratio estimate with its interval. */
export interface HazardRatioEstimate {
  hr: number | null;
  lower: number | null;
  upper: number | null;
}

export interface PlantedEffectEstimate {
  persons: number;
  seed: number;
  trueHazardRatio: number;
  cohortPersons: number;
  events: number;
  /** Current A vs current B, time-varying, no adjustment. */
  crude: HazardRatioEstimate;
  /** Current A vs current B, adjusted for age, sex and the recorded comorbidities. */
  adjusted: HazardRatioEstimate;
  /**
   * Current A vs current B, weighted by stabilised inverse probability of the initial treatment (propensity
   * score on the same baseline covariates), robust variance clustered on persons. A marginal estimand: it
   * differs slightly from the conditional HR (non-collapsibility).
   */
  psWeighted: HazardRatioEstimate & { cStatistic: number };
  seconds: number;
}

/**
 * The planted model with every confounder observable by the design: all comorbidities registered as ALD,
 * and deprivation (not in the event model) kept out of the choice of drug.
 */
export const observableConfounding: DeepPartial<ModelParameters> = {
  comorbidities: { diabetes: { aldProbability: 1 }, heartFailure: { aldProbability: 1 }, ckd: { aldProbability: 1 } },
  treatment: { choiceOfA: { deprivationPerQuintile: 0 } },
};

/**
 * Simulate a population, then recover the planted hazard ratio with the toolkit's own pipeline:
 * SNDS load → new anticoagulant users (washout 365 days) → follow-up to bleeding, death or end of
 * observation → exposure episodes (days' supply from packs × units ÷ daily dose, 30-day grace, the
 * generator's exposure rule) → time-varying Cox of current A vs current B: crude, adjusted for the
 * confounders, and weighted by the propensity score of the initial treatment.
 */
export async function estimatePlantedEffect(options: { persons: number; seed: number; trueHazardRatio?: number }): Promise<PlantedEffectEstimate> {
  const t0 = process.hrtime.bigint();
  const out = mkdtempSync(join(tmpdir(), 'cohorte-planted-'));
  const engine = await openDuckDb();
  try {
    const sim = await simulate({ persons: options.persons, seed: options.seed, layout: 'snds', out, format: 'csv', trueHazardRatio: options.trueHazardRatio, model: observableConfounding });
    const snds = join(out, 'snds');
    await loadSnds(engine, { dir: snds, schema: 'claims', phaReferential: join(snds, 'IR_PHA_R.csv') });

    // One drug class per (class, units per day), so days' supply = packs × units ÷ daily dose holds exactly.
    const unitsPerDay = sim.truth.exposure.unitsPerDay as Record<string, number>;
    const groups = new Map<string, string[]>();
    for (const p of products) {
      if (p.drugClass !== 'A' && p.drugClass !== 'B') continue;
      const name = `${p.drugClass}${unitsPerDay[p.cip13]}`;
      groups.set(name, [...(groups.get(name) ?? []), p.cip13]);
    }
    const drugs: DrugSelector[] = [...groups].map(([name, productCodes]) => ({ name, productCodes }));
    const daysSupply: Record<string, DaysSupply> = Object.fromEntries(drugs.map((d) => [d.name, { method: 'ddd', dailyDose: Number(d.name.slice(1)) }]));

    const anticoagulants = { name: 'oral anticoagulants', version: 'simulation', kind: 'atc' as const, codes: [...drugClasses.A.atcClasses, ...drugClasses.B.atcClasses] };
    const cohort = await buildCohort(engine, { name: 'new users', entry: { type: 'dispensing', codeSet: anticoagulants }, washoutDays: 365, priorObservationDays: 365 }, { schema: 'claims' });
    const ald = (name: string, code: string): BaselineCovariate => ({
      name,
      event: { type: 'longTermRegistration', codeSet: { name, version: 'simulation', kind: 'icd10', codes: [code] } },
      window: [-36500, 0],
    });
    const analysis = await buildAnalysisTable(engine, {
      schema: 'claims',
      cohort,
      outcome: { event: { type: 'hospitalDiagnosis', codeSet: { name: 'major bleeding', version: 'simulation', kind: 'icd10', codes: outcomeCodePrefixes }, position: 'primary' }, priorOutcomeDays: 'all' },
      covariates: [ald('diabetes', comorbidityCodes.diabetes.aldCode), ald('heart_failure', comorbidityCodes.heartFailure.aldCode), ald('ckd', comorbidityCodes.ckd.aldCode)],
      into: 'planted_analysis',
    });
    const grace = sim.settings.model.exposure.gracePeriodDays;
    const episodes = await buildExposureEpisodes(engine, { schema: 'claims', drugs, daysSupply, gracePeriod: { days: grace }, stockpiling: false, extendByGrace: true, persons: cohort.table, into: 'planted_episodes' });
    const tv = await buildTimeVaryingAnalysis(engine, { analysis, episodes: [{ table: episodes.table }], into: 'planted_tv' });

    const exposureCols = tv.drugs.map((d) => `exposure_${d.toLowerCase()}`);
    const cols = await engine.columns(
      `SELECT person_id, start, stop, event, age_at_index, CASE WHEN sex = 1 THEN 1 ELSE 0 END AS male, diabetes, heart_failure, ckd, ${exposureCols.join(', ')} FROM ${tv.table} ORDER BY person_id, start`,
    );
    const n = (cols.start as Float64Array).length;
    const currentA = new Float64Array(n);
    const unexposed = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let a = 0;
      let b = 0;
      tv.drugs.forEach((d, j) => {
        const v = (cols[exposureCols[j]!] as Float64Array)[i]!;
        if (d.startsWith('A')) a += v;
        else b += v;
      });
      currentA[i] = a;
      unexposed[i] = a + b === 0 ? 1 : 0;
    }
    const data = { ...cols, currentA, unexposed };
    const fit = (covariates: string[]) => {
      const f = coxph(data, { start: 'start', time: 'stop', event: 'event', covariates });
      return { fit: f, estimate: { hr: f.hr[0]!, lower: f.lower[0]!, upper: f.upper[0]! } };
    };
    const crude = fit(['currentA', 'unexposed']);

    // Propensity of starting with A (the class dispensed on the index day) given the baseline covariates.
    const baseline = await engine.columns(
      `SELECT a.person_id, CASE WHEN EXISTS (SELECT 1 FROM claims.dispensing d WHERE d.person_id = a.person_id AND d.date = a.index_date ` +
        `AND d.atc_code LIKE '${drugClasses.A.atcClasses[0]}%') THEN 1 ELSE 0 END AS initial_a, a.age_at_index, CASE WHEN a.sex = 1 THEN 1 ELSE 0 END AS male, ` +
        `a.diabetes, a.heart_failure, a.ckd FROM ${analysis.table} a ORDER BY a.person_id`,
    );
    const ps = propensityScore(baseline, { treatment: 'initial_a', covariates: ['age_at_index', 'male', 'diabetes', 'heart_failure', 'ckd'] });
    const weights = weightByPropensity({ initial_a: baseline.initial_a!, ps: ps.ps }, { treatment: 'initial_a', ps: 'ps', estimand: 'ATE', stabilised: true });
    const weightOf = new Map((baseline.person_id as string[]).map((id, i) => [id, weights.weights[i]!]));
    const w = Float64Array.from(cols.person_id as string[], (id) => weightOf.get(id)!);
    const weighted = coxph({ ...data, w }, { start: 'start', time: 'stop', event: 'event', covariates: ['currentA', 'unexposed'], weights: 'w', cluster: 'person_id' });
    const adjusted = fit(['currentA', 'unexposed', 'age_at_index', 'male', 'diabetes', 'heart_failure', 'ckd']);
    return {
      persons: options.persons,
      seed: options.seed,
      trueHazardRatio: sim.truth.trueHazardRatio as number,
      cohortPersons: cohort.persons,
      events: adjusted.fit.nEvent,
      crude: crude.estimate,
      adjusted: adjusted.estimate,
      psWeighted: { hr: weighted.hr[0]!, lower: weighted.lower[0]!, upper: weighted.upper[0]!, cStatistic: ps.cStatistic },
      seconds: Number(process.hrtime.bigint() - t0) / 1e9,
    };
  } finally {
    await engine.close();
    rmSync(out, { recursive: true, force: true });
  }
}
