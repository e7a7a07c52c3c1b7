// The standard SNDS cleaning rules: each one a named, documented step that can be switched off, with its own
// count in the row account. Sources: the SNDS collaborative documentation (documentation-snds.health-data-hub.fr,
// fiches "Activité en double dans les fichiers PMSI", "Identifiants des bénéficiaires", FAQ DCIR) and the rules
// coded in the community tools SCALPEL-Extraction (DcirFilters, McoFilters) and sndsTools (extract_drug_dispenses,
// extract_hospital_stays). The code here is our own.
//
// Besides these switchable rules, the loader itself removes rows for stable reasons (texts in src/messages/load.ts):
// quarantine — missing-key, duplicate-row, duplicate-key, orphan-key, ambiguous-key (a PMSI key matching several
// persons), unparseable-date, unparseable-number, missing-code, end-before-start, date-outside-life (before the birth
// year or after death), unknown-product-code, return-without-dispensing; cleaning — dcir-no-pharmacy-line (a
// prestation that is not a drug dispensing: out of scope); merged — beneficiary-merged, death-merged-with-cause.

/** A standard SNDS cleaning rule; its name is also the removal reason of the rows it drops. */
export type SndsCleaningRule =
  | 'dcir-invalid-nir'
  | 'dcir-information-only'
  | 'dcir-surcharge'
  | 'dcir-hospital-outpatient'
  | 'dcir-return-netting'
  | 'dcir-care-date'
  | 'pmsi-duplicate-finess'
  | 'pmsi-error-ghm'
  | 'pmsi-inter-establishment'
  | 'pmsi-dummy-patient-key'
  | 'pmsi-linkage-codes';

export interface SndsCleaningRuleDoc {
  /** Tables the rule reads. */
  tables: string;
  /** On unless switched off (the hospital outpatient rule is off unless asked for). */
  defaultOn: boolean;
  /** What the rule does and why, for the study protocol. */
  description: string;
  /** Removal reasons the rule produces in the row accounts (none for a rule that changes values only). */
  reasons: string[];
}

export const sndsCleaningRules: Record<SndsCleaningRule, SndsCleaningRuleDoc> = {
  'dcir-invalid-nir': {
    tables: 'ER_PRS_F.BEN_CDI_NIR',
    defaultOn: true,
    description:
      "Keep only prestation lines whose beneficiary identifier is a valid NIR (BEN_CDI_NIR = '00', or 0 in a numeric export); other codes are " +
      'provisional or fictitious identifiers (newborns on a parent, foreign patients, AME…) that do not follow a person.',
    reasons: ['dcir-invalid-nir'],
  },
  'dcir-information-only': {
    tables: 'ER_PRS_F.DPN_QLF',
    defaultOn: true,
    description:
      'Drop lines sent for information only (DPN_QLF = 71): care given during a hospital stay or a public-hospital ' +
      'outpatient visit, already paid through the hospital and reported again in the DCIR.',
    reasons: ['dcir-information-only'],
  },
  'dcir-surcharge': {
    tables: 'ER_PRS_F.CPL_MAJ_TOP',
    defaultOn: true,
    description:
      'Drop surcharge lines (CPL_MAJ_TOP >= 2): complements billed on top of a base prestation, which would double count it. ' +
      'A non-numeric CPL_MAJ_TOP is not a surcharge.',
    reasons: ['dcir-surcharge'],
  },
  'dcir-hospital-outpatient': {
    tables: 'ER_ETE_F.ETE_IND_TAA (or an ETE_IND_TAA column of ER_PRS_F)',
    defaultOn: false,
    description:
      'Drop hospital outpatient lines already counted in the PMSI (ETE_IND_TAA = 1, found in ER_ETE_F, joined on the 9 DCIR keys). ' +
      'Off by default; switched on by the option excludeHospitalOutpatient. Needs an ER_ETE_F file or an ETE_IND_TAA column.',
    reasons: ['dcir-hospital-outpatient'],
  },
  'dcir-return-netting': {
    tables: 'ER_PHA_F.PHA_ACT_QSN',
    defaultOn: true,
    description:
      'Net out returns and regularisations (negative PHA_ACT_QSN) against the dispensing of the same person, care date ' +
      '(EXE_SOI_DTD) and CIP13: the lines of such a group become one dispensing whose packs are the sum of the signed ' +
      'quantities, kept on the first positive line. Other lines are merged into it (dcir-return-netted for negative lines, ' +
      'dcir-same-dispensing-line for further positive lines). A group netting to zero or less was cancelled ' +
      '(dcir-cancelled-dispensing); negative lines with no positive line in their group are quarantined ' +
      '(return-without-dispensing); zero-quantity lines alone are dropped (dcir-zero-quantity). ' +
      'Switched off, every pharmacy line is a dispensing with its signed quantity.',
    reasons: ['dcir-return-netted', 'dcir-same-dispensing-line', 'dcir-cancelled-dispensing', 'dcir-zero-quantity', 'return-without-dispensing'],
  },
  'dcir-care-date': {
    tables: 'ER_PRS_F.EXE_SOI_DTD',
    defaultOn: true,
    description:
      'Date a dispensing by its care date EXE_SOI_DTD, not by the flow date FLX_DIS_DTD (when the data reached the ' +
      'information system, months later). Switched off, the flow date is used, as naive extractions do; no row is removed.',
    reasons: [],
  },
  'pmsi-duplicate-finess': {
    tables: 'T_MCOaaB.ETA_NUM',
    defaultOn: true,
    description:
      'Drop the stays that AP-HP, AP-HM and HCL transmitted twice until 2017: once under the legal entity FINESS ' +
      '(750712184, 130786049, 690781810) and once under the FINESS of each geographic site. Following the SNDS ' +
      'documentation (Table 1 of "Activité en double dans les fichiers PMSI", also used by SCALPEL and sndsTools), the ' +
      'geographic copies are dropped and the legal-entity copy kept: from 2018 these hospitals transmit only under the ' +
      'legal entity, so dropping the legal-entity numbers instead would lose all their stays from 2018 on.',
    reasons: ['pmsi-duplicate-finess'],
  },
  'pmsi-error-ghm': {
    tables: 'T_MCOaaB.GRG_GHM',
    defaultOn: true,
    description: "Drop stays grouped in error: GHM of category 90 (GRG_GHM starting with '90').",
    reasons: ['pmsi-error-ghm'],
  },
  'pmsi-inter-establishment': {
    tables: 'T_MCOaaB.SEJ_TYP',
    defaultOn: true,
    description:
      "Drop inter-establishment services (SEJ_TYP = 'B'): short services done for another hospital and declared by both, " +
      'so counted twice.',
    reasons: ['pmsi-inter-establishment'],
  },
  'pmsi-dummy-patient-key': {
    tables: 'T_MCOaaC.NIR_ANO_17',
    defaultOn: true,
    description:
      'Drop stays whose patient key is a documented dummy value (see pmsiDummyPatientKeys): the anonymisation could not ' +
      'build a key, so the stay cannot be linked to a person.',
    reasons: ['pmsi-dummy-patient-key'],
  },
  'pmsi-linkage-codes': {
    tables: 'T_MCOaaC.NIR_RET, NAI_RET, SEX_RET, SEJ_RET, FHO_RET, PMS_RET, DAT_RET',
    defaultOn: true,
    description:
      "Keep only stays whose seven linkage return codes are all '0' (no error in the social security number, birth date, " +
      "sex, stay number, the two merges and the reference date). 'false' (a boolean export of the code) counts as '0'.",
    reasons: ['pmsi-linkage-codes'],
  },
};

export const sndsCleaningRuleNames = Object.keys(sndsCleaningRules) as SndsCleaningRule[];

/** Every rule on or off: defaults, then `excludeHospitalOutpatient`, then the explicit switches. */
export function resolveCleaning(
  cleaning: Partial<Record<SndsCleaningRule, boolean>> = {},
  excludeHospitalOutpatient = false,
): Record<SndsCleaningRule, boolean> {
  const out = {} as Record<SndsCleaningRule, boolean>;
  for (const r of sndsCleaningRuleNames) out[r] = sndsCleaningRules[r].defaultOn;
  if (excludeHospitalOutpatient) out['dcir-hospital-outpatient'] = true;
  for (const [r, on] of Object.entries(cleaning)) {
    if (r in sndsCleaningRules && typeof on === 'boolean') out[r as SndsCleaningRule] = on;
  }
  return out;
}

/**
 * Dummy NIR_ANO_17 values of the PMSI, given when the anonymisation had no valid social security number to hash
 * (documented in the SNDS fiche "Identifiants des bénéficiaires" and in published extraction code).
 */
export const pmsiDummyPatientKeys = [
  'xxxxxxxxxxxxxxxxx',
  'XXXXXXXXXXXXXXXXX',
  'XXXXXXXXXXXXXXXXD',
  'XXXXXXXXXXXXXXXXE',
  'XXXXXXXXXXXXXXXXS',
  'BXXXXXXXXXXXXXXXX',
];

/**
 * Geographic FINESS of AP-HM, HCL and AP-HP whose MCO stays duplicate the legal-entity transmission (2005-2017),
 * from Table 1 of the SNDS fiche "Activité en double dans les fichiers PMSI".
 */
export const pmsiDuplicateFiness = [
  // AP-HM (legal entity 130786049)
  '130780521', '130783236', '130783293', '130784234', '130804297',
  // HCL (legal entity 690781810)
  '690783154', '690784137', '690784152', '690784178', '690787478', '830100558',
  // AP-HP (legal entity 750712184)
  '600100101', '750041543', '750100018', '750100042', '750100075', '750100083', '750100091', '750100109', '750100125',
  '750100166', '750100208', '750100216', '750100232', '750100273', '750100299', '750801441', '750803447', '750803454',
  '910100015', '910100023', '920100013', '920100021', '920100039', '920100047', '920100054', '920100062', '930100011',
  '930100037', '930100045', '940100019', '940100027', '940100035', '940100043', '940100050', '940100068', '950100016',
];

/** Linkage return codes of T_MCOaaC checked by pmsi-linkage-codes. */
export const pmsiLinkageCodes = ['NIR_RET', 'NAI_RET', 'SEX_RET', 'SEJ_RET', 'FHO_RET', 'PMS_RET', 'DAT_RET'];
