// Kaplan-Meier by group and the log-rank test on the simulated cohort (typed columns).
// R survival 3.5.3 on this machine, from the issue: survfit by group 1.2 s, survdiff 1.1 s.
import { kaplanMeier } from '../../src/estimate/kaplanMeier.js';
import { logRank } from '../../src/estimate/logRank.js';
import type { EstimatorTiming } from '../estimators.js';
import type { SurvivalSim } from '../sim-survival.js';
import { timed } from '../util.js';

export async function run(sim: SurvivalSim): Promise<EstimatorTiming[]> {
  const data = { time: sim.time, event: sim.event, group: sim.group };
  // One untimed warm-up on a slice, so the figures measure the algorithm rather than JIT compilation.
  const warm = Math.min(sim.n, 20_000);
  const small = { time: sim.time.subarray(0, warm), event: sim.event.subarray(0, warm), group: sim.group.subarray(0, warm) };
  kaplanMeier(small, { time: 'time', event: 'event', strata: 'group' });
  logRank(small, { time: 'time', event: 'event', group: 'group' });
  const km = await timed(() => kaplanMeier(data, { time: 'time', event: 'event', strata: 'group' }));
  const lr = await timed(() => logRank(data, { time: 'time', event: 'event', group: 'group' }));
  return [
    { name: 'KM by group', seconds: km.seconds, rSeconds: 1.2 },
    { name: 'log-rank', seconds: lr.seconds, rSeconds: 1.1 },
  ];
}
