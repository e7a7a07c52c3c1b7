// Survival and cumulative incidence curves (step functions with confidence bands) over a
// numbers-at-risk table, from kaplanMeier and aalenJohansen results.
import { estimateMessages as msg } from '../messages/index.js';
import type { AalenJohansenResult } from '../estimate/aalenJohansen.js';
import type { KaplanMeierResult } from '../estimate/kaplanMeier.js';
import { defaultSuppression, type SuppressionSettings } from '../results/suppress.js';
import { CATEGORY_COLOURS, niceTicks, shownCount, titleOf, topLevel, type BasePlotOptions, type Json, type PlotSpec } from './common.js';

export interface CurvePlotOptions extends BasePlotOptions {
  /** x-axis title. Default 'Time'. */
  xlab?: string;
  /** y-axis title. Default 'Survival probability' / 'Cumulative incidence'. */
  ylab?: string;
  /** Numbers-at-risk table under the curves. Default true. */
  riskTable?: boolean;
  /** Times of the numbers-at-risk table, also the x-axis ticks. Default: about 5 round steps from 0. */
  times?: number[];
  /** Pointwise confidence bands. Default true. */
  confInt?: boolean;
  /** Vertical ticks where observations were censored (not drawn for a `times` read-out result). Default true. */
  censorTicks?: boolean;
  /** y-axis range. Default [0, 1] for survival, from 0 to the data for cumulative incidence. */
  yDomain?: [number, number];
  /** Small-cell rule of the numbers-at-risk table. Default: counts 1-9 shown as '<10'. */
  suppression?: SuppressionSettings;
}

export type KaplanMeierPlotOptions = CurvePlotOptions;

export interface CumulativeIncidencePlotOptions extends CurvePlotOptions {
  /** Aalen-Johansen results: only these cause codes. Default: every cause. */
  causes?: number[];
  /** Aalen-Johansen results: display names by cause code, e.g. { 1: 'Bleeding', 2: 'Death' }. Default 'Cause k'. */
  causeLabels?: Record<number, string>;
}

/** One step curve, already on the plotted scale (S, or 1 - S, or an incidence). */
interface Series {
  stratum: string;
  /** Cause label ('' for survival curves). */
  curve: string;
  start: number;
  time: number[];
  estimate: number[];
  lower: Array<number | null>;
  upper: Array<number | null>;
  nCensor: number[] | null;
}

/** What the numbers-at-risk table reads per stratum. */
export interface RiskTableSource {
  stratum: string;
  time: number[];
  nRisk: number[];
  /** The result holds only requested read-out times: at-risk numbers are known only there. */
  readOut: boolean;
}

/**
 * Kaplan-Meier curves, one per stratum, with confidence bands (step-after interpolation),
 * censoring ticks and, under the curves, the numbers at risk at `times` (counts 1-9 as '<10').
 */
export function kaplanMeierPlot(result: KaplanMeierResult, options: KaplanMeierPlotOptions = {}): PlotSpec {
  const readOut = result.settings.times !== null;
  const series: Series[] = result.strata.map((s) => ({
    stratum: s.label,
    curve: '',
    start: 1,
    time: s.time,
    estimate: s.surv,
    lower: s.lower,
    upper: s.upper,
    nCensor: readOut ? null : s.nCensor,
  }));
  const risk = result.strata.map((s) => ({ stratum: s.label, time: s.time, nRisk: s.nRisk, readOut }));
  return curvePlot('kaplanMeierPlot', series, risk, options, 'Survival probability', [0, 1]);
}

/**
 * Cumulative incidence curves: 1 - S(t) of a Kaplan-Meier result (limits 1 - upper, 1 - lower), or
 * the Aalen-Johansen curves of each cause (colour = cause with one stratum; colour = stratum and
 * dash = cause with several), with confidence bands and the numbers at risk per stratum.
 */
export function cumulativeIncidencePlot(result: KaplanMeierResult | AalenJohansenResult, options: CumulativeIncidencePlotOptions = {}): PlotSpec {
  const readOut = result.settings.times !== null;
  const series: Series[] = [];
  if (isAalenJohansen(result)) {
    const wanted = options.causes ?? result.settings.causes;
    for (const c of wanted) {
      if (!result.settings.causes.includes(c)) throw msg.plotBadOption('cumulativeIncidencePlot', 'causes', `codes among ${result.settings.causes.join(', ')}`, c);
    }
    for (const s of result.strata) {
      for (const c of s.causes) {
        if (!wanted.includes(c.cause)) continue;
        series.push({
          stratum: s.label,
          curve: options.causeLabels?.[c.cause] ?? `Cause ${c.cause}`,
          start: 0,
          time: s.time,
          estimate: c.cumulativeIncidence,
          lower: c.lower,
          upper: c.upper,
          nCensor: readOut ? null : s.nCensor,
        });
      }
    }
  } else {
    const flip = (a: Array<number | null>) => a.map((v) => (v === null ? null : 1 - v));
    for (const s of result.strata) {
      series.push({
        stratum: s.label,
        curve: '',
        start: 0,
        time: s.time,
        estimate: s.surv.map((v) => 1 - v),
        lower: flip(s.upper),
        upper: flip(s.lower),
        nCensor: readOut ? null : s.nCensor,
      });
    }
  }
  const risk = result.strata.map((s) => ({ stratum: s.label, time: s.time, nRisk: s.nRisk, readOut }));
  return curvePlot('cumulativeIncidencePlot', series, risk, options, 'Cumulative incidence', null);
}

function isAalenJohansen(r: KaplanMeierResult | AalenJohansenResult): r is AalenJohansenResult {
  return (r.settings as { variance?: string }).variance !== undefined || (r.strata[0] !== undefined && 'causes' in r.strata[0]);
}

/** Number at risk at time t: rows with time >= t, i.e. n.risk at the first curve time >= t (0 past the end). */
export function numberAtRisk(src: RiskTableSource, t: number): number | null {
  for (let i = 0; i < src.time.length; i++) {
    if (src.time[i]! >= t) {
      // A read-out result knows n.risk only at its requested times.
      if (src.readOut && src.time[i] !== t) return null;
      return src.nRisk[i]!;
    }
  }
  return 0;
}

function curvePlot(
  plot: string,
  series: Series[],
  risk: RiskTableSource[],
  options: CurvePlotOptions,
  defaultYlab: string,
  defaultYDomain: [number, number] | null,
): PlotSpec {
  if (series.length === 0) throw msg.plotNoData(plot, 'the result has no curves');
  const suppression = options.suppression ?? defaultSuppression;
  const width = options.width ?? 480;
  const height = options.height ?? 300;
  const confInt = options.confInt ?? true;
  const censorTicks = options.censorTicks ?? true;

  let maxTime = 0;
  for (const s of series) if (s.time.length > 0) maxTime = Math.max(maxTime, s.time[s.time.length - 1]!);
  if (options.times) {
    for (const t of options.times) if (!(Number.isFinite(t) && t >= 0)) throw msg.plotBadOption(plot, 'times', 'finite numbers >= 0', t);
  }
  const times = options.times ? [...options.times].sort((a, b) => a - b) : niceTicks(maxTime);
  const xMax = Math.max(maxTime, times[times.length - 1] ?? 0);

  const strata = risk.map((r) => r.stratum);
  const curves = [...new Set(series.map((s) => s.curve))];
  const multiStrata = strata.length > 1;
  const multiCurves = curves.length > 1;
  const seriesName = (s: Series) => (s.curve === '' ? s.stratum : multiStrata ? `${s.stratum}, ${s.curve}` : s.curve);

  // Colour: strata when there are several (dash = cause), else the curves (causes).
  const colorField = multiStrata || !multiCurves ? 'stratum' : 'curve';
  const colorDomain = colorField === 'stratum' ? strata : curves;
  const range = colorDomain.map((_, i) => CATEGORY_COLOURS[i % CATEGORY_COLOURS.length]);
  const color: Json = { field: colorField, type: 'nominal', scale: { domain: colorDomain, range }, title: null };
  if (colorDomain.length === 1) color.legend = null;
  // Bands and table text take the same colours through the fill channel without a legend, so the
  // legend shows the curves' lines only. The fill reads a copy of the field (`key`): Vega-Lite merges
  // a legend: null on the same field into the colour legend and hides it.
  const fill: Json = { field: 'key', type: 'nominal', scale: { domain: colorDomain, range }, legend: null };
  const dash: Json | null = multiStrata && multiCurves ? { field: 'curve', type: 'nominal', scale: { domain: curves }, title: null } : null;

  // Each curve starts at its value at time 0 (S = 1, incidence 0), with a degenerate interval.
  const points: Json[] = [];
  const censored: Json[] = [];
  for (const s of series) {
    const name = seriesName(s);
    const key = colorField === 'stratum' ? s.stratum : s.curve;
    points.push({ series: name, stratum: s.stratum, curve: s.curve, key, time: 0, estimate: s.start, lower: s.start, upper: s.start });
    for (let i = 0; i < s.time.length; i++) {
      points.push({ series: name, stratum: s.stratum, curve: s.curve, key, time: s.time[i], estimate: s.estimate[i], lower: s.lower[i], upper: s.upper[i] });
      if (censorTicks && s.nCensor && s.nCensor[i]! > 0) censored.push({ series: name, stratum: s.stratum, curve: s.curve, key, time: s.time[i], estimate: s.estimate[i] });
    }
  }

  const x: Json = {
    field: 'time',
    type: 'quantitative',
    title: options.xlab ?? 'Time',
    scale: { domain: [0, xMax], nice: false },
    axis: { values: times },
  };
  const yDomain = options.yDomain ?? defaultYDomain;
  const y: Json = { field: 'estimate', type: 'quantitative', title: options.ylab ?? defaultYlab, scale: yDomain ? { domain: yDomain } : { zero: true } };

  const layers: Json[] = [];
  if (confInt) {
    layers.push({
      mark: { type: 'area', interpolate: 'step-after', opacity: 0.18 },
      encoding: {
        x,
        y: { field: 'lower', type: 'quantitative' },
        y2: { field: 'upper' },
        fill,
        detail: { field: 'series', type: 'nominal' },
      },
    });
  }
  const lineEnc: Json = { x, y, color, detail: { field: 'series', type: 'nominal' } };
  if (dash) lineEnc.strokeDash = dash;
  layers.push({ mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 }, encoding: lineEnc });
  if (censored.length > 0) {
    layers.push({
      data: { values: censored },
      mark: { type: 'tick', orient: 'vertical', size: 7, thickness: 1 },
      encoding: { x, y, fill },
    });
  }

  const curveView: Json = { width, height, data: { values: points }, layer: layers };
  if (!(options.riskTable ?? true)) {
    return topLevel({ ...titleOf(options.title), ...curveView });
  }

  const table: Json[] = [];
  for (const r of risk) {
    for (const t of times) {
      const n = numberAtRisk(r, t);
      table.push({ stratum: r.stratum, key: r.stratum, time: t, atRisk: n === null ? '' : shownCount(n, suppression) });
    }
  }
  const tableColor: Json = colorField === 'stratum' ? fill : { value: 'black' };
  const tableView: Json = {
    width,
    height: 18 * strata.length,
    view: { stroke: null },
    title: { text: 'Number at risk', anchor: 'start', fontSize: 11, fontWeight: 'normal' },
    data: { values: table },
    mark: { type: 'text', fontSize: 11 },
    encoding: {
      x: { field: 'time', type: 'quantitative', scale: { domain: [0, xMax], nice: false }, axis: null },
      // Offset: the counts at time 0 are centred on the y axis and would cover the labels.
      y: { field: 'stratum', type: 'nominal', scale: { domain: strata }, title: null, axis: { domain: false, ticks: false, offset: 22 } },
      text: { field: 'atRisk' },
      fill: tableColor,
    },
  };
  return topLevel({
    ...titleOf(options.title),
    vconcat: [curveView, tableView],
    spacing: 8,
    resolve: { scale: { x: 'shared' } },
  });
}
