// Shared pieces of the plot spec builders: the spec type, count and number formatting (with
// small-cell suppression), nice axis ticks, and text wrapping. Everything here is pure and
// locale-independent so the same result always gives the same spec.
import type { TopLevelSpec } from 'vega-lite';
import { defaultSuppression, suppressCount, type SuppressionSettings } from '../results/suppress.js';

/** A Vega-Lite spec: plain JSON, ready for `vega-lite`'s compile or for renderSvg / renderPng. */
export type PlotSpec = TopLevelSpec;

/** Loosely typed spec fragment; the builders assemble these and are checked by compiling in tests. */
export type Json = Record<string, unknown>;

/** Vega's 'tableau10' colours, given explicitly where two scales must colour the same values alike. */
export const CATEGORY_COLOURS = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Options every builder takes. */
export interface BasePlotOptions {
  title?: string;
  /** Width of the main panel in pixels. */
  width?: number;
  /** Height of the main panel in pixels. */
  height?: number;
}

/** The one place where a fragment becomes a PlotSpec: adds the schema and a white background. */
export function topLevel(spec: Json): PlotSpec {
  return { $schema: VEGA_LITE_SCHEMA, background: 'white', ...spec } as unknown as PlotSpec;
}

/** Title block, or nothing when no title was given. */
export function titleOf(title: string | undefined, subtitle?: string): Json {
  if (title === undefined && subtitle === undefined) return {};
  const t: Json = { text: title ?? '', anchor: 'start' };
  if (subtitle !== undefined) t.subtitle = subtitle;
  return { title: t };
}

/** 1234567 -> '1,234,567' without the locale machinery (whose output may vary between runtimes). */
export function groupThousands(n: number): string {
  const neg = n < 0;
  const s = String(Math.abs(Math.round(n)));
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return neg ? `-${out}` : out;
}

/**
 * A count as it may be shown in a plot of aggregates: 1..minCell-1 become the marker ('<10').
 * Suppression is decided on the raw value (a weighted 9.6 is hidden), then whole counts are shown
 * rounded with thousands separators.
 */
export function shownCount(n: number, suppression: SuppressionSettings = defaultSuppression): string {
  const s = suppressCount(n, suppression);
  return typeof s === 'string' ? s : groupThousands(s);
}

/** Fixed decimals, '-0.00' shown as '0.00'; null/non-finite as 'NA'. */
export function fixed(x: number | null | undefined, digits: number): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'NA';
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** About `count` evenly spaced round ticks (steps of 1, 2 or 5 × 10^k) from 0 to at least `max`. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  const ticks: number[] = [];
  // Round each tick to the step's precision so 0.1 * 3 prints as 0.3.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let k = 0; k * step <= max * (1 + 1e-12); k++) ticks.push(Number((k * step).toFixed(digits)));
  return ticks;
}

/** Greedy word wrap into lines of at most `width` characters (longer words stay whole). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** Distinct values in order of first appearance. */
export function distinct<T>(values: Iterable<T>): T[] {
  const seen = new Set<T>();
  const out: T[] = [];
  for (const v of values) {
    if (!seen.has(v)) {
      seen.add(v);
      out.push(v);
    }
  }
  return out;
}
