import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CohorteError } from '../../src/messages/index.js';
import { aalenJohansenStackedPlot } from '../../src/plot/aalenJohansenStackedPlot.js';
import { attritionPlot } from '../../src/plot/attritionPlot.js';
import { forestPlot, forestRowsFromCox } from '../../src/plot/forestPlot.js';
import { dejaVuTextWidth } from '../../src/plot/fontMetrics.js';
import { incidencePlot } from '../../src/plot/incidencePlot.js';
import { cumulativeIncidencePlot, kaplanMeierPlot } from '../../src/plot/kaplanMeierPlot.js';
import { lovePlot } from '../../src/plot/lovePlot.js';
import { defaultFontFiles, renderPng, renderSvg } from '../../src/plot/render.js';
import { swimmerPlot } from '../../src/plot/swimmerPlot.js';
import { ageLabels, ajFixture, attritionFixture, balanceFixture, coxFixture, kmFixture, ratesFixture, swimmerFixture } from './fixtures.js';
import { expectGoldenText } from './golden.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Width and height from the PNG's IHDR chunk (bytes 16-23, big-endian). */
const pngSize = (png: Uint8Array) => {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
};
const svgSize = (svg: string) => [Number(/width="(\d+)"/.exec(svg)![1]), Number(/height="(\d+)"/.exec(svg)![1])];

// PNG rendering needs the DejaVu fonts (Debian package fonts-dejavu-core): no skipping without
// them, a missing font must fail loudly.
it('the default font files are installed (Debian fonts-dejavu-core)', () => {
  for (const f of defaultFontFiles) expect(existsSync(f), f).toBe(true);
});

describe('renderSvg', () => {
  it('Kaplan-Meier: an SVG document with the title, the curves and the suppressed table (golden, deterministic)', async () => {
    const spec = kaplanMeierPlot(kmFixture(), { title: 'Overall survival' });
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('>Overall survival</text>');
    expect(svg).toContain('>Number at risk</text>');
    expect(svg).toContain('>&lt;10</text>');
    expect(svg).toContain('>arm=A</text>');
    expect(svg).toContain('role-mark'); // marks drawn
    expect(svg).toContain('class="mark-line');
    expect(svg).toContain('class="mark-area');
    // Same spec -> same bytes, also after rendering something else in between (clip ids restart).
    await renderSvg(forestPlot(forestRowsFromCox(coxFixture())));
    expect(await renderSvg(spec)).toBe(svg);
    expectGoldenText('kaplanMeierPlot.svg', svg);
  });

  it('forest plot (golden, deterministic)', async () => {
    const spec = forestPlot(forestRowsFromCox(coxFixture()), { title: 'Cox model' });
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>Cox model</text>');
    expect(svg).toContain('>0.60 (0.43–0.83)</text>');
    expect(await renderSvg(spec)).toBe(svg);
    expectGoldenText('forestPlot.svg', svg);
  });

  it('every builder renders, with its title', async () => {
    const specs = [
      kaplanMeierPlot(kmFixture(), { title: 'T1' }),
      cumulativeIncidencePlot(ajFixture(['arm=A', 'arm=B']), { title: 'T2' }),
      aalenJohansenStackedPlot(ajFixture(), { title: 'T3' }),
      forestPlot(forestRowsFromCox(coxFixture()), { title: 'T4' }),
      attritionPlot(attritionFixture(), { title: 'T5' }),
      lovePlot(balanceFixture(), { title: 'T6' }),
      incidencePlot(ratesFixture(), { x: 'ageBand', series: 'period', levelLabels: ageLabels, title: 'T7' }),
      swimmerPlot(swimmerFixture(), { title: 'T8' }),
    ];
    for (const [i, spec] of specs.entries()) {
      const svg = await renderSvg(spec);
      expect(svg.startsWith('<svg'), `spec ${i}`).toBe(true);
      expect(svg, `spec ${i}`).toContain(`>T${i + 1}</text>`);
    }
  });

  it('measures text with DejaVu Sans widths', () => {
    // 'A' is 1401/2048 em, space 651/2048 em; unknown characters count 0.62 em.
    expect(dejaVuTextWidth('A', 2048)).toBeCloseTo(1401, 0);
    expect(dejaVuTextWidth('A A', 10)).toBeCloseTo(10 * (2 * 0.6841 + 0.3179), 9);
    expect(dejaVuTextWidth('中', 10)).toBeCloseTo(6.2, 9);
    expect(dejaVuTextWidth('Time', 11, true)).toBeGreaterThan(dejaVuTextWidth('Time', 11));
  });
});

describe('renderPng', () => {
  it('a PNG image of the SVG size times the scale, byte-identical across calls', async () => {
    const spec = kaplanMeierPlot(kmFixture(), { title: 'Overall survival' });
    const svg = await renderSvg(spec);
    const png = await renderPng(spec);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual(svgSize(svg));
    expect(Buffer.from(await renderPng(spec)).equals(Buffer.from(png))).toBe(true);
    const png2 = await renderPng(spec, { scale: 2 });
    expect(pngSize(png2)).toEqual(svgSize(svg).map((n) => 2 * n));
    expect(Buffer.from(await renderPng(spec, { scale: 2 })).equals(Buffer.from(png2))).toBe(true);
  });

  it('text is drawn: titles of equal width ("bdbd", "dbdb") give different images', async () => {
    // b and d have the same advance width, so the layouts are identical: only the glyphs differ.
    expect(dejaVuTextWidth('bdbd', 13, true)).toBe(dejaVuTextWidth('dbdb', 13, true));
    const one = await renderPng(lovePlot(balanceFixture(), { title: 'bdbd' }));
    const two = await renderPng(lovePlot(balanceFixture(), { title: 'dbdb' }));
    expect(pngSize(one)).toEqual(pngSize(two));
    expect(Buffer.from(one).equals(Buffer.from(two))).toBe(false);
  });

  it('fails clearly without font files, and on a bad scale', async () => {
    const spec = lovePlot(balanceFixture());
    await expect(renderPng(spec, { fontFiles: ['/nonexistent/font.ttf'] })).rejects.toThrow(CohorteError);
    await expect(renderPng(spec, { fontFiles: ['/nonexistent/font.ttf'] })).rejects.toThrow(/fonts-dejavu-core/);
    await expect(renderPng(spec, { scale: 0 })).rejects.toThrow(/scale/);
  });
});
