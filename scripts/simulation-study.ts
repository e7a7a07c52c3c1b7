// Simulation study of the planted-effect pipeline (not run in CI): many seeds, reporting the bias and
// the 95% CI coverage of the crude and adjusted hazard ratio of current A vs current B.
// Usage: npx tsx scripts/simulation-study.ts [seeds=50] [persons=40000]
import { estimatePlantedEffect } from '../src/index.js';

const seeds = Number(process.argv[2] ?? 50);
const persons = Number(process.argv[3] ?? 40_000);
const rows: Array<{ seed: number; crude: number; adjusted: number; crudeCovers: boolean; adjustedCovers: boolean }> = [];
for (let seed = 1; seed <= seeds; seed++) {
  const r = await estimatePlantedEffect({ persons, seed });
  const covers = (e: typeof r.adjusted) => e.lower! <= r.trueHazardRatio && r.trueHazardRatio <= e.upper!;
  rows.push({ seed, crude: r.crude.hr!, adjusted: r.adjusted.hr!, crudeCovers: covers(r.crude), adjustedCovers: covers(r.adjusted) });
  console.log(`seed ${seed}: crude ${r.crude.hr!.toFixed(3)}, adjusted ${r.adjusted.hr!.toFixed(3)} (${r.adjusted.lower!.toFixed(3)}-${r.adjusted.upper!.toFixed(3)}), ${r.events} events, ${r.seconds.toFixed(1)} s`);
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const truth = 1.5;
for (const k of ['crude', 'adjusted'] as const) {
  const logs = rows.map((r) => Math.log(r[k]));
  console.log(
    `${k.padEnd(9)} mean HR ${Math.exp(mean(logs)).toFixed(3)}, bias of log HR ${(mean(logs) - Math.log(truth)).toFixed(4)}, ` +
      `95% CI coverage ${((100 * rows.filter((r) => r[`${k}Covers`]).length) / rows.length).toFixed(1)}% over ${rows.length} seeds`,
  );
}
