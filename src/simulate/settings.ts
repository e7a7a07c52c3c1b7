// What a simulation is asked for (options) and every planted parameter of the population model
// (with defaults). The resolved settings are written to truth.json, so a study can be checked
// against exactly what was planted.

import { simulateMessages as msg } from '../messages/load.js';

/** Rates of the realistic messy rows added to the SNDS layout when `messy` is on. */
export interface MessyRates {
  /** Per dispensing: an information-only copy (DPN_QLF = 71) in its own décompte, with its ER_PHA_F line. */
  infoLinePerDispensing: number;
  /** Per dispensing: a surcharge line (CPL_MAJ_TOP = 2) in the same décompte, with an ER_PHA_F line repeating the product and quantity. */
  surchargePerDispensing: number;
  /** Per dispensing: the pack billed twice then the duplicate cancelled by a return (negative PHA_ACT_QSN) in a later flow, same care date. */
  returnPerDispensing: number;
  /** Per dispensing: a duplicate line whose EXE_SOI_DTD is not a valid date (e.g. 31/02/2019). */
  badDatePerDispensing: number;
  /** Per stay: an extra stay in error (GRG_GHM '90Z00Z'), with its C and D rows. */
  errorGhmPerStay: number;
  /** Per stay: a copy billed as an inter-establishment service (SEJ_TYP = 'B') by another hospital. */
  interEstablishmentPerStay: number;
  /** Per stay: a copy whose chaining return codes are not all '0' (NIR_RET = '1'): not reliably linked. */
  linkageErrorPerStay: number;
}

export interface SimulationOptions {
  /** Number of persons of the claims population. */
  persons: number;
  /** Seed of the PRNG: the same seed gives byte-identical files. */
  seed: number;
  /** Which layouts to write: SNDS (claims), OMOP (hospital warehouse), or both with linkage.csv. */
  layout: 'snds' | 'omop' | 'both';
  /** Output folder: snds/, omop/, linkage.csv and truth.json are written in it. */
  out: string;
  /** CSV files, or Parquet files: each table is written as CSV, then converted by DuckDB (streamed, all columns as text) and the CSV removed. linkage.csv stays CSV. */
  format: 'csv' | 'parquet';
  /** First calendar year of the study period (1 January). Default 2016. */
  startYear?: number;
  /** Last calendar year of the study period (31 December). Default 2021. */
  endYear?: number;
  /** True hazard ratio of the outcome for current exposure to drug A vs current exposure to drug B. Default 1.5. */
  trueHazardRatio?: number;
  /** Hazard ratio of the outcome when not currently exposed to either drug, vs current B. Default 0.5. */
  unexposedHazardRatio?: number;
  /** Days after the end of a dispensing's supply during which exposure is still current. Default 30. */
  gracePeriodDays?: number;
  /** Add realistic messy rows to the SNDS layout, counted in truth.json `messyRows`. Default false. */
  messy?: boolean;
  /** Override some messy row rates. */
  messyRates?: Partial<MessyRates>;
  /** Persons generated between flushes and progress reports. Does not change the output. Default 50,000. */
  chunkSize?: number;
  /** Size of the internal counterfactual population used for the true cumulative incidence. Default 200,000. */
  truthPersons?: number;
  /** Override planted model parameters (deep-merged over the defaults). */
  model?: DeepPartial<ModelParameters>;
  /** Called after each chunk with the number of persons done. */
  onProgress?: (personsDone: number, persons: number) => void;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/** Every planted parameter of the person-level model. Rates are per person-year; log-odds and hazard ratios multiply. */
export interface ModelParameters {
  population: {
    /** Proportion of men (BEN_SEX_COD 1). */
    maleProportion: number;
    /** Age on 1 January of the start year: normal, truncated to [min, max]. */
    ageAtStart: { mean: number; sd: number; min: number; max: number };
    /** Persons whose coverage starts during the study (new affiliation): entry uniform over the period. */
    lateEntryProportion: number;
    /** Persons whose coverage ends before the study end (left the scheme): exit uniform after entry. */
    earlyExitProportion: number;
    /** Persons with a second (BEN_NIR_PSA, BEN_RNG_GEM) pair for the same BEN_IDT_ANO, used from a switch date. */
    secondPseudonymProportion: number;
  };
  comorbidities: {
    /** Baseline prevalence model: logit p = logOdds + agePer10 × (age − 75)/10 + frailty, frailty ~ N(0, frailtySd) shared by the three. */
    frailtySd: number;
    diabetes: ComorbidityModel;
    heartFailure: ComorbidityModel;
    ckd: ComorbidityModel;
  };
  death: {
    /** Gompertz hazard: ratePerYearAt75 × exp(gompertzPerYear × (age − 75)), age on 1 January of each year. */
    ratePerYearAt75: number;
    gompertzPerYear: number;
    hazardRatios: { male: number; diabetes: number; heartFailure: number; ckd: number };
    /** Probability that an outcome is fatal, death then uniform within `outcomeCaseFatalityDays`. */
    outcomeCaseFatality: number;
    outcomeCaseFatalityDays: number;
    /** Probability that a death happens in hospital (a terminal stay ending on the death day). */
    inHospitalProportion: number;
    /** Share of deaths with a cause-of-death row (KI_CCI_R). */
    causeRecordedProportion: number;
  };
  treatment: {
    /** Persons treated by drug A or B at some point. */
    treatedProportion: number;
    /** Among treated persons covered on 1 January of the start year: already treated then (first dispensing within 45 days). */
    prevalentUserProportion: number;
    /** logit P(initiate A rather than B) = intercept + Σ coefficient × covariate; covariates 0/1 except age ((age − 75)/10), deprivation (quintile − 3), calendar (years since study start). */
    choiceOfA: { intercept: number; diabetes: number; heartFailure: number; ckd: number; agePer10: number; deprivationPerQuintile: number; perCalendarYear: number };
    /** Persons who mostly get 84/90-day packs. */
    largePackUserProportion: number;
    /** P(large pack) at a dispensing, for large-pack users and for others. */
    largePackProbability: { largePackUser: number; other: number };
    /** P(two small packs at once). */
    twoPacksProbability: number;
    /** Persons refilling irregularly (gaps beyond supply + grace happen). */
    irregularUserProportion: number;
    /** Regular users refill after supply + N(mean, sd) days. */
    regularRefillDelayDays: { mean: number; sd: number };
    /** Irregular users refill after supply × U(min, max) days. */
    irregularRefillFactor: { min: number; max: number };
    /** P(stop) at each refill. */
    stopProbability: { regular: number; irregular: number };
    /** P(restart after a stop), after an exponential delay with this mean. */
    restartProbability: number;
    restartDelayDaysMean: number;
    /** P(switch class) at each refill. */
    switchProbability: { AtoB: number; BtoA: number };
    /** P(treatment stopped for good after an outcome). */
    stopAfterOutcomeProbability: number;
  };
  otherDrug: {
    /** Persons dispensed the unrelated chronic drug (statin), regularly, from before the study or from a random date. */
    proportion: number;
    diabetesOddsRatio: number;
    /** Persons on the 90-day pack (the others get 30-day packs). */
    largePackProbability: number;
    stopProbability: number;
  };
  outcome: {
    /** Outcome rate for a reference person: current B, age 75, woman, no comorbidity, deprivation quintile 3. */
    ratePerYear: number;
    /** Multiplicative effects on the outcome hazard (conditional hazard ratios). currentA is the true hazard ratio. */
    hazardRatios: { agePer10: number; male: number; diabetes: number; heartFailure: number; ckd: number; deprivationPerQuintile: number; currentA: number; currentB: number; unexposed: number };
  };
  exposure: {
    /** Days after a dispensing's supply ends during which exposure is still current. */
    gracePeriodDays: number;
  };
  hospital: {
    /** Rate of stays for other reasons. */
    backgroundStayRatePerYear: number;
    hazardRatios: { agePer10: number; diabetes: number; heartFailure: number; ckd: number };
    /** Persons whose home hospital is in the group (the OMOP warehouse). */
    groupHomeProportion: number;
    /** Share of a person's stays in their home hospital. */
    homeHospitalShare: number;
    /** For persons with a comorbidity: P(a stay is for it) and P(it is coded as an associated diagnosis of a stay). */
    comorbidityAdmissionProbability: number;
    comorbidityCodedProbability: number;
    /** P(atrial fibrillation I48 coded as associated diagnosis of a stay). */
    atrialFibrillationCodedProbability: number;
  };
}

export interface ComorbidityModel {
  logOdds: number;
  agePer10: number;
  /** P(registered as a long-term disease, ALD, in IR_IMB_R) for a person with the disease. */
  aldProbability: number;
}

const logit = (p: number) => Math.log(p / (1 - p));

export const defaultModel: ModelParameters = {
  population: {
    maleProportion: 0.55,
    ageAtStart: { mean: 74, sd: 10, min: 40, max: 99 },
    lateEntryProportion: 0.08,
    earlyExitProportion: 0.04,
    secondPseudonymProportion: 0.02,
  },
  comorbidities: {
    frailtySd: 0.8,
    diabetes: { logOdds: logit(0.22), agePer10: 0.1, aldProbability: 0.7 },
    heartFailure: { logOdds: logit(0.18), agePer10: 0.4, aldProbability: 0.5 },
    ckd: { logOdds: logit(0.14), agePer10: 0.5, aldProbability: 0.4 },
  },
  death: {
    ratePerYearAt75: 0.035,
    gompertzPerYear: 0.09,
    hazardRatios: { male: 1.3, diabetes: 1.3, heartFailure: 2.0, ckd: 1.6 },
    outcomeCaseFatality: 0.12,
    outcomeCaseFatalityDays: 30,
    inHospitalProportion: 0.55,
    causeRecordedProportion: 0.95,
  },
  treatment: {
    treatedProportion: 0.75,
    prevalentUserProportion: 0.25,
    choiceOfA: { intercept: -0.4, diabetes: 0.4, heartFailure: 0.6, ckd: 1.0, agePer10: 0.3, deprivationPerQuintile: 0.15, perCalendarYear: -0.25 },
    largePackUserProportion: 0.3,
    largePackProbability: { largePackUser: 0.85, other: 0.05 },
    twoPacksProbability: 0.06,
    irregularUserProportion: 0.3,
    regularRefillDelayDays: { mean: -2, sd: 4 },
    irregularRefillFactor: { min: 1.0, max: 1.9 },
    stopProbability: { regular: 0.012, irregular: 0.04 },
    restartProbability: 0.35,
    restartDelayDaysMean: 120,
    switchProbability: { AtoB: 0.012, BtoA: 0.004 },
    stopAfterOutcomeProbability: 0.3,
  },
  otherDrug: { proportion: 0.15, diabetesOddsRatio: 2.5, largePackProbability: 0.6, stopProbability: 0.02 },
  outcome: {
    ratePerYear: 0.02,
    hazardRatios: { agePer10: 1.5, male: 1.2, diabetes: 1.3, heartFailure: 1.3, ckd: 1.8, deprivationPerQuintile: 1.05, currentA: 1.5, currentB: 1, unexposed: 0.5 },
  },
  exposure: { gracePeriodDays: 30 },
  hospital: {
    backgroundStayRatePerYear: 0.4,
    hazardRatios: { agePer10: 1.2, diabetes: 1.3, heartFailure: 1.8, ckd: 1.5 },
    groupHomeProportion: 0.7,
    homeHospitalShare: 0.85,
    comorbidityAdmissionProbability: 0.25,
    comorbidityCodedProbability: 0.6,
    atrialFibrillationCodedProbability: 0.5,
  },
};

export const defaultMessyRates: MessyRates = {
  infoLinePerDispensing: 0.01,
  surchargePerDispensing: 0.005,
  returnPerDispensing: 0.005,
  badDatePerDispensing: 0.003,
  errorGhmPerStay: 0.01,
  interEstablishmentPerStay: 0.005,
  linkageErrorPerStay: 0.005,
};

/** Options with every default filled in, and the model with the option shortcuts applied. Carried by results. */
export interface SimulationSettings {
  persons: number;
  seed: number;
  layout: 'snds' | 'omop' | 'both';
  out: string;
  format: 'csv' | 'parquet';
  startYear: number;
  endYear: number;
  messy: boolean;
  messyRates: MessyRates;
  chunkSize: number;
  truthPersons: number;
  model: ModelParameters;
}

function deepMerge<T>(base: T, patch: unknown): T {
  if (patch === undefined || patch === null || typeof patch !== 'object' || Array.isArray(patch)) return (patch ?? base) as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === undefined) continue;
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) ? deepMerge(out[k], v) : v;
  }
  return out as T;
}

const positiveInteger = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Check options and fill in defaults. Throws a CohorteError naming the option on bad input. */
export function resolveSettings(options: SimulationOptions): SimulationSettings {
  if (!positiveInteger(options.persons)) throw msg.badOption('persons', 'a positive integer', options.persons);
  if (typeof options.seed !== 'number' || !Number.isInteger(options.seed)) throw msg.badOption('seed', 'an integer', options.seed);
  if (!['snds', 'omop', 'both'].includes(options.layout)) throw msg.badOption('layout', "'snds', 'omop' or 'both'", options.layout);
  if (!['csv', 'parquet'].includes(options.format)) throw msg.badOption('format', "'csv' or 'parquet'", options.format);
  if (typeof options.out !== 'string' || options.out === '') throw msg.badOption('out', 'an output folder path', options.out);
  const startYear = options.startYear ?? 2016;
  const endYear = options.endYear ?? 2021;
  if (!Number.isInteger(startYear) || startYear < 2006 || startYear > 2100) throw msg.badOption('startYear', 'a year from 2006', startYear);
  if (!Number.isInteger(endYear) || endYear < startYear || endYear > 2100) throw msg.badOption('endYear', 'a year not before startYear', endYear);
  const chunkSize = options.chunkSize ?? 50_000;
  if (!positiveInteger(chunkSize)) throw msg.badOption('chunkSize', 'a positive integer', chunkSize);
  const truthPersons = options.truthPersons ?? 200_000;
  if (!positiveInteger(truthPersons)) throw msg.badOption('truthPersons', 'a positive integer', truthPersons);
  for (const [name, v] of [['trueHazardRatio', options.trueHazardRatio], ['unexposedHazardRatio', options.unexposedHazardRatio]] as const) {
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw msg.badOption(name, 'a positive number', v);
  }
  if (options.gracePeriodDays !== undefined && !(Number.isInteger(options.gracePeriodDays) && options.gracePeriodDays >= 0)) {
    throw msg.badOption('gracePeriodDays', 'a whole number of days ≥ 0', options.gracePeriodDays);
  }
  const model = deepMerge(structuredClone(defaultModel), options.model ?? {});
  if (options.trueHazardRatio !== undefined) model.outcome.hazardRatios.currentA = options.trueHazardRatio;
  if (options.unexposedHazardRatio !== undefined) model.outcome.hazardRatios.unexposed = options.unexposedHazardRatio;
  if (options.gracePeriodDays !== undefined) model.exposure.gracePeriodDays = options.gracePeriodDays;
  const messyRates = { ...defaultMessyRates, ...(options.messyRates ?? {}) };
  for (const [k, v] of Object.entries(messyRates)) {
    if (!(typeof v === 'number' && v >= 0 && v <= 1)) throw msg.badOption(`messyRates.${k}`, 'a probability between 0 and 1', v);
  }
  return {
    persons: options.persons,
    seed: options.seed,
    layout: options.layout,
    out: options.out,
    format: options.format,
    startYear,
    endYear,
    messy: options.messy ?? false,
    messyRates,
    chunkSize,
    truthPersons,
    model,
  };
}
