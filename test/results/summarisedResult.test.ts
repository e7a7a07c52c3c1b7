import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { summarisedRow, suppressSummarised, summarisedCsv, sortSummarised, formatEstimate, type SummarisedRow } from '../../src/results/index.js';

const count = (group_level: string, variable_name: string, variable_level: string, n: number) =>
  summarisedRow({ result_id: 1, group_name: 'cohort', group_level, variable_name, variable_level, estimate_name: 'count', estimate_type: 'integer', value: n });
const pct = (group_level: string, variable_name: string, variable_level: string, p: number) =>
  summarisedRow({ result_id: 1, group_name: 'cohort', group_level, variable_name, variable_level, estimate_name: 'percentage', estimate_type: 'percentage', value: p });

describe('summarised result suppression', () => {
  it('masks a small count and the percentage of the same cell', () => {
    const rows = [count('A', 'sex', 'female', 4), pct('A', 'sex', 'female', 4), count('A', 'sex', 'male', 96), pct('A', 'sex', 'male', 96), count('A', 'number subjects', '', 100)];
    const out = suppressSummarised(rows);
    const v = (name: string, level: string, est: string) => out.find((r) => r.variable_name === name && r.variable_level === level && r.estimate_name === est)!.estimate_value;
    expect(v('sex', 'female', 'count')).toBe('<10');
    expect(v('sex', 'female', 'percentage')).toBe('');
    // Secondary suppression: male = 100 - female would reveal it, so male is masked too.
    expect(v('sex', 'male', 'count')).toBe('');
    expect(v('sex', 'male', 'percentage')).toBe('');
    expect(v('number subjects', '', 'count')).toBe('100');
  });

  it('masks a whole group whose number of subjects is small', () => {
    const out = suppressSummarised([count('B', 'number subjects', '', 7), count('B', 'age group', '65+', 0), summarisedRow({ result_id: 1, group_name: 'cohort', group_level: 'B', variable_name: 'age', estimate_name: 'mean', estimate_type: 'numeric', value: 71.2 })]);
    expect(out.map((r) => r.estimate_value)).toEqual(['<10', '', '']);
  });

  it('leaves zero counts and large counts alone, and masks at a custom threshold', () => {
    expect(suppressSummarised([count('A', 'x', '', 0), count('A', 'y', '', 10)]).map((r) => r.estimate_value)).toEqual(['0', '10']);
    expect(suppressSummarised([count('A', 'x', '', 10)], { minCell: 11 }).map((r) => r.estimate_value)).toEqual(['<11']);
  });

  it('never outputs a count between 1 and 9 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('A', 'B'), fc.constantFrom('v1', 'v2'), fc.constantFrom('a', 'b', 'c'), fc.nat(30))), (cells) => {
        const out = suppressSummarised(cells.map(([g, v, l, n]) => count(g, v, l, n)));
        return out.every((r) => !/^[1-9]$/.test(r.estimate_value));
      }),
    );
  });
});

describe('summarised result CSV', () => {
  it('formats numbers deterministically and sorts rows stably', () => {
    expect(formatEstimate(1 / 3, 'numeric')).toBe('0.3333333333');
    expect(formatEstimate(12.0000000001, 'integer')).toBe('12');
    expect(formatEstimate(null, 'numeric')).toBe('');
    expect(formatEstimate(Infinity, 'numeric')).toBe('Inf');
    const rows: SummarisedRow[] = [count('B', 'x', '', 20), count('A', 'x', '', 30)];
    const csv = summarisedCsv(sortSummarised(rows));
    expect(csv.split('\n')[0]).toBe('result_id,cdm_name,group_name,group_level,strata_name,strata_level,variable_name,variable_level,estimate_name,estimate_type,estimate_value,additional_name,additional_level');
    expect(csv.split('\n')[1]).toBe('1,unknown,cohort,A,overall,overall,x,,count,integer,30,overall,overall');
    expect(summarisedCsv(sortSummarised([...rows].reverse()))).toBe(csv);
  });
});
