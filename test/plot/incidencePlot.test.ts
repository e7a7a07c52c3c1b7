import { describe, expect, it } from 'vitest';
import { incidencePlot } from '../../src/plot/incidencePlot.js';
import { compileVega } from '../../src/plot/render.js';
import { ageLabels, ratesFixture } from './fixtures.js';
import { expectGoldenJson } from './golden.js';

type Row = { x: string; series?: string; facet?: string; rate: number };
const rowsOf = (spec: unknown) => (spec as { data: { values: Row[] } }).data.values;

describe('incidencePlot', () => {
  it('matches the golden spec and compiles without warnings', () => {
    const spec = incidencePlot(ratesFixture(), { x: 'ageBand', series: 'period', levelLabels: ageLabels, xlab: 'Age band', title: 'Incidence by age and period' });
    expectGoldenJson('incidencePlot', spec);
    expect(compileVega(spec).warnings).toEqual([]);
  });

  it('one point per stratum with person-time, labelled, in the result order; per from the settings', () => {
    const spec = incidencePlot(ratesFixture(), { x: 'ageBand', series: 'period', levelLabels: ageLabels });
    // The stratum [75,Inf) x 2015-2019 has no person-time: left out.
    expect(rowsOf(spec).map((r) => `${r.x}|${r.series}`)).toEqual([
      '[40,60)|2010-2014', '[40,60)|2015-2019', '[60,75)|2010-2014', '[60,75)|2015-2019', '[75,Inf)|2010-2014',
    ]);
    expect(rowsOf(spec)[0]!.rate).toBe(3); // 12 / 4000 * 1000
    const enc = (spec as unknown as { layer: Array<{ encoding: { x: { scale: { domain: string[] } }; y?: { title: string } } }> }).layer[1]!.encoding;
    expect(enc.x.scale.domain).toEqual(['[40,60)', '[60,75)', '[75,Inf)']);
    expect(enc.y!.title).toBe('Incidence rate per 1,000 person-time');
  });

  it('facets by period; rows given as an array use a plain axis title', () => {
    const spec = incidencePlot(ratesFixture().strata, { x: 'period', facet: 'ageBand', levelLabels: ageLabels, log: true });
    expect(compileVega(spec).warnings).toEqual([]);
    expect(rowsOf(spec).map((r) => r.facet)).toEqual(['[40,60)', '[40,60)', '[60,75)', '[60,75)', '[75,Inf)']);
    expect(JSON.stringify(spec)).toContain('"Incidence rate"');
  });

  it('every strata column must be placed on x, series or facet', () => {
    expect(() => incidencePlot(ratesFixture(), { x: 'ageBand' })).toThrow(/period/);
    expect(() => incidencePlot(ratesFixture(), { x: 'sex', series: 'period' })).toThrow(/sex/);
  });
});
