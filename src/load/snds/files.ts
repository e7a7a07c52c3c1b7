// Finding the SNDS tables of an extract: one file per table, named after the table, in CSV, CSV.gz or Parquet.
// PMSI MCO tables come one set per year (T_MCO15B, T_MCO16B, …); extracts that name them literally T_MCOaaB
// are read as one set whose year is 'aa'.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadMessages as msg } from '../../messages/index.js';
import { tableNameOf } from '../stage.js';

/** One year of PMSI MCO: stays (B), patient key and dates (C), associated diagnoses (D), CCAM procedures (A). */
export interface SndsMcoYear {
  /** Two-digit year of the tables (T_MCO15B → '15'), or 'aa' for tables named literally T_MCOaaB. */
  year: string;
  B: string;
  C: string;
  D?: string;
  A?: string;
}

/** The files of an SNDS extract, one per table. Only IR_BEN_R is required. */
export interface SndsFiles {
  /** Beneficiaries: the persons. */
  IR_BEN_R: string;
  /** DCIR prestations; needs ER_PHA_F. */
  ER_PRS_F?: string;
  /** DCIR pharmacy lines; needs ER_PRS_F. */
  ER_PHA_F?: string;
  /** DCIR establishment lines, for the hospital outpatient flag ETE_IND_TAA (optional). */
  ER_ETE_F?: string;
  /** Long-term disease registrations (ALD). */
  IR_IMB_R?: string;
  /** Causes of death. */
  KI_CCI_R?: string;
  /** PMSI MCO, one entry per year. */
  mco?: SndsMcoYear[];
}

const single = ['IR_BEN_R', 'ER_PRS_F', 'ER_PHA_F', 'ER_ETE_F', 'IR_IMB_R', 'KI_CCI_R'] as const;
const dataFile = /\.(csv|txt|parquet)(\.gz)?$/i;
const mcoName = /^T_MCO([0-9]{2}|aa)([ABCD])$/i;

/** The table a file name stands for, upper case (`t_mco15b.csv` → `T_MCO15B`), or undefined for other files. */
function tableOf(file: string): string | undefined {
  return dataFile.test(file) ? tableNameOf(file).toUpperCase() : undefined;
}

/** Find the tables of an extract in a folder (file names compared case-insensitively). */
export function findSndsFiles(dir: string): Partial<SndsFiles> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw msg.fileNotFound(dir, 'a folder holding the SNDS extract tables');
  const byTable = new Map<string, string[]>();
  for (const f of readdirSync(dir).sort()) {
    const t = tableOf(f);
    if (t) byTable.set(t, [...(byTable.get(t) ?? []), join(dir, f)]);
  }
  const one = (t: string): string | undefined => {
    const fs = byTable.get(t);
    if (fs && fs.length > 1) throw msg.sndsAmbiguousTable(dir, t, fs);
    return fs?.[0];
  };
  const out: Partial<SndsFiles> = {};
  for (const t of single) {
    const f = one(t);
    if (f) out[t] = f;
  }
  const years = new Map<string, Partial<SndsMcoYear>>();
  for (const t of byTable.keys()) {
    const m = mcoName.exec(t);
    if (!m) continue;
    const year = /^aa$/i.test(m[1]!) ? 'aa' : m[1]!;
    const part = m[2]!.toUpperCase() as 'A' | 'B' | 'C' | 'D';
    years.set(year, { ...years.get(year), year, [part]: one(t) });
  }
  const mco = [...years.values()].sort((a, b) => a.year!.localeCompare(b.year!));
  for (const y of mco) {
    for (const part of ['B', 'C'] as const) {
      if (!y[part]) throw msg.missingTable(dir, `T_MCO${y.year}${part}`, `the ${part === 'B' ? 'stay' : 'patient key and dates'} table of PMSI MCO year '${y.year}', present for its other tables`);
    }
  }
  if (mco.length) out.mco = mco as SndsMcoYear[];
  return out;
}

/** The extract's files: those found in `dir`, overridden by those given explicitly. */
export function resolveSndsFiles(dir: string | undefined, files: Partial<SndsFiles> | undefined): SndsFiles {
  const found = dir ? findSndsFiles(dir) : {};
  const merged: Partial<SndsFiles> = { ...found, ...files };
  const where = dir ?? '(no folder given)';
  if (!merged.IR_BEN_R) throw msg.missingTable(where, 'IR_BEN_R', 'IR_BEN_R.csv or IR_BEN_R.parquet: the beneficiaries (persons)');
  if (merged.ER_PRS_F && !merged.ER_PHA_F) throw msg.missingTable(where, 'ER_PHA_F', 'ER_PHA_F.csv or .parquet: the pharmacy lines, needed with ER_PRS_F');
  if (merged.ER_PHA_F && !merged.ER_PRS_F) throw msg.missingTable(where, 'ER_PRS_F', 'ER_PRS_F.csv or .parquet: the prestations, needed with ER_PHA_F');
  return merged as SndsFiles;
}

/** The source name of one MCO table of a year, as used in row accounts: `T_MCO15B`, `T_MCOaaD`. */
export function mcoTableName(year: string, part: 'A' | 'B' | 'C' | 'D'): string {
  return `T_MCO${year}${part}`;
}
