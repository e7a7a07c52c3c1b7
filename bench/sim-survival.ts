import { rng } from './util.js';

/** Simulated survival data for the estimator benchmark, as typed columns. */
export interface SurvivalSim {
  n: number;
  /** Integer days 1..1000: heavy ties. */
  time: Float64Array;
  /** 0 censored, 1 event. */
  event: Float64Array;
  /** 0 censored, 1 cause 1, 2 cause 2 (competing). */
  cause: Float64Array;
  /** 0/1 */
  group: Float64Array;
  /** 10 covariates x1..x10 (x1 binary, others standard normal). */
  covariates: Float64Array[];
  covariateNames: string[];
}

/** n subjects with exponential hazards depending on group and covariates; administrative censoring at day 1000. */
export function simulateSurvival(n: number, seed = 20261125): SurvivalSim {
  const u = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(u() || 1e-300)) * Math.cos(2 * Math.PI * u());
  const p = 10;
  const covariates = Array.from({ length: p }, () => new Float64Array(n));
  const beta = [0.5, 0.2, -0.2, 0.1, -0.1, 0.05, -0.05, 0.3, -0.3, 0];
  const time = new Float64Array(n), event = new Float64Array(n), cause = new Float64Array(n), group = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let lp = 0;
    for (let j = 0; j < p; j++) {
      const x = j === 0 ? (u() < 0.4 ? 1 : 0) : normal();
      covariates[j]![i] = x;
      lp += beta[j]! * x;
    }
    const g = u() < 0.5 ? 1 : 0;
    group[i] = g;
    lp += 0.3 * g;
    const t1 = -Math.log(u()) / (0.0006 * Math.exp(lp));
    const t2 = -Math.log(u()) / 0.0004;
    const tc = -Math.log(u()) / 0.0005;
    const t = Math.min(t1, t2, tc, 1000);
    time[i] = Math.max(1, Math.ceil(t));
    const c = t === t1 ? 1 : t === t2 ? 2 : 0;
    cause[i] = c;
    event[i] = c === 1 ? 1 : 0;
  }
  return { n, time, event, cause, group, covariates, covariateNames: covariates.map((_, j) => `x${j + 1}`) };
}
