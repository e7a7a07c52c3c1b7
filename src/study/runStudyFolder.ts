import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDb } from '../engine/index.js';
import { loadStudyDefinition } from './loadDefinition.js';
import { runStudy, type StudyRun } from './runStudy.js';
import { writeStudyOutputs } from './writeStudy.js';
import { hashInputs, packageInfo, sha256File, sha256Text, type Manifest } from './manifest.js';
import { compareResults, type ResultDifference } from './verify.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunStudyFolderOptions {
  data: string;
  out: string;
  onStage?: (stage: string) => void;
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
  const engine = await openDuckDb();
  try {
    const run = await runStudy(engine, definition, { data: options.data, onStage: options.onStage, packageVersion: pkg.version });
    options.onStage?.('writing results');
    const outputs = await writeStudyOutputs(run, options.out);
    const manifest: Manifest = {
      study: definition.id,
      definitionSha256: sha256Text(text),
      inputs: hashInputs(options.data),
      package: pkg,
      engine: 'duckdb',
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
    await engine.close();
  }
}

/** Re-run a study and compare its results.csv with a reference folder's. */
export async function verifyStudyFolder(
  study: string,
  options: { data: string; against: string; relTolerance?: number; onStage?: (stage: string) => void },
): Promise<{ differences: ResultDifference[]; estimates: number }> {
  const out = mkdtempSync(join(tmpdir(), 'cohorte-verify-'));
  try {
    await runStudyFolder(study, { data: options.data, out, onStage: options.onStage });
    const expected = readFileSync(join(options.against, 'results.csv'), 'utf8');
    const actual = readFileSync(join(out, 'results.csv'), 'utf8');
    return { differences: compareResults(expected, actual, { relTolerance: options.relTolerance }), estimates: expected.split('\n').length - 2 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
