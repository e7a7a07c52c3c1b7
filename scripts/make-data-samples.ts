// Regenerates data-samples/ (300 persons, seed 42, both layouts, CSV, messy rows on, study 2018-2021):
//   npx tsx scripts/make-data-samples.ts
// The same script makes benchmark-sized data elsewhere, e.g.
//   npx tsx scripts/make-data-samples.ts --persons 1000000 --out /tmp/sim-1m --format parquet
// Options: --persons N --seed N --out DIR --layout snds|omop|both --format csv|parquet
//          --start-year YYYY --end-year YYYY --hr X (true hazard ratio A vs B) --no-messy --chunk-size N

import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { simulate, type SimulationOptions } from '../src/simulate/index.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The settings of the committed data-samples/ folder. */
export const dataSamplesOptions: SimulationOptions = {
  persons: 300,
  seed: 42,
  layout: 'both',
  out: join(repo, 'data-samples'),
  format: 'csv',
  messy: true,
  startYear: 2018,
  endYear: 2021,
};

function parseArgs(argv: string[]): SimulationOptions {
  const o: SimulationOptions = { ...dataSamplesOptions };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === '--persons') o.persons = Number(v());
    else if (a === '--seed') o.seed = Number(v());
    else if (a === '--out') o.out = v();
    else if (a === '--layout') o.layout = v() as SimulationOptions['layout'];
    else if (a === '--format') o.format = v() as SimulationOptions['format'];
    else if (a === '--start-year') o.startYear = Number(v());
    else if (a === '--end-year') o.endYear = Number(v());
    else if (a === '--hr') o.trueHazardRatio = Number(v());
    else if (a === '--chunk-size') o.chunkSize = Number(v());
    else if (a === '--no-messy') o.messy = false;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const options = parseArgs(process.argv.slice(2));
  const big = options.persons >= 100_000;
  const summary = await simulate({
    ...options,
    onProgress: big ? (done, total) => process.stderr.write(`\r${done.toLocaleString('en')} / ${total.toLocaleString('en')} persons`) : undefined,
  });
  if (big) process.stderr.write('\n');
  const bytes = summary.files.reduce((a, f) => a + f.bytes, 0);
  const rows = summary.files.reduce((a, f) => a + f.rows, 0);
  console.log(`${options.persons.toLocaleString('en')} persons → ${options.out}: ${summary.files.length} files, ${rows.toLocaleString('en')} rows, ${(bytes / 1e6).toFixed(1)} MB in ${summary.seconds.toFixed(1)} s`);
}
