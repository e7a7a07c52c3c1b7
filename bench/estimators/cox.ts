// Cox regression with 10 covariates on the simulated cohort (typed columns; integer-day times, so
// heavy ties). R survival 3.5.3 on this machine, from the issue: coxph(Surv(time, event) ~ x1 + ... + x10)
// takes 5.1 s with Efron ties and 4.7 s with Breslow.
import { coxph } from '../../src/estimate/coxph.js';
import type { EstimatorTiming } from '../estimators.js';
import type { SurvivalSim } from '../sim-survival.js';
import { timed } from '../util.js';

export async function run(sim: SurvivalSim): Promise<EstimatorTiming[]> {
  const data: Record<string, Float64Array> = { time: sim.time, event: sim.event };
  sim.covariateNames.forEach((name, j) => (data[name] = sim.covariates[j]!));
  const options = { time: 'time', event: 'event', covariates: sim.covariateNames };
  // One untimed warm-up on a slice, so the figures measure the algorithm rather than JIT compilation.
  const warm = Math.min(sim.n, 20_000);
  const small = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.subarray(0, warm)]));
  coxph(small, options);
  coxph(small, { ...options, ties: 'breslow' });
  const efron = await timed(() => coxph(data, options));
  const breslow = await timed(() => coxph(data, { ...options, ties: 'breslow' }));
  return [
    { name: 'Cox Efron (10 covariates)', seconds: efron.seconds, rSeconds: 5.1 },
    { name: 'Cox Breslow (10 covariates)', seconds: breslow.seconds, rSeconds: 4.7 },
  ];
}
