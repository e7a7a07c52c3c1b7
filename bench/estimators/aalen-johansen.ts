// Aalen-Johansen cumulative incidence (2 competing causes) with infinitesimal-jackknife standard
// errors on the simulated cohort (typed columns). R survival 3.5.3 on this machine, from the issue:
// survfit(Surv(time, factor(cause)) ~ 1) takes 40 s, its IJ variance costing O(subjects × times).
import { aalenJohansen } from '../../src/estimate/aalenJohansen.js';
import type { EstimatorTiming } from '../estimators.js';
import type { SurvivalSim } from '../sim-survival.js';
import { timed } from '../util.js';

export async function run(sim: SurvivalSim): Promise<EstimatorTiming[]> {
  const data = { time: sim.time, cause: sim.cause };
  // One untimed warm-up on a slice, so the figure measures the algorithm rather than JIT compilation.
  const warm = Math.min(sim.n, 20_000);
  aalenJohansen({ time: sim.time.subarray(0, warm), cause: sim.cause.subarray(0, warm) }, { time: 'time', event: 'cause' });
  const aj = await timed(() => aalenJohansen(data, { time: 'time', event: 'cause' }));
  return [{ name: 'Aalen-Johansen (2 causes, IJ se)', seconds: aj.seconds, rSeconds: 40 }];
}
