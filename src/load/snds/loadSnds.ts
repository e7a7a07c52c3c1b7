// loadSnds: an SNDS extract (French national claims, the layout of the Health Data Hub schemas) into the event model,
// with the standard SNDS cleaning rules. Order: persons (IR_BEN_R), deaths (KI_CCI_R, BEN_DCD_DTE), then the events
// that are checked against birth and death: DCIR dispensings, PMSI MCO stays, ALD registrations.
//
// Person id: BEN_IDT_ANO (else BEN_NIR_PSA:BEN_RNG_GEM). Every (BEN_NIR_PSA, BEN_RNG_GEM) of a person is kept in
// `<schema>.snds_person_key`; DCIR and IR_IMB_R link on both, PMSI on NIR_ANO_17 = BEN_NIR_PSA, KI_CCI_R on
// BEN_IDT_ANO. All work is a few set-based SQL passes per table; only counts come back to JS.
import { deriveObservationPeriods, type SndsObservationWindow } from './observation.js';
import type { Engine } from '../../engine/index.js';
import type { ModelTableName, RowAccount } from '../../model/index.js';
import { loadMessages as msg } from '../../messages/index.js';
import { countModelTables, createModelTables, schemaPrefix } from '../model.js';
import { fileProgress, type OnLoadProgress } from '../progress.js';
import type { LoadResult } from '../result.js';
import { loadAld } from './ald.js';
import { beneficiaryColumns, loadBeneficiaries } from './beneficiaries.js';
import { resolveCleaning, type SndsCleaningRule } from './cleaning.js';
import { loadDcir, loadReferential } from './dcir.js';
import { deathColumns, loadDeaths } from './deaths.js';
import { mcoTableName, resolveSndsFiles, type SndsFiles, type SndsMcoYear } from './files.js';
import { loadPmsiYear } from './pmsi.js';
import { cleanUp, inPart, stage, tmp, type SndsContext } from './steps.js';

export interface LoadSndsOptions {
  /** Folder of the extract: one file per table named after it (IR_BEN_R.csv, ER_PRS_F.parquet, T_MCO15B.csv, T_MCOaaB.csv…). */
  dir?: string;
  /** Files per table, instead of or on top of `dir` (a file given here wins over one found in `dir`). */
  files?: Partial<SndsFiles>;
  /** Engine schema receiving the model tables (created if needed; must hold no model rows yet). Default: the default schema. */
  schema?: string;
  /** Switch standard cleaning rules on or off (see `sndsCleaningRules`); unnamed rules keep their default. */
  cleaning?: Partial<Record<SndsCleaningRule, boolean>>;
  /**
   * An IR_PHA_R extract (PHA_CIP_C13 → PHA_ATC_C07, PHA_UNT_NBR_DSES units per pack). Without it, dispensings keep
   * their CIP13 with atc_code and units_per_pack NULL, and no product code is quarantined as unknown; with it, a
   * CIP13 missing from the referential is quarantined ('unknown-product-code').
   */
  phaReferential?: string;
  /** The extract's window, from which each person's observation period is derived (see SndsObservationWindow). */
  observation?: SndsObservationWindow;
  /** Drop hospital outpatient DCIR lines already counted in the PMSI (ETE_IND_TAA = 1); needs ER_ETE_F or an ETE_IND_TAA column. Default false. */
  excludeHospitalOutpatient?: boolean;
  /** Called as each part of the load is done (persons, deaths, the DCIR, each PMSI year, ALD, observation periods). */
  onProgress?: OnLoadProgress;
}

let loadCounter = 0;

/** Load an SNDS extract into the model tables of `schema`; returns the row account of every source table. */
export async function loadSnds(engine: Engine, options: LoadSndsOptions): Promise<LoadResult> {
  const files = resolveSndsFiles(options.dir, options.files);
  const cleaning = resolveCleaning(options.cleaning, options.excludeHospitalOutpatient);
  const schema = options.schema ?? '';
  const p = schemaPrefix(options.schema);
  await createModelTables(engine, options.schema);
  const before = await countModelTables(engine, options.schema);
  for (const [t, n] of Object.entries(before)) if (n > 0) throw msg.targetNotEmpty(schema, t, n);

  const ctx: SndsContext = { engine, p, cleaning, t: `snds${++loadCounter}`, temps: [], staged: [], rowsRead: 0 };
  // The parts of the load in order, with the files each reads, for progress.
  const mcoNames = (y: SndsMcoYear) => (['B', 'C', 'D', 'A'] as const).filter((t) => y[t]).map((t) => mcoTableName(y.year, t)).join(', ');
  const observationPart = 'IR_BEN_R (observation periods)';
  const done = fileProgress(
    [
      ['IR_BEN_R', [files.IR_BEN_R]],
      ['KI_CCI_R', [files.KI_CCI_R]],
      ['ER_PRS_F, ER_PHA_F', [options.phaReferential, files.ER_PRS_F, files.ER_PHA_F, files.ER_ETE_F]],
      ...(files.mco ?? []).map((y): [string, string[]] => [mcoNames(y), [y.B, y.C, y.D, y.A].filter((f): f is string => !!f)]),
      ['IR_IMB_R', [files.IR_IMB_R]],
      [observationPart, [files.IR_BEN_R]],
    ],
    options.onProgress,
  );
  const accounts: RowAccount[] = [];
  let deathConflicts = 0;
  let observation: { start: string | null; end: string | null; periods: number } = { start: null, end: null, periods: 0 };
  try {
    // Persons and their deaths.
    const ben = await stage(ctx, files.IR_BEN_R, 'IR_BEN_R', beneficiaryColumns);
    const b = await inPart(ctx, () => loadBeneficiaries(ctx, ben), (r) => [r.persons, r.deaths]);
    accounts.push(b.account);
    done('IR_BEN_R', ctx.rowsRead);
    const ki = files.KI_CCI_R ? await stage(ctx, files.KI_CCI_R, 'KI_CCI_R', deathColumns) : undefined;
    const deaths = await inPart(ctx, () => loadDeaths(ctx, { ki, ben, persons: b.persons, benDeaths: b.deaths }), (r) => [r.personDeaths]);
    deathConflicts = deaths.conflicts;
    if (files.KI_CCI_R) done('KI_CCI_R', ctx.rowsRead);
    await engine.run(
      `INSERT INTO ${p}person (person_id, birth_year, birth_date, sex, death_date, source_table, source_row) ` +
        `SELECT pe.person_id, pe.birth_year, NULL, pe.sex, pd.death_date, 'IR_BEN_R', pe.source_row FROM ${b.persons} AS pe ` +
        `LEFT JOIN ${deaths.personDeaths} AS pd ON pd.person_id = pe.person_id`,
    );

    // Lookups for the events: by (BEN_NIR_PSA, BEN_RNG_GEM), and by BEN_NIR_PSA alone for the PMSI (below).
    const personKeys = tmp(ctx, 'person_keys');
    await engine.run(
      `CREATE TEMP TABLE ${personKeys} AS SELECT k.ben_nir_psa AS psa, k.ben_rng_gem AS rng, pe.pidx, k.person_id, pe.birth_year, pd.death_date ` +
        `FROM ${p}snds_person_key AS k JOIN ${b.persons} AS pe ON pe.person_id = k.person_id LEFT JOIN ${deaths.personDeaths} AS pd ON pd.person_id = k.person_id`,
    );
    accounts.push(...deaths.accounts);

    if (files.ER_PRS_F && files.ER_PHA_F) {
      const lookup = options.phaReferential ? await loadReferential(ctx, options.phaReferential) : undefined;
      if (lookup) accounts.push(lookup.account);
      const referential = lookup?.table;
      const { ER_PRS_F: prs, ER_PHA_F: pha, ER_ETE_F: ete } = files;
      accounts.push(...(await inPart(ctx, () => loadDcir(ctx, { prs, pha, ete, personKeys, persons: b.persons, referential }))));
      done('ER_PRS_F, ER_PHA_F', ctx.rowsRead);
    }
    if (files.mco?.length) {
      const psaKeys = tmp(ctx, 'psa_keys');
      await engine.run(
        `CREATE TEMP TABLE ${psaKeys} AS SELECT psa, min(person_id) AS person_id, count(DISTINCT person_id) AS persons, ` +
          `min(birth_year) AS birth_year, min(death_date) AS death_date FROM ${personKeys} GROUP BY psa`,
      );
      for (const year of files.mco) {
        accounts.push(...(await inPart(ctx, () => loadPmsiYear(ctx, year, psaKeys))));
        done(mcoNames(year), ctx.rowsRead);
      }
    }
    const imb = files.IR_IMB_R;
    if (imb) {
      accounts.push(await inPart(ctx, () => loadAld(ctx, imb, personKeys)));
      done('IR_IMB_R', ctx.rowsRead);
    }
    observation = await deriveObservationPeriods(ctx, ben, options.observation ?? {});
    done(observationPart, ctx.rowsRead);
    if (observation.periods > 0) b.account.target.push('observation_period');
  } finally {
    await cleanUp(ctx);
  }

  const counts: Record<ModelTableName, number> = await countModelTables(engine, options.schema);
  return {
    layout: 'snds',
    schema,
    accounts,
    counts,
    settings: {
      files,
      cleaning,
      phaReferential: options.phaReferential ?? null,
      excludeHospitalOutpatient: cleaning['dcir-hospital-outpatient'],
      personId: 'BEN_IDT_ANO, else BEN_NIR_PSA:BEN_RNG_GEM; all keys of a person in snds_person_key',
      deathDatePrecedence: 'IR_BEN_R.BEN_DCD_DTE, else KI_CCI_R.BEN_DCD_DTE',
      deathDateConflicts: deathConflicts,
      dispensingDate: cleaning['dcir-care-date'] ? 'EXE_SOI_DTD' : 'FLX_DIS_DTD',
      observation: {
        extractStart: observation.start,
        extractEnd: observation.end,
        rule: 'from max(extract start, BEN_DTE_INS) to min(extract end, death date); extract dates default to the first and last care dates',
      },
    },
  };
}
