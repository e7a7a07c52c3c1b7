import { describe, expect, it } from 'vitest';
import { aalenJohansenStackedPlot } from '../../src/plot/aalenJohansenStackedPlot.js';
import { compileVega } from '../../src/plot/render.js';
import { ajFixture } from './fixtures.js';
import { expectGoldenJson } from './golden.js';

type Row = { stratum: string; state: string; order: number; time: number; probability: number };
const rowsOf = (spec: unknown) => (spec as { data: { values: Row[] } }).data.values;

describe('aalenJohansenStackedPlot', () => {
  it('matches the golden spec and compiles without warnings', () => {
    const spec = aalenJohansenStackedPlot(ajFixture(), { title: 'State probabilities', causeLabels: { 1: 'Bleeding', 2: 'Death' } });
    expectGoldenJson('aalenJohansenStackedPlot', spec);
    expect(compileVega(spec).warnings).toEqual([]);
  });

  it('stacks event-free, cause 1, cause 2 adding up to 1 at every time, from (1, 0, 0) at time 0', () => {
    const rows = rowsOf(aalenJohansenStackedPlot(ajFixture()));
    const byTime = new Map<number, Row[]>();
    for (const r of rows) byTime.set(r.time, [...(byTime.get(r.time) ?? []), r]);
    expect([...byTime.keys()]).toEqual([0, 1, 2, 4, 5]);
    for (const [t, rs] of byTime) {
      expect(rs.map((r) => r.state)).toEqual(['Event-free', 'Cause 1', 'Cause 2']);
      expect(rs.reduce((s, r) => s + r.probability, 0), `time ${t}`).toBeCloseTo(1, 12);
    }
    // t = 5 (hand-derived in the fixture): 0.8 * 6/7, 0.1 + 0.8/7, 0.1.
    expect(byTime.get(5)!.map((r) => r.probability)).toEqual([0.8 * (6 / 7), 0.1 + 0.8 / 7, 0.1]);
    // Stacking position: causes at the bottom (0, 1), event-free on top (2).
    expect(byTime.get(5)!.map((r) => r.order)).toEqual([2, 0, 1]);
  });

  it('several strata: one facet each, or only the chosen ones', () => {
    const spec = aalenJohansenStackedPlot(ajFixture(['arm=A', 'arm=B'])) as unknown as { facet: { sort: string[] }; spec: unknown };
    expect(spec.facet.sort).toEqual(['arm=A', 'arm=B']);
    expect(compileVega(spec as never).warnings).toEqual([]);
    const one = aalenJohansenStackedPlot(ajFixture(['arm=A', 'arm=B']), { strata: ['arm=B'] }) as unknown as { facet?: unknown; title: { subtitle: string } };
    expect(one.facet).toBeUndefined();
    expect(one.title.subtitle).toBe('arm=B');
    expect(() => aalenJohansenStackedPlot(ajFixture(), { strata: ['arm=C'] })).toThrow(/strata must be labels among all/);
  });
});
