import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { displayTable } from '../../src/results/display.js';
import { CohorteError } from '../../src/messages/index.js';

// The body cells as text, to compare with hand-written expectations.
const bodyCells = (html: string): string[][] =>
  [...html.matchAll(/<tr>(.*?)<\/tr>/g)].slice(1).map((m) => [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!));

describe('displayTable', () => {
  it('masks counts 1..9 in the count columns and keeps 0, 10+ and other numbers', () => {
    const html = displayTable(
      [
        { arm: 'VKA', entries: 0, events: 3, rate: 4.5 },
        { arm: 'DOAC', entries: 9, events: 10, rate: 7 },
        { arm: 'both', entries: 1234, events: 12, rate: 0.12345 },
      ],
      { countColumns: ['entries'] },
    );
    // 'events' is a count by its name even when not listed.
    expect(bodyCells(html)).toEqual([
      ['VKA', '0', '&lt;10', '4.500'],
      ['DOAC', '&lt;10', '10', '7'],
      ['both', '1234', '12', '0.123'],
    ]);
    expect(html).toContain('<th>arm</th><th>entries</th><th>events</th><th>rate</th>');
  });

  it('blanks the derived columns of a row whose count is masked', () => {
    const rows = [
      { arm: 'VKA', events: 4, years: 64.4, rate: 62.1 },
      { arm: 'DOAC', events: 12, years: 94, rate: 127.7 },
      { arm: 'none', events: 0, years: 10, rate: 0 },
    ];
    expect(bodyCells(displayTable(rows, { derivedColumns: ['years', 'rate'], digits: 1 }))).toEqual([
      ['VKA', '&lt;10', '', ''],
      ['DOAC', '12', '94', '127.7'],
      ['none', '0', '10', '0'],
    ]);
    // A masked count hidden from the columns still blanks its row.
    expect(bodyCells(displayTable(rows, { derivedColumns: ['rate'], columns: ['arm', 'rate'] }))[0]).toEqual(['VKA', '']);
    expect(() => displayTable(rows, { derivedColumns: ['rates'] })).toThrow(/derived column 'rates' is in no row/);
  });

  it('uses minCell for the threshold and the marker', () => {
    const html = displayTable([{ k: 4 }, { k: 5 }], { countColumns: ['k'], minCell: 5 });
    expect(bodyCells(html)).toEqual([['&lt;5'], ['5']]);
  });

  it('escapes HTML, shows missing values as empty cells, dates as ISO days, and honours columns, caption and maxRows', () => {
    const rows = [
      { name: '<b>x</b> & "y"', when: new Date(Date.UTC(2021, 0, 2)), extra: null },
      { name: 'z', when: undefined, extra: { a: 1 } },
      { name: 'w' },
    ];
    const html = displayTable(rows, { columns: ['when', 'name', 'extra'], caption: 'A < B', maxRows: 2 });
    expect(html).toContain('<caption>A &lt; B</caption>');
    expect(bodyCells(html)).toEqual([
      ['2021-01-02', '&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;', ''],
      ['', 'z', '{&quot;a&quot;:1}'],
      ['… 1 more rows'],
    ]);
  });

  it('refuses a count column that no row has, so a typo cannot let counts through', () => {
    expect(() => displayTable([{ persons: 3 }], { countColumns: ['person'] })).toThrow(CohorteError);
    expect(() => displayTable([{ persons: 3 }], { countColumns: ['person'] })).toThrow(/count column 'person' is in no row/);
    expect(() => displayTable([{ a: 1 }], { minCell: 0 })).toThrow(/minCell/);
  });

  it('never shows a count between 1 and minCell - 1 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ c: fc.nat(40), label: fc.string() })), fc.integer({ min: 1, max: 20 }), (rows, minCell) => {
        const cells = bodyCells(displayTable(rows, { countColumns: rows.length ? ['c'] : [], minCell, maxRows: Infinity }));
        return cells.every((r, i) => (rows[i]!.c >= 1 && rows[i]!.c < minCell ? r[0] === `&lt;${minCell}` : r[0] === String(rows[i]!.c)));
      }),
    );
  });
});
