// The one longitudinal event model. Every loader (OMOP, SNDS) fills these tables on the engine;
// everything downstream (cohorts, exposure, follow-up) reads only these. Dates are ISO `YYYY-MM-DD`
// strings in JS and DATE columns in SQL. Every row keeps its source table and source row, so any
// result can be traced back to the raw file.

/** ISO calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

/** Where a model row came from: the raw table (file stem, e.g. `ER_PRS_F`, `drug_exposure`) and its 1-based data row. */
export interface SourceRef {
  sourceTable: string;
  sourceRow: number;
}

/** Sex as coded in SNDS (BEN_SEX_COD) and mapped from OMOP gender concepts (8507 → 1, 8532 → 2). */
export type Sex = 1 | 2 | null;

export interface Person extends SourceRef {
  /** Pseudonymous id: OMOP person_id as text, or the SNDS beneficiary key. */
  personId: string;
  birthYear: number | null;
  /** Exact birth date when known (OMOP), else null (SNDS gives year and month only). */
  birthDate: IsoDate | null;
  sex: Sex;
  deathDate: IsoDate | null;
}

/** A span during which the person's events are recorded (OMOP observation_period; SNDS: derived from affiliation). */
export interface ObservationPeriod extends SourceRef {
  personId: string;
  startDate: IsoDate;
  endDate: IsoDate;
}

export type DrugVocabulary = 'CIP13' | 'UCD' | 'OMOP';

/** One pharmacy dispensing (SNDS ER_PRS_F + ER_PHA_F) or drug exposure record (OMOP). */
export interface Dispensing extends SourceRef {
  personId: string;
  /** Care date (SNDS EXE_SOI_DTD; OMOP drug_exposure_start_date). */
  date: IsoDate;
  productCode: string;
  productVocabulary: DrugVocabulary;
  /** ATC code, 7 characters when known, upper case (code sets and drug classes match it as written). */
  atcCode: string | null;
  /** Number of packs, net of returns and regularisations. */
  packs: number | null;
  unitsPerPack: number | null;
  /** Days' supply as recorded (OMOP days_supply); null when not recorded (SNDS). */
  daysSupply: number | null;
}

export type DiagnosisRole = 'primary' | 'related' | 'associated' | 'condition';
export type DiagnosisVocabulary = 'ICD10' | 'OMOP';

/** A hospital stay (PMSI MCO T_MCOaaB/C; OMOP inpatient visit_occurrence). */
export interface HospitalStay extends SourceRef {
  stayId: string;
  personId: string;
  admissionDate: IsoDate;
  dischargeDate: IsoDate;
  /** Principal diagnosis (DGN_PAL), ICD-10 without dots. */
  primaryDiagnosis: string | null;
  /** Related diagnosis (DGN_REL). */
  relatedDiagnosis: string | null;
}

/** A diagnosis: of a stay (primary/related/associated, ICD-10) or an OMOP condition occurrence. */
export interface Diagnosis extends SourceRef {
  personId: string;
  date: IsoDate;
  code: string;
  vocabulary: DiagnosisVocabulary;
  role: DiagnosisRole;
  stayId: string | null;
}

export type ProcedureVocabulary = 'CCAM' | 'OMOP';

export interface Procedure extends SourceRef {
  personId: string;
  date: IsoDate | null;
  code: string;
  vocabulary: ProcedureVocabulary;
  stayId: string | null;
}

/** Long-term disease registration (Affection de Longue Durée, IR_IMB_R). */
export interface LongTermRegistration extends SourceRef {
  personId: string;
  startDate: IsoDate;
  endDate: IsoDate | null;
  /** ICD-10 code of the condition (MED_MTF_COD). */
  icd10: string;
  /** ALD list number (IMB_ALD_NUM). */
  aldNumber: string | null;
}

/** A death with its cause (SNDS KI_CCI_R / BEN_DCD_DTE; OMOP death). */
export interface Death extends SourceRef {
  personId: string;
  deathDate: IsoDate;
  /** Underlying cause, ICD-10 (SNDS DCD_CIM_COD) or an OMOP concept id as text. */
  causeCode: string | null;
}
