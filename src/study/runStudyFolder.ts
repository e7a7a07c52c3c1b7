import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDb, openPostgres, watchStatements, type StatementProgress } from '../engine/index.js';
import { CohorteError } from '../messages/index.js';
import { loadStudyDefinition } from './loadDefinition.js';
import { runStudy, type RunStudyOptions, type StudyRun } from './runStudy.js';
import { writeStudyOutputs } from './writeStudy.js';
import { hashInputs, packageInfo, sha256File, sha256Text, type Manifest } from './manifest.js';
import { compareResults, type ResultDifference } from './verify.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunStudyFolderOptions {
  /** A data folder (DuckDB engine) or, with engine 'postgres', the schema holding the OMOP CDM. */
  data: string;
  out: string;
  /** Default 'duckdb'. 'postgres' needs `pgUrl` and reads an OMOP CDM from the schema named by `data`. */
  engine?: 'duckdb' | 'postgres';
  pgUrl?: string;
  onStage?: (stage: string) => void;
  onLoadProgress?: RunStudyOptions['onLoadProgress'];
  /** Called about twice a second with the running SQL statement's progress (numbered from 1 in each stage), on DuckDB. */
  onStepProgress?: (step: number, progress: StatementProgress) => void;
}

/** Run a study folder in batch: validate, run on DuckDB, write results, report and manifest. */
export async function runStudyFolder(study: string, options: RunStudyFolderOptions): Promise<{ run: StudyRun; manifest: Manifest; files: string[] }> {
  const { definition, text } = loadStudyDefinition(study);
  const startedAt = new Date().toISOString();
  const pkg = packageInfo(repoRoot);
  const override = definition.suppression.override;
  if (override) {
    // The override is loud: printed now, and kept in the manifest and in settings.csv.
    console.warn(`cohorte: small-cell suppression lowered to minCell ${definition.suppression.minCell} by override (${override.approvedBy}: ${override.reason})`);
  }
  const onPostgres = options.engine === 'postgres';
  if (onPostgres && !options.pgUrl) throw new CohorteError('missing-option', 'cohorte run --engine postgres needs a connection string (--pg-url or COHORTE_PG_URL).');
  const engine = onPostgres ? await openPostgres(options.pgUrl!) : await openDuckDb();
  const watch = options.onStepProgress ? watchStatements(engine, options.onStepProgress) : undefined;
  const onStage = (stage: string) => {
    watch?.reset();
    options.onStage?.(stage);
  };
  try {
    const run = await runStudy(engine, definition, { data: options.data, dataIsSchema: onPostgres, onStage, onLoadProgress: options.onLoadProgress, packageVersion: pkg.version });
    onStage('writing results');
    const outputs = await writeStudyOutputs(run, options.out);
    const manifest: Manifest = {
      study: definition.id,
      definitionSha256: sha256Text(text),
      // A database schema has no files to hash: its load's row accounts (in results) describe it instead.
      inputs: onPostgres ? [] : hashInputs(options.data),
      inputSchema: onPostgres ? options.data : null,
      package: pkg,
      engine: onPostgres ? 'postgres' : 'duckdb',
      node: process.version,
      seed: definition.seed,
      suppression: { minCell: definition.suppression.minCell, override: override ?? null },
      startedAt,
      endedAt: new Date().toISOString(),
      outputs: outputs.files.map((f) => ({ path: f, sha256: sha256File(join(options.out, f)) })),
    };
    writeFileSync(join(options.out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    return { run, manifest, files: [...outputs.files, 'manifest.json'] };
  } finally {
    watch?.stop();
    await engine.close();
  }
}

/** Re-run a study and compare its results.csv with a reference folder's. */
export async function verifyStudyFolder(
  study: string,
  options: { data: string; against: string; relTolerance?: number; onStage?: (stage: string) => void; engine?: 'duckdb' | 'postgres'; pgUrl?: string },
): Promise<{ differences: ResultDifference[]; estimates: number }> {
  const out = mkdtempSync(join(tmpdir(), 'cohorte-verify-'));
  try {
    await runStudyFolder(study, { data: options.data, out, onStage: options.onStage, engine: options.engine, pgUrl: options.pgUrl });
    const expected = readFileSync(join(options.against, 'results.csv'), 'utf8');
    const actual = readFileSync(join(out, 'results.csv'), 'utf8');
    return { differences: compareResults(expected, actual, { relTolerance: options.relTolerance }), estimates: expected.split('\n').length - 2 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
