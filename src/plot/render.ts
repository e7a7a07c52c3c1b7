// Render a Vega-Lite spec to SVG (Vega's headless renderer) and to PNG (resvg), without a browser.
// Deterministic: Vega's SVG definition ids are reset before each render, text is measured with
// DejaVu Sans's glyph widths from a table in the code (never a canvas or the machine's fonts), and
// resvg uses only the font files given, never the system's.
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { estimateMessages as msg } from '../messages/index.js';
import type { PlotSpec } from './common.js';
import { dejaVuTextWidth } from './fontMetrics.js';

/** Where Debian's fonts-dejavu-core puts DejaVu Sans (regular and bold, as Vega titles are bold). */
export const defaultFontFiles = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'];

export interface RenderPngOptions {
  /** Pixel density: 2 gives an image twice the spec's size. Default 1. */
  scale?: number;
  /** Font files (TTF/OTF) for every text; default: DejaVu Sans from fonts-dejavu-core. */
  fontFiles?: string[];
  /** Family name inside those files, used for 'sans-serif' and as the default. Default 'DejaVu Sans'. */
  fontFamily?: string;
}

/** The spec compiled to Vega and rendered to an SVG document (a string starting with '<svg'). */
export async function renderSvg(spec: PlotSpec): Promise<string> {
  useDejaVuMetrics();
  const compiled = compileVega(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.None });
  try {
    // Clip-path and gradient ids come from module-level counters: restart them for each SVG.
    vega.resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The spec rendered to a PNG image (bytes). */
export async function renderPng(spec: PlotSpec, options: RenderPngOptions = {}): Promise<Uint8Array> {
  const scale = options.scale ?? 1;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 20)) throw msg.plotBadOption('renderPng', 'scale', 'a number > 0 and <= 20', scale);
  const fontFiles = (options.fontFiles ?? defaultFontFiles).filter((f) => existsSync(f));
  if (fontFiles.length === 0) throw msg.plotNoFont(options.fontFiles ?? defaultFontFiles);
  const family = options.fontFamily ?? 'DejaVu Sans';
  const svg = await renderSvg(spec);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: {
      fontFiles,
      loadSystemFonts: false,
      defaultFontFamily: family,
      sansSerifFamily: family,
      serifFamily: family,
      monospaceFamily: family,
    },
    logLevel: 'off',
  });
  return new Uint8Array(resvg.render().asPng());
}

/** The spec compiled to a Vega spec, with Vega-Lite's warnings (collected, not printed). */
export function compileVega(spec: PlotSpec): { spec: vega.Spec; warnings: string[] } {
  const warnings: string[] = [];
  let level = 0;
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: unknown[]): never {
      throw new Error(args.map(String).join(' '));
    },
    warn(...args: unknown[]) {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return { spec: vl.compile(spec, { logger: logger as never }).spec, warnings };
}

interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number;
}

/**
 * Make Vega measure text with DejaVu Sans's widths (Vega's documented hook for a custom measure, as
 * vl-convert does). Process-wide: any Vega view rendered afterwards measures the same way.
 */
function useDejaVuMetrics(): void {
  // Exported by vega (from vega-scenegraph) but missing from its typings.
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;
  metrics.width = (item: TextItem, text: unknown) => {
    const size = item.fontSize !== undefined && item.fontSize !== null ? Number(item.fontSize) || 0 : 11;
    const w = item.fontWeight;
    const bold = w === 'bold' || w === 'bolder' || (typeof w === 'number' && w >= 600) || (typeof w === 'string' && Number(w) >= 600);
    const width = dejaVuTextWidth(text === null || text === undefined ? '' : String(text).trim(), size, bold);
    // Vega truncates text longer than `limit` (with an ellipsis) to about the limit.
    return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
}
