import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkResultsFolder, summarisedCsv, summarisedRow, parseCsv } from '../../src/index.js';

describe('checkResultsFolder', () => {
  it('finds small counts in results.csv, count columns, JSON count fields and identifier columns', () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-'));
    mkdirSync(join(dir, 'sub'));
    const row = (n: number, name = 'count') => summarisedRow({ result_id: 1, variable_name: 'x', estimate_name: name, estimate_type: 'integer', value: n });
    writeFileSync(join(dir, 'results.csv'), summarisedCsv([row(12), row(3), row(0), summarisedRow({ result_id: 1, variable_name: 'y', estimate_name: 'mean', estimate_type: 'numeric', value: 4 })]));
    writeFileSync(join(dir, 'sub', 'attrition.csv'), 'cohort,number_subjects\nA,5\nB,50\n');
    writeFileSync(join(dir, 'people.csv'), 'person_id,age\n"P1",70\n');
    writeFileSync(join(dir, 'counts.json'), JSON.stringify({ strata: [{ n: 7, surv: [0.5] }], rowsRead: 100 }));
    expect(checkResultsFolder(dir)).toEqual([
      { file: 'counts.json', where: '$.strata[0].n', problem: 'count 7 is below 10' },
      { file: 'people.csv', where: 'line 1', problem: "column 'person_id' holds person-level identifiers" },
      { file: 'results.csv', where: 'line 3', problem: 'count count = 3 is below 10' },
      { file: 'sub/attrition.csv', where: 'line 2', problem: 'count number_subjects = 5 is below 10' },
    ]);
  });

  it('passes a folder of suppressed aggregates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-ok-'));
    writeFileSync(join(dir, 'attrition.csv'), 'cohort,number_subjects\nA,<10\nB,50\n');
    expect(checkResultsFolder(dir)).toEqual([]);
  });
});

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and line breaks', () => {
    expect(parseCsv('a,b\n"x, y","say ""hi""\nthere"\r\n1,\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"\nthere'], ['1', '']]);
  });
});
