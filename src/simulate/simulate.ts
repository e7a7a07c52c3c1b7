// simulate(): the same synthetic population written in the SNDS layout (claims), the OMOP CDM 5.4
// layout (a hospital group's warehouse) and a linkage table, with truth.json. Persons are generated
// and written one at a time and flushed every chunk, so memory stays flat whatever the size.

import { mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { openDuckDb } from '../engine/index.js';
import { csvToParquet } from './parquet.js';
import { resolveSettings, type SimulationOptions, type SimulationSettings } from './settings.js';
import { populationContext, simulatePerson } from './simulatePopulation.js';
import { TableWriter } from './tableWriter.js';
import { buildTruth, counterfactualRisk, TruthTally, type Truth } from './truth.js';
import { emptyMessyCounts, SndsWriter } from './writeSnds.js';
import { omopPersonId, OmopWriter } from './writeOmop.js';

export interface WrittenFile {
  layout: 'snds' | 'omop' | 'linkage' | 'truth';
  /** Table name (file stem), e.g. ER_PRS_F, T_MCO19B, drug_exposure. */
  table: string;
  /** Path relative to the output folder. */
  path: string;
  /** Data rows (header excluded). */
  rows: number;
  bytes: number;
}

export interface SimulationSummary {
  /** The settings used, defaults filled in. */
  settings: SimulationSettings;
  files: WrittenFile[];
  /** The content of truth.json. */
  truth: Truth;
  /** Wall time of the run. */
  seconds: number;
}

/** Files an earlier run may have left in a layout folder: removed so a folder never mixes two runs. */
const ourFile = /^(IR_BEN_R|ER_PRS_F|ER_PHA_F|IR_PHA_R|IR_IMB_R|KI_CCI_R|T_MCO\d\d[ABCD]|person|observation_period|visit_occurrence|condition_occurrence|drug_exposure|procedure_occurrence|death|care_site|cdm_source|concept|concept_ancestor)\.(csv|parquet)$/;

function prepareFolder(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (ourFile.test(f)) unlinkSync(join(dir, f));
}

/**
 * Generate `persons` persons with planted drug effects and write them in the SNDS and/or OMOP layout
 * under `out`, with linkage.csv (layout 'both') and truth.json. Deterministic in `seed`.
 */
export async function simulate(options: SimulationOptions): Promise<SimulationSummary> {
  const t0 = process.hrtime.bigint();
  const settings = resolveSettings(options);
  const ctx = populationContext(settings);
  const out = settings.out;
  mkdirSync(out, { recursive: true });
  const sndsDir = join(out, 'snds');
  const omopDir = join(out, 'omop');
  if (settings.layout !== 'omop') prepareFolder(sndsDir);
  if (settings.layout !== 'snds') prepareFolder(omopDir);

  const snds = settings.layout !== 'omop' ? new SndsWriter(sndsDir, ctx) : null;
  const omop = settings.layout !== 'snds' ? new OmopWriter(omopDir, ctx) : null;
  // hospital_person_id = OMOP person_id, claims_person_id = SNDS BEN_IDT_ANO (the linkage loader's default column names).
  const linkage = settings.layout === 'both' ? new TableWriter(join(out, 'linkage.csv'), ['hospital_person_id', 'claims_person_id'], ',') : null;
  const tally = new TruthTally();

  for (let start = 0; start < settings.persons; start += settings.chunkSize) {
    const end = Math.min(settings.persons, start + settings.chunkSize);
    for (let i = start; i < end; i++) {
      const p = simulatePerson(ctx, i);
      tally.add(p, ctx);
      snds?.write(p);
      if (omop?.write(p)) linkage?.row([omopPersonId(p), p.idtAno]);
    }
    for (const w of [...(snds?.writers() ?? []), ...(omop?.writers() ?? []), ...(linkage ? [linkage] : [])]) w.flush();
    options.onProgress?.(end, settings.persons);
    await new Promise((resolve) => setImmediate(resolve));
  }
  snds?.close();
  omop?.close();
  linkage?.close();

  const files: WrittenFile[] = [];
  const layoutWriters: Array<[WrittenFile['layout'], TableWriter[]]> = [
    ['snds', snds?.writers() ?? []],
    ['omop', omop?.writers() ?? []],
    ['linkage', linkage ? [linkage] : []],
  ];
  const engine = settings.format === 'parquet' ? await openDuckDb({ threads: 1 }) : null;
  try {
    for (const [layout, writers] of layoutWriters) {
      for (const w of writers) {
        let path = w.path;
        if (engine && layout !== 'linkage') {
          path = w.path.replace(/\.csv$/, '.parquet');
          await csvToParquet(engine, w.path, path, w.columns, w.delimiter);
          unlinkSync(w.path);
        }
        const table = relative(out, path).split(/[\\/]/).pop()!.replace(/\.(csv|parquet)$/, '');
        files.push({ layout, table, path: relative(out, path).split('\\').join('/'), rows: w.rows, bytes: statSync(path).size });
      }
    }
  } finally {
    await engine?.close();
  }

  const risk = counterfactualRisk(ctx);
  const messyRows = snds ? snds.messyRows : settings.layout === 'omop' ? null : emptyMessyCounts();
  const truth = buildTruth(
    ctx,
    tally,
    risk,
    messyRows,
    files.map((f) => ({ table: f.table, path: f.path, rows: f.rows })),
  );
  const truthPath = join(out, 'truth.json');
  writeFileSync(truthPath, JSON.stringify(truth, null, 2) + '\n');
  files.push({ layout: 'truth', table: 'truth', path: 'truth.json', rows: 1, bytes: statSync(truthPath).size });
  return { settings, files, truth, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}
