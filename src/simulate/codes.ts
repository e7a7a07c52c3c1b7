// The small code lists the simulator draws from: drug products (CIP13 with ATC code and pack size),
// ICD-10 diagnoses with their GHM and CCAM acts, hospitals, départements, and the OMOP concepts
// written to concept.csv. OMOP concept ids marked 'athena' are the real vocabulary ids; 'local' ids
// are in the range OMOP reserves for site concepts (≥ 2,000,000,000) because the real id was not
// at hand.

export type DrugClassKey = 'A' | 'B' | 'other';

/** The two compared classes and one unrelated chronic treatment (noise for code-set filters). */
export const drugClasses = {
  A: { key: 'A', label: 'vitamin K antagonists (VKA)', atcClasses: ['B01AA'] },
  B: { key: 'B', label: 'direct oral anticoagulants (DOAC)', atcClasses: ['B01AF', 'B01AE'] },
  other: { key: 'other', label: 'statins (not studied)', atcClasses: ['C10AA'] },
} as const;

export type ConceptSource = 'athena' | 'local';

export interface DrugIngredient {
  name: string;
  drugClass: DrugClassKey;
  /** ATC 5th level code. */
  atc: string;
  atcLabel: string;
  /** ATC 4th level (class) code. */
  atc4: string;
  omopConceptId: number;
  conceptSource: ConceptSource;
  /** RxNorm code of the ingredient (concept_code), '' when local. */
  rxnormCode: string;
  /** Relative frequency of the ingredient among initiators of its class. */
  weight: number;
}

export const ingredients: DrugIngredient[] = [
  { name: 'fluindione', drugClass: 'A', atc: 'B01AA12', atcLabel: 'FLUINDIONE', atc4: 'B01AA', omopConceptId: 2_000_000_101, conceptSource: 'local', rxnormCode: '', weight: 0.6 },
  { name: 'warfarin', drugClass: 'A', atc: 'B01AA03', atcLabel: 'WARFARINE', atc4: 'B01AA', omopConceptId: 1310149, conceptSource: 'athena', rxnormCode: '11289', weight: 0.25 },
  { name: 'acenocoumarol', drugClass: 'A', atc: 'B01AA07', atcLabel: 'ACENOCOUMAROL', atc4: 'B01AA', omopConceptId: 19024063, conceptSource: 'athena', rxnormCode: '154', weight: 0.15 },
  { name: 'apixaban', drugClass: 'B', atc: 'B01AF02', atcLabel: 'APIXABAN', atc4: 'B01AF', omopConceptId: 43013024, conceptSource: 'athena', rxnormCode: '1364430', weight: 0.45 },
  { name: 'rivaroxaban', drugClass: 'B', atc: 'B01AF01', atcLabel: 'RIVAROXABAN', atc4: 'B01AF', omopConceptId: 40241331, conceptSource: 'athena', rxnormCode: '1114195', weight: 0.4 },
  { name: 'dabigatran etexilate', drugClass: 'B', atc: 'B01AE07', atcLabel: 'DABIGATRAN ETEXILATE', atc4: 'B01AE', omopConceptId: 40228152, conceptSource: 'athena', rxnormCode: '1546356', weight: 0.15 },
  { name: 'atorvastatin', drugClass: 'other', atc: 'C10AA05', atcLabel: 'ATORVASTATINE', atc4: 'C10AA', omopConceptId: 1545958, conceptSource: 'athena', rxnormCode: '83367', weight: 1 },
];

/** ATC 4th level classes, as OMOP classification concepts (local ids). */
export const atcClasses = [
  { code: 'B01AA', label: 'Vitamin K antagonists', omopConceptId: 2_000_000_201 },
  { code: 'B01AF', label: 'Direct factor Xa inhibitors', omopConceptId: 2_000_000_202 },
  { code: 'B01AE', label: 'Direct thrombin inhibitors', omopConceptId: 2_000_000_203 },
  { code: 'C10AA', label: 'HMG CoA reductase inhibitors', omopConceptId: 2_000_000_204 },
];

/** ATC 5th level concepts (local ids), one per ingredient. */
export const atc5ConceptId = (atc: string): number => 2_000_000_300 + ingredients.findIndex((i) => i.atc === atc) + 1;

export interface DrugProduct {
  /** CIP13: 34009 + CIP7 + EAN-13 check digit. */
  cip13: string;
  cip7: string;
  ingredient: DrugIngredient;
  drugClass: DrugClassKey;
  atc: string;
  /** Brand and presentation, as PHA_MED_NOM. */
  name: string;
  strength: string;
  /** Units (tablets) per pack: PHA_UNT_NBR_DSES. */
  unitsPerPack: number;
  /** Units taken a day, the assumption that turns a pack into days' supply. */
  unitsPerDay: number;
  /** Days' supply of one pack = unitsPerPack / unitsPerDay. */
  daysPerPack: number;
  /** Public price of a pack in euros (PHA_ACT_PRU). */
  price: number;
  /** The price as written (2 decimals). */
  priceText: string;
  /** Local OMOP drug product concept (vocabulary 'CIP13'). */
  omopConceptId: number;
  /** True for the large (84/90-day) packs. */
  large: boolean;
}

/** EAN-13 check digit of 12 digits. */
export function ean13CheckDigit(twelveDigits: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(twelveDigits[i]) * (i % 2 === 0 ? 1 : 3);
  return String((10 - (sum % 10)) % 10);
}

/** CIP13 code of a CIP7 code (34009 prefix, check digit). */
export const cip13Of = (cip7: string): string => {
  const twelve = `34009${cip7}`;
  return twelve + ean13CheckDigit(twelve);
};

const productSpecs: Array<[ingredient: string, cip7: string, name: string, strength: string, units: number, perDay: number, price: number]> = [
  ['fluindione', '3312458', 'PREVISCAN 20MG CPR SECABLE B/30', '20 mg', 30, 1, 3.51],
  ['fluindione', '3007986', 'PREVISCAN 20MG CPR SECABLE B/90', '20 mg', 90, 1, 9.87],
  ['warfarin', '3275421', 'COUMADINE 5MG CPR SECABLE B/30', '5 mg', 30, 1, 2.94],
  ['warfarin', '3019344', 'COUMADINE 5MG CPR SECABLE B/90', '5 mg', 90, 1, 8.12],
  ['acenocoumarol', '3104372', 'SINTROM 4MG CPR SECABLE B/30', '4 mg', 30, 1, 3.05],
  ['apixaban', '2176915', 'ELIQUIS 5MG CPR PELLICULE B/56', '5 mg', 56, 2, 51.32],
  ['apixaban', '2176921', 'ELIQUIS 5MG CPR PELLICULE B/168', '5 mg', 168, 2, 149.64],
  ['rivaroxaban', '2181483', 'XARELTO 20MG CPR PELLICULE B/28', '20 mg', 28, 1, 50.17],
  ['rivaroxaban', '2181508', 'XARELTO 20MG CPR PELLICULE B/84', '20 mg', 84, 1, 146.33],
  ['dabigatran etexilate', '2173544', 'PRADAXA 150MG GELULE B/60', '150 mg', 60, 2, 52.86],
  ['dabigatran etexilate', '2173550', 'PRADAXA 150MG GELULE B/180', '150 mg', 180, 2, 154.02],
  ['atorvastatin', '3621743', 'ATORVASTATINE 20MG CPR PELLICULE B/30', '20 mg', 30, 1, 6.42],
  ['atorvastatin', '3621766', 'ATORVASTATINE 20MG CPR PELLICULE B/90', '20 mg', 90, 1, 18.51],
];

export const products: DrugProduct[] = productSpecs.map(([ing, cip7, name, strength, units, perDay, price], k) => {
  const ingredient = ingredients.find((i) => i.name === ing)!;
  const daysPerPack = units / perDay;
  return {
    cip13: cip13Of(cip7),
    cip7,
    ingredient,
    drugClass: ingredient.drugClass,
    atc: ingredient.atc,
    name,
    strength,
    unitsPerPack: units,
    unitsPerDay: perDay,
    daysPerPack,
    price,
    priceText: price.toFixed(2),
    omopConceptId: 2_000_001_001 + k,
    large: daysPerPack >= 84,
  };
});

/** The products of an ingredient: [small pack, large pack] (the large one may be missing). */
export function packsOf(ingredientName: string): { small: DrugProduct; large: DrugProduct | null } {
  const list = products.filter((p) => p.ingredient.name === ingredientName);
  return { small: list.find((p) => !p.large)!, large: list.find((p) => p.large) ?? null };
}

// ---------------------------------------------------------------------------------------------
// Diagnoses (ICD-10 without dots, as in PMSI), with the OMOP condition concept they map to.

export interface ConditionCode {
  icd10: string;
  label: string;
  /** Standard OMOP condition concept: SNOMED (athena id) or local. */
  omopConceptId: number;
}

export const conditionConcepts: Array<{ omopConceptId: number; name: string; snomed: string }> = [
  { omopConceptId: 192671, name: 'Gastrointestinal hemorrhage', snomed: '74474003' },
  { omopConceptId: 376713, name: 'Cerebral hemorrhage', snomed: '274100004' },
  { omopConceptId: 201826, name: 'Type 2 diabetes mellitus', snomed: '44054006' },
  { omopConceptId: 316139, name: 'Heart failure', snomed: '84114007' },
  { omopConceptId: 46271022, name: 'Chronic kidney disease', snomed: '709044004' },
  { omopConceptId: 313217, name: 'Atrial fibrillation', snomed: '49436004' },
  { omopConceptId: 255848, name: 'Pneumonia', snomed: '233604007' },
  { omopConceptId: 81902, name: 'Urinary tract infectious disease', snomed: '68566005' },
  { omopConceptId: 4329847, name: 'Myocardial infarction', snomed: '22298006' },
  { omopConceptId: 443454, name: 'Cerebral infarction', snomed: '432504007' },
  { omopConceptId: 80180, name: 'Osteoarthritis', snomed: '396275006' },
  { omopConceptId: 320128, name: 'Essential hypertension', snomed: '59621000' },
  { omopConceptId: 432867, name: 'Hyperlipidemia', snomed: '55822004' },
  { omopConceptId: 443388, name: 'Malignant tumor of lung', snomed: '93880001' },
  { omopConceptId: 4182210, name: 'Dementia', snomed: '52448006' },
];

const icd: Record<string, [label: string, concept: number]> = {
  K920: ['Hématémèse', 192671],
  K921: ['Mélaena', 192671],
  K922: ['Hémorragie gastro-intestinale, sans précision', 192671],
  I610: ['Hémorragie intracérébrale hémisphérique, sous-corticale', 376713],
  I619: ['Hémorragie intracérébrale, sans précision', 376713],
  E119: ['Diabète sucré de type 2, sans complication', 201826],
  E112: ['Diabète sucré de type 2, avec complications rénales', 201826],
  I500: ['Insuffisance cardiaque congestive', 316139],
  I509: ['Insuffisance cardiaque, sans précision', 316139],
  N183: ['Maladie rénale chronique, stade 3', 46271022],
  N184: ['Maladie rénale chronique, stade 4', 46271022],
  N185: ['Maladie rénale chronique, stade 5', 46271022],
  I480: ['Fibrillation auriculaire paroxystique', 313217],
  I481: ['Fibrillation auriculaire persistante', 313217],
  I489: ['Fibrillation auriculaire, sans précision', 313217],
  J189: ['Pneumopathie, sans précision', 255848],
  N390: ['Infection des voies urinaires, siège non précisé', 81902],
  S720: ['Fracture du col du fémur', 0],
  H251: ['Cataracte sénile nucléaire', 0],
  I214: ['Infarctus sous-endocardique aigu du myocarde', 4329847],
  I634: ['Infarctus cérébral dû à une embolie des artères cérébrales', 443454],
  M170: ['Gonarthrose primaire bilatérale', 80180],
  Z511: ['Séance de chimiothérapie pour tumeur', 0],
  C189: ['Tumeur maligne du côlon, sans précision', 0],
  R55: ['Syncope et collapsus', 0],
  K573: ['Diverticulose du gros intestin, sans perforation ni abcès', 0],
  I10: ['Hypertension essentielle', 320128],
  E785: ['Hyperlipidémie, sans précision', 432867],
  D62: ['Anémie posthémorragique aiguë', 0],
  C349: ['Tumeur maligne des bronches ou du poumon, sans précision', 443388],
  I219: ['Infarctus aigu du myocarde, sans précision', 4329847],
  F03: ['Démence, sans précision', 4182210],
  I639: ['Infarctus cérébral, sans précision', 443454],
  R99: ['Autres causes de mortalité mal définies et non précisées', 0],
};

// Codes without a SNOMED concept at hand get a local standard concept (vocabulary 'Local', code = the ICD-10 code).
const unmapped = Object.entries(icd).filter(([, [, concept]]) => concept === 0);
export const localConditionConcepts: Array<{ omopConceptId: number; name: string; icd10: string }> = unmapped.map(([code, [label]], k) => ({
  omopConceptId: 2_000_003_001 + k,
  name: label,
  icd10: code,
}));

export const conditionCodes: Record<string, ConditionCode> = Object.fromEntries(
  Object.entries(icd).map(([code, [label, concept]]) => [
    code,
    { icd10: code, label, omopConceptId: concept || localConditionConcepts.find((c) => c.icd10 === code)!.omopConceptId },
  ]),
);

/** OMOP condition concept of an ICD-10 code (0 for a code outside these lists). */
export const conditionConceptOf = (icd10: string): number => conditionCodes[icd10]?.omopConceptId ?? 0;

/** The outcome: major bleeding, the first hospital stay with one of these as principal diagnosis. */
export const outcomeCodes = [
  { icd10: 'K922', weight: 0.45, site: 'gastrointestinal' },
  { icd10: 'K921', weight: 0.15, site: 'gastrointestinal' },
  { icd10: 'K920', weight: 0.1, site: 'gastrointestinal' },
  { icd10: 'I619', weight: 0.2, site: 'intracranial' },
  { icd10: 'I610', weight: 0.1, site: 'intracranial' },
] as const;

/** ICD-10 prefixes that define the outcome in a study (match DGN_PAL / condition_source_value). */
export const outcomeCodePrefixes = ['K920', 'K921', 'K922', 'I61'];

export type ComorbidityKey = 'diabetes' | 'heartFailure' | 'ckd';

export const comorbidityCodes: Record<ComorbidityKey, { label: string; codes: string[]; aldNumber: string; aldCode: string }> = {
  diabetes: { label: 'type 2 diabetes', codes: ['E119', 'E112'], aldNumber: '8', aldCode: 'E11' },
  heartFailure: { label: 'heart failure', codes: ['I500', 'I509'], aldNumber: '5', aldCode: 'I50' },
  ckd: { label: 'chronic kidney disease', codes: ['N183', 'N184', 'N185'], aldNumber: '19', aldCode: 'N18' },
};

export const atrialFibrillationCodes = ['I480', 'I481', 'I489'];

// ---------------------------------------------------------------------------------------------
// Hospital stays: reasons for admission other than the outcome, with GHM root, length and acts.

export interface StayReason {
  dp: string;
  dr?: string;
  weight: number;
  /** GHM root (5 characters); the severity level (1-4, or J/T/Z) is appended. */
  ghmRoot: string;
  /** Fixed GHM suffix for ambulatory / session stays ('J', 'Z'); otherwise a level 1-4 is drawn. */
  ghmSuffix?: string;
  /** Mean length of stay in nights (0 = same-day stay). */
  meanNights: number;
  /** CCAM acts done during the stay, each with its probability. */
  acts: Array<[ccam: string, probability: number]>;
  /** Only for persons with this comorbidity. */
  requires?: ComorbidityKey;
}

export const backgroundStayReasons: StayReason[] = [
  { dp: 'J189', weight: 12, ghmRoot: '04M05', meanNights: 8, acts: [['ZBQK002', 0.9]] },
  { dp: 'N390', weight: 8, ghmRoot: '11M04', meanNights: 6, acts: [] },
  { dp: 'S720', weight: 5, ghmRoot: '08C48', meanNights: 11, acts: [['NEKA020', 0.8], ['ZBQK002', 0.5]] },
  { dp: 'H251', weight: 10, ghmRoot: '02C05', ghmSuffix: 'J', meanNights: 0, acts: [['BFGA004', 1]] },
  { dp: 'I214', weight: 4, ghmRoot: '05M04', meanNights: 6, acts: [['DEQP003', 1]] },
  { dp: 'I634', weight: 4, ghmRoot: '01M30', meanNights: 10, acts: [['ACQK001', 0.95]] },
  { dp: 'M170', weight: 5, ghmRoot: '08C24', meanNights: 6, acts: [['NFKA007', 0.9]] },
  { dp: 'Z511', dr: 'C189', weight: 5, ghmRoot: '28Z07', ghmSuffix: 'Z', meanNights: 0, acts: [] },
  { dp: 'R55', weight: 5, ghmRoot: '05M20', meanNights: 3, acts: [['DEQP003', 0.9]] },
  { dp: 'K573', weight: 3, ghmRoot: '06M09', meanNights: 4, acts: [] },
  { dp: 'E119', weight: 6, ghmRoot: '10M02', meanNights: 4, acts: [], requires: 'diabetes' },
  { dp: 'I500', weight: 10, ghmRoot: '05M09', meanNights: 9, acts: [['DEQP003', 0.9]], requires: 'heartFailure' },
  { dp: 'N185', weight: 5, ghmRoot: '11M17', meanNights: 5, acts: [], requires: 'ckd' },
];

export const outcomeStayGhm: Record<'gastrointestinal' | 'intracranial', { ghmRoot: string; meanNights: number; acts: Array<[string, number]> }> = {
  gastrointestinal: { ghmRoot: '06M04', meanNights: 6, acts: [['HEQE002', 0.8]] },
  intracranial: { ghmRoot: '01M30', meanNights: 12, acts: [['ACQK001', 0.95]] },
};

export const ccamActs: Record<string, string> = {
  HEQE002: 'Endoscopie oeso-gastro-duodénale',
  ACQK001: 'Scanographie du crâne et de son contenu, sans injection de produit de contraste',
  ZBQK002: 'Radiographie du thorax',
  DEQP003: 'Électrocardiographie sur au moins 12 dérivations',
  BFGA004: 'Extraction extracapsulaire du cristallin par phakoémulsification, avec implantation de cristallin artificiel',
  NEKA020: 'Remplacement de l\'articulation coxofémorale par prothèse totale',
  NFKA007: 'Remplacement de l\'articulation du genou par prothèse tricompartimentaire',
};

/** Local OMOP procedure concept of a CCAM code (vocabulary 'CCAM'). */
export const procedureConceptOf = (ccam: string): number => 2_000_002_001 + Object.keys(ccamActs).indexOf(ccam);

/** Underlying causes of death other than the outcome (KI_CCI_R.DCD_CIM_COD), with GHM of a terminal stay. */
export const deathCauses: Array<{ icd10: string; weight: number; ghmRoot: string; requires?: ComorbidityKey }> = [
  { icd10: 'I509', weight: 6, ghmRoot: '05M09', requires: 'heartFailure' },
  { icd10: 'N185', weight: 3, ghmRoot: '11M17', requires: 'ckd' },
  { icd10: 'C349', weight: 4, ghmRoot: '04M07' },
  { icd10: 'J189', weight: 3, ghmRoot: '04M05' },
  { icd10: 'I219', weight: 2, ghmRoot: '05M04' },
  { icd10: 'I639', weight: 2, ghmRoot: '01M30' },
  { icd10: 'F03', weight: 2, ghmRoot: '19M06' },
  { icd10: 'R99', weight: 1, ghmRoot: '23M20' },
];

// ---------------------------------------------------------------------------------------------
// Hospitals (fictitious FINESS e-PMSI numbers) and places of residence.

export interface Establishment {
  etaNum: string;
  name: string;
  /** Part of the hospital group whose warehouse is the OMOP layout. */
  inGroup: boolean;
  /** OMOP care_site_id (group establishments only). */
  careSiteId: number | null;
}

export const establishments: Establishment[] = [
  { etaNum: '690799991', name: 'Groupe hospitalier synthétique - site Nord', inGroup: true, careSiteId: 1 },
  { etaNum: '690799992', name: 'Groupe hospitalier synthétique - site Sud', inGroup: true, careSiteId: 2 },
  { etaNum: '690799993', name: 'Groupe hospitalier synthétique - site Est', inGroup: true, careSiteId: 3 },
  { etaNum: '380799994', name: 'Centre hospitalier hors groupe 1', inGroup: false, careSiteId: null },
  { etaNum: '420799995', name: 'Centre hospitalier hors groupe 2', inGroup: false, careSiteId: null },
  { etaNum: '750799996', name: 'Centre hospitalier hors groupe 3', inGroup: false, careSiteId: null },
  { etaNum: '130799997', name: 'Centre hospitalier hors groupe 4', inGroup: false, careSiteId: null },
  { etaNum: '590799998', name: 'Centre hospitalier hors groupe 5', inGroup: false, careSiteId: null },
];

/** Départements of residence: persons whose home hospital is in the group live in its area. */
export const departments: Array<{ code: string; weight: number; groupArea: boolean }> = [
  { code: '069', weight: 0.6, groupArea: true },
  { code: '001', weight: 0.15, groupArea: true },
  { code: '038', weight: 0.15, groupArea: true },
  { code: '042', weight: 0.1, groupArea: true },
  { code: '075', weight: 0.3, groupArea: false },
  { code: '013', weight: 0.25, groupArea: false },
  { code: '059', weight: 0.25, groupArea: false },
  { code: '033', weight: 0.2, groupArea: false },
];

/** Deprivation quintile (1 least deprived) of a 3-digit commune code: 001-200 → 1, ..., 801-999 → 5. */
export const deprivationQuintileOf = (commune: number): number => Math.min(5, Math.ceil(commune / 200));

// ---------------------------------------------------------------------------------------------
// OMOP concepts other than conditions, drugs and procedures.

export const omopConcepts = {
  male: 8507,
  female: 8532,
  inpatientVisit: 9201,
  /** Type concept of records from the hospital's EHR. */
  ehr: 32817,
  /** Type concept of records mirrored from claims (drug dispensings, coverage). */
  claim: 32810,
  deathCertificate: 32815,
  primaryDiagnosis: 32902,
  secondaryDiagnosis: 32908,
} as const;

export const otherConceptRows: Array<{ id: number; name: string; domain: string; vocabulary: string; conceptClass: string; standard: string; code: string }> = [
  { id: 8507, name: 'MALE', domain: 'Gender', vocabulary: 'Gender', conceptClass: 'Gender', standard: 'S', code: 'M' },
  { id: 8532, name: 'FEMALE', domain: 'Gender', vocabulary: 'Gender', conceptClass: 'Gender', standard: 'S', code: 'F' },
  { id: 8717, name: 'Inpatient Hospital', domain: 'Visit', vocabulary: 'CMS Place of Service', conceptClass: 'Visit', standard: 'S', code: '21' },
  { id: 9201, name: 'Inpatient Visit', domain: 'Visit', vocabulary: 'Visit', conceptClass: 'Visit', standard: 'S', code: 'IP' },
  { id: 32817, name: 'EHR', domain: 'Type Concept', vocabulary: 'Type Concept', conceptClass: 'Type Concept', standard: 'S', code: 'EHR' },
  { id: 32810, name: 'Claim', domain: 'Type Concept', vocabulary: 'Type Concept', conceptClass: 'Type Concept', standard: 'S', code: 'Claim' },
  { id: 32815, name: 'Death Certificate', domain: 'Type Concept', vocabulary: 'Type Concept', conceptClass: 'Type Concept', standard: 'S', code: 'Death Certificate' },
  { id: 32902, name: 'Primary diagnosis', domain: 'Condition Status', vocabulary: 'Condition Status', conceptClass: 'Condition Status', standard: 'S', code: 'Primary diagnosis' },
  { id: 32908, name: 'Secondary diagnosis', domain: 'Condition Status', vocabulary: 'Condition Status', conceptClass: 'Condition Status', standard: 'S', code: 'Secondary diagnosis' },
];
