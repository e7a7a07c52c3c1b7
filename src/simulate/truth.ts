// What was planted, and what it produced: truth.json. Three parts:
//   - the planted parameters and code lists (from the settings);
//   - tallies over the generated persons (counts, confounding by initial class, crude rates by
//     current exposure: biased by design, since comorbidities raise both P(A) and the outcome hazard);
//   - the true cumulative incidence of the outcome by arm, from a large counterfactual population of
//     the same model: every incident initiator kept continuously on A, on B, or never exposed, with
//     death competing and no censoring, computed exactly given each person's piecewise-constant hazards.

import {
  comorbidityCodes,
  drugClasses,
  establishments,
  ingredients,
  outcomeCodePrefixes,
  outcomeCodes,
  products,
  type ComorbidityKey,
} from './codes.js';
import { formatDay } from './dates.js';
import { exposureStateNames } from './exposure.js';
import { Random, streams } from './random.js';
import type { MessyRowCounts } from './writeSnds.js';
import {
  deathRatePerDay,
  drawBaseline,
  drawCoverage,
  drawNaturalDeath,
  drawTreatmentStart,
  inWarehouse,
  outcomeRatePerDay,
  stateHazardRatio,
  yearPieces,
  type Baseline,
  type PopulationContext,
  type SimPerson,
} from './simulatePopulation.js';
import type { SimulationSettings } from './settings.js';

const COMORBIDITIES: ComorbidityKey[] = ['diabetes', 'heartFailure', 'ckd'];
const round = (x: number, digits = 6) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : null);

interface ArmTally {
  persons: number;
  ageSum: number;
  comorbidity: Record<ComorbidityKey, number>;
  anyComorbidity: number;
  /** Persons whose comorbidity shows in the data (an ALD or a diagnosis of a stay in the extract). */
  anyComorbidityRecorded: number;
}

const armTally = (): ArmTally => ({ persons: 0, ageSum: 0, comorbidity: { diabetes: 0, heartFailure: 0, ckd: 0 }, anyComorbidity: 0, anyComorbidityRecorded: 0 });

/** Running counts over the generated persons (order-independent sums, so chunking does not matter). */
export class TruthTally {
  persons = 0;
  warehousePersons = 0;
  lateEntries = 0;
  earlyExits = 0;
  secondPseudonym = 0;
  deaths = 0;
  deathsFromOutcome = 0;
  deathsInHospital = 0;
  deathCausesRecorded = 0;
  treated = 0;
  prevalentUsers = 0;
  switchers = 0;
  irregularUsers = 0;
  initiators: Record<'A' | 'B', ArmTally> = { A: armTally(), B: armTally() };
  dispensings: Record<'A' | 'B' | 'other', number> = { A: 0, B: 0, other: 0 };
  stays: Record<'background' | 'outcome' | 'terminal', number> = { background: 0, outcome: 0, terminal: 0 };
  staysInGroup = 0;
  alds = 0;
  comorbidityPrevalence: Record<ComorbidityKey, number> = { diabetes: 0, heartFailure: 0, ckd: 0 };
  comorbidityRecorded: Record<ComorbidityKey, number> = { diabetes: 0, heartFailure: 0, ckd: 0 };
  outcomes = 0;
  outcomesRecorded = 0;
  outcomesInWarehouse = 0;
  outcomesByState: [number, number, number] = [0, 0, 0];
  atRiskDays: [number, number, number] = [0, 0, 0];

  add(p: SimPerson, ctx: PopulationContext): void {
    this.persons++;
    if (inWarehouse(p)) this.warehousePersons++;
    if (p.entryDay > ctx.day0) this.lateEntries++;
    if (p.deathDay === null && p.exitDay < ctx.endDay) this.earlyExits++;
    if (p.pseudonyms.length > 1) this.secondPseudonym++;
    if (p.deathDay !== null) {
      this.deaths++;
      if (p.deathFromOutcome) this.deathsFromOutcome++;
      if (p.stays.some((s) => s.died)) this.deathsInHospital++;
      if (p.causeRecorded) this.deathCausesRecorded++;
    }
    const recorded = recordedComorbidities(p);
    for (const k of COMORBIDITIES) {
      if (p.comorbidities[k]) this.comorbidityPrevalence[k]++;
      if (p.comorbidities[k] && recorded[k]) this.comorbidityRecorded[k]++;
    }
    if (p.treatment) {
      this.treated++;
      if (p.treatment.prevalent) this.prevalentUsers++;
      if (p.treatment.switched) this.switchers++;
      if (p.treatment.irregular) this.irregularUsers++;
      const arm = this.initiators[p.treatment.initialClass];
      arm.persons++;
      arm.ageSum += p.ageAtStart;
      let any = false;
      let anyRecorded = false;
      for (const k of COMORBIDITIES) {
        if (p.comorbidities[k]) {
          arm.comorbidity[k]++;
          any = true;
          if (recorded[k]) anyRecorded = true;
        }
      }
      if (any) arm.anyComorbidity++;
      if (anyRecorded) arm.anyComorbidityRecorded++;
    }
    for (const d of p.dispensings) this.dispensings[d.drugClass]++;
    for (const s of p.stays) {
      this.stays[s.kind]++;
      if (s.establishment.inGroup) this.staysInGroup++;
    }
    this.alds += p.alds.length;
    if (p.outcome) {
      this.outcomes++;
      this.outcomesByState[p.outcome.state]++;
      if (p.outcome.recorded) {
        this.outcomesRecorded++;
        if (p.stays.some((s) => s.kind === 'outcome' && s.establishment.inGroup)) this.outcomesInWarehouse++;
      }
    }
    for (let k = 0; k < 3; k++) this.atRiskDays[k] += p.atRiskDays[k]!;
  }
}

/** Which comorbidities of a person show in the data: an ALD registration or a diagnosis of a stay in the extract. */
export function recordedComorbidities(p: SimPerson): Record<ComorbidityKey, boolean> {
  const out = { diabetes: false, heartFailure: false, ckd: false };
  for (const k of COMORBIDITIES) {
    const c = comorbidityCodes[k];
    if (p.alds.some((a) => a.icd10 === c.aldCode)) out[k] = true;
    else if (p.stays.some((s) => c.codes.includes(s.dp) || s.associated.some((a) => c.codes.includes(a)))) out[k] = true;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// True cumulative incidence by arm.

export interface ArmRisk {
  /** Cumulative incidence of the outcome at each horizon. */
  cumulativeIncidence: Array<number | null>;
  /** Monte Carlo standard error of that mean over persons. */
  monteCarloStandardError: Array<number | null>;
}

export interface CounterfactualPopulationRisk {
  description: string;
  persons: number;
  arms: { alwaysCurrentA: ArmRisk; alwaysCurrentB: ArmRisk; neverExposed: ArmRisk };
  riskRatioAvsB: Array<number | null>;
  riskDifferenceAvsB: Array<number | null>;
}

export interface CounterfactualRisk {
  method: string;
  drawnPersons: number;
  horizonsDays: number[];
  populations: { incidentInitiators: CounterfactualPopulationRisk; incidentInitiatorsAfter365DayWashout: CounterfactualPopulationRisk };
}

export const RISK_HORIZONS_DAYS = [365, 730, 1095];

/** Cumulative incidence of the first outcome at each horizon from day t0, with the outcome hazard × hr and natural death competing. */
export function cumulativeIncidence(ctx: PopulationContext, b: Baseline, t0: number, hr: number, horizons: readonly number[]): number[] {
  const maxH = Math.max(...horizons);
  const pieces = yearPieces(ctx, b, t0, t0 + maxH);
  return horizons.map((h) => {
    let survival = 1;
    let cif = 0;
    for (const p of pieces) {
      if (p.start >= t0 + h) break;
      const len = Math.min(p.end, t0 + h) - p.start;
      const lo = outcomeRatePerDay(ctx.model, b, p.age) * hr;
      const ld = deathRatePerDay(ctx.model, b, p.age);
      const total = lo + ld;
      if (total > 0) {
        const leave = 1 - Math.exp(-total * len);
        cif += (survival * lo * leave) / total;
        survival *= 1 - leave;
      }
    }
    return cif;
  });
}

class RiskSum {
  n = 0;
  sum: Record<'A' | 'B' | 'U', number[]>;
  sumSq: Record<'A' | 'B' | 'U', number[]>;
  constructor(k: number) {
    const z = () => new Array<number>(k).fill(0);
    this.sum = { A: z(), B: z(), U: z() };
    this.sumSq = { A: z(), B: z(), U: z() };
  }
  add(arm: 'A' | 'B' | 'U', values: number[]): void {
    values.forEach((v, i) => {
      this.sum[arm][i]! += v;
      this.sumSq[arm][i]! += v * v;
    });
  }
  result(description: string): CounterfactualPopulationRisk {
    const arm = (a: 'A' | 'B' | 'U'): ArmRisk => ({
      cumulativeIncidence: this.sum[a].map((s) => round(s / this.n)),
      monteCarloStandardError: this.sum[a].map((s, i) => {
        const mean = s / this.n;
        const variance = Math.max(0, this.sumSq[a][i]! / this.n - mean * mean);
        return round(Math.sqrt(variance / this.n), 3);
      }),
    });
    const A = this.sum.A.map((s) => s / this.n);
    const B = this.sum.B.map((s) => s / this.n);
    return {
      description,
      persons: this.n,
      arms: { alwaysCurrentA: arm('A'), alwaysCurrentB: arm('B'), neverExposed: arm('U') },
      riskRatioAvsB: A.map((a, i) => round(a / B[i]!)),
      riskDifferenceAvsB: A.map((a, i) => round(a - B[i]!)),
    };
  }
}

/** The true cumulative incidence by arm among incident initiators, from `settings.truthPersons` persons of the model. */
export function counterfactualRisk(ctx: PopulationContext): CounterfactualRisk {
  const m = ctx.model;
  const horizons = RISK_HORIZONS_DAYS;
  const all = new RiskSum(horizons.length);
  const washout = new RiskSum(horizons.length);
  for (let i = 0; i < ctx.settings.truthPersons; i++) {
    // Same draws, in the same order, as the first phases of simulatePerson, on the truth stream.
    const r = Random.forPerson(ctx.settings.seed, i, streams.truth);
    const b = drawBaseline(r, ctx);
    const cov = drawCoverage(r, ctx, b);
    const lastCovered = Math.min(cov.plannedExitDay, ctx.endDay);
    const naturalDeath = drawNaturalDeath(r, ctx, b, cov.entryDay, lastCovered);
    const ts = drawTreatmentStart(r, ctx, b, cov);
    if (!ts.treated || ts.prevalent || ts.startDay >= (naturalDeath ?? lastCovered + 1)) continue;
    const a = cumulativeIncidence(ctx, b, ts.startDay, stateHazardRatio(m, 1), horizons);
    const bb = cumulativeIncidence(ctx, b, ts.startDay, stateHazardRatio(m, 2), horizons);
    const u = cumulativeIncidence(ctx, b, ts.startDay, stateHazardRatio(m, 0), horizons);
    for (const target of ts.startDay - cov.entryDay >= 365 ? [all, washout] : [all]) {
      target.n++;
      target.add('A', a);
      target.add('B', bb);
      target.add('U', u);
    }
  }
  return {
    method:
      'Monte Carlo over the covariates of the incident initiators among `drawnPersons` persons drawn from the same model (own random stream); ' +
      "each person's cumulative incidence is exact given their piecewise-constant hazards (by year of age), with natural death competing, " +
      'no loss to follow-up and no study-end censoring, from the initiation day.',
    drawnPersons: ctx.settings.truthPersons,
    horizonsDays: horizons,
    populations: {
      incidentInitiators: all.result('persons who initiate A or B during their coverage (not already treated on 1 January of the start year), at initiation'),
      incidentInitiatorsAfter365DayWashout: washout.result('the same, restricted to initiations at least 365 days after the start of coverage (a new-user design with a 1-year washout)'),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// truth.json

export interface TruthFile {
  table: string;
  /** Path relative to the output folder. */
  path: string;
  rows: number;
}

export type Truth = ReturnType<typeof buildTruth>;

/** Settings written to truth.json: everything that changes the data (not the output folder, chunk size or format). */
export function truthSettings(s: SimulationSettings) {
  return {
    persons: s.persons,
    seed: s.seed,
    layout: s.layout,
    startYear: s.startYear,
    endYear: s.endYear,
    messy: s.messy,
    messyRates: s.messyRates,
    truthPersons: s.truthPersons,
  };
}

export function buildTruth(ctx: PopulationContext, tally: TruthTally, risk: CounterfactualRisk, messyRows: MessyRowCounts | null, files: TruthFile[]) {
  const m = ctx.model;
  const py = tally.atRiskDays.map((d) => d / 365.25);
  const rate = (k: number) => round((1000 * tally.outcomesByState[k]!) / py[k]!, 4);
  const arm = (a: ArmTally) => ({
    persons: a.persons,
    meanAgeAtStudyStart: round(a.ageSum / a.persons, 4),
    proportionWith: Object.fromEntries(COMORBIDITIES.map((k) => [k, round(a.comorbidity[k] / a.persons, 4)])),
    proportionWithAnyComorbidity: round(a.anyComorbidity / a.persons, 4),
    proportionWithAnyComorbidityRecorded: round(a.anyComorbidityRecorded / a.persons, 4),
  });
  return {
    generator: 'cohorte src/simulate (simulate())',
    settings: truthSettings(ctx.settings),
    studyPeriod: { start: formatDay(ctx.day0, 'iso'), end: formatDay(ctx.endDay, 'iso') },
    trueHazardRatio: m.outcome.hazardRatios.currentA,
    estimand:
      'Hazard ratio of the first outcome (major bleeding: a hospital stay with principal diagnosis in outcome.codes) for current exposure to drug A vs current exposure to drug B, ' +
      'conditional on the confounders (age, sex, deprivation, diabetes, heart failure, chronic kidney disease), with death as a competing event. ' +
      'The marginal hazard ratio differs slightly (non-collapsibility); the marginal contrast is counterfactualRisk.',
    exposure: {
      gracePeriodDays: m.exposure.gracePeriodDays,
      definition:
        'Current exposure to a class on day t: t in [d, d + supply + grace) for at least one dispensing of that class on day d (the care date EXE_SOI_DTD / drug_exposure_start_date), ' +
        'with supply = packs (PHA_ACT_QSN) x units per pack (PHA_UNT_NBR_DSES) / units per day (below; OMOP days_supply holds it). ' +
        'When both classes are current the class dispensed most recently wins (B on a same-day tie); otherwise unexposed.',
      unitsPerDay: Object.fromEntries(products.map((p) => [p.cip13, p.unitsPerDay])),
    },
    model: m,
    codes: {
      drugClasses: Object.fromEntries(
        (['A', 'B', 'other'] as const).map((k) => [
          k,
          {
            label: drugClasses[k].label,
            atcClasses: drugClasses[k].atcClasses,
            ingredients: ingredients.filter((i) => i.drugClass === k).map((i) => ({ name: i.name, atc: i.atc, omopConceptId: i.omopConceptId, conceptSource: i.conceptSource })),
            products: products
              .filter((p) => p.drugClass === k)
              .map((p) => ({ cip13: p.cip13, atc: p.atc, name: p.name, unitsPerPack: p.unitsPerPack, unitsPerDay: p.unitsPerDay, daysPerPack: p.daysPerPack, omopConceptId: p.omopConceptId })),
          },
        ]),
      ),
      outcome: {
        name: 'major bleeding (gastrointestinal or intracerebral haemorrhage)',
        codes: outcomeCodes.map((o) => ({ icd10: o.icd10, weight: o.weight, site: o.site })),
        icd10Prefixes: outcomeCodePrefixes,
        omopConceptIds: [192671, 376713],
        recordedAs: 'the principal diagnosis (DGN_PAL; OMOP condition with status 32902) of a hospital stay admitted on the outcome day',
      },
      comorbidities: comorbidityCodes,
      hospitalGroupEstablishments: establishments.filter((e) => e.inGroup).map((e) => e.etaNum),
    },
    counts: {
      persons: tally.persons,
      warehousePersons: tally.warehousePersons,
      lateEntries: tally.lateEntries,
      earlyExits: tally.earlyExits,
      personsWithSecondPseudonym: tally.secondPseudonym,
      deaths: tally.deaths,
      deathsFromOutcome: tally.deathsFromOutcome,
      deathsInHospital: tally.deathsInHospital,
      deathCausesRecorded: tally.deathCausesRecorded,
      treated: tally.treated,
      prevalentUsers: tally.prevalentUsers,
      incidentUsers: tally.treated - tally.prevalentUsers,
      switchers: tally.switchers,
      irregularUsers: tally.irregularUsers,
      dispensings: tally.dispensings,
      stays: tally.stays,
      staysInGroup: tally.staysInGroup,
      longTermRegistrations: tally.alds,
      comorbidityPrevalence: tally.comorbidityPrevalence,
      comorbidityRecorded: tally.comorbidityRecorded,
      outcomes: tally.outcomes,
      outcomesRecorded: tally.outcomesRecorded,
      outcomesInWarehouse: tally.outcomesInWarehouse,
    },
    confounding: {
      note: 'Initiators by initial class: comorbidities raise P(A) and the outcome hazard, so a crude comparison of A and B is biased.',
      byInitialClass: { A: arm(tally.initiators.A), B: arm(tally.initiators.B) },
    },
    crude: {
      note: 'Observed person-time at risk of a first outcome and first outcomes, by current exposure state (all persons). Confounded by design.',
      personYears: Object.fromEntries(exposureStateNames.map((n, k) => [n, round(py[k]!, 6)])),
      outcomes: Object.fromEntries(exposureStateNames.map((n, k) => [n, tally.outcomesByState[k]])),
      ratePer1000PersonYears: Object.fromEntries(exposureStateNames.map((n, k) => [n, rate(k)])),
      rateRatioAvsB: round((tally.outcomesByState[1] / py[1]!) / (tally.outcomesByState[2] / py[2]!), 4),
    },
    counterfactualRisk: risk,
    messyRows,
    files,
  };
}
