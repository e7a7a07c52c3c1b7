// Writes simulated persons in the SNDS layout: the official table and column names (a subset of the
// columns of each table, always including the keys and the columns loaders use), ';' delimiters, and
// the date formats of real extracts: dd/mm/yyyy in DCIR and PMSI, ddmmyyyy for PMSI ENT_DAT/SOR_DAT,
// SAS datetimes (06DEC1959:00:00:00) in the referentials IR_BEN_R and KI_CCI_R. PMSI tables are
// written per year of discharge: T_MCO19B.csv, T_MCO20B.csv, …

import { join } from 'node:path';
import { products, type DrugProduct } from './codes.js';
import { formatDay, yearOf } from './dates.js';
import { Random, streams } from './random.js';
import { pseudonymOn, type PopulationContext, type SimDispensing, type SimPerson, type SimStay } from './simulatePopulation.js';
import { TableWriter } from './tableWriter.js';

/** Messy rows written (extra rows, the clean population is unchanged), by kind, and the extra rows per table. */
export interface MessyRowCounts {
  /** ER_PRS_F rows with DPN_QLF = 71 (each with one ER_PHA_F row). */
  infoLines: number;
  /** ER_PRS_F rows with CPL_MAJ_TOP = 2 (each with one ER_PHA_F row repeating the product and quantity). */
  surchargeLines: number;
  /** Duplicate billings later cancelled: one positive and one negative (return) ER_PRS_F + ER_PHA_F pair each. */
  returns: number;
  /** ER_PRS_F rows whose EXE_SOI_DTD is not a valid date (each with one ER_PHA_F row). */
  badDateLines: number;
  /** Stays with GRG_GHM '90Z00Z' (one B and one C row each, plus D rows). */
  errorGhmStays: number;
  /** Stays with SEJ_TYP 'B' (inter-establishment service, a copy of a real stay). */
  interEstablishmentStays: number;
  /** Stays whose chaining return code NIR_RET is '1' (a copy of a real stay). */
  linkageErrorStays: number;
  /** Extra rows these add to each table ('T_MCO_B' counts all years together). */
  extraRows: Record<'ER_PRS_F' | 'ER_PHA_F' | 'T_MCO_B' | 'T_MCO_C' | 'T_MCO_D', number>;
}

export const emptyMessyCounts = (): MessyRowCounts => ({
  infoLines: 0,
  surchargeLines: 0,
  returns: 0,
  badDateLines: 0,
  errorGhmStays: 0,
  interEstablishmentStays: 0,
  linkageErrorStays: 0,
  extraRows: { ER_PRS_F: 0, ER_PHA_F: 0, T_MCO_B: 0, T_MCO_C: 0, T_MCO_D: 0 },
});

export const sndsColumns = {
  IR_BEN_R: ['BEN_NIR_PSA', 'BEN_IDT_ANO', 'BEN_RNG_GEM', 'BEN_NIR_ANO', 'BEN_IDT_TOP', 'ASS_NIR_ANO', 'BEN_IDT_MAJ', 'BEN_CDI_NIR', 'BEN_NAI_ANN', 'BEN_NAI_MOI', 'BEN_SEX_COD', 'BEN_DCD_DTE', 'BEN_DCD_AME', 'ORG_AFF_BEN', 'BEN_RES_DPT', 'BEN_RES_COM', 'BEN_TOP_CNS', 'MAX_TRT_DTD', 'ORG_CLE_NEW', 'BEN_DTE_INS', 'BEN_DTE_MAJ'],
  ER_PRS_F: [
    'BEN_NIR_PSA', 'BEN_RNG_GEM', 'FLX_EMT_TYP', 'FLX_EMT_NUM', 'REM_TYP_AFF', 'FLX_EMT_ORD', 'PFS_EXE_NUM', 'FLX_TRT_DTD', 'DCT_ORD_NUM', 'PRS_ORD_NUM',
    'FLX_DIS_DTD', 'PFS_PRE_NUM', 'ORG_CLE_NUM', 'BEN_AMA_COD', 'BEN_CDI_NIR', 'BEN_NAI_ANN', 'BEN_RES_DPT', 'BEN_SEX_COD', 'EXE_SOI_AMD', 'EXE_SOI_DTD',
    'EXE_SOI_DTF', 'PRE_PRE_DTD', 'BSE_REM_MNT', 'PRS_ACT_QTE', 'PRS_PAI_MNT', 'CPL_MAJ_TOP', 'DPN_QLF', 'EXO_MTF', 'PRS_NAT_REF', 'RGO_REM_TAU',
    'PSE_SPE_COD', 'PSP_SPE_COD',
  ],
  ER_PHA_F: ['DCT_ORD_NUM', 'FLX_DIS_DTD', 'FLX_EMT_NUM', 'FLX_EMT_ORD', 'FLX_EMT_TYP', 'FLX_TRT_DTD', 'ORG_CLE_NUM', 'PRS_ORD_NUM', 'REM_TYP_AFF', 'ORG_CLE_NEW', 'PHA_ACT_PRU', 'PHA_ACT_QSN', 'PHA_CPA_PCP', 'PHA_DEC_PRU', 'PHA_DEC_QSU', 'PHA_DEC_TOP', 'PHA_IDE_CPL', 'PHA_MOD_PRN', 'PHA_ORD_NUM', 'PHA_PRS_C13', 'PHA_PRS_IDE', 'PHA_SEQ_RNV', 'PHA_SUB_MTF'],
  IR_PHA_R: ['PHA_CIP_C13', 'PHA_PRS_IDE', 'PHA_MED_NOM', 'PHA_NOM_PA', 'PHA_ATC_C07', 'PHA_ATC_L07', 'PHA_ATC_C03', 'PHA_UNT_NBR_DSES', 'PHA_DOS_UNT_DSES', 'PHA_PRI_UNI'],
  IR_IMB_R: ['BEN_NIR_PSA', 'BEN_RNG_GEM', 'IMB_ALD_DTD', 'IMB_ALD_DTF', 'IMB_ALD_NUM', 'IMB_ETM_NAT', 'IMB_MLP_BTR', 'IMB_MLP_TAB', 'IMB_SDR_LOP', 'INS_DTE', 'MED_MTF_COD', 'MED_NCL_IDT', 'UPD_DTE'],
  KI_CCI_R: ['BEN_IDT_ANO', 'DCD_IDT_ENC', 'DCD_IDT_TOP', 'BEN_IDT_TOP', 'BEN_NIR_ANO', 'FLX_PER_ANN', 'DCD_DPT_COD', 'BEN_RES_DPT', 'BEN_DCD_DTE', 'BEN_DCD_AME', 'DCD_LIE_COD', 'BEN_NAI_ANN', 'BEN_NAI_MOI', 'BEN_SEX_COD', 'DCD_CIM_COD'],
  T_MCOaaA: ['ETA_NUM', 'RSA_NUM', 'ACV_ACT', 'CDC_ACT', 'ENT_DAT_DEL', 'NBR_EXE_ACT', 'PHA_ACT'],
  T_MCOaaB: ['ETA_NUM', 'RSA_NUM', 'AGE_ANN', 'BDI_COD', 'BDI_DEP', 'COD_SEX', 'DGN_PAL', 'DGN_REL', 'ENT_MOD', 'ENT_PRV', 'GRG_GHM', 'GRG_RET', 'GRG_VER', 'NBR_ACT', 'NBR_DGN', 'NBR_RUM', 'SEJ_NBJ', 'SEJ_TYP', 'SOR_ANN', 'SOR_DES', 'SOR_MOD', 'SOR_MOI', 'TYP_GEN_RSA'],
  T_MCOaaC: ['NIR_ANO_17', 'ETA_NUM', 'RSA_NUM', 'COH_NAI_RET', 'COH_SEX_RET', 'DAT_RET', 'ENT_DAT', 'ETA_NUM_RET', 'EXE_SOI_AMD', 'EXE_SOI_AMF', 'EXE_SOI_DTD', 'EXE_SOI_DTF', 'FHO_RET', 'HOS_NNE_RET', 'HOS_ORG_RET', 'NAI_RET', 'NIR_RET', 'PMS_RET', 'RNG_BEN_RET', 'RNG_NAI_RET', 'SEJ_MER_RET', 'SEJ_NUM', 'SEJ_RET', 'SEX_RET', 'SOR_ANN', 'SOR_DAT', 'SOR_MOI'],
  T_MCOaaD: ['ETA_NUM', 'RSA_NUM', 'ASS_DGN', 'DGN_ASS_NUM'],
} as const;

/** The 9 keys joining ER_PHA_F to ER_PRS_F. */
export const dcirKeys = ['DCT_ORD_NUM', 'FLX_DIS_DTD', 'FLX_EMT_NUM', 'FLX_EMT_ORD', 'FLX_EMT_TYP', 'FLX_TRT_DTD', 'ORG_CLE_NUM', 'PRS_ORD_NUM', 'REM_TYP_AFF'] as const;

/** Pharmacy prestation nature (PRS_NAT_REF) written on drug lines. */
export const PHARMACY_PRS_NAT = '3317';

interface YearFiles {
  A: TableWriter;
  B: TableWriter;
  C: TableWriter;
  D: TableWriter;
}

const money = (x: number) => x.toFixed(2);
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A DCIR décompte's keys (without PRS_ORD_NUM). */
interface Decompte {
  dct: string;
  dis: string;
  emtNum: string;
  emtOrd: string;
  emtTyp: string;
  trt: string;
  org: string;
  remTyp: string;
}

export class SndsWriter {
  readonly messyRows: MessyRowCounts = emptyMessyCounts();
  private readonly tables: Record<'IR_BEN_R' | 'ER_PRS_F' | 'ER_PHA_F' | 'IR_PHA_R' | 'IR_IMB_R' | 'KI_CCI_R', TableWriter>;
  private readonly years = new Map<number, YearFiles>();
  private dctCounter = 0;
  private rsaCounter = 0;

  constructor(
    readonly dir: string,
    private readonly ctx: PopulationContext,
  ) {
    const t = (name: keyof typeof sndsColumns) => new TableWriter(join(dir, `${name}.csv`), sndsColumns[name], ';');
    this.tables = { IR_BEN_R: t('IR_BEN_R'), ER_PRS_F: t('ER_PRS_F'), ER_PHA_F: t('ER_PHA_F'), IR_PHA_R: t('IR_PHA_R'), IR_IMB_R: t('IR_IMB_R'), KI_CCI_R: t('KI_CCI_R') };
    for (let y = ctx.settings.startYear; y <= ctx.settings.endYear; y++) {
      const yy = pad(y % 100, 2);
      const f = (s: 'A' | 'B' | 'C' | 'D') => new TableWriter(join(dir, `T_MCO${yy}${s}.csv`), sndsColumns[`T_MCOaa${s}`], ';');
      this.years.set(y, { A: f('A'), B: f('B'), C: f('C'), D: f('D') });
    }
    for (const p of products) {
      this.tables.IR_PHA_R.row([p.cip13, p.cip7, p.name, p.ingredient.atcLabel, p.atc, p.ingredient.atcLabel, p.atc.slice(0, 3), p.unitsPerPack, p.strength.replace(' ', ''), money(p.price)]);
    }
  }

  /** All files written, in a stable order. */
  writers(): TableWriter[] {
    const out: TableWriter[] = Object.values(this.tables);
    for (const y of this.years.values()) out.push(y.A, y.B, y.C, y.D);
    return out;
  }

  write(p: SimPerson): void {
    const ctx = this.ctx;
    const detail = Random.forPerson(ctx.settings.seed, p.index, streams.sndsDetail);
    const messy = ctx.settings.messy ? Random.forPerson(ctx.settings.seed, p.index, streams.messy) : null;
    const birth = { year: String(yearOf(p.birthDay)), month: formatDay(p.birthDay, 'ym').slice(4) };
    const org = `01C${p.department}001`;
    const death = p.deathDay === null ? null : { sas: formatDay(p.deathDay, 'sas'), ym: formatDay(p.deathDay, 'ym') };
    const lastClaim = p.dispensings.length ? p.dispensings[p.dispensings.length - 1]!.day + 15 : null;

    // IR_BEN_R: one row per (BEN_NIR_PSA, BEN_RNG_GEM) pair of the person.
    const spouseNir = detail.letters(17);
    for (const ps of p.pseudonyms) {
      this.tables.IR_BEN_R.row([
        ps.nirPsa, p.idtAno, ps.rngGem, p.nirAno, '1', ps.rngGem === '1' ? p.nirAno : spouseNir, formatDay(ps.fromDay, 'sas'), '00', birth.year, birth.month, p.sex,
        death?.sas ?? '', death?.ym ?? '', org, p.department, p.commune, '1', lastClaim === null ? '' : formatDay(lastClaim, 'dmy'), org,
        formatDay(ps.fromDay, 'sas'), formatDay(Math.max(ps.fromDay, p.exitDay), 'sas'),
      ]);
    }

    // DCIR: one décompte per dispensing, one ER_PRS_F line and one ER_PHA_F line.
    const pharmacy = `${p.department.slice(1)}${detail.digits(7)}`;
    const gp = `${p.department.slice(1)}1${detail.digits(6)}`;
    const cardiologist = `${p.department.slice(1)}3${detail.digits(6)}`;
    const aldRate = p.alds.length > 0;
    for (const d of p.dispensings) {
      const dec = this.decompte(d.day + detail.int(2, 25), org, p.department);
      const prescriber = d.drugClass !== 'other' && detail.bernoulli(0.3) ? cardiologist : gp;
      const prescribed = d.day - detail.int(0, 60);
      const renewal = detail.int(0, 5);
      this.dispensingLines(p, d, dec, '1', { pharmacy, prescriber, prescribed, renewal, aldRate, qualifier: '0', surcharge: '0', sign: 1, dateText: null });
      if (!messy) continue;
      const r = this.ctx.settings.messyRates;
      const lines = { pharmacy, prescriber, prescribed, renewal, aldRate };
      if (messy.bernoulli(r.surchargePerDispensing)) {
        this.dispensingLines(p, d, dec, '2', { ...lines, qualifier: '0', surcharge: '2', sign: 1, dateText: null });
        this.messyRows.surchargeLines++;
        this.countDcir(1);
      }
      if (messy.bernoulli(r.infoLinePerDispensing)) {
        const info = this.decompte(d.day + messy.int(2, 25), org, p.department);
        this.dispensingLines(p, d, info, '1', { ...lines, qualifier: '71', surcharge: '0', sign: 1, dateText: null });
        this.messyRows.infoLines++;
        this.countDcir(1);
      }
      if (messy.bernoulli(r.returnPerDispensing)) {
        const trt = d.day + messy.int(2, 25);
        this.dispensingLines(p, d, this.decompte(trt, org, p.department), '1', { ...lines, qualifier: '0', surcharge: '0', sign: 1, dateText: null });
        this.dispensingLines(p, d, this.decompte(trt + messy.int(10, 40), org, p.department), '1', { ...lines, qualifier: '0', surcharge: '0', sign: -1, dateText: null });
        this.messyRows.returns++;
        this.countDcir(2);
      }
      if (messy.bernoulli(r.badDatePerDispensing)) {
        const bad = `31/02/${yearOf(d.day)}`;
        this.dispensingLines(p, d, this.decompte(d.day + messy.int(2, 25), org, p.department), '1', { ...lines, qualifier: '0', surcharge: '0', sign: 1, dateText: bad });
        this.messyRows.badDateLines++;
        this.countDcir(1);
      }
    }

    // IR_IMB_R: long-term disease registrations.
    for (const a of p.alds) {
      const ps = pseudonymOn(p, a.startDay);
      this.tables.IR_IMB_R.row([
        ps.nirPsa, ps.rngGem, formatDay(a.startDay, 'dmy'), a.endDay === null ? '' : formatDay(a.endDay, 'dmy'), a.number, '41', '', '', '',
        formatDay(a.startDay + detail.int(0, 20), 'dmy'), a.icd10, 'CIM10', '',
      ]);
    }

    // KI_CCI_R: causes of death.
    if (p.deathDay !== null && p.causeRecorded) {
      const diedInHospital = p.stays.some((s) => s.died);
      this.tables.KI_CCI_R.row([
        p.idtAno, detail.digits(32) + detail.digits(32), '1', '1', p.nirAno, yearOf(p.deathDay), p.department, p.department, death!.sas, death!.ym,
        diedInHospital ? '2' : '1', birth.year, birth.month, p.sex, p.deathCause ?? '',
      ]);
    }

    // PMSI MCO: one B and one C row per stay, D rows for associated diagnoses, A rows for acts.
    for (const s of p.stays) {
      this.stay(p, s, s.establishment.etaNum, { sejTyp: '', ghm: s.ghm, nirRet: '0', withActs: true });
      if (!messy) continue;
      const r = this.ctx.settings.messyRates;
      if (messy.bernoulli(r.errorGhmPerStay)) {
        this.stay(p, s, s.establishment.etaNum, { sejTyp: '', ghm: '90Z00Z', nirRet: '0', withActs: false });
        this.messyRows.errorGhmStays++;
        this.countStay(s);
      }
      if (messy.bernoulli(r.interEstablishmentPerStay)) {
        const other = this.ctx.otherSites.find((e) => e !== s.establishment) ?? s.establishment;
        this.stay(p, s, other.etaNum, { sejTyp: 'B', ghm: s.ghm, nirRet: '0', withActs: false });
        this.messyRows.interEstablishmentStays++;
        this.countStay(s);
      }
      if (messy.bernoulli(r.linkageErrorPerStay)) {
        this.stay(p, s, s.establishment.etaNum, { sejTyp: '', ghm: s.ghm, nirRet: '1', withActs: false });
        this.messyRows.linkageErrorStays++;
        this.countStay(s);
      }
    }
  }

  private countDcir(lines: number): void {
    this.messyRows.extraRows.ER_PRS_F += lines;
    this.messyRows.extraRows.ER_PHA_F += lines;
  }

  private countStay(s: SimStay): void {
    this.messyRows.extraRows.T_MCO_B++;
    this.messyRows.extraRows.T_MCO_C++;
    this.messyRows.extraRows.T_MCO_D += s.associated.length;
  }

  private decompte(processedDay: number, org: string, department: string): Decompte {
    const dis = formatDay(processedDay, 'ym');
    return {
      dct: String(++this.dctCounter),
      dis: `01/${dis.slice(4)}/${dis.slice(0, 4)}`,
      emtNum: String(Number(department) % 100),
      emtOrd: String((this.dctCounter * 7919) % 9999),
      emtTyp: '1',
      trt: formatDay(processedDay, 'dmy'),
      org,
      remTyp: '1',
    };
  }

  private dispensingLines(
    p: SimPerson,
    d: SimDispensing,
    dec: Decompte,
    prsOrd: string,
    o: { pharmacy: string; prescriber: string; prescribed: number; renewal: number; aldRate: boolean; qualifier: string; surcharge: string; sign: 1 | -1; dateText: string | null },
  ): void {
    const product: DrugProduct = d.product;
    const ps = pseudonymOn(p, d.day);
    const qty = o.sign * d.packs;
    const amount = product.price * qty;
    const rate = o.aldRate && d.drugClass !== 'other' ? 100 : 65;
    const info = o.qualifier === '71';
    const day = formatDay(d.day, 'dmy');
    const rowAmount = money(info ? 0 : amount);
    const refunded = money(info ? 0 : (amount * rate) / 100);
    const psp = o.prescriber[2] === '3' ? '3' : '1';
    const soins = o.dateText ?? day;
    // Template lines rather than row(): these two tables hold most of the rows at benchmark sizes.
    this.tables.ER_PRS_F.line(
      `${ps.nirPsa};${ps.rngGem};${dec.emtTyp};${dec.emtNum};${dec.remTyp};${dec.emtOrd};${o.pharmacy};${dec.trt};${dec.dct};${prsOrd};` +
        `${dec.dis};${o.prescriber};${dec.org};${Math.floor((d.day - p.birthDay) / 365.25)};00;${yearOf(p.birthDay)};${p.department};${p.sex};` +
        `${formatDay(d.day, 'ym')};${soins};${soins};${formatDay(o.prescribed, 'dmy')};${refunded};${qty};${rowAmount};${o.surcharge};${o.qualifier};` +
        `${rate === 100 ? '41' : '0'};${PHARMACY_PRS_NAT};${rate};50;${psp}`,
    );
    this.tables.ER_PHA_F.line(
      `${dec.dct};${dec.dis};${dec.emtNum};${dec.emtOrd};${dec.emtTyp};${dec.trt};${dec.org};${prsOrd};${dec.remTyp};${dec.org};` +
        `${product.priceText};${qty};;;;N;0;;1;${product.cip13};${product.cip7};${o.renewal};0`,
    );
  }

  private stay(p: SimPerson, s: SimStay, etaNum: string, o: { sejTyp: string; ghm: string; nirRet: string; withActs: boolean }): void {
    const year = yearOf(s.dischargeDay);
    const files = this.years.get(year);
    if (!files) return;
    const rsa = String(++this.rsaCounter);
    const ps = pseudonymOn(p, s.admissionDay);
    const sorYm = formatDay(s.dischargeDay, 'ym');
    const ageYears = Math.floor((s.admissionDay - p.birthDay) / 365.25);
    const dep2 = p.department.slice(1);
    const admission = formatDay(s.admissionDay, 'dmy');
    const discharge = formatDay(s.dischargeDay, 'dmy');
    files.B.line(
      `${etaNum};${rsa};${ageYears};${dep2}${p.commune};${dep2};${p.sex};${s.dp};${s.dr};8;${s.kind === 'outcome' ? '5' : ''};${o.ghm};` +
        `${o.ghm.startsWith('90') ? '999' : '000'};11;${o.withActs ? s.acts.length : 0};${s.associated.length};1;${s.dischargeDay - s.admissionDay};` +
        `${o.sejTyp};${year};;${s.died ? '9' : '8'};${sorYm.slice(4)};0`,
    );
    files.C.line(
      `${ps.nirPsa};${etaNum};${rsa};0;0;0;${formatDay(s.admissionDay, 'dmyCompact')};0;${formatDay(s.admissionDay, 'ym')};${sorYm};` +
        `${admission};${discharge};0;0;0;0;${o.nirRet};0;0;0;0;${pad((this.rsaCounter * 31) % 100000, 5)};0;0;${year};${formatDay(s.dischargeDay, 'dmyCompact')};${sorYm.slice(4)}`,
    );
    for (let k = 0; k < s.associated.length; k++) files.D.line(`${etaNum};${rsa};${s.associated[k]};${k + 1}`);
    if (o.withActs) for (const act of s.acts) files.A.line(`${etaNum};${rsa};1;${act};0;1;0`);
  }

  close(): void {
    for (const w of this.writers()) w.close();
  }
}
