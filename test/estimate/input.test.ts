import { describe, it, expect } from 'vitest';
import * as aq from 'arquero';
import { columnSource, numericColumn, groupColumn, completeRows, takeRows, stratumLabel } from '../../src/estimate/input.js';
import { CohorteError } from '../../src/messages/index.js';

describe('estimator input', () => {
  const rows = [
    { t: 5, e: 1, g: 'b' },
    { t: null, e: 0, g: 'a' },
    { t: 3, e: true, g: null },
  ];

  it('reads the same values from row objects, a column object and an Arquero table', () => {
    const fromRows = columnSource(rows);
    const fromCols = columnSource({ t: [5, null, 3], e: [1, 0, true], g: ['b', 'a', null] });
    const fromTable = columnSource(aq.from(rows));
    for (const src of [fromRows, fromCols, fromTable]) {
      expect(src.n).toBe(3);
      expect(Array.from(numericColumn(src, 't'))).toEqual([5, NaN, 3]);
      expect(Array.from(numericColumn(src, 'e'))).toEqual([1, 0, 1]);
      const g = groupColumn(src, 'g');
      expect(g.levels).toEqual(['a', 'b']);
      expect(Array.from(g.codes)).toEqual([1, 0, -1]);
    }
  });

  it('orders numeric levels numerically, as R factors do', () => {
    expect(groupColumn(columnSource({ x: [10, 2, 1, 2] }), 'x').levels).toEqual([1, 2, 10]);
  });

  it('keeps typed arrays as they are', () => {
    const t = new Float64Array([1, 2]);
    expect(numericColumn(columnSource({ t }), 't')).toBe(t);
    expect(Array.from(numericColumn(columnSource({ t: new Int32Array([4, 5]) }), 't'))).toEqual([4, 5]);
  });

  it('drops rows with any missing value and counts them', () => {
    const src = columnSource(rows);
    const cc = completeRows([numericColumn(src, 't')], [groupColumn(src, 'g').codes]);
    // Row 2 misses t, row 3 misses g: only row 1 remains.
    expect(Array.from(cc.rows)).toEqual([0]);
    expect(cc.nMissing).toBe(2);
    expect(Array.from(takeRows(new Float64Array([7, 8, 9]), new Int32Array([2, 0])))).toEqual([9, 7]);
  });

  it('names the column and row of a bad value, and a missing column', () => {
    expect(() => numericColumn(columnSource([{ t: 1 }, { t: 'x' }]), 't')).toThrow(/column 't', row 2: expected a number/);
    expect(() => columnSource({ a: [1], b: [1, 2] })).toThrow(CohorteError);
    expect(() => columnSource([{ a: 1 }]).column('zz')).toThrow(/column 'zz'/);
  });

  it('labels strata as R does', () => {
    expect(stratumLabel(['sex'], [1])).toBe('sex=1');
    expect(stratumLabel(['sex', 'ecog'], [2, 0])).toBe('sex=2, ecog=0');
  });
});
