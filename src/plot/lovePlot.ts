// Love plot: standardised mean differences of each covariate before and after matching or
// weighting, against a balance threshold.
import { estimateMessages as msg } from '../messages/index.js';
import { titleOf, topLevel, type BasePlotOptions, type Json, type PlotSpec } from './common.js';

export interface BalanceRow {
  covariate: string;
  /** Standardised mean difference in the crude sample; null if not computed. */
  smdBefore: number | null;
  /** Standardised mean difference after matching / weighting; null if not computed. */
  smdAfter: number | null;
}

export interface LovePlotOptions extends BasePlotOptions {
  /** Balance threshold drawn as dashed line(s). Default 0.1. */
  threshold?: number;
  /** Plot |SMD| (one threshold line) rather than signed SMD (lines at ±threshold). Default true. */
  absolute?: boolean;
  /** Row order: as given, or by decreasing |SMD before| (as cobalt's var.order = "unadjusted"). Default 'input'. */
  order?: 'input' | 'before';
  /** Names of the two samples. Default ['Before', 'After']. */
  sampleLabels?: [string, string];
  /** x-axis title. Default 'Absolute standardised mean difference' (or without 'Absolute'). */
  xlab?: string;
}

/** Points for the SMD before and after adjustment per covariate, joined by a grey segment, with threshold lines. */
export function lovePlot(rows: BalanceRow[], options: LovePlotOptions = {}): PlotSpec {
  if (rows.length === 0) throw msg.plotNoData('lovePlot', 'no rows were given');
  const threshold = options.threshold ?? 0.1;
  if (!(Number.isFinite(threshold) && threshold >= 0)) throw msg.plotBadOption('lovePlot', 'threshold', 'a finite number >= 0', threshold);
  const absolute = options.absolute ?? true;
  const [before, after] = options.sampleLabels ?? ['Before', 'After'];
  const names = rows.map((r) => r.covariate);
  const dup = names.find((l, i) => names.indexOf(l) !== i);
  if (dup !== undefined) throw msg.plotBadOption('lovePlot', 'rows', 'rows with distinct covariates', dup);
  for (const r of rows) {
    for (const v of [r.smdBefore, r.smdAfter]) {
      if (v !== null && !Number.isFinite(v)) throw msg.plotBadOption('lovePlot', `rows (${r.covariate})`, 'finite numbers or null', v);
    }
  }
  const tr = (v: number | null) => (v === null ? null : absolute ? Math.abs(v) : v);
  let ordered = rows;
  if ((options.order ?? 'input') === 'before') {
    // Stable sort by decreasing |SMD before|; missing values last.
    ordered = rows
      .map((r, i) => ({ r, i, k: r.smdBefore === null ? -1 : Math.abs(r.smdBefore) }))
      .sort((a, b) => b.k - a.k || a.i - b.i)
      .map((x) => x.r);
  }
  const covariates = ordered.map((r) => r.covariate);
  const points: Json[] = [];
  const segments: Json[] = [];
  for (const r of ordered) {
    const b = tr(r.smdBefore);
    const a = tr(r.smdAfter);
    if (b !== null) points.push({ covariate: r.covariate, sample: before, smd: b });
    if (a !== null) points.push({ covariate: r.covariate, sample: after, smd: a });
    if (b !== null && a !== null) segments.push({ covariate: r.covariate, from: b, to: a });
  }
  let maxAbs = threshold;
  for (const p of points) maxAbs = Math.max(maxAbs, Math.abs(p.smd as number));
  const domain = absolute ? [0, maxAbs * 1.05] : [-maxAbs * 1.05, maxAbs * 1.05];
  const lines = absolute ? [{ at: 0, kind: 'zero' }, { at: threshold, kind: 'threshold' }] : [{ at: 0, kind: 'zero' }, { at: -threshold, kind: 'threshold' }, { at: threshold, kind: 'threshold' }];

  const y: Json = { field: 'covariate', type: 'nominal', title: null, scale: { domain: covariates } };
  const x: Json = {
    field: 'smd',
    type: 'quantitative',
    title: options.xlab ?? (absolute ? 'Absolute standardised mean difference' : 'Standardised mean difference'),
    scale: { domain, nice: false, zero: false },
  };
  return topLevel({
    ...titleOf(options.title, `Threshold ${threshold}`),
    width: options.width ?? 360,
    height: options.height ?? Math.max(60, 20 * rows.length),
    layer: [
      {
        data: { values: lines },
        mark: { type: 'rule' },
        encoding: {
          x: { ...x, field: 'at' },
          strokeDash: { condition: { test: "datum.kind === 'threshold'", value: [4, 3] }, value: [1, 0] },
          color: { condition: { test: "datum.kind === 'threshold'", value: '#c00' }, value: '#888' },
        },
      },
      { data: { values: segments }, mark: { type: 'rule', color: '#bbb' }, encoding: { x: { ...x, field: 'from' }, x2: { field: 'to' }, y } },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 55 },
        encoding: {
          x,
          y,
          color: { field: 'sample', type: 'nominal', title: null, scale: { domain: [before, after], range: ['#e45756', '#4c78a8'] } },
          shape: { field: 'sample', type: 'nominal', title: null, scale: { domain: [before, after], range: ['circle', 'triangle-up'] } },
        },
      },
    ],
  });
}
