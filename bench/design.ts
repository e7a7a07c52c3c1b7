// npm run bench -- design [persons]: the study design chain on the engine, from model tables already
// loaded: entry with washout → exposure episodes with grace and stockpiling → time-varying states →
// analysis table. 1M persons, about 20M dispensings and 3M hospital stays by default, generated with
// DuckDB into the model tables (not timed).
import { openDuckDb, buildCohort, buildAnalysisTable, createModelTables } from '../src/index.js';
import { buildExposureEpisodes, buildExposureStates } from '../src/exposure/index.js';
import { peakRssMb, printRow, timed } from './util.js';

export async function main(args: string[]): Promise<void> {
  const persons = Number(args[0] ?? 1_000_000);
  const engine = await openDuckDb({ memoryLimit: process.env.COHORTE_BENCH_MEMORY ?? '2GB' });
  await createModelTables(engine, 'm');
  // Persons observed 2015-2022; each has 20 dispensings of one of three classes on average, roughly monthly,
  // and 3 hospital stays, 5% of them with a bleeding primary diagnosis.
  const gen = await timed(async () => {
    await engine.run(`INSERT INTO m.person SELECT 'P' || i, 1930 + i % 60, NULL, 1 + i % 2, CASE WHEN i % 20 = 0 THEN DATE '2019-01-01' + CAST(i % 900 AS INTEGER) END, 'gen', i FROM range(${persons}) t(i)`);
    await engine.run(`INSERT INTO m.observation_period SELECT 'P' || i, DATE '2015-01-01' + CAST(i % 400 AS INTEGER), DATE '2022-12-31', 'gen', i FROM range(${persons}) t(i)`);
    await engine.run(
      `INSERT INTO m.dispensing SELECT 'P' || p, DATE '2016-01-01' + CAST(k * 30 + (p * 7 + k * 13) % 11 + (p % 700) AS INTEGER), ` +
        `'340093000' || (p % 3), 'CIP13', CASE p % 3 WHEN 0 THEN 'B01AA03' WHEN 1 THEN 'B01AF01' ELSE 'C10AA05' END, 1 + (k % 5 = 0)::INTEGER, 30, 30, 'gen', p * 100 + k ` +
        `FROM range(${persons}) a(p), range(20) b(k)`,
    );
    await engine.run(
      `INSERT INTO m.diagnosis SELECT 'P' || p, DATE '2016-06-01' + CAST((p * 31 + k * 401) % 2000 AS INTEGER), CASE WHEN (p + k) % 20 = 0 THEN 'K922' ELSE 'I48' END, ` +
        `'ICD10', 'primary', 'S' || p || '_' || k, 'gen', p * 10 + k FROM range(${persons}) a(p), range(3) b(k)`,
    );
  });
  const rows = await engine.rows<{ d: number; s: number }>(`SELECT (SELECT count(*) FROM m.dispensing) AS d, (SELECT count(*) FROM m.diagnosis) AS s`);
  console.log(`design: ${persons.toLocaleString('en')} persons, ${rows[0]!.d.toLocaleString('en')} dispensings, ${rows[0]!.s.toLocaleString('en')} stays (generated in ${gen.seconds.toFixed(1)} s), node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);

  const vka = { name: 'VKA', version: 'bench', kind: 'atc' as const, codes: ['B01AA'] };
  const stages: Array<[string, number]> = [];
  const t0 = process.hrtime.bigint();
  const cohort = await timed(() => buildCohort(engine, { name: 'vka', entry: { type: 'dispensing', codeSet: vka }, washoutDays: 365, priorObservationDays: 365 }, { schema: 'm' }));
  stages.push(['entry with washout (cohort)', cohort.seconds]);
  const episodes = await timed(() =>
    buildExposureEpisodes(engine, { schema: 'm', drugs: { name: 'VKA', atcPrefixes: ['B01AA'] }, daysSupply: { method: 'given' }, gracePeriod: { days: 30 }, stockpiling: true, into: 'episodes' }),
  );
  stages.push(['episodes, grace 30 d + stockpiling', episodes.seconds]);
  await engine.run(`CREATE TABLE idx AS SELECT person_id, index_date, observation_end AS end_date FROM ${cohort.value.table}`);
  const states = await timed(() =>
    buildExposureStates(engine, { episodes: episodes.value.table, drug: 'VKA', index: 'idx', recentDays: 90, durationBands: [0, 365, 730], into: 'states' }),
  );
  stages.push(['time-varying states', states.seconds]);
  const analysis = await timed(() =>
    buildAnalysisTable(engine, {
      schema: 'm',
      cohort: cohort.value,
      outcome: { event: { type: 'hospitalDiagnosis', codeSet: { name: 'bleeding', version: 'bench', kind: 'icd10', codes: ['K92'] }, position: 'primary' }, priorOutcomeDays: 365 },
      into: 'analysis',
    }),
  );
  stages.push(['analysis table', analysis.seconds]);
  const total = Number(process.hrtime.bigint() - t0) / 1e9;
  printRow(['stage', 'seconds'], [38, 10]);
  for (const [s, sec] of stages) printRow([s, sec.toFixed(2)], [38, 10]);
  printRow(['total', total.toFixed(2)], [38, 10]);
  console.log(
    `cohort ${cohort.value.persons.toLocaleString('en')} persons, ${episodes.value.counts.episodes.toLocaleString('en')} episodes, ` +
      `${states.value.counts.intervals.toLocaleString('en')} state intervals, analysis ${analysis.value.persons.toLocaleString('en')} persons; peak RSS ${peakRssMb().toFixed(0)} MB`,
  );
  await engine.close();
}
