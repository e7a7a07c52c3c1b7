// Simulation study of the planted-effect pipeline (not run in CI): many seeds, reporting for the crude, adjusted
// and propensity-weighted hazard ratios of current A vs current B the bias of the log HR, the empirical and model
// standard errors and the 95% CI coverage, each with its Monte Carlo standard error (simulationPerformance;
// Morris, White & Crowther, Stat Med 2019).
// Usage: npx tsx scripts/simulation-study.ts [seeds=200] [persons=40000] [--json FILE]
import { writeFileSync } from 'node:fs';
import { estimatePlantedEffect, simulationPerformance, type HazardRatioEstimate } from '../src/index.js';

const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args.splice(jsonAt, 2)[1] : undefined;
const seeds = Number(args[0] ?? 200);
const persons = Number(args[1] ?? 40_000);
const estimators = ['crude', 'adjusted', 'psWeighted'] as const;
type Estimator = (typeof estimators)[number];

interface SeedResult {
  seed: number;
  truth: number;
  events: number;
  cohortPersons: number;
  estimates: Record<Estimator, HazardRatioEstimate>;
}

const results: SeedResult[] = [];
for (let seed = 1; seed <= seeds; seed++) {
  const r = await estimatePlantedEffect({ persons, seed });
  results.push({ seed, truth: r.trueHazardRatio, events: r.events, cohortPersons: r.cohortPersons, estimates: { crude: r.crude, adjusted: r.adjusted, psWeighted: r.psWeighted } });
  const show = (e: HazardRatioEstimate) => `${e.hr!.toFixed(3)} (${e.lower!.toFixed(3)}-${e.upper!.toFixed(3)})`;
  console.log(`seed ${seed}: crude ${show(r.crude)}, adjusted ${show(r.adjusted)}, PS-weighted ${show(r.psWeighted)}, ${r.events} events, ${r.seconds.toFixed(1)} s`);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const performance = (k: Estimator) => ({
  estimator: k,
  ...simulationPerformance(results.map((r) => ({ truth: r.truth, estimate: r.estimates[k].hr, lower: r.estimates[k].lower, upper: r.estimates[k].upper }))),
});
const summary = estimators.map(performance);
const f = (x: number, d = 4) => x.toFixed(d);
console.log(`\n${seeds} seeds × ${persons.toLocaleString('en')} persons; true HR ${results[0]?.truth}; mean events ${f(mean(results.map((r) => r.events)), 0)}`);
console.log('estimator    mean HR  bias of log HR (MCSE)  empirical SE (MCSE)  model SE (MCSE)    95% CI coverage (MCSE)');
const withMcse = (m: { value: number; mcse: number }, d = 4) => `${f(m.value, d)} (${f(m.mcse, d)})`;
for (const s of summary) {
  console.log(
    `${s.estimator.padEnd(12)} ${f(s.meanEstimate, 3).padEnd(8)} ${withMcse(s.bias).padEnd(22)} ${withMcse(s.empiricalSE).padEnd(20)} ` +
      `${withMcse(s.modelSE).padEnd(18)} ${f(100 * s.coverage.value, 1)}% (${f(100 * s.coverage.mcse, 1)})${s.unusable ? `, ${s.unusable} fits without an estimate` : ''}`,
  );
}
if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ seeds, persons, summary, results }, null, 2)}\n`);
