// npm run bench -- comparative [n]: the new-user active-comparator pipeline on a simulated cohort of n
// persons (default 1,000,000) with 50 baseline covariates (age, sex and 48 flags of 1-40% prevalence):
// propensity score fit, 1:1 caliper matching, IPTW weights, weighted Cox with robust SE, Cox stratified
// on the matched pairs, balance table, and risks at horizons with a bootstrap. Goal: PS fit + matching +
// weighted Cox under 20 s. Figures only; the benchmark never fails on time.
import { propensityScore } from '../src/estimate/propensityScore.js';
import { matchOnPropensity } from '../src/estimate/matchOnPropensity.js';
import { weightByPropensity } from '../src/estimate/weightByPropensity.js';
import { matchedCox, riskAtHorizon, weightedCox } from '../src/estimate/adjustedRisk.js';
import { balanceTable } from '../src/characterise/balanceTable.js';
import { peakRssMb, printRow, rng, timed } from './util.js';

interface ComparativeSim {
  n: number;
  columns: Record<string, Float64Array>;
  covariates: string[];
}

/** n persons; treatment and outcome both depend on age, sex and a third of the flags (confounding). */
export function simulateComparative(n: number, seed = 20260101): ComparativeSim {
  const u = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(u() || 1e-300)) * Math.cos(2 * Math.PI * u());
  const nFlags = 48;
  const prevalence = Array.from({ length: nFlags }, (_, j) => 0.01 + (0.39 * j) / (nFlags - 1));
  const bT = Array.from({ length: nFlags }, (_, j) => (j % 3 === 0 ? 0.4 : j % 3 === 1 ? -0.2 : 0));
  const bY = Array.from({ length: nFlags }, (_, j) => (j % 3 === 0 ? 0.3 : j % 5 === 0 ? 0.2 : 0));
  const age = new Float64Array(n);
  const sex = new Float64Array(n);
  const flags = Array.from({ length: nFlags }, () => new Float64Array(n));
  const treat = new Float64Array(n);
  const time = new Float64Array(n);
  const event = new Float64Array(n);
  const status = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.round(65 + 10 * normal());
    age[i] = a;
    sex[i] = u() < 0.52 ? 1 : 0;
    let lt = -1.2 + 0.02 * (a - 65) + 0.2 * sex[i]!;
    let ly = 0.04 * (a - 65) - 0.1 * sex[i]!;
    for (let j = 0; j < nFlags; j++) {
      const x = u() < prevalence[j]! ? 1 : 0;
      flags[j]![i] = x;
      lt += bT[j]! * x;
      ly += bY[j]! * x;
    }
    const t = u() < 1 / (1 + Math.exp(-lt)) ? 1 : 0;
    treat[i] = t;
    ly += -0.2 * t;
    const t1 = -Math.log(u()) / (0.0002 * Math.exp(ly));
    const t2 = -Math.log(u()) / (0.0001 * Math.exp(0.05 * (a - 65)));
    const tc = 200 + 1600 * u();
    const tt = Math.min(t1, t2, tc);
    time[i] = Math.max(1, Math.ceil(tt));
    status[i] = tt === t1 ? 1 : tt === t2 ? 2 : 0;
    event[i] = status[i] === 1 ? 1 : 0;
  }
  const columns: Record<string, Float64Array> = { treat, time, event, status, age, sex };
  const covariates = ['age', 'sex'];
  flags.forEach((f, j) => {
    columns[`flag${j + 1}`] = f;
    covariates.push(`flag${j + 1}`);
  });
  return { n, columns, covariates };
}

export async function main(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 1_000_000);
  const replicates = Number(args[1] ?? 200);
  const t0 = await timed(() => simulateComparative(n));
  const sim = t0.value;
  console.log(`comparative: ${n.toLocaleString('en')} persons, ${sim.covariates.length} covariates, node ${process.version} (simulation ${t0.seconds.toFixed(1)} s)`);

  // Warm-up on a slice so the figures measure the algorithms rather than JIT compilation.
  const warmN = Math.min(n, 20_000);
  const warm = Object.fromEntries(Object.entries(sim.columns).map(([k, v]) => [k, v.subarray(0, warmN)]));
  const wps = propensityScore(warm, { treatment: 'treat', covariates: sim.covariates });
  matchOnPropensity({ treat: warm.treat!, lp: Float64Array.from(wps.logitPs as number[]) }, { treatment: 'treat', logitPs: 'lp' });

  const rows: Array<[string, number]> = [];
  const ps = await timed(() => propensityScore(sim.columns, { treatment: 'treat', covariates: sim.covariates }));
  rows.push([`PS fit (logistic, ${sim.covariates.length} covariates)`, ps.seconds]);
  const data: Record<string, Float64Array> = { ...sim.columns, ps: Float64Array.from(ps.value.ps as number[]), lp: Float64Array.from(ps.value.logitPs as number[]) };
  const match = await timed(() => matchOnPropensity(data, { treatment: 'treat', logitPs: 'lp' }));
  rows.push(['1:1 matching, caliper 0.2 SD', match.seconds]);
  const w = await timed(() => weightByPropensity(data, { treatment: 'treat', ps: 'ps' }));
  rows.push(['IPTW weights (ATE, stabilised)', w.seconds]);
  data.w = Float64Array.from(w.value.weights as number[]);
  const cox = await timed(() => weightedCox(data, { time: 'time', event: 'event', treatment: 'treat', weights: 'w' }));
  rows.push(['weighted Cox, robust SE', cox.seconds]);
  data.set = Float64Array.from(match.value.matchedSet);
  const mcox = await timed(() => matchedCox(data, { time: 'time', event: 'event', treatment: 'treat', matchedSet: 'set' }));
  rows.push(['Cox stratified on matched pairs', mcox.seconds]);
  const bal = await timed(() => balanceTable(data, { treatment: 'treat', covariates: sim.covariates, weights: 'w' }));
  rows.push(['balance table (50 covariates, weighted)', bal.seconds]);
  const risk = await timed(() =>
    riskAtHorizon(data, { time: 'time', event: 'status', group: 'treat', horizons: [365, 730], weights: 'w', competing: true, bootstrap: { replicates, seed: 1 } }),
  );
  rows.push([`AJ risks at 2 horizons, ${replicates} bootstrap replicates`, risk.seconds]);

  printRow(['task', 'seconds'], [48, 10]);
  for (const [name, s] of rows) printRow([name, s.toFixed(3)], [48, 10]);
  const core = ps.seconds + match.seconds + cox.seconds;
  printRow(['PS fit + matching + weighted Cox (goal < 20 s)', core.toFixed(3)], [48, 10]);
  console.log(`peak RSS: ${peakRssMb().toFixed(0)} MB`);
  const m = ps.value.model;
  console.log(
    `PS model: ${m.iterations} iterations (${m.settings.storage}), c = ${ps.value.cStatistic.toFixed(3)}, equipoise ${(100 * ps.value.overlap.equipoiseFraction).toFixed(1)}%; ` +
      `matched ${match.value.nMatchedTreated.toLocaleString('en')} of ${match.value.nTreated.toLocaleString('en')} target persons; ` +
      `HR weighted ${cox.value.hr[0]!.toFixed(3)} (robust se ${cox.value.robustSe![0]!.toFixed(4)}), matched ${mcox.value.hr[0]!.toFixed(3)}; ` +
      `max |SMD| ${bal.value.summary.maxAbsSmdBefore!.toFixed(3)} -> ${bal.value.summary.maxAbsSmdAfter!.toFixed(3)}; ` +
      `RD at 365 d ${risk.value.rows[0]!.riskDifference!.toFixed(4)} [${risk.value.rows[0]!.riskDifferenceLower!.toFixed(4)}, ${risk.value.rows[0]!.riskDifferenceUpper!.toFixed(4)}]`,
  );
}
