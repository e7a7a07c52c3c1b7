import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KaplanMeierResult } from '../../src/estimate/kaplanMeier.js';
import { cumulativeIncidencePlot, kaplanMeierPlot, numberAtRisk } from '../../src/plot/kaplanMeierPlot.js';
import { compileVega } from '../../src/plot/render.js';
import { ajFixture, kmFixture } from './fixtures.js';
import { expectGoldenJson } from './golden.js';

type Row = Record<string, unknown>;
const curveRows = (spec: unknown): Row[] => (spec as { vconcat: Array<{ data: { values: Row[] } }> }).vconcat[0]!.data.values;
const tableRows = (spec: unknown): Row[] => (spec as { vconcat: Array<{ data: { values: Row[] } }> }).vconcat[1]!.data.values;
const table = (spec: unknown) => tableRows(spec).map((r) => `${r.stratum}@${r.time}:${r.atRisk}`);

describe('kaplanMeierPlot', () => {
  it('matches the golden spec and compiles without warnings', () => {
    const spec = kaplanMeierPlot(kmFixture(), { title: 'Overall survival', ylab: 'Survival' });
    expectGoldenJson('kaplanMeierPlot', spec);
    expect(compileVega(spec).warnings).toEqual([]);
  });

  it('numbers at risk: n.risk at the first time >= t, 0 after the last time, counts 1-9 as <10', () => {
    // Default times: max time 7 -> steps of 2: 0, 2, 4, 6.
    // arm=A (times 1,3,4,6; n.risk 12,10,7,3): t=0 -> 12, t=2 -> 10 (at t=3), t=4 -> 7, t=6 -> 3.
    // arm=B (times 2,5,7; n.risk 11,8,4): t=0 -> 11, t=2 -> 11, t=4 -> 8 (at t=5), t=6 -> 4 (at t=7).
    expect(table(kaplanMeierPlot(kmFixture()))).toEqual([
      'arm=A@0:12', 'arm=A@2:10', 'arm=A@4:<10', 'arm=A@6:<10',
      'arm=B@0:11', 'arm=B@2:11', 'arm=B@4:<10', 'arm=B@6:<10',
    ]);
    // Past every time: 0 is shown as 0 (not suppressed). Unsorted times are sorted.
    expect(table(kaplanMeierPlot(kmFixture(), { times: [8, 0, 3] }))).toEqual([
      'arm=A@0:12', 'arm=A@3:10', 'arm=A@8:0', 'arm=B@0:11', 'arm=B@3:<10', 'arm=B@8:0',
    ]);
  });

  it('suppression settings: another minimum cell and marker', () => {
    const spec = kaplanMeierPlot(kmFixture(), { times: [0, 4, 6], suppression: { minCell: 5, marker: 'n<5' } });
    expect(table(spec)).toEqual(['arm=A@0:12', 'arm=A@4:7', 'arm=A@6:n<5', 'arm=B@0:11', 'arm=B@4:8', 'arm=B@6:n<5']);
  });

  it('property: the numbers-at-risk table never shows a count from 1 to 9', () => {
    const stratum = fc
      .array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 40 })), { minLength: 1, maxLength: 12 })
      .map((steps) => {
        let t = 0;
        const time: number[] = [];
        const nRisk: number[] = [];
        for (const [dt, n] of steps) {
          t += dt;
          time.push(t);
          nRisk.push(n);
        }
        return { time, nRisk };
      });
    fc.assert(
      fc.property(fc.array(stratum, { minLength: 1, maxLength: 3 }), fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 8 }), (strata, times) => {
        const km = kmFixture();
        km.strata = strata.map((s, i) => ({
          ...km.strata[0]!,
          label: `s${i}`,
          time: s.time,
          nRisk: s.nRisk,
          nEvent: s.time.map(() => 1),
          nCensor: s.time.map(() => 0),
          surv: s.time.map(() => 0.5),
          stdErr: s.time.map(() => 0.1),
          lower: s.time.map(() => 0.4),
          upper: s.time.map(() => 0.6),
        }));
        const spec = kaplanMeierPlot(km, times.length ? { times } : {});
        for (const r of tableRows(spec)) {
          expect(typeof r.atRisk).toBe('string');
          const n = Number(String(r.atRisk).replace(/,/g, ''));
          if (String(r.atRisk) !== '<10') expect(n === 0 || n >= 10, `shown ${r.atRisk}`).toBe(true);
        }
      }),
    );
  });

  it('curves start at (0, 1); censoring ticks where n.censor > 0; null limits kept as null', () => {
    const spec = kaplanMeierPlot(kmFixture());
    const a = curveRows(spec).filter((r) => r.stratum === 'arm=A');
    expect(a.map((r) => r.time)).toEqual([0, 1, 3, 4, 6]);
    expect(a[0]).toMatchObject({ estimate: 1, lower: 1, upper: 1 });
    expect(a[4]!.upper).toBeNull();
    const layers = (spec as unknown as { vconcat: Array<{ layer: Array<{ mark: { type: string }; data?: { values: Row[] } }> }> }).vconcat[0]!.layer;
    expect(layers.map((l) => l.mark.type)).toEqual(['area', 'line', 'tick']);
    expect(layers[2]!.data!.values.map((r) => `${r.stratum}@${r.time}`)).toEqual(['arm=A@3', 'arm=A@4', 'arm=A@6', 'arm=B@2', 'arm=B@5', 'arm=B@7']);
    // Step-after interpolation for the curve and its band.
    expect(JSON.stringify(layers[0]!.mark)).toContain('step-after');
    expect(JSON.stringify(layers[1]!.mark)).toContain('step-after');
  });

  it('options: no table, no band, no ticks gives a single layered view', () => {
    const spec = kaplanMeierPlot(kmFixture(), { riskTable: false, confInt: false, censorTicks: false }) as unknown as { layer: Array<{ mark: { type: string } }>; vconcat?: unknown };
    expect(spec.vconcat).toBeUndefined();
    expect(spec.layer.map((l) => l.mark.type)).toEqual(['line']);
  });

  it('a times read-out result: numbers at risk only at its own times, no censoring ticks', () => {
    const km: KaplanMeierResult = kmFixture();
    km.settings = { ...km.settings, times: [0, 3] };
    km.strata = km.strata.map((s) => ({ ...s, time: [0, 3], nRisk: [s.n, 9], nEvent: [0, 2], nCensor: [0, 1], surv: [1, 0.8], stdErr: [0, 0.1], lower: [1, 0.6], upper: [1, 1] }));
    const spec = kaplanMeierPlot(km, { times: [0, 2, 3, 5] });
    // t = 2 falls between read-out times: unknown, left blank; t = 5 is past the last time: 0.
    expect(table(spec)).toEqual(['arm=A@0:12', 'arm=A@2:', 'arm=A@3:<10', 'arm=A@5:0', 'arm=B@0:11', 'arm=B@2:', 'arm=B@3:<10', 'arm=B@5:0']);
    const layers = (spec as unknown as { vconcat: Array<{ layer: Array<{ mark: { type: string } }> }> }).vconcat[0]!.layer;
    expect(layers.map((l) => l.mark.type)).toEqual(['area', 'line']);
  });

  it('rejects negative table times', () => {
    expect(() => kaplanMeierPlot(kmFixture(), { times: [-1, 2] })).toThrow(/times must be finite numbers >= 0/);
  });
});

describe('numberAtRisk', () => {
  it('reads n.risk at the first time >= t', () => {
    const src = { stratum: 'x', time: [2, 5], nRisk: [20, 12], readOut: false };
    expect([0, 2, 3, 5, 6].map((t) => numberAtRisk(src, t))).toEqual([20, 20, 12, 12, 0]);
  });
});

describe('cumulativeIncidencePlot', () => {
  it('from Kaplan-Meier: 1 - S with limits 1 - upper, 1 - lower (golden)', () => {
    const spec = cumulativeIncidencePlot(kmFixture(), { title: 'Cumulative incidence of death' });
    expectGoldenJson('cumulativeIncidencePlot-km', spec);
    expect(compileVega(spec).warnings).toEqual([]);
    const a = curveRows(spec).filter((r) => r.stratum === 'arm=A');
    // t = 1: S = 10/12, limits (0.64, 1) -> incidence 1/6 with limits (0, 0.36); t = 6: upper S null -> lower null.
    expect(a[0]).toMatchObject({ time: 0, estimate: 0, lower: 0, upper: 0 });
    expect(a[1]!.estimate).toBeCloseTo(1 / 6, 12);
    expect(a[1]!.lower).toBe(0);
    expect(a[1]!.upper).toBeCloseTo(0.36, 12);
    expect(a[4]!.lower).toBeNull();
  });

  it('from Aalen-Johansen, one stratum: one curve per cause, coloured by cause (golden)', () => {
    const spec = cumulativeIncidencePlot(ajFixture(), { causeLabels: { 1: 'Bleeding', 2: 'Death' } });
    expectGoldenJson('cumulativeIncidencePlot-aj', spec);
    expect(compileVega(spec).warnings).toEqual([]);
    const rows = curveRows(spec);
    expect([...new Set(rows.map((r) => r.series))]).toEqual(['Bleeding', 'Death']);
    // CIF1 at t = 5: 0.1 + 0.8/7 (hand-derived in the fixture).
    expect(rows.find((r) => r.series === 'Bleeding' && r.time === 5)!.estimate).toBeCloseTo(0.1 + 0.8 / 7, 12);
    // The table has one row ('all'), 10 at risk at 0, 9 (<10) from t = 2 on.
    expect(table(spec)).toEqual(['all@0:10', 'all@1:10', 'all@2:<10', 'all@3:<10', 'all@4:<10', 'all@5:<10']);
  });

  it('from Aalen-Johansen, strata: colour = stratum, dash = cause; `causes` selects', () => {
    const spec = cumulativeIncidencePlot(ajFixture(['arm=A', 'arm=B']), { causes: [2] });
    const rows = curveRows(spec);
    expect([...new Set(rows.map((r) => r.series))]).toEqual(['arm=A, Cause 2', 'arm=B, Cause 2']);
    expect(compileVega(spec).warnings).toEqual([]);
    const both = cumulativeIncidencePlot(ajFixture(['arm=A', 'arm=B']));
    const line = (both as unknown as { vconcat: Array<{ layer: Array<{ encoding: Row }> }> }).vconcat[0]!.layer[1]!.encoding;
    expect((line.color as Row).field).toBe('stratum');
    expect((line.strokeDash as Row).field).toBe('curve');
    expect(() => cumulativeIncidencePlot(ajFixture(), { causes: [3] })).toThrow(/causes must be codes among 1, 2/);
  });
});
