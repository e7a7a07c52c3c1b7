// State-occupation probabilities of a competing-risks analysis as stacked areas: event-free at the
// top, then each cause, adding up to 1 at every time.
import { estimateMessages as msg } from '../messages/index.js';
import type { AalenJohansenResult } from '../estimate/aalenJohansen.js';
import { niceTicks, titleOf, topLevel, type BasePlotOptions, type Json, type PlotSpec } from './common.js';

export interface AalenJohansenStackedPlotOptions extends BasePlotOptions {
  /** x-axis title. Default 'Time'. */
  xlab?: string;
  /** y-axis title. Default 'Probability'. */
  ylab?: string;
  /** Display names by cause code. Default 'Cause k'. */
  causeLabels?: Record<number, string>;
  /** Name of the initial state. Default 'Event-free'. */
  eventFreeLabel?: string;
  /** Only these strata (labels as in the result). Default: all, one panel each when several. */
  strata?: string[];
}

/**
 * Stacked step areas of P(event-free), P(failed from cause 1), ... over time from an aalenJohansen
 * result; several strata give one panel each (facets, 2 columns).
 */
export function aalenJohansenStackedPlot(result: AalenJohansenResult, options: AalenJohansenStackedPlotOptions = {}): PlotSpec {
  const strata = options.strata ? result.strata.filter((s) => options.strata!.includes(s.label)) : result.strata;
  if (options.strata) {
    for (const l of options.strata) {
      if (!result.strata.some((s) => s.label === l)) throw msg.plotBadOption('aalenJohansenStackedPlot', 'strata', `labels among ${result.strata.map((s) => s.label).join(', ')}`, l);
    }
  }
  if (strata.length === 0) throw msg.plotNoData('aalenJohansenStackedPlot', 'the result has no strata');
  const eventFree = options.eventFreeLabel ?? 'Event-free';
  const causeName = (k: number) => options.causeLabels?.[k] ?? `Cause ${k}`;
  const states = [eventFree, ...result.settings.causes.map(causeName)];
  // Stacking position from the bottom: cause 1, cause 2, ..., event-free on top.
  const stackOrder = (k: number) => (k === 0 ? states.length - 1 : k - 1);

  const values: Json[] = [];
  let maxTime = 0;
  for (const s of strata) {
    // Start at time 0 in the initial state.
    states.forEach((state, k) => values.push({ stratum: s.label, state, order: stackOrder(k), time: 0, probability: k === 0 ? 1 : 0 }));
    for (let i = 0; i < s.time.length; i++) {
      values.push({ stratum: s.label, state: eventFree, order: stackOrder(0), time: s.time[i], probability: s.survival.surv[i] });
      for (const c of s.causes) {
        const k = result.settings.causes.indexOf(c.cause) + 1;
        values.push({ stratum: s.label, state: states[k], order: stackOrder(k), time: s.time[i], probability: c.cumulativeIncidence[i] });
      }
    }
    if (s.time.length > 0) maxTime = Math.max(maxTime, s.time[s.time.length - 1]!);
  }

  const encoding: Json = {
    x: { field: 'time', type: 'quantitative', title: options.xlab ?? 'Time', scale: { domain: [0, maxTime], nice: false }, axis: { values: niceTicks(maxTime) } },
    y: { field: 'probability', type: 'quantitative', title: options.ylab ?? 'Probability', stack: 'zero', scale: { domain: [0, 1] } },
    // Fixed colours: event-free light grey, then one colour per cause.
    color: {
      field: 'state',
      type: 'nominal',
      title: null,
      scale: { domain: states, range: ['#d9d9d9', '#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d'] },
      sort: states,
    },
    order: { field: 'order', type: 'quantitative' },
  };
  const unit: Json = {
    width: options.width ?? (strata.length > 1 ? 320 : 480),
    height: options.height ?? (strata.length > 1 ? 220 : 300),
    mark: { type: 'area', interpolate: 'step-after' },
    encoding,
  };
  if (strata.length === 1) {
    const subtitle = strata[0]!.label === 'all' ? undefined : strata[0]!.label;
    return topLevel({ ...titleOf(options.title, subtitle), data: { values }, ...unit });
  }
  return topLevel({
    ...titleOf(options.title),
    data: { values },
    facet: { field: 'stratum', type: 'nominal', title: null, sort: strata.map((s) => s.label) },
    columns: 2,
    spec: unit,
  });
}
