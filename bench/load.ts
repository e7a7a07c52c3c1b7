// npm run bench -- load [rows]: loads 10M dispensing rows (SNDS DCIR ER_PRS_F + ER_PHA_F, and OMOP
// drug_exposure) from Parquet and from CSV into the model, and prints rows/s and peak RSS.
// Input files are generated once with DuckDB into the bench data folder (see benchDataDir) and reused.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDb, type Engine } from '../src/engine/index.js';
import { loadSnds, loadOmop } from '../src/index.js';
import { benchDataDir, peakRssMb, timed, printRow } from './util.js';

/** DCIR and OMOP drug tables with `rows` dispensings over rows/20 persons, in Parquet and CSV. */
async function generate(engine: Engine, dir: string, rows: number): Promise<void> {
  const persons = Math.max(1, Math.floor(rows / 20));
  mkdirSync(join(dir, 'snds-parquet'), { recursive: true });
  mkdirSync(join(dir, 'omop-parquet'), { recursive: true });
  // Dates in the SNDS text form (dd/mm/yyyy); 9 DCIR join keys unique per dispensing.
  const day = (i: string) => `strftime(DATE '2015-01-01' + CAST((${i} * 7919) % 2900 AS INTEGER), '%d/%m/%Y')`;
  await engine.run(`CREATE TEMP TABLE ben AS SELECT 'N' || lpad(CAST(i AS VARCHAR), 16, '0') AS BEN_NIR_PSA, '1' AS BEN_RNG_GEM,
    'A' || lpad(CAST(i AS VARCHAR), 16, '0') AS BEN_IDT_ANO, CAST(1930 + i % 70 AS VARCHAR) AS BEN_NAI_ANN, '01' AS BEN_NAI_MOI,
    CAST(1 + i % 2 AS VARCHAR) AS BEN_SEX_COD, CAST(NULL AS VARCHAR) AS BEN_DCD_DTE, '00' AS BEN_CDI_NIR, '075' AS BEN_RES_DPT
    FROM range(${persons}) t(i)`);
  const keys = `CAST(i AS VARCHAR) AS DCT_ORD_NUM, '01/02/2023' AS FLX_DIS_DTD, '1' AS FLX_EMT_NUM, '0' AS FLX_EMT_ORD, '1' AS FLX_EMT_TYP,
    '02/02/2023' AS FLX_TRT_DTD, '01C000001' AS ORG_CLE_NUM, '1' AS PRS_ORD_NUM, '1' AS REM_TYP_AFF`;
  await engine.run(`CREATE TEMP TABLE prs AS SELECT 'N' || lpad(CAST(i % ${persons} AS VARCHAR), 16, '0') AS BEN_NIR_PSA, '1' AS BEN_RNG_GEM, ${keys},
    ${day('i')} AS EXE_SOI_DTD, '0' AS DPN_QLF, '0' AS CPL_MAJ_TOP, '00' AS BEN_CDI_NIR, '3317' AS PRS_NAT_REF, '1' AS PRS_ACT_QTE
    FROM range(${rows}) t(i)`);
  await engine.run(`CREATE TEMP TABLE pha AS SELECT ${keys}, '340093' || lpad(CAST(i % 500 AS VARCHAR), 7, '0') AS PHA_PRS_C13, '1' AS PHA_ACT_QSN
    FROM range(${rows}) t(i)`);
  await engine.run(`CREATE TEMP TABLE person AS SELECT i AS person_id, 8507 + (i % 2) * 25 AS gender_concept_id, 1930 + i % 70 AS year_of_birth,
    1 AS month_of_birth, 1 AS day_of_birth, 0 AS race_concept_id, 0 AS ethnicity_concept_id FROM range(${persons}) t(i)`);
  await engine.run(`CREATE TEMP TABLE obs AS SELECT i AS observation_period_id, i AS person_id, DATE '2010-01-01' AS observation_period_start_date,
    DATE '2024-12-31' AS observation_period_end_date, 32880 AS period_type_concept_id FROM range(${persons}) t(i)`);
  await engine.run(`CREATE TEMP TABLE de AS SELECT i AS drug_exposure_id, i % ${persons} AS person_id, 1118084 + i % 50 AS drug_concept_id,
    DATE '2015-01-01' + CAST((i * 7919) % 2900 AS INTEGER) AS drug_exposure_start_date,
    DATE '2015-01-01' + CAST((i * 7919) % 2900 AS INTEGER) + 29 AS drug_exposure_end_date, 38000177 AS drug_type_concept_id,
    30 AS days_supply, 30.0 AS quantity FROM range(${rows}) t(i)`);
  // The CDM tables the loader requires, empty here: only the drug rows are measured.
  await engine.run(`CREATE TEMP TABLE death AS SELECT CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS DATE) AS death_date LIMIT 0`);
  await engine.run(`CREATE TEMP TABLE visit AS SELECT CAST(NULL AS BIGINT) AS visit_occurrence_id, CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS BIGINT) AS visit_concept_id,
    CAST(NULL AS DATE) AS visit_start_date, CAST(NULL AS DATE) AS visit_end_date LIMIT 0`);
  await engine.run(`CREATE TEMP TABLE cond AS SELECT CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS BIGINT) AS condition_concept_id, CAST(NULL AS DATE) AS condition_start_date LIMIT 0`);
  await engine.run(`CREATE TEMP TABLE proc AS SELECT CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS BIGINT) AS procedure_concept_id, CAST(NULL AS DATE) AS procedure_date LIMIT 0`);
  await engine.run(`CREATE TEMP TABLE anc AS SELECT CAST(NULL AS BIGINT) AS ancestor_concept_id, CAST(NULL AS BIGINT) AS descendant_concept_id LIMIT 0`);
  const out: Array<[string, string, string]> = [
    ['ben', 'snds', 'IR_BEN_R'], ['prs', 'snds', 'ER_PRS_F'], ['pha', 'snds', 'ER_PHA_F'],
    ['person', 'omop', 'person'], ['obs', 'omop', 'observation_period'], ['de', 'omop', 'drug_exposure'],
    ['death', 'omop', 'death'], ['visit', 'omop', 'visit_occurrence'], ['cond', 'omop', 'condition_occurrence'],
    ['proc', 'omop', 'procedure_occurrence'], ['anc', 'omop', 'concept_ancestor'],
  ];
  for (const [t, layout, name] of out) {
    await engine.run(`COPY ${t} TO '${join(dir, `${layout}-parquet`, `${name}.parquet`)}' (FORMAT parquet)`);
    mkdirSync(join(dir, `${layout}-csv`), { recursive: true });
    await engine.run(`COPY ${t} TO '${join(dir, `${layout}-csv`, `${name}.csv`)}' (FORMAT csv, HEADER, DELIMITER '${layout === 'snds' ? ';' : ','}')`);
    await engine.run(`DROP TABLE ${t}`);
  }
}

const inputs = [
  ['SNDS DCIR, Parquet', 'snds', 'snds-parquet'],
  ['OMOP drug_exposure, Parquet', 'omop', 'omop-parquet'],
  ['SNDS DCIR, CSV', 'snds', 'snds-csv'],
  ['OMOP drug_exposure, CSV', 'omop', 'omop-csv'],
] as const;
const widths = [28, 10, 14, 12];

/** Load one input in this process (so peak RSS is its own) and print its row. */
async function loadOne(dir: string, which: number): Promise<void> {
  const [label, layout, sub] = inputs[which]!;
  // DuckDB spills to disk rather than grow past its memory limit (1.5 GB, or COHORTE_BENCH_MEMORY).
  const engine = await openDuckDb({ memoryLimit: process.env.COHORTE_BENCH_MEMORY ?? '1500MB', tempDirectory: join(dir, 'spill') });
  const { value, seconds } = await timed(() =>
    layout === 'snds' ? loadSnds(engine, { dir: join(dir, sub), schema: 'claims' }) : loadOmop(engine, { dir: join(dir, sub), schema: 'hospital' }),
  );
  const loaded = value.counts.dispensing;
  await engine.close();
  printRow([label, seconds.toFixed(2), Math.round(loaded / seconds).toLocaleString('en'), peakRssMb().toFixed(0)], widths);
}

export async function main(args: string[]): Promise<void> {
  const rows = Number(args[0] ?? 10_000_000);
  const dir = benchDataDir(`load-${rows}`, [fileURLToPath(import.meta.url)]);
  const only = args.indexOf('--only');
  if (only >= 0) return loadOne(dir, Number(args[only + 1]));
  if (!existsSync(join(dir, 'omop-csv', 'concept_ancestor.csv'))) {
    console.log(`generating ${rows.toLocaleString('en')} dispensing rows into ${dir} (once)…`);
    rmSync(dir, { recursive: true, force: true });
    const gen = await openDuckDb();
    await generate(gen, dir, rows);
    await gen.close();
  }
  console.log(`load: ${rows.toLocaleString('en')} dispensing rows, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  printRow(['input', 'seconds', 'rows/s', 'peak RSS MB'], widths);
  for (let k = 0; k < inputs.length; k++) {
    spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, 'load', String(rows), '--only', String(k)], { stdio: 'inherit' });
  }
}
