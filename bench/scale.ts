// npm run bench -- scale [persons...]: the full chain (SNDS Parquet load → new-user cohort → exposure
// episodes → analysis table → Kaplan-Meier and Cox) at each size (default 1M and 10M persons), with wall
// time, peak RSS, rows/s, and the ratio to a plain DuckDB scan of the same files (the physical floor: every
// column of every file decoded once).
// Inputs are simulated once into the bench data folder (see benchDataDir) and reused.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulate, openDuckDb, watchStatements, loadSnds, buildCohort, buildAnalysisTable, kaplanMeier, coxph } from '../src/index.js';
import { buildExposureEpisodes } from '../src/exposure/index.js';
import { progress, type Progress } from '../src/cli/progress.js';
import { benchDataDir, currentPeakRssMb, printRow, resetPeakRss, sourceFiles, timed } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));
const widths = [12, 12, 12, 14, 12, 10];

/** The simulated population of `persons` persons: made anew whenever the generator (src/simulate) changes. */
const scaleDir = (persons: number) => benchDataDir(`scale-${persons}`, sourceFiles(join(here, '..', 'src', 'simulate')));

async function runOne(persons: number): Promise<void> {
  const dir = scaleDir(persons);
  const snds = join(dir, 'snds');
  const files = readdirSync(snds).filter((f) => f.endsWith('.parquet'));
  // Where the model lives, as a user would choose: in memory while it fits the 6 GB limit (writing a table to a
  // database file costs about 1 s per string column per 17M rows), in a database file (compressed on disk) for a
  // national extract: in memory, DuckDB spills it uncompressed and 10M persons filled more than 60 GB of temp files.
  // COHORTE_BENCH_DATABASE=memory|file overrides the choice.
  const storage = process.env.COHORTE_BENCH_DATABASE ?? (persons <= 2_000_000 ? 'memory' : 'file');
  const db = join(dir, 'work.duckdb');
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  // DuckDB's limit bounds its buffer pool; allocations outside it added 1.6–2 GB of RSS at 10M persons, so the
  // file runs get 5 GB to stay under the 8 GB goal. COHORTE_BENCH_MEMORY overrides the limit.
  const memoryLimit = process.env.COHORTE_BENCH_MEMORY ?? (storage === 'file' ? '5GB' : '6GB');
  const engine = await openDuckDb({ ...(storage === 'file' ? { path: db } : {}), memoryLimit, tempDirectory: join(dir, 'spill') });
  // The physical floor: one scan decoding every column of every file (max() consumes each value; a DISTINCT *
  // would add hashing every row, a count(*) would read no column at all). The faster of two scans: a floor, and a
  // slow scan on a noisy machine flattered the ratio (5.3× at 1M with a 5.5 s scan, against 4.3–4.6 s usually).
  const scanOnce = () =>
    timed(async () => {
      for (const f of files) {
        const cols = (await engine.rows<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet('${join(snds, f)}')`)).map((c) => c.column_name);
        await engine.rows(`SELECT ${cols.map((c) => `max("${c}")`).join(', ')} FROM read_parquet('${join(snds, f)}')`);
      }
    });
  const [first, second] = [await scanOnce(), await scanOnce()];
  const scan = first.seconds <= second.seconds ? first : second;
  const rows = (await engine.rows<{ n: number }>(files.map((f) => `SELECT count(*) AS n FROM read_parquet('${join(snds, f)}')`).join(' UNION ALL '))).reduce((a, r) => a + Number(r.n), 0);
  // Each stage's wall time and peak RSS (the kernel's high-water mark, reset at the start of each stage).
  // Resetting the mark also resets the process peak getrusage reports: the peak before the chain (the scan) is kept.
  // CPU seconds of the whole process (DuckDB's threads included) over wall seconds: the cores a stage kept busy.
  const stages: Array<[string, number, number, number]> = [['scan', 0, currentPeakRssMb(), 0]];
  // Each stage shows its progress on stderr.
  const stage = async <T>(name: string, fn: (bar: Progress) => Promise<T>): Promise<T> => {
    resetPeakRss();
    const bar = progress(name);
    // The running SQL statement, and for the load a line as each of its parts ends.
    const watch = watchStatements(engine, (step, p) => bar.step(step, p.rowsProcessed, p.rowsTotal));
    const cpu = process.cpuUsage();
    const { value, seconds } = await timed(() => fn(bar));
    const used = process.cpuUsage(cpu);
    watch.stop();
    bar.end();
    stages.push([name, seconds, currentPeakRssMb(), (used.user + used.system) / 1e6 / seconds]);
    return value;
  };
  const chain = await timed(async () => {
    await stage('load', (bar) =>
      loadSnds(engine, { dir: snds, schema: 'claims', phaReferential: join(snds, 'IR_PHA_R.parquet'), onProgress: (p) => bar.advance(p.rowsRead, p.fraction) }),
    );
    const oac = { name: 'OAC', version: 'bench', kind: 'atc' as const, codes: ['B01AA', 'B01AF', 'B01AE07'] };
    const cohort = await stage('cohort', () =>
      buildCohort(engine, { name: 'oac', entry: { type: 'dispensing', codeSet: oac }, washoutDays: 365, priorObservationDays: 365 }, { schema: 'claims' }),
    );
    await stage('episodes', () =>
      buildExposureEpisodes(engine, { schema: 'claims', drugs: { name: 'OAC', atcPrefixes: oac.codes }, daysSupply: { method: 'packSize', small: 30, large: 90, largeFrom: 84 }, gracePeriod: { days: 30 }, stockpiling: true, persons: cohort.table, into: 'episodes' }),
    );
    const analysis = await stage('analysis', () =>
      buildAnalysisTable(engine, {
        schema: 'claims',
        cohort,
        outcome: { event: { type: 'hospitalDiagnosis', codeSet: { name: 'bleeding', version: 'bench', kind: 'icd10', codes: ['K920', 'K921', 'K922', 'I61'] }, position: 'primary' } },
        into: 'analysis',
      }),
    );
    await stage('estimates', async () => {
      const cols = await engine.columns(`SELECT time, CASE WHEN status = 1 THEN 1 ELSE 0 END AS event, age_at_index, sex FROM ${analysis.table}`);
      kaplanMeier(cols, { time: 'time', event: 'event' });
      coxph(cols, { time: 'time', event: 'event', covariates: ['age_at_index', 'sex'] });
    });
  });
  await engine.close();
  rmSync(db, { force: true });
  rmSync(join(dir, 'spill'), { recursive: true, force: true });
  printRow([persons.toLocaleString('en'), rows.toLocaleString('en'), chain.seconds.toFixed(1), Math.round(rows / chain.seconds).toLocaleString('en'), scan.seconds.toFixed(1), (chain.seconds / scan.seconds).toFixed(2)], widths);
  const peak = Math.max(...stages.map(([, , mb]) => mb));
  console.log(`  peak RSS ${peak.toFixed(0)} MB, model ${storage === 'file' ? 'in a database file' : 'in memory'}, DuckDB memory limit ${memoryLimit}`);
  console.log(`  stages: ${stages.slice(1).map(([n, sec, mb, cores]) => `${n} ${sec.toFixed(1)} s (${cores.toFixed(2)} cores, peak ${mb.toFixed(0)} MB)`).join(', ')}`);
}

export async function main(args: string[]): Promise<void> {
  const only = args.indexOf('--only');
  if (only >= 0) return runOne(Number(args[only + 1]));
  const sizes = args.length ? args.map(Number) : [1_000_000, 10_000_000];
  for (const persons of sizes) {
    const dir = scaleDir(persons);
    if (!existsSync(join(dir, 'truth.json'))) {
      console.log(`simulating ${persons.toLocaleString('en')} persons into ${dir} (once)…`);
      await simulate({ persons, seed: 1, layout: 'snds', out: dir, format: 'parquet', onProgress: (d, n) => process.stderr.write(`\r  ${d.toLocaleString('en')} / ${n.toLocaleString('en')}`) });
      process.stderr.write('\n');
    }
  }
  console.log(`scale: node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  printRow(['persons', 'input rows', 'chain s', 'rows/s', 'scan s', 'x scan'], widths);
  // One process per size, so each peak RSS is its own.
  for (const persons of sizes) spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, 'scale', '--only', String(persons)], { stdio: 'inherit' });
}
