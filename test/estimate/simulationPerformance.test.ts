import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { simulationPerformance, type SimulationReplicate } from '../../src/index.js';

const z95 = normalQuantile(0.975, 0, 1);

/** A replicate from its log estimate and log-scale standard error: interval exp(θ ± z se). */
const rep = (truth: number, logEstimate: number, se: number, z = z95): SimulationReplicate => ({
  truth,
  estimate: Math.exp(logEstimate),
  lower: Math.exp(logEstimate - z * se),
  upper: Math.exp(logEstimate + z * se),
});

describe('simulationPerformance', () => {
  // Truth 1 (log 0). Log estimates 0, -0.2, 0.5 with SEs 0.1, 0.2, 0.2, and one fit without an estimate.
  // mean log = 0.1; deviations -0.1, -0.3, 0.4: sum of squares 0.26, variance 0.13.
  // se² = 0.01, 0.04, 0.04: mean 0.03, variance ((-0.02)² + 0.01² + 0.01²) / 2 = 0.0003.
  // Intervals: 0 ± 0.196 and -0.2 ± 0.392 cover 0; 0.5 ± 0.392 = [0.108, 0.892] does not: coverage 2/3.
  const replicates = [rep(1, 0, 0.1), rep(1, -0.2, 0.2), { truth: 1, estimate: null, lower: null, upper: null }, rep(1, 0.5, 0.2)];

  it('gives bias, empirical and model SEs and coverage with their Monte Carlo SEs (hand-derived)', () => {
    const r = simulationPerformance(replicates);
    expect(r.replicates).toBe(3);
    expect(r.unusable).toBe(1);
    expect(r.meanEstimate).toBeCloseTo(Math.exp(0.1), 12);
    expect(r.bias.value).toBeCloseTo(0.1, 12);
    expect(r.bias.mcse).toBeCloseTo(Math.sqrt(0.13 / 3), 12);
    expect(r.empiricalSE.value).toBeCloseTo(Math.sqrt(0.13), 12);
    expect(r.empiricalSE.mcse).toBeCloseTo(Math.sqrt(0.13) / 2, 12);
    expect(r.modelSE.value).toBeCloseTo(Math.sqrt(0.03), 12);
    // √(0.0003 / (4 × 3 × 0.03)) = √(1/1200)
    expect(r.modelSE.mcse).toBeCloseTo(Math.sqrt(1 / 1200), 12);
    expect(r.coverage.value).toBeCloseTo(2 / 3, 12);
    expect(r.coverage.mcse).toBeCloseTo(Math.sqrt(2 / 27), 12);
    expect(r.settings).toEqual({ confLevel: 0.95, scale: 'log' });
  });

  it('counts a truth on the interval bound as covered', () => {
    const r = simulationPerformance([
      { truth: 1, estimate: 2, lower: 1, upper: 4 },
      { truth: 1, estimate: 3, lower: 1.5, upper: 6 },
    ]);
    expect(r.coverage.value).toBe(1 / 2);
  });

  it('reads the model SE with the z of the intervals’ level', () => {
    const z90 = normalQuantile(0.95, 0, 1);
    const r = simulationPerformance([rep(1, 0.1, 0.3, z90), rep(1, -0.1, 0.4, z90)], { confLevel: 0.9 });
    // se² = 0.09, 0.16: model SE √0.125
    expect(r.modelSE.value).toBeCloseTo(Math.sqrt(0.125), 12);
    expect(r.settings.confLevel).toBe(0.9);
  });

  it('property: the measures do not change when truths, estimates and intervals are all scaled by one factor', () => {
    const replicate = fc.record({ log: fc.double({ min: -2, max: 2, noNaN: true }), se: fc.double({ min: 0.01, max: 1, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(replicate, { minLength: 2, maxLength: 30 }), fc.double({ min: 0.1, max: 10, noNaN: true }), (rows, c) => {
        const base = simulationPerformance(rows.map((x) => rep(1.5, x.log, x.se)));
        const scaled = simulationPerformance(rows.map((x) => rep(1.5 * c, x.log + Math.log(c), x.se)));
        for (const k of ['bias', 'empiricalSE', 'modelSE'] as const) {
          expect(scaled[k].value).toBeCloseTo(base[k].value, 9);
          expect(scaled[k].mcse).toBeCloseTo(base[k].mcse, 9);
        }
        expect(scaled.meanEstimate / c).toBeCloseTo(base.meanEstimate, 9);
        // Coverage is a count over n: n × coverage is a whole number of intervals.
        expect(Math.abs(base.coverage.value * base.replicates - Math.round(base.coverage.value * base.replicates))).toBeLessThan(1e-9);
        expect(base.bias.mcse).toBeCloseTo(base.empiricalSE.value / Math.sqrt(base.replicates), 12);
      }),
    );
  });

  it('rejects bad replicates with the replicate number, and fewer than 2 usable ones', () => {
    expect(() => simulationPerformance([rep(1, 0, 0.1), { truth: 0, estimate: 1, lower: 0.5, upper: 2 }])).toThrow(/replicate 2: truth must be a finite number > 0, got 0/);
    expect(() => simulationPerformance([rep(1, 0, 0.1), { truth: 1, estimate: 3, lower: 0.5, upper: 2 }])).toThrow(/replicate 2: estimate must be between lower/);
    expect(() => simulationPerformance([rep(1, 0, 0.1), { truth: 1, estimate: -1, lower: 0.5, upper: 2 }])).toThrow(/replicate 2: estimate must be a finite number > 0 or null/);
    expect(() => simulationPerformance([rep(1, 0, 0.1), { truth: 1, estimate: null, lower: null, upper: null }])).toThrow(/1 replicate\(s\) with an estimate/);
    expect(() => simulationPerformance([rep(1, 0, 0.1), rep(1, 0, 0.1)], { confLevel: 95 })).toThrow(/confLevel/);
  });
});
