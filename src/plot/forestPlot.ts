// Forest plot: one row per estimate (point and confidence interval) against a reference line, with
// the numbers written out in a column on the right.
import { estimateMessages as msg } from '../messages/index.js';
import type { CoxphResult } from '../estimate/coxph.js';
import { fixed, titleOf, topLevel, type BasePlotOptions, type Json, type PlotSpec } from './common.js';

export interface ForestRow {
  label: string;
  /** null (e.g. an aliased Cox coefficient) shows the row with 'NA' and no mark. */
  estimate: number | null;
  lower: number | null;
  upper: number | null;
}

export interface ForestPlotOptions extends BasePlotOptions {
  /** Where the vertical reference line is (no effect). Default 1. */
  reference?: number;
  /** Log scale for the x axis (ratios). Default true. */
  log?: boolean;
  /** x-axis title. Default 'Hazard ratio (95% CI)'. */
  xlab?: string;
  /** Decimals of the written estimates. Default 2. */
  digits?: number;
}

/** Forest rows of a Cox fit: hazard ratios with their limits, in term order; `labels` renames terms. */
export function forestRowsFromCox(fit: Pick<CoxphResult, 'terms' | 'hr' | 'lower' | 'upper'>, options: { labels?: Record<string, string> } = {}): ForestRow[] {
  return fit.terms.map((term, i) => ({
    label: options.labels?.[term] ?? term,
    estimate: fit.hr[i] ?? null,
    lower: fit.lower[i] ?? null,
    upper: fit.upper[i] ?? null,
  }));
}

/** Candidate log-axis ticks: 1, 2, 5 x 10^k, or a finer 1, 1.5, 2, 3, 5, 7 x 10^k in a narrow range. */
function logTicks(lo: number, hi: number, reference: number): number[] {
  const pick = (mantissas: number[]) => {
    const out: number[] = [];
    for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)); k++) {
      for (const m of mantissas) {
        const v = Number((m * 10 ** k).toPrecision(3));
        if (v >= lo && v <= hi) out.push(v);
      }
    }
    return out;
  };
  let ticks = pick([1, 2, 5]);
  if (ticks.length < 4) ticks = pick([1, 1.5, 2, 3, 5, 7]);
  if (ticks.length < 4) ticks = pick([1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 7, 8, 9]);
  if (!ticks.includes(reference)) ticks.push(reference);
  return ticks.sort((a, b) => a - b);
}

/**
 * Estimates with confidence intervals as points and horizontal bars, one row per label in input
 * order, a dashed reference line, and 'estimate (lower–upper)' written on the right.
 */
export function forestPlot(rows: ForestRow[], options: ForestPlotOptions = {}): PlotSpec {
  if (rows.length === 0) throw msg.plotNoData('forestPlot', 'no rows were given');
  const reference = options.reference ?? 1;
  const log = options.log ?? true;
  const digits = options.digits ?? 2;
  const labels = rows.map((r) => r.label);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup !== undefined) throw msg.plotBadOption('forestPlot', 'rows', 'rows with distinct labels', dup);
  if (log && !(reference > 0)) throw msg.plotBadOption('forestPlot', 'reference', 'a number > 0 on a log scale', reference);

  let lo = reference;
  let hi = reference;
  for (const r of rows) {
    for (const v of [r.estimate, r.lower, r.upper]) {
      if (v === null) continue;
      if (!Number.isFinite(v) || (log && !(v > 0))) throw msg.plotBadOption('forestPlot', `rows (${r.label})`, log ? 'finite numbers > 0 or null on a log scale' : 'finite numbers or null', v);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  // A little room on both sides: multiplicative on a log scale.
  const domain = log ? [lo / 1.1, hi * 1.1] : [lo - 0.05 * (hi - lo || 1), hi + 0.05 * (hi - lo || 1)];
  const values = rows.map((r) => ({
    label: r.label,
    estimate: r.estimate,
    lower: r.lower,
    upper: r.upper,
    text: r.estimate === null ? 'NA' : `${fixed(r.estimate, digits)} (${fixed(r.lower, digits)}–${fixed(r.upper, digits)})`,
  }));

  const height = options.height ?? Math.max(60, 24 * rows.length);
  const y: Json = { field: 'label', type: 'nominal', title: null, scale: { domain: labels } };
  const xScale: Json = log ? { type: 'log', domain, nice: false } : { domain, nice: false, zero: false };
  const xAxis: Json = log ? { values: logTicks(domain[0]!, domain[1]!, reference), grid: false } : { grid: false };
  const x: Json = { field: 'estimate', type: 'quantitative', title: options.xlab ?? 'Hazard ratio (95% CI)', scale: xScale, axis: xAxis };
  const plot: Json = {
    width: options.width ?? 360,
    height,
    layer: [
      { data: { values: [{ reference }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#888' }, encoding: { x: { ...x, field: 'reference' } } },
      {
        transform: [{ filter: { field: 'lower', valid: true } }, { filter: { field: 'upper', valid: true } }],
        mark: { type: 'rule', strokeWidth: 1.5, color: 'black' },
        encoding: { x: { ...x, field: 'lower' }, x2: { field: 'upper' }, y },
      },
      {
        transform: [{ filter: { field: 'estimate', valid: true } }],
        mark: { type: 'point', shape: 'square', filled: true, size: 50, color: 'black' },
        encoding: { x, y },
      },
    ],
  };
  const text: Json = {
    width: 130,
    height,
    view: { stroke: null },
    title: { text: 'Estimate (95% CI)', fontSize: 11, anchor: 'start' },
    mark: { type: 'text', align: 'left', fontSize: 11 },
    encoding: {
      y: { ...y, axis: null },
      text: { field: 'text' },
      x: { value: 0 },
    },
  };
  return topLevel({
    ...titleOf(options.title),
    data: { values },
    hconcat: [plot, text],
    spacing: 8,
    resolve: { scale: { y: 'shared' } },
  });
}
