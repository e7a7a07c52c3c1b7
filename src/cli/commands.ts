import { join, resolve } from 'node:path';
import { openDuckDb, watchStatements, type Engine, type StatementProgress } from '../engine/index.js';
import { loadSnds } from '../load/snds/loadSnds.js';
import { loadOmop } from '../load/omop/loadOmop.js';
import { linkPersons } from '../load/linkage.js';
import { formatRowAccounts, type LoadResult } from '../load/result.js';
import type { LoadProgress } from '../load/progress.js';
import { simulate } from '../simulate/index.js';
import { writeJsonResult, checkResultsFolder } from '../results/index.js';
import { runDemo } from './demo.js';
import { progress, type Progress } from './progress.js';
import { runStudyFolder, verifyStudyFolder } from '../study/index.js';

type Values = Record<string, string | boolean | undefined>;

export interface Command {
  summary: string;
  help: string;
  options: Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }>;
  run(values: Values, positionals: string[]): Promise<number>;
}

const str = (v: Values, k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);

/** Print a load's row accounts and write them (small counts suppressed) to the output folder. */
export function reportLoad(label: string, result: LoadResult): void {
  console.log(`\n${label}: row accounts (rows read = loaded + removed)`);
  console.log(formatRowAccounts(result.accounts));
}

/**
 * A progress bar per load (stderr), ended when its load is done: a line as each part of the load ends, and the
 * running SQL statement in between (a national extract's DCIR part alone runs for minutes).
 */
function loadBars(): { begin(load: string): void; part(load: string, p: LoadProgress): void; step(step: number, p: StatementProgress): void } {
  const bars = new Map<string, Progress>();
  let running: Progress | undefined;
  const barOf = (load: string) => {
    let bar = bars.get(load);
    if (!bar) bars.set(load, (bar = progress(`load ${load}`)));
    return bar;
  };
  return {
    begin(load) {
      running = barOf(load);
    },
    part(load, p) {
      const bar = barOf(load);
      running = bar;
      bar.advance(p.rowsRead, p.fraction);
      // The last part of a load brings the fraction to exactly 1.
      if (p.fraction === 1) {
        bar.end();
        running = undefined;
      }
    },
    step(step, p) {
      running?.step(step, p.rowsProcessed, p.rowsTotal);
    },
  };
}

async function withEngine<T>(fn: (engine: Engine) => Promise<T>, database?: string): Promise<T> {
  const engine = await openDuckDb(database ? { path: database } : {});
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

export const commands: Record<string, Command> = {
  demo: {
    summary: 'run the example job on data-samples/ and print where its results went',
    help: `options:
  --data DIR   the linked sample (default data-samples/)
  --out DIR    where results go (default out/demo/)`,
    options: { data: { type: 'string' }, out: { type: 'string' } },
    run: (v) => runDemo({ data: resolve(str(v, 'data') ?? 'data-samples'), out: resolve(str(v, 'out') ?? join('out', 'demo')) }),
  },

  load: {
    summary: 'load an SNDS or OMOP extract into a DuckDB database and print the row accounts',
    help: `options:
  --layout snds|omop       the layout of the extract (required)
  --dir DIR                the folder holding one file per table (CSV or Parquet)
  --database FILE          DuckDB database file to write the model into (default: in memory, nothing kept)
  --schema NAME            schema receiving the model tables (default: claims for snds, hospital for omop)
  --pha FILE               SNDS only: an IR_PHA_R extract mapping CIP13 to ATC
  --out DIR                write the row accounts as JSON (small counts suppressed) into DIR`,
    options: {
      layout: { type: 'string' },
      dir: { type: 'string' },
      database: { type: 'string' },
      schema: { type: 'string' },
      pha: { type: 'string' },
      out: { type: 'string' },
    },
    async run(v) {
      const layout = str(v, 'layout');
      const dir = str(v, 'dir');
      if ((layout !== 'snds' && layout !== 'omop') || !dir) {
        console.error('cohorte load: --layout snds|omop and --dir DIR are required (see cohorte load --help).');
        return 2;
      }
      return withEngine(async (engine) => {
        const bars = loadBars();
        const onProgress = (p: LoadProgress) => bars.part(layout.toUpperCase(), p);
        bars.begin(layout.toUpperCase());
        const watch = watchStatements(engine, bars.step);
        const result = await (layout === 'snds'
          ? loadSnds(engine, { dir, schema: str(v, 'schema') ?? 'claims', phaReferential: str(v, 'pha'), onProgress })
          : loadOmop(engine, { dir, schema: str(v, 'schema') ?? 'hospital', onProgress })
        ).finally(() => watch.stop());
        reportLoad(`${layout.toUpperCase()} ${dir}`, result);
        const out = str(v, 'out');
        if (out) console.log(`\nrow accounts written to ${writeJsonResult(out, `load-${layout}`, { accounts: result.accounts, settings: result.settings })}`);
        return 0;
      }, str(v, 'database'));
    },
  },

  link: {
    summary: 'load a hospital OMOP extract and a claims SNDS extract and merge them through a linkage table',
    help: `options:
  --omop DIR --snds DIR --linkage FILE   the two extracts and the linkage table (hospital_person_id, claims_person_id)
  --database FILE                        DuckDB database file to write into (default: in memory)`,
    options: { omop: { type: 'string' }, snds: { type: 'string' }, linkage: { type: 'string' }, database: { type: 'string' } },
    async run(v) {
      const [omop, snds, linkage] = [str(v, 'omop'), str(v, 'snds'), str(v, 'linkage')];
      if (!omop || !snds || !linkage) {
        console.error('cohorte link: --omop DIR, --snds DIR and --linkage FILE are required.');
        return 2;
      }
      return withEngine(async (engine) => {
        const bars = loadBars();
        const watch = watchStatements(engine, bars.step);
        let hospital: LoadResult;
        let claims: LoadResult;
        try {
          bars.begin('OMOP');
          hospital = await loadOmop(engine, { dir: omop, schema: 'hospital', onProgress: (p) => bars.part('OMOP', p) });
          bars.begin('SNDS');
          claims = await loadSnds(engine, { dir: snds, schema: 'claims', onProgress: (p) => bars.part('SNDS', p) });
        } finally {
          watch.stop();
        }
        const linked = await linkPersons(engine, { hospital, claims, linkage, into: 'linked' });
        reportLoad('hospital (OMOP)', hospital);
        reportLoad('claims (SNDS)', claims);
        reportLoad('linkage', linked);
        console.log(`\nlinked persons: ${linked.linked}, hospital only: ${linked.hospitalOnly}, claims only: ${linked.claimsOnly}`);
        return 0;
      }, str(v, 'database'));
    },
  },

  run: {
    summary: 'run a study folder in batch: results.csv, attrition, report and manifest',
    help: `usage: cohorte run studies/<id> --data DIR --out DIR [--engine duckdb|postgres]

options:
  --data DIR             the data the study reads (its layout is set in study.json);
                         with --engine postgres, the schema holding the OMOP CDM
  --out DIR              the results folder (default out/<id>)
  --engine duckdb|postgres   default duckdb
  --pg-url URL           PostgreSQL connection string (default: the COHORTE_PG_URL variable)`,
    options: { data: { type: 'string' }, out: { type: 'string' }, engine: { type: 'string' }, 'pg-url': { type: 'string' } },
    async run(v, positionals) {
      const study = positionals[0];
      const data = str(v, 'data');
      if (!study || !data) {
        console.error('cohorte run: a study folder and --data DIR are required (see cohorte run --help).');
        return 2;
      }
      const out = resolve(str(v, 'out') ?? join('out', study.replace(/\/+$/, '').split('/').pop()!));
      const t0 = Date.now();
      const engine = (str(v, 'engine') ?? 'duckdb') as 'duckdb' | 'postgres';
      if (engine !== 'duckdb' && engine !== 'postgres') {
        console.error('cohorte run: --engine is duckdb or postgres.');
        return 2;
      }
      // A bar per stage for its SQL statements, and one per load for its parts.
      let bar: Progress | undefined;
      const bars = loadBars();
      const { files } = await runStudyFolder(study, {
        data,
        out,
        engine,
        pgUrl: str(v, 'pg-url') ?? process.env.COHORTE_PG_URL,
        onStage: (s) => {
          bar?.end();
          console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${s}`);
          bar = progress(s);
        },
        onLoadProgress: bars.part,
        onStepProgress: (step, p) => bar?.step(step, p.rowsProcessed, p.rowsTotal),
      });
      bar?.end();
      console.log(`\n${files.length} files written to ${out}: ${files.join(', ')}`);
      return 0;
    },
  },

  verify: {
    summary: 're-run a study and check every estimate against a results folder (exit 0 only when all match)',
    help: `usage: cohorte verify studies/<id> --data DIR --against RESULTS_DIR [--tolerance 1e-9]`,
    options: { data: { type: 'string' }, against: { type: 'string' }, tolerance: { type: 'string' } },
    async run(v, positionals) {
      const study = positionals[0];
      const [data, against] = [str(v, 'data'), str(v, 'against')];
      if (!study || !data || !against) {
        console.error('cohorte verify: a study folder, --data DIR and --against RESULTS_DIR are required.');
        return 2;
      }
      const { differences, estimates } = await verifyStudyFolder(study, { data, against, relTolerance: Number(str(v, 'tolerance') ?? 1e-9), onStage: (s) => console.log(s) });
      for (const d of differences) console.log(`DIFFERS  ${d.key}\n         expected ${d.expected ?? '(absent)'}, got ${d.actual ?? '(absent)'}`);
      console.log(differences.length ? `\n${differences.length} of ${estimates} estimates differ.` : `\nall ${estimates} estimates match.`);
      return differences.length ? 1 : 0;
    },
  },

  check: {
    summary: 'scan a results folder for small counts and person-level identifiers before it leaves the platform',
    help: `usage: cohorte check RESULTS_DIR [--min-cell 10]`,
    options: { 'min-cell': { type: 'string' } },
    async run(v, positionals) {
      const dir = positionals[0];
      if (!dir) {
        console.error('cohorte check: a results folder is required.');
        return 2;
      }
      const problems = checkResultsFolder(dir, { minCell: Number(str(v, 'min-cell') ?? 10) });
      for (const p of problems) console.log(`${p.file} ${p.where}: ${p.problem}`);
      console.log(problems.length ? `\n${problems.length} problem(s): this folder must not leave the platform.` : 'no small cell and no person-level identifier found.');
      return problems.length ? 1 : 0;
    },
  },

  simulate: {
    summary: 'generate a synthetic linked population with planted drug effects (SNDS and/or OMOP layout)',
    help: `options:
  --persons N                number of persons (required)
  --seed S                   PRNG seed (default 1): the same seed gives byte-identical files
  --layout snds|omop|both    (default both)
  --out DIR                  output folder (required)
  --format csv|parquet       (default csv)
  --messy                    add realistic messy rows to the SNDS layout`,
    options: {
      persons: { type: 'string' },
      seed: { type: 'string' },
      layout: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      messy: { type: 'boolean' },
    },
    async run(v) {
      const persons = Number(str(v, 'persons'));
      const out = str(v, 'out');
      const layout = (str(v, 'layout') ?? 'both') as 'snds' | 'omop' | 'both';
      const format = (str(v, 'format') ?? 'csv') as 'csv' | 'parquet';
      if (!Number.isInteger(persons) || persons <= 0 || !out || !['snds', 'omop', 'both'].includes(layout) || !['csv', 'parquet'].includes(format)) {
        console.error('cohorte simulate: --persons N (a positive integer) and --out DIR are required; --layout snds|omop|both; --format csv|parquet.');
        return 2;
      }
      const bar = progress('simulate persons');
      const summary = await simulate({
        persons,
        seed: Number(str(v, 'seed') ?? 1),
        layout,
        out,
        format,
        messy: Boolean(v.messy),
        onProgress: (done, total) => bar.update(done, total),
      });
      bar.end();
      for (const f of summary.files) console.log(`${f.path.padEnd(34)} ${String(f.rows).padStart(10)} rows`);
      console.log(`\n${summary.files.length} files written to ${resolve(out)} in ${summary.seconds.toFixed(1)} s (truth in truth.json)`);
      return 0;
    },
  },
};
