// npm run bench -- estimators [n]: times each estimator on simulated typed columns (see bench/README.md).
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { simulateSurvival, type SurvivalSim } from './sim-survival.js';
import { peakRssMb, printRow } from './util.js';

export interface EstimatorTiming {
  name: string;
  seconds: number;
  /** R survival 3.5.3's time on this machine for the same task, as given in the issue. */
  rSeconds?: number;
}

export async function main(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 1_000_000);
  const sim: SurvivalSim = simulateSurvival(n);
  console.log(`estimators: ${n.toLocaleString('en')} subjects, 10 covariates, integer-day times, node ${process.version}`);
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'estimators');
  const rows: EstimatorTiming[] = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { run(sim: SurvivalSim): Promise<EstimatorTiming[]> };
    rows.push(...(await mod.run(sim)));
  }
  printRow(['task', 'seconds', 'R (issue)', 'ratio'], [36, 10, 10, 8]);
  for (const r of rows) {
    printRow([r.name, r.seconds.toFixed(3), r.rSeconds?.toFixed(1) ?? '', r.rSeconds ? (r.seconds / r.rSeconds).toFixed(2) : ''], [36, 10, 10, 8]);
  }
  console.log(`peak RSS: ${peakRssMb().toFixed(0)} MB`);
}
