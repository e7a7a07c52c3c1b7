// Study flowchart from an attrition table: one box per step (what remained), an arrow down to the
// next, and a box at the side with what each step excluded. Counts 1-9 are shown as '<10'.
import { estimateMessages as msg } from '../messages/index.js';
import type { AttritionRow } from '../cohort/attrition.js';
import { defaultSuppression, type SuppressionSettings } from '../results/suppress.js';
import { shownCount, titleOf, topLevel, wrapText, type Json, type PlotSpec } from './common.js';

export interface AttritionPlotOptions {
  title?: string;
  /** Small-cell rule for every count in the boxes. Default: 1-9 shown as '<10'. */
  suppression?: SuppressionSettings;
  /** Width of a step box in pixels. Default 280. */
  boxWidth?: number;
}

const LINE = 14; // pixels per text line
const PAD = 8; // inner margin of a box
const GAP = 26; // smallest vertical space between two step boxes
const SIDE = 40; // horizontal space between a step box and its exclusion box

/**
 * A flowchart of attrition rows (addAttritionStep): step boxes with the description and the
 * persons and records remaining, and for each step that removed something, an exclusion box at
 * the side with the persons and records excluded. Drawn in pixel coordinates (axes hidden).
 */
export function attritionPlot(rows: AttritionRow[], options: AttritionPlotOptions = {}): PlotSpec {
  if (rows.length === 0) throw msg.plotNoData('attritionPlot', 'the attrition table has no rows');
  const suppression = options.suppression ?? defaultSuppression;
  const boxW = options.boxWidth ?? 280;
  if (!(Number.isFinite(boxW) && boxW >= 120)) throw msg.plotBadOption('attritionPlot', 'boxWidth', 'a number >= 120', boxW);
  const exclW = Math.round(boxW * 0.8);
  // Characters per line: about 6.2 px per character at font size 11.
  const chars = (w: number) => Math.max(10, Math.floor((w - 2 * PAD) / 6.2));
  const mainX = 2;
  const exclX = mainX + boxW + SIDE;
  const totalW = exclX + exclW + 2;

  const boxes: Json[] = [];
  const texts: Json[] = [];
  const arrows: Json[] = [];
  const heads: Json[] = [];
  let y = 2;
  let prevBottom = 0;
  rows.forEach((r, i) => {
    const excluded = i > 0 && (r.excludedPersons !== 0 || r.excludedRecords !== 0);
    const exclLines = excluded ? [`Persons: ${shownCount(r.excludedPersons, suppression)}`, `Records: ${shownCount(r.excludedRecords, suppression)}`] : [];
    const exclH = excluded ? (1 + exclLines.length) * LINE + 2 * PAD : 0;
    if (i > 0) {
      const gap = Math.max(GAP, exclH + 16);
      const top = prevBottom + gap;
      arrows.push({ x: mainX + boxW / 2, y: prevBottom, x2: mainX + boxW / 2, y2: top - 1 });
      heads.push({ x: mainX + boxW / 2, y: top - 4, shape: 'triangle-down' });
      if (excluded) {
        const mid = prevBottom + gap / 2;
        const ey = mid - exclH / 2;
        arrows.push({ x: mainX + boxW / 2, y: mid, x2: exclX - 1, y2: mid });
        heads.push({ x: exclX - 4, y: mid, shape: 'triangle-right' });
        boxes.push({ x: exclX, y: ey, x2: exclX + exclW, y2: ey + exclH, kind: 'excluded' });
        texts.push({ x: exclX + exclW / 2, y: ey + PAD, text: 'Excluded', weight: 'bold' });
        texts.push({ x: exclX + exclW / 2, y: ey + PAD + LINE, text: exclLines.join('\n'), weight: 'normal' });
      }
      y = top;
    }
    const desc = wrapText(r.description, chars(boxW));
    const counts = [`Persons: ${shownCount(r.persons, suppression)}`, `Records: ${shownCount(r.records, suppression)}`];
    const h = (desc.length + counts.length) * LINE + 2 * PAD;
    boxes.push({ x: mainX, y, x2: mainX + boxW, y2: y + h, kind: 'step' });
    texts.push({ x: mainX + boxW / 2, y: y + PAD, text: desc.join('\n'), weight: 'bold' });
    texts.push({ x: mainX + boxW / 2, y: y + PAD + desc.length * LINE, text: counts.join('\n'), weight: 'normal' });
    prevBottom = y + h;
  });
  const totalH = prevBottom + 2;

  // Pixel coordinates: x to the right, y downwards, both 1 unit = 1 pixel.
  const px = (field: string): Json => ({ field, type: 'quantitative', scale: { domain: [0, totalW], range: [0, totalW] }, axis: null });
  const py = (field: string): Json => ({ field, type: 'quantitative', scale: { domain: [0, totalH], range: [0, totalH] }, axis: null });
  return topLevel({
    ...titleOf(options.title),
    width: totalW,
    height: totalH,
    view: { stroke: null },
    layer: [
      {
        data: { values: boxes },
        mark: { type: 'rect', stroke: '#333', strokeWidth: 1, cornerRadius: 3 },
        encoding: {
          x: px('x'),
          x2: { field: 'x2' },
          y: py('y'),
          y2: { field: 'y2' },
          fill: { condition: { test: "datum.kind === 'excluded'", value: '#f3f3f3' }, value: 'white' },
        },
      },
      { data: { values: arrows }, mark: { type: 'rule', color: '#333' }, encoding: { x: px('x'), x2: { field: 'x2' }, y: py('y'), y2: { field: 'y2' } } },
      {
        data: { values: heads },
        mark: { type: 'point', filled: true, size: 40, color: '#333', opacity: 1 },
        encoding: { x: px('x'), y: py('y'), shape: { field: 'shape', type: 'nominal', scale: null, legend: null } },
      },
      ...(['bold', 'normal'] as const).map((weight) => ({
        data: { values: texts.filter((t) => t.weight === weight) },
        mark: { type: 'text', align: 'center', baseline: 'top', fontSize: 11, fontWeight: weight, lineBreak: '\n', lineHeight: LINE },
        encoding: { x: px('x'), y: py('y'), text: { field: 'text' } },
      })),
    ],
  });
}
