// Incidence rates with confidence intervals by one stratum variable (e.g. age band), one line per
// value of a second (e.g. calendar period), optionally one panel per value of a third.
import { estimateMessages as msg } from '../messages/index.js';
import type { IncidenceRateRow, IncidenceRatesResult } from '../estimate/incidenceRates.js';
import { distinct, groupThousands, titleOf, topLevel, type BasePlotOptions, type Json, type PlotSpec } from './common.js';

export interface IncidencePlotOptions extends BasePlotOptions {
  /** Strata column on the x axis (e.g. 'ageBand'), in the result's order. */
  x: string;
  /** Strata column drawn as one line per value (e.g. 'calendarPeriod'). */
  series?: string;
  /** Strata column with one panel per value. */
  facet?: string;
  /** Display labels of stratum values, per column (as incidenceRates' levelLabels / lexisSplit's levelLabels). */
  levelLabels?: Record<string, Record<string, string>>;
  /** Log scale for the rates. Default false. */
  log?: boolean;
  xlab?: string;
  /** Default 'Incidence rate per <per> person-time' (from the result's settings). */
  ylab?: string;
}

/**
 * Points with confidence bars of incidence rates across `x`, joined by lines per `series` value
 * (dodged a little so the bars do not overlap), from incidenceRates strata rows; rows with no
 * person-time (null rate) are left out. Every strata column must be one of x, series and facet.
 */
export function incidencePlot(result: IncidenceRatesResult | IncidenceRateRow[], options: IncidencePlotOptions): PlotSpec {
  const rows = Array.isArray(result) ? result : result.strata;
  const per = Array.isArray(result) ? null : result.settings.per;
  const used = [options.x, options.series, options.facet].filter((c): c is string => c !== undefined);
  if (rows.length === 0) throw msg.plotNoData('incidencePlot', 'no rate rows were given');
  for (const r of rows) {
    for (const c of used) if (!(c in r.stratum)) throw msg.plotBadOption('incidencePlot', 'x/series/facet', `strata columns of the rows (${Object.keys(r.stratum).join(', ')})`, c);
    for (const c of Object.keys(r.stratum)) {
      if (!used.includes(c)) throw msg.plotBadOption('incidencePlot', 'x/series/facet', `a choice covering every strata column, ${c} included`, used.join(', '));
    }
  }
  const show = (column: string, v: string | number | boolean) => options.levelLabels?.[column]?.[String(v)] ?? String(v);
  const values: Json[] = [];
  for (const r of rows) {
    if (r.rate === null) continue;
    const v: Json = { x: show(options.x, r.stratum[options.x]!), rate: r.rate, lower: r.lower, upper: r.upper, events: r.events };
    if (options.series) v.series = show(options.series, r.stratum[options.series]!);
    if (options.facet) v.facet = show(options.facet, r.stratum[options.facet]!);
    values.push(v);
  }
  if (values.length === 0) throw msg.plotNoData('incidencePlot', 'every row has no person-time');
  // Orders of first appearance: the result's strata come in R factor order.
  const xOrder = distinct(rows.map((r) => show(options.x, r.stratum[options.x]!)));
  const seriesOrder = options.series ? distinct(rows.map((r) => show(options.series!, r.stratum[options.series!]!))) : [];
  const facetOrder = options.facet ? distinct(rows.map((r) => show(options.facet!, r.stratum[options.facet!]!))) : [];

  const log = options.log ?? false;
  const ylab = options.ylab ?? (per === null ? 'Incidence rate' : `Incidence rate per ${groupThousands(per)} person-time`);
  const x: Json = { field: 'x', type: 'ordinal', title: options.xlab ?? options.x, scale: { domain: xOrder }, axis: { labelAngle: 0 } };
  const y: Json = { field: 'rate', type: 'quantitative', title: ylab, scale: log ? { type: 'log' } : { zero: true } };
  const enc = (extra: Json): Json => {
    const e: Json = { x, ...extra };
    if (options.series) {
      e.color = { field: 'series', type: 'nominal', title: options.series, scale: { domain: seriesOrder } };
      e.xOffset = { field: 'series', type: 'nominal', scale: { domain: seriesOrder } };
    }
    return e;
  };
  const unit: Json = {
    width: options.width ?? Math.max(240, 60 * xOrder.length),
    height: options.height ?? 260,
    layer: [
      { mark: { type: 'rule' }, encoding: enc({ y: { ...y, field: 'lower' }, y2: { field: 'upper' } }) },
      { mark: { type: 'line', point: { filled: true, size: 40 } }, encoding: enc({ y }) },
    ],
  };
  if (!options.facet) return topLevel({ ...titleOf(options.title), data: { values }, ...unit });
  return topLevel({
    ...titleOf(options.title),
    data: { values },
    facet: { field: 'facet', type: 'nominal', title: options.facet, sort: facetOrder },
    columns: 2,
    spec: unit,
  });
}
