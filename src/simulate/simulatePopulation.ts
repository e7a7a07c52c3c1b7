// The person-level model: one function of (settings, person index) that returns everything that
// happens to a person during the study, in day numbers. The writers only format it. Draw order is
// fixed and each person has their own random streams, so persons are independent of chunking.
//
//   baseline (sex, age, residence, deprivation, comorbidities)
//     → coverage (entry, exit) → natural death (Gompertz, by calendar year)
//     → treatment (initiation, class A vs B by confounders, refills, switches, stops)
//     → exposure segments → first outcome (hazard × HR of the current state), case fatality
//     → hospital stays (outcome, other reasons, terminal), long-term disease registrations, ids.

import {
  backgroundStayReasons,
  comorbidityCodes,
  atrialFibrillationCodes,
  deathCauses,
  departments,
  deprivationQuintileOf,
  establishments,
  ingredients,
  outcomeCodes,
  outcomeStayGhm,
  packsOf,
  type ComorbidityKey,
  type DrugClassKey,
  type DrugIngredient,
  type DrugProduct,
  type Establishment,
  type StayReason,
} from './codes.js';
import { calendarOf, dayOf, yearOf } from './dates.js';
import { exposureSegments, firstEventDay, type ExposureState, type HazardPiece } from './exposure.js';
import { Random, streams } from './random.js';
import type { ModelParameters, SimulationSettings } from './settings.js';

export interface SimDispensing {
  day: number;
  product: DrugProduct;
  drugClass: DrugClassKey;
  /** Packs dispensed (PHA_ACT_QSN). */
  packs: number;
  /** packs × units per pack / units per day. */
  supplyDays: number;
}

export type StayKind = 'background' | 'outcome' | 'terminal';

export interface SimStay {
  admissionDay: number;
  dischargeDay: number;
  establishment: Establishment;
  /** Principal diagnosis (DGN_PAL). */
  dp: string;
  /** Related diagnosis (DGN_REL), '' when none. */
  dr: string;
  /** Associated diagnoses (T_MCOaaD.ASS_DGN). */
  associated: string[];
  /** CCAM acts (T_MCOaaA.CDC_ACT). */
  acts: string[];
  ghm: string;
  kind: StayKind;
  /** The person died during the stay (SOR_MOD 9). */
  died: boolean;
}

export interface SimAld {
  number: string;
  icd10: string;
  startDay: number;
  endDay: number | null;
}

export interface SimPseudonym {
  nirPsa: string;
  rngGem: string;
  /** First day the pair is used in claims (the first pair: from the start). */
  fromDay: number;
}

export interface SimTreatment {
  startDay: number;
  /** Already treated on 1 January of the start year (first observed dispensing within 45 days). */
  prevalent: boolean;
  initialClass: 'A' | 'B';
  largePackUser: boolean;
  irregular: boolean;
  switched: boolean;
}

export interface SimPerson {
  index: number;
  /** SNDS person pseudonym (BEN_IDT_ANO), 17 letters. */
  idtAno: string;
  /** BEN_NIR_ANO. */
  nirAno: string;
  /** One or two (BEN_NIR_PSA, BEN_RNG_GEM) pairs, by first day of use. */
  pseudonyms: SimPseudonym[];
  sex: 1 | 2;
  birthDay: number;
  /** Age on 1 January of the start year. */
  ageAtStart: number;
  department: string;
  commune: string;
  deprivationQuintile: number;
  comorbidities: Record<ComorbidityKey, boolean>;
  /** Code recorded for each comorbidity when coded (stable per person, e.g. CKD stage). */
  comorbidityCode: Record<ComorbidityKey, string>;
  /** Insured since (BEN_DTE_INS): before the study for most persons. */
  coverageSinceDay: number;
  /** First observed day (study start, or a later affiliation). */
  entryDay: number;
  /** Last observed day: the study end, the end of coverage, or the death day. */
  exitDay: number;
  /** Recorded death (during coverage and the study), else null. */
  deathDay: number | null;
  deathFromOutcome: boolean;
  deathCause: string | null;
  /** Whether KI_CCI_R has the cause of death. */
  causeRecorded: boolean;
  homeInGroup: boolean;
  treatment: SimTreatment | null;
  /** Clean dispensings of A, B and the other drug, sorted by day. */
  dispensings: SimDispensing[];
  /** Stays discharged by the study end, sorted, non-overlapping. */
  stays: SimStay[];
  alds: SimAld[];
  /** The first outcome (during observation), its code, the exposure state that day, and whether its stay is in the extract. */
  outcome: { day: number; code: string; state: ExposureState; recorded: boolean } | null;
  /** Observed person-days at risk of a first outcome, by state (unexposed, current A, current B). */
  atRiskDays: [number, number, number];
}

/** Precomputed calendar and lookup tables of a run. */
export interface PopulationContext {
  settings: SimulationSettings;
  model: ModelParameters;
  /** Day number of 1 January of the start year. */
  day0: number;
  /** Day number of 31 December of the end year (last study day, included). */
  endDay: number;
  yearStart: (year: number) => number;
  groupSites: Establishment[];
  otherSites: Establishment[];
  groupDepartments: { codes: string[]; weights: number[] };
  otherDepartments: { codes: string[]; weights: number[] };
  ingredientsOf: { A: DrugIngredient[]; B: DrugIngredient[] };
  ingredientWeights: { A: number[]; B: number[] };
}

export function populationContext(settings: SimulationSettings): PopulationContext {
  const cache = new Map<number, number>();
  const yearStart = (y: number) => {
    let d = cache.get(y);
    if (d === undefined) {
      d = dayOf(y, 1, 1);
      cache.set(y, d);
    }
    return d;
  };
  const deps = (group: boolean) => {
    const list = departments.filter((d) => d.groupArea === group);
    return { codes: list.map((d) => d.code), weights: list.map((d) => d.weight) };
  };
  const ing = (c: 'A' | 'B') => ingredients.filter((i) => i.drugClass === c);
  return {
    settings,
    model: settings.model,
    day0: yearStart(settings.startYear),
    endDay: yearStart(settings.endYear + 1) - 1,
    yearStart,
    groupSites: establishments.filter((e) => e.inGroup),
    otherSites: establishments.filter((e) => !e.inGroup),
    groupDepartments: deps(true),
    otherDepartments: deps(false),
    ingredientsOf: { A: ing('A'), B: ing('B') },
    ingredientWeights: { A: ing('A').map((i) => i.weight), B: ing('B').map((i) => i.weight) },
  };
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
const DAYS_PER_YEAR = 365.25;

// ---------------------------------------------------------------------------------------------
// Phases shared with the counterfactual truth population (truth.ts).

export interface Baseline {
  sex: 1 | 2;
  birthDay: number;
  birthYear: number;
  /** Born on 1 January (age changes exactly at the year start). */
  bornJan1: boolean;
  ageAtStart: number;
  homeInGroup: boolean;
  department: string;
  commune: number;
  deprivationQuintile: number;
  comorbidities: Record<ComorbidityKey, boolean>;
}

export function drawBaseline(r: Random, ctx: PopulationContext): Baseline {
  const m = ctx.model;
  const sex: 1 | 2 = r.bernoulli(m.population.maleProportion) ? 1 : 2;
  const a = m.population.ageAtStart;
  let age = r.normal(a.mean, a.sd);
  age = Math.min(a.max + 0.999, Math.max(a.min, age));
  const birthDay = ctx.day0 - Math.floor(age * DAYS_PER_YEAR) - 1;
  const bc = calendarOf(birthDay);
  const homeInGroup = r.bernoulli(m.hospital.groupHomeProportion);
  const deps = homeInGroup ? ctx.groupDepartments : ctx.otherDepartments;
  const department = deps.codes[r.weightedIndex(deps.weights)]!;
  const commune = r.int(1, 999);
  const ageAtStart = ageOnYearStart(bc.year, bc.month === 1 && bc.day === 1, ctx.settings.startYear);
  const frailty = r.normal(0, m.comorbidities.frailtySd);
  const c = m.comorbidities;
  const x = (ageAtStart - 75) / 10;
  const comorbidities = {
    diabetes: r.bernoulli(logistic(c.diabetes.logOdds + c.diabetes.agePer10 * x + frailty)),
    heartFailure: r.bernoulli(logistic(c.heartFailure.logOdds + c.heartFailure.agePer10 * x + frailty)),
    ckd: r.bernoulli(logistic(c.ckd.logOdds + c.ckd.agePer10 * x + frailty)),
  };
  return {
    sex,
    birthDay,
    birthYear: bc.year,
    bornJan1: bc.month === 1 && bc.day === 1,
    ageAtStart,
    homeInGroup,
    department,
    commune,
    deprivationQuintile: deprivationQuintileOf(commune),
    comorbidities,
  };
}

/** Age on 1 January of `year`: the age that sets the hazards during that calendar year. */
function ageOnYearStart(birthYear: number, bornJan1: boolean, year: number): number {
  return year - birthYear - (bornJan1 ? 0 : 1);
}

export interface Coverage {
  entryDay: number;
  /** Last covered day if the person lives (the study end for most). */
  plannedExitDay: number;
  coverageSinceDay: number;
}

export function drawCoverage(r: Random, ctx: PopulationContext, b: Baseline): Coverage {
  const p = ctx.model.population;
  const late = r.bernoulli(p.lateEntryProportion);
  const entryDay = late ? r.int(ctx.day0 + 1, Math.max(ctx.day0 + 1, ctx.endDay - 180)) : ctx.day0;
  const adult = b.birthDay + Math.ceil(18 * DAYS_PER_YEAR);
  const coverageSinceDay = late ? entryDay : Math.max(adult, ctx.day0 - r.int(365, 365 * 30));
  const early = r.bernoulli(p.earlyExitProportion);
  const plannedExitDay = early ? r.int(Math.min(entryDay + 30, ctx.endDay), ctx.endDay) : ctx.endDay;
  return { entryDay, plannedExitDay, coverageSinceDay };
}

/** Daily death hazard for a person, by age on 1 January of the year. */
export function deathRatePerDay(m: ModelParameters, b: Baseline, age: number): number {
  const d = m.death;
  const hr = d.hazardRatios;
  let rate = d.ratePerYearAt75 * Math.exp(d.gompertzPerYear * (age - 75));
  if (b.sex === 1) rate *= hr.male;
  if (b.comorbidities.diabetes) rate *= hr.diabetes;
  if (b.comorbidities.heartFailure) rate *= hr.heartFailure;
  if (b.comorbidities.ckd) rate *= hr.ckd;
  return rate / DAYS_PER_YEAR;
}

/** Daily outcome hazard for a person at a given age, before the exposure state's hazard ratio. */
export function outcomeRatePerDay(m: ModelParameters, b: Baseline, age: number): number {
  const o = m.outcome;
  const hr = o.hazardRatios;
  let rate = o.ratePerYear * Math.pow(hr.agePer10, (age - 75) / 10) * Math.pow(hr.deprivationPerQuintile, b.deprivationQuintile - 3);
  if (b.sex === 1) rate *= hr.male;
  if (b.comorbidities.diabetes) rate *= hr.diabetes;
  if (b.comorbidities.heartFailure) rate *= hr.heartFailure;
  if (b.comorbidities.ckd) rate *= hr.ckd;
  return rate / DAYS_PER_YEAR;
}

export function stateHazardRatio(m: ModelParameters, state: ExposureState): number {
  const hr = m.outcome.hazardRatios;
  return state === 1 ? hr.currentA : state === 2 ? hr.currentB : hr.unexposed;
}

/** Split [from, to) at 1 January boundaries, with the age on 1 January of each piece's year. */
export function yearPieces(ctx: PopulationContext, b: Baseline, from: number, to: number): Array<{ start: number; end: number; age: number }> {
  const out: Array<{ start: number; end: number; age: number }> = [];
  let y = yearOf(from);
  let start = from;
  while (start < to) {
    const next = ctx.yearStart(y + 1);
    const end = Math.min(next, to);
    out.push({ start, end, age: ageOnYearStart(b.birthYear, b.bornJan1, y) });
    start = end;
    y++;
  }
  return out;
}

/** Natural death day in [entry, lastDay], or null (alive, or died after leaving coverage). */
export function drawNaturalDeath(r: Random, ctx: PopulationContext, b: Baseline, entryDay: number, lastDay: number): number | null {
  const pieces: HazardPiece[] = yearPieces(ctx, b, entryDay, lastDay + 1).map((p) => ({ start: p.start, end: p.end, ratePerDay: deathRatePerDay(ctx.model, b, p.age) }));
  return firstEventDay(pieces, r.exponential(1));
}

export interface TreatmentStart {
  treated: boolean;
  prevalent: boolean;
  startDay: number;
  initialClass: 'A' | 'B';
  /** P(A) given the confounders, the propensity score of the model. */
  probabilityOfA: number;
}

export function drawTreatmentStart(r: Random, ctx: PopulationContext, b: Baseline, cov: Coverage): TreatmentStart {
  const t = ctx.model.treatment;
  const treated = r.bernoulli(t.treatedProportion);
  const prevalent = cov.entryDay === ctx.day0 && r.bernoulli(t.prevalentUserProportion);
  const startDay = prevalent ? ctx.day0 + r.int(0, 45) : r.int(cov.entryDay, cov.plannedExitDay);
  const ch = t.choiceOfA;
  const lp =
    ch.intercept +
    (b.comorbidities.diabetes ? ch.diabetes : 0) +
    (b.comorbidities.heartFailure ? ch.heartFailure : 0) +
    (b.comorbidities.ckd ? ch.ckd : 0) +
    ch.agePer10 * ((b.ageAtStart - 75) / 10) +
    ch.deprivationPerQuintile * (b.deprivationQuintile - 3) +
    ch.perCalendarYear * ((startDay - ctx.day0) / DAYS_PER_YEAR);
  const probabilityOfA = logistic(lp);
  const initialClass = r.bernoulli(probabilityOfA) ? 'A' : 'B';
  return { treated, prevalent, startDay, initialClass, probabilityOfA };
}

// ---------------------------------------------------------------------------------------------
// The whole person.

function pickIngredient(r: Random, ctx: PopulationContext, cls: 'A' | 'B'): DrugIngredient {
  return ctx.ingredientsOf[cls][r.weightedIndex(ctx.ingredientWeights[cls])]!;
}

function treatmentDispensings(r: Random, ctx: PopulationContext, ts: TreatmentStart, stopDay: number): { list: SimDispensing[]; treatment: SimTreatment } {
  const t = ctx.model.treatment;
  const largePackUser = r.bernoulli(t.largePackUserProportion);
  const irregular = r.bernoulli(t.irregularUserProportion);
  const list: SimDispensing[] = [];
  let cls = ts.initialClass;
  let ingredient = pickIngredient(r, ctx, cls);
  let switched = false;
  let day = ts.startDay;
  const pLarge = largePackUser ? t.largePackProbability.largePackUser : t.largePackProbability.other;
  while (day < stopDay) {
    const packs = packsOf(ingredient.name);
    const product = packs.large && r.bernoulli(pLarge) ? packs.large : packs.small;
    const n = !product.large && r.bernoulli(t.twoPacksProbability) ? 2 : 1;
    const supplyDays = n * product.daysPerPack;
    list.push({ day, product, drugClass: cls, packs: n, supplyDays });
    let gap: number;
    if (r.bernoulli(irregular ? t.stopProbability.irregular : t.stopProbability.regular)) {
      if (!r.bernoulli(t.restartProbability)) break;
      gap = supplyDays + Math.round(r.exponential(1 / t.restartDelayDaysMean)) + ctx.model.exposure.gracePeriodDays;
    } else if (irregular) {
      gap = Math.round(supplyDays * r.uniform(t.irregularRefillFactor.min, t.irregularRefillFactor.max));
    } else {
      gap = supplyDays + Math.round(r.normal(t.regularRefillDelayDays.mean, t.regularRefillDelayDays.sd));
    }
    if (r.bernoulli(cls === 'A' ? t.switchProbability.AtoB : t.switchProbability.BtoA)) {
      cls = cls === 'A' ? 'B' : 'A';
      ingredient = pickIngredient(r, ctx, cls);
      switched = true;
    }
    day += Math.max(1, gap);
  }
  return { list, treatment: { startDay: ts.startDay, prevalent: ts.prevalent, initialClass: ts.initialClass, largePackUser, irregular, switched } };
}

function otherDrugDispensings(r: Random, ctx: PopulationContext, b: Baseline, cov: Coverage, stopDay: number): SimDispensing[] {
  const o = ctx.model.otherDrug;
  const odds = (o.proportion / (1 - o.proportion)) * (b.comorbidities.diabetes ? o.diabetesOddsRatio : 1);
  if (!r.bernoulli(odds / (1 + odds))) return [];
  const fromStart = cov.entryDay === ctx.day0 && r.bernoulli(0.6);
  let day = fromStart ? ctx.day0 + r.int(0, 60) : r.int(cov.entryDay, cov.plannedExitDay);
  const packs = packsOf('atorvastatin');
  const large = r.bernoulli(o.largePackProbability);
  const list: SimDispensing[] = [];
  while (day < stopDay) {
    const product = large && packs.large ? packs.large : packs.small;
    list.push({ day, product, drugClass: 'other', packs: 1, supplyDays: product.daysPerPack });
    if (r.bernoulli(o.stopProbability)) break;
    day += Math.max(1, product.daysPerPack + Math.round(r.normal(0, 5)));
  }
  return list;
}

function nightsOf(r: Random, meanNights: number): number {
  if (meanNights <= 0) return 0;
  return Math.min(60, Math.max(1, Math.round(r.exponential(1 / meanNights))));
}

function ghmOf(root: string, suffix: string | undefined, associated: number): string {
  return root + (suffix ?? String(1 + Math.min(3, Math.floor(associated / 2))));
}

function associatedDiagnoses(r: Random, ctx: PopulationContext, person: { comorbidities: Record<ComorbidityKey, boolean>; comorbidityCode: Record<ComorbidityKey, string>; afCode: string }, dp: string): string[] {
  const h = ctx.model.hospital;
  const out: string[] = [];
  for (const k of ['diabetes', 'heartFailure', 'ckd'] as const) {
    if (person.comorbidities[k] && r.bernoulli(h.comorbidityCodedProbability)) out.push(person.comorbidityCode[k]);
  }
  if (r.bernoulli(h.atrialFibrillationCodedProbability)) out.push(person.afCode);
  if (r.bernoulli(0.4)) out.push('I10');
  if (r.bernoulli(0.2)) out.push('E785');
  return out.filter((c) => c !== dp);
}

function actsOf(r: Random, acts: ReadonlyArray<readonly [string, number]>): string[] {
  const out: string[] = [];
  for (const [code, p] of acts) if (r.bernoulli(p)) out.push(code);
  return out;
}

/** Simulate person `index` of the run. */
export function simulatePerson(ctx: PopulationContext, index: number): SimPerson {
  const { settings, model: m } = ctx;
  const r = Random.forPerson(settings.seed, index, streams.core);
  const b = drawBaseline(r, ctx);
  const cov = drawCoverage(r, ctx, b);
  const lastCovered = Math.min(cov.plannedExitDay, ctx.endDay);
  const naturalDeath = drawNaturalDeath(r, ctx, b, cov.entryDay, lastCovered);
  // Dispensings, outcomes and stays happen strictly before death.
  const aliveUntil = naturalDeath ?? lastCovered + 1;
  const ts = drawTreatmentStart(r, ctx, b, cov);

  let treatment: SimTreatment | null = null;
  let ab: SimDispensing[] = [];
  if (ts.treated && ts.startDay < aliveUntil) {
    const res = treatmentDispensings(r, ctx, ts, aliveUntil);
    ab = res.list;
    treatment = res.treatment;
  }
  const other = otherDrugDispensings(r, ctx, b, cov, aliveUntil);

  // First outcome: hazard by year of age × HR of the current exposure state.
  const segments = exposureSegments(ab, m.exposure.gracePeriodDays, cov.entryDay, aliveUntil);
  const pieces: Array<HazardPiece & { state: ExposureState }> = [];
  for (const s of segments) {
    for (const y of yearPieces(ctx, b, s.start, s.end)) {
      pieces.push({ start: y.start, end: y.end, state: s.state, ratePerDay: outcomeRatePerDay(m, b, y.age) * stateHazardRatio(m, s.state) });
    }
  }
  const outcomeDay = firstEventDay(pieces, r.exponential(1));
  const atRiskDays: [number, number, number] = [0, 0, 0];
  let outcomeState: ExposureState = 0;
  for (const p of pieces) {
    if (outcomeDay !== null && p.start > outcomeDay) break;
    const end = outcomeDay !== null && outcomeDay < p.end ? outcomeDay : p.end;
    atRiskDays[p.state] += end - p.start;
    if (outcomeDay !== null && outcomeDay >= p.start && outcomeDay < p.end) outcomeState = p.state;
  }
  const outcomeCode = outcomeCodes[r.weightedIndex(outcomeCodes.map((o) => o.weight))]!;

  let deathDay = naturalDeath;
  let deathFromOutcome = false;
  if (outcomeDay !== null) {
    if (r.bernoulli(m.death.outcomeCaseFatality)) {
      const d = outcomeDay + r.int(0, m.death.outcomeCaseFatalityDays);
      if (d <= lastCovered && (deathDay === null || d < deathDay)) {
        deathDay = d;
        deathFromOutcome = true;
      }
    }
    if (r.bernoulli(m.treatment.stopAfterOutcomeProbability)) ab = ab.filter((d) => d.day <= outcomeDay);
  }
  const dispensings = ab.concat(other).filter((d) => deathDay === null || d.day < deathDay);
  dispensings.sort((x, y) => x.day - y.day || rank(x.drugClass) - rank(y.drugClass));
  // A fatal outcome before the first dispensing leaves the person untreated.
  if (treatment && !dispensings.some((d) => d.drugClass !== 'other')) treatment = null;
  const exitDay = deathDay ?? lastCovered;

  // Per-person codes: which ICD-10 code each comorbidity gets when coded, and the AF code.
  const comorbidityCode = {
    diabetes: r.pick(comorbidityCodes.diabetes.codes),
    heartFailure: r.pick(comorbidityCodes.heartFailure.codes),
    ckd: r.pick(comorbidityCodes.ckd.codes),
  };
  const afCode = r.pick(atrialFibrillationCodes);
  const codes = { comorbidities: b.comorbidities, comorbidityCode, afCode };

  // Cause of death.
  let deathCause: string | null = null;
  let causeRecorded = false;
  if (deathDay !== null) {
    const causes = deathCauses.filter((c) => !c.requires || b.comorbidities[c.requires]);
    const natural = causes[r.weightedIndex(causes.map((c) => c.weight))]!;
    deathCause = deathFromOutcome ? outcomeCode.icd10 : natural.icd10;
    causeRecorded = r.bernoulli(m.death.causeRecordedProportion);
  }

  // Hospital stays.
  const home = b.homeInGroup ? r.pick(ctx.groupSites) : r.pick(ctx.otherSites);
  const siteOf = () => (r.bernoulli(m.hospital.homeHospitalShare) ? home : r.pick(establishments.filter((e) => e !== home)));
  const h = m.hospital;
  let stayRate = (h.backgroundStayRatePerYear * Math.pow(h.hazardRatios.agePer10, (b.ageAtStart - 75) / 10)) / DAYS_PER_YEAR;
  if (b.comorbidities.diabetes) stayRate *= h.hazardRatios.diabetes;
  if (b.comorbidities.heartFailure) stayRate *= h.hazardRatios.heartFailure;
  if (b.comorbidities.ckd) stayRate *= h.hazardRatios.ckd;
  const general = backgroundStayReasons.filter((s) => !s.requires);
  const specific = backgroundStayReasons.filter((s) => s.requires && b.comorbidities[s.requires]);
  const generalWeights = general.map((s) => s.weight);
  let stays: SimStay[] = [];
  for (let t = cov.entryDay + r.exponential(stayRate); t <= exitDay; t += r.exponential(stayRate)) {
    const reason: StayReason =
      specific.length > 0 && r.bernoulli(h.comorbidityAdmissionProbability) ? r.pick(specific) : general[r.weightedIndex(generalWeights)]!;
    const admissionDay = Math.floor(t);
    const associated = associatedDiagnoses(r, ctx, codes, reason.dp);
    stays.push({
      admissionDay,
      dischargeDay: admissionDay + nightsOf(r, reason.meanNights),
      establishment: siteOf(),
      dp: reason.dp,
      dr: reason.dr ?? '',
      associated,
      acts: actsOf(r, reason.acts),
      ghm: ghmOf(reason.ghmRoot, reason.ghmSuffix, associated.length),
      kind: 'background',
      died: false,
    });
  }
  let outcomeStay: SimStay | null = null;
  if (outcomeDay !== null) {
    const spec = outcomeStayGhm[outcomeCode.site];
    const associated = associatedDiagnoses(r, ctx, codes, outcomeCode.icd10);
    if (outcomeCode.site === 'gastrointestinal' && r.bernoulli(0.5)) associated.unshift('D62');
    outcomeStay = {
      admissionDay: outcomeDay,
      dischargeDay: outcomeDay + nightsOf(r, spec.meanNights),
      establishment: siteOf(),
      dp: outcomeCode.icd10,
      dr: '',
      associated,
      acts: actsOf(r, spec.acts),
      ghm: ghmOf(spec.ghmRoot, undefined, associated.length),
      kind: 'outcome',
      died: false,
    };
    stays = stays.filter((s) => s.dischargeDay < outcomeStay!.admissionDay || s.admissionDay > outcomeStay!.dischargeDay);
    stays.push(outcomeStay);
    stays.sort((x, y) => x.admissionDay - y.admissionDay);
  }
  // No overlapping stays: keep a stay only if it starts after the previous discharge (the outcome stay always stays).
  const kept: SimStay[] = [];
  for (const s of stays) {
    const prev = kept[kept.length - 1];
    if (prev && s.admissionDay <= prev.dischargeDay) {
      if (s.kind !== 'outcome') continue;
      kept.pop();
    }
    kept.push(s);
  }
  stays = kept;
  // A fatal outcome: the person stays in hospital until death.
  if (deathFromOutcome && outcomeStay && outcomeStay.dischargeDay < deathDay!) {
    outcomeStay.dischargeDay = deathDay!;
    stays = stays.filter((s) => s.admissionDay <= outcomeStay!.admissionDay);
  }
  if (deathDay !== null) {
    stays = stays.filter((s) => s.admissionDay <= deathDay!);
    const last = stays[stays.length - 1];
    if (last && last.dischargeDay >= deathDay) {
      last.dischargeDay = deathDay;
      last.died = true;
    } else if (r.bernoulli(m.death.inHospitalProportion)) {
      const cause = deathCauses.find((c) => c.icd10 === deathCause);
      const nights = r.int(0, 12);
      const admissionDay = Math.max(deathDay - nights, cov.entryDay, last ? last.dischargeDay + 1 : cov.entryDay);
      const associated = associatedDiagnoses(r, ctx, codes, deathCause!);
      stays.push({
        admissionDay,
        dischargeDay: deathDay,
        establishment: siteOf(),
        dp: deathCause!,
        dr: '',
        associated,
        acts: [],
        ghm: ghmOf(cause?.ghmRoot ?? (deathFromOutcome ? outcomeStayGhm[outcomeCode.site].ghmRoot : '23M20'), undefined, associated.length),
        kind: 'terminal',
        died: true,
      });
    }
  }
  // The extract holds stays discharged by the end of the study (and of the person's coverage).
  stays = stays.filter((s) => s.dischargeDay <= exitDay);

  // Long-term disease registrations (ALD).
  const alds: SimAld[] = [];
  const adult = b.birthDay + Math.ceil(40 * DAYS_PER_YEAR);
  for (const k of ['diabetes', 'heartFailure', 'ckd'] as const) {
    if (!b.comorbidities[k] || !r.bernoulli(m.comorbidities[k].aldProbability)) continue;
    const startDay = Math.max(adult, ctx.day0 - r.int(30, 3650));
    const u = r.next();
    alds.push({ number: comorbidityCodes[k].aldNumber, icd10: comorbidityCodes[k].aldCode, startDay, endDay: u < 0.7 ? null : startDay + (u < 0.9 ? 5 : 10) * 365 });
  }
  if (treatment && r.bernoulli(0.3)) {
    const startDay = treatment.startDay + r.int(-30, 90);
    if (startDay <= exitDay) alds.push({ number: '5', icd10: 'I48', startDay, endDay: null });
  }

  // Identifiers (own stream, so they do not move when model parameters change).
  const ids = Random.forPerson(settings.seed, index, streams.ids);
  const idtAno = ids.letters(17);
  const nirAno = ids.letters(17);
  const pseudonyms: SimPseudonym[] = [{ nirPsa: ids.letters(17), rngGem: '1', fromDay: cov.coverageSinceDay }];
  if (ids.bernoulli(m.population.secondPseudonymProportion) && exitDay > cov.entryDay + 2) {
    pseudonyms[0]!.rngGem = '2';
    pseudonyms.push({ nirPsa: ids.letters(17), rngGem: '1', fromDay: ids.int(cov.entryDay + 1, exitDay) });
  }

  return {
    index,
    idtAno,
    nirAno,
    pseudonyms,
    sex: b.sex,
    birthDay: b.birthDay,
    ageAtStart: b.ageAtStart,
    department: b.department,
    commune: String(b.commune).padStart(3, '0'),
    deprivationQuintile: b.deprivationQuintile,
    comorbidities: b.comorbidities,
    comorbidityCode,
    coverageSinceDay: cov.coverageSinceDay,
    entryDay: cov.entryDay,
    exitDay,
    deathDay,
    deathFromOutcome,
    deathCause,
    causeRecorded,
    homeInGroup: b.homeInGroup,
    treatment,
    dispensings,
    stays,
    alds,
    outcome:
      outcomeDay === null
        ? null
        : { day: outcomeDay, code: outcomeCode.icd10, state: outcomeState, recorded: outcomeStay !== null && stays.includes(outcomeStay) },
    atRiskDays,
  };
}

const rank = (c: DrugClassKey) => (c === 'other' ? 1 : 0);

/** The pseudonym pair in use on a day. */
export function pseudonymOn(p: SimPerson, day: number): SimPseudonym {
  let cur = p.pseudonyms[0]!;
  for (const ps of p.pseudonyms) if (ps.fromDay <= day) cur = ps;
  return cur;
}

/** Whether the person is in the hospital group's warehouse (OMOP layout): at least one stay in a group establishment. */
export const inWarehouse = (p: SimPerson): boolean => p.stays.some((s) => s.establishment.inGroup);
