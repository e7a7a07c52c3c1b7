import { describe, expect, it } from 'vitest';
import { lovePlot } from '../../src/plot/lovePlot.js';
import { compileVega } from '../../src/plot/render.js';
import { balanceFixture } from './fixtures.js';
import { expectGoldenJson } from './golden.js';

type Layer = { data: { values: Array<Record<string, unknown>> }; encoding: { y?: { scale: { domain: string[] } } } };
const layers = (spec: unknown) => (spec as { layer: Layer[] }).layer;

describe('lovePlot', () => {
  it('matches the golden spec and compiles without warnings', () => {
    const spec = lovePlot(balanceFixture(), { title: 'Covariate balance' });
    expectGoldenJson('lovePlot', spec);
    expect(compileVega(spec).warnings).toEqual([]);
  });

  it('absolute SMDs by default, a line at 0 and one at the threshold; missing values skipped', () => {
    const [lines, segments, points] = layers(lovePlot(balanceFixture(), { threshold: 0.2 }));
    expect(lines!.data.values).toEqual([{ at: 0, kind: 'zero' }, { at: 0.2, kind: 'threshold' }]);
    expect(points!.data.values.map((p) => `${p.covariate}/${p.sample}/${p.smd}`)).toEqual([
      'Age/Before/0.32', 'Age/After/0.04', 'Female/Before/0.12', 'Female/After/0.02', 'Diabetes/Before/0.05', 'Diabetes/After/0.08', 'Prior MI/Before/0.21',
    ]);
    // No segment for Prior MI (no SMD after).
    expect(segments!.data.values.map((s) => s.covariate)).toEqual(['Age', 'Female', 'Diabetes']);
  });

  it('signed SMDs with lines at ±threshold; order by |SMD before|', () => {
    const spec = lovePlot(balanceFixture(), { absolute: false, order: 'before' });
    const [lines, , points] = layers(spec);
    expect(lines!.data.values.map((l) => l.at)).toEqual([0, -0.1, 0.1]);
    expect(points!.encoding.y!.scale.domain).toEqual(['Age', 'Prior MI', 'Female', 'Diabetes']);
    expect(points!.data.values.find((p) => p.covariate === 'Female' && p.sample === 'Before')!.smd).toBe(-0.12);
    expect(compileVega(spec).warnings).toEqual([]);
  });

  it('rejects a negative threshold and duplicate covariates', () => {
    expect(() => lovePlot(balanceFixture(), { threshold: -1 })).toThrow(/threshold/);
    expect(() => lovePlot([...balanceFixture(), { covariate: 'Age', smdBefore: 0, smdAfter: 0 }])).toThrow(/distinct covariates/);
  });
});
