import { describe, expect, it } from 'vitest';
import { forestPlot, forestRowsFromCox } from '../../src/plot/forestPlot.js';
import { compileVega } from '../../src/plot/render.js';
import { coxFixture } from './fixtures.js';
import { expectGoldenJson } from './golden.js';

type Row = { label: string; estimate: number | null; text: string };
const rowsOf = (spec: unknown) => (spec as { data: { values: Row[] } }).data.values;

describe('forestRowsFromCox', () => {
  it('maps terms, hr, lower, upper in term order; aliased terms stay with nulls; labels rename', () => {
    expect(forestRowsFromCox(coxFixture(), { labels: { 'ph.ecog': 'ECOG score' } })).toEqual([
      { label: 'age', estimate: 1.017, lower: 0.999, upper: 1.036 },
      { label: 'sex', estimate: 0.599, lower: 0.431, upper: 0.831 },
      { label: 'ECOG score', estimate: 1.59, lower: 1.27, upper: 1.99 },
      { label: 'ecog2', estimate: null, lower: null, upper: null },
    ]);
  });
});

describe('forestPlot', () => {
  it('matches the golden spec and compiles without warnings', () => {
    const spec = forestPlot(forestRowsFromCox(coxFixture()), { title: 'Cox model' });
    expectGoldenJson('forestPlot', spec);
    expect(compileVega(spec).warnings).toEqual([]);
  });

  it('writes estimate (lower–upper) with 2 decimals, NA for a missing estimate', () => {
    const rows = rowsOf(forestPlot(forestRowsFromCox(coxFixture())));
    expect(rows.map((r) => r.text)).toEqual(['1.02 (1.00–1.04)', '0.60 (0.43–0.83)', '1.59 (1.27–1.99)', 'NA']);
    const three = rowsOf(forestPlot([{ label: 'x', estimate: 2, lower: 1.5, upper: null }], { digits: 3 }));
    expect(three[0]!.text).toBe('2.000 (1.500–NA)');
  });

  it('log axis: domain covers the limits and the reference, with 1, 2, 5-type ticks and the reference', () => {
    const spec = forestPlot(forestRowsFromCox(coxFixture())) as unknown as { hconcat: Array<{ layer: Array<{ encoding: { x: { scale: { domain: number[]; type?: string }; axis: { values: number[] } } } }> }> };
    const x = spec.hconcat[0]!.layer[2]!.encoding.x;
    expect(x.scale.type).toBe('log');
    // min 0.431 / 1.1 and max 1.99 * 1.1.
    expect(x.scale.domain[0]).toBeCloseTo(0.431 / 1.1, 12);
    expect(x.scale.domain[1]).toBeCloseTo(1.99 * 1.1, 12);
    expect(x.axis.values).toEqual([0.5, 0.7, 1, 1.5, 2]);
  });

  it('linear axis with another reference (differences)', () => {
    const spec = forestPlot([{ label: 'RD', estimate: 0.02, lower: -0.01, upper: 0.05 }], { log: false, reference: 0, xlab: 'Risk difference' });
    expect(compileVega(spec).warnings).toEqual([]);
    expect(JSON.stringify(spec)).not.toContain('"log"');
  });

  it('rejects values <= 0 on a log scale, duplicate labels and no rows', () => {
    expect(() => forestPlot([{ label: 'a', estimate: 0, lower: null, upper: null }])).toThrow(/> 0/);
    expect(() => forestPlot([{ label: 'a', estimate: 1, lower: 1, upper: 1 }, { label: 'a', estimate: 1, lower: 1, upper: 1 }])).toThrow(/distinct labels/);
    expect(() => forestPlot([])).toThrow(/no rows/);
  });
});
