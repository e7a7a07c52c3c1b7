import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { estimateMessages as msg } from '../messages/index.js';
import { checkConfLevel } from './poissonRate.js';

/**
 * Performance of a ratio estimator (hazard ratio, rate ratio…) over the replicates of a simulation study, on the
 * log scale where its Wald interval is symmetric, each measure with its Monte Carlo standard error (Morris, White
 * & Crowther, Stat Med 2019;38:2074–2102, table 6). For n usable replicates with log estimates θ̂_i, true log
 * values θ_i and model standard errors s_i = (log upper − log lower) / (2 z):
 * - bias = mean(θ̂_i − θ_i), MCSE = empirical SE / √n;
 * - empirical SE = sd(θ̂_i) (n − 1 denominator), MCSE = empirical SE / √(2(n − 1));
 * - model SE = √mean(s_i²), MCSE = √(var(s_i²) / (4 n model SE²));
 * - coverage = share of intervals with lower <= truth <= upper, MCSE = √(coverage (1 − coverage) / n).
 */
export interface SimulationReplicate {
  /** The true value of the ratio in this replicate (> 0). */
  truth: number;
  /** The estimate, or null when the fit gave none (counted in `unusable`). */
  estimate: number | null;
  lower: number | null;
  upper: number | null;
}

export interface SimulationPerformanceOptions {
  /** Level of the replicates' intervals, default 0.95. */
  confLevel?: number;
}

export interface MeasureWithMcse {
  value: number;
  /** Monte Carlo standard error of `value`. */
  mcse: number;
}

export interface SimulationPerformanceResult {
  /** Replicates with an estimate and an interval. */
  replicates: number;
  /** Replicates without an estimate or an interval. */
  unusable: number;
  /** exp(mean log estimate). */
  meanEstimate: number;
  bias: MeasureWithMcse;
  empiricalSE: MeasureWithMcse;
  modelSE: MeasureWithMcse;
  coverage: MeasureWithMcse;
  settings: { confLevel: number; scale: 'log' };
}

const positive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

export function simulationPerformance(replicates: SimulationReplicate[], options: SimulationPerformanceOptions = {}): SimulationPerformanceResult {
  const confLevel = options.confLevel ?? 0.95;
  checkConfLevel(confLevel);
  const z = normalQuantile(1 - (1 - confLevel) / 2, 0, 1);
  const n = replicates.filter((r) => r.estimate !== null && r.lower !== null && r.upper !== null).length;
  const est = new Float64Array(n);
  const err = new Float64Array(n);
  const modelVar = new Float64Array(n);
  let covered = 0;
  let i = 0;
  replicates.forEach((r, k) => {
    const row = k + 1;
    if (!positive(r.truth)) throw msg.simBadReplicate(row, 'truth', 'a finite number > 0', r.truth);
    if (r.estimate === null || r.lower === null || r.upper === null) return;
    for (const field of ['estimate', 'lower', 'upper'] as const) {
      if (!positive(r[field])) throw msg.simBadReplicate(row, field, 'a finite number > 0 or null', r[field]);
    }
    if (!(r.lower <= r.estimate && r.estimate <= r.upper)) throw msg.simBadReplicate(row, 'estimate', `between lower (${r.lower}) and upper (${r.upper})`, r.estimate);
    est[i] = Math.log(r.estimate);
    err[i] = est[i]! - Math.log(r.truth);
    modelVar[i] = ((Math.log(r.upper) - Math.log(r.lower)) / (2 * z)) ** 2;
    if (r.lower <= r.truth && r.truth <= r.upper) covered++;
    i++;
  });
  if (n < 2) throw msg.simTooFewReplicates(n);
  const empiricalSE = Math.sqrt(variance(est));
  const modelSE = Math.sqrt(mean(modelVar));
  const coverage = covered / n;
  return {
    replicates: n,
    unusable: replicates.length - n,
    meanEstimate: Math.exp(mean(est)),
    bias: { value: mean(err), mcse: empiricalSE / Math.sqrt(n) },
    empiricalSE: { value: empiricalSE, mcse: empiricalSE / Math.sqrt(2 * (n - 1)) },
    modelSE: { value: modelSE, mcse: modelSE > 0 ? Math.sqrt(variance(modelVar) / (4 * n * modelSE ** 2)) : 0 },
    coverage: { value: coverage, mcse: Math.sqrt((coverage * (1 - coverage)) / n) },
    settings: { confLevel, scale: 'log' },
  };
}

function mean(xs: Float64Array): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Sample variance (n − 1 denominator), two-pass. */
function variance(xs: Float64Array): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return s / (xs.length - 1);
}
