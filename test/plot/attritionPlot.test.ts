import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttritionRow } from '../../src/cohort/attrition.js';
import { attritionPlot } from '../../src/plot/attritionPlot.js';
import { compileVega } from '../../src/plot/render.js';
import { attritionFixture } from './fixtures.js';
import { expectGoldenJson } from './golden.js';

/** Every text drawn in the boxes. */
function texts(spec: unknown): string[] {
  const layers = (spec as { layer: Array<{ mark: { type: string }; data: { values: Array<{ text?: string }> } }> }).layer;
  return layers.filter((l) => l.mark.type === 'text').flatMap((l) => l.data.values.map((v) => v.text!));
}

/** The numbers shown after 'Persons: ' / 'Records: '. */
function shownCounts(spec: unknown): string[] {
  return texts(spec).flatMap((t) => [...t.matchAll(/(?:Persons|Records): (\S+)/g)].map((m) => m[1]!));
}

describe('attritionPlot', () => {
  it('matches the golden spec and compiles without warnings', () => {
    const spec = attritionPlot(attritionFixture(), { title: 'Study population' });
    expectGoldenJson('attritionPlot', spec);
    expect(compileVega(spec).warnings).toEqual([]);
  });

  it('step boxes with what remained, exclusion boxes only where a step removed someone; 1-9 as <10', () => {
    // Descriptions wrap at floor((280 - 2 * 8) / 6.2) = 42 characters.
    const spec = attritionPlot(attritionFixture());
    // Bold (descriptions, 'Excluded') and plain texts are two layers: compare as sets.
    expect(texts(spec).sort()).toEqual([
      'Persons with a statin dispensing in\n2010-2019',
      'Persons: 125,000\nRecords: 380,000',
      'Excluded',
      'Persons: 27,000\nRecords: 282,000',
      'first dispensing in the study period (new\nusers, 1-year washout)',
      'Persons: 98,000\nRecords: 98,000',
      'Excluded',
      'Persons: <10\nRecords: <10', // 5 excluded
      'at least 365 days of observation before\nindex',
      'Persons: 97,995\nRecords: 97,995',
      // step 3 excluded no one: no exclusion box
      'aged 40 or over at index',
      'Persons: 97,995\nRecords: 97,995',
      'Excluded',
      'Persons: 97,988\nRecords: 97,988',
      'with a rare inclusion criterion',
      'Persons: <10\nRecords: <10', // 7 remain
    ].sort());
  });

  it('property: no box shows a count from 1 to 9', () => {
    const counts = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 2_000_000 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(counts, counts, counts, counts), { minLength: 1, maxLength: 6 }), (steps) => {
        const rows: AttritionRow[] = steps.map(([p, r, ep, er], i) => ({ step: i, description: `step ${i}`, persons: p, records: r, excludedPersons: ep, excludedRecords: er }));
        for (const shown of shownCounts(attritionPlot(rows))) {
          if (shown === '<10') continue;
          const n = Number(shown.replace(/,/g, ''));
          expect(n === 0 || n >= 10, `shown ${shown}`).toBe(true);
        }
      }),
    );
  });

  it('rejects an empty table', () => {
    expect(() => attritionPlot([])).toThrow(/no rows/);
  });
});
