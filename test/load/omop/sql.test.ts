import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../../../src/engine/index.js';
import { idsAscending, idText, omopDate, type LoadContext } from '../../../src/load/omop/sql.js';
import type { StagedTable } from '../../../src/load/stage.js';
import { testEngines } from '../../helpers/engines.js';

describe.each(testEngines())('OMOP id and date parsing on $name', ({ open }) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
  });
  afterAll(async () => engine.close());

  const one = (expr: string, input: string | null) =>
    engine.scalar(`SELECT ${expr.replaceAll('$x', input === null ? 'CAST(NULL AS VARCHAR)' : `CAST(${engine.dialect.literal(input)} AS VARCHAR)`)}`);

  it.each([
    ['26318.0', '26318'], // ids exported as floats
    ['573', '573'],
    [' 42 ', '42'],
    ['0.0', '0'],
    ['AB-12', 'AB-12'], // not an integer: kept as trimmed text
    ['10.5', '10.5'],
    ['', null],
    [null, null],
  ])('id %s → %s', async (input, expected) => {
    expect(await one(idText(engine.dialect, '$x'), input)).toBe(expected);
  });

  it.each([
    ['2015-10-02', '2015-10-02'],
    ['2015-10-02 13:45:00', '2015-10-02'],
    ['2015-10-02T00:00:00Z', '2015-10-02'],
    ['20151002', '2015-10-02'],
    ['20151002 10:00:00', '2015-10-02'],
    ['20151002T100000', '2015-10-02'],
    ['2010-13-45', null],
    ['garbage', null],
    ['', null],
    [null, null],
  ])('date %s → %s', async (input, expected) => {
    expect(await one(omopDate(engine.dialect, '$x'), input)).toBe(expected);
  });
});

describe.each(testEngines())('idsAscending on $name', ({ open }) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
  });
  afterAll(async () => engine.close());

  let n = 0;
  // A staged table of text ids in the given row order (no typed columns, as a CSV or an engine schema stages).
  const staged = async (ids: Array<string | null>): Promise<StagedTable> => {
    const table = `ids_${++n}`;
    const values = ids.map((v, i) => `(${i + 1}, ${v === null ? 'CAST(NULL AS VARCHAR)' : engine.dialect.literal(v)})`).join(', ');
    await engine.run(`CREATE TEMP TABLE ${table} AS SELECT * FROM (VALUES ${values}) AS t(source_row, drug_exposure_id) ORDER BY source_row`);
    return { table, file: `${table}.csv`, columns: ['drug_exposure_id'], rows: ids.length };
  };
  const ctx = (): LoadContext => ({ engine, d: engine.dialect, p: '', tag: 't', deathMarginDays: 60 });

  it.each([
    [['1', '2', '3'], true],
    [['1', '3', '2'], false], // not ascending: may hide a repeat, so the duplicate search runs
    [['1', '2', '2'], false], // a repeated id
    [['1', null, '3'], false], // a missing id
    [['5'], true],
  ])('%j → %s', async (ids, expected) => {
    expect(await idsAscending(ctx(), await staged(ids), 'drug_exposure_id')).toBe(expected);
  });

  it('is false for a table without the column or without rows', async () => {
    expect(await idsAscending(ctx(), await staged(['1', '2']), 'condition_occurrence_id')).toBe(false);
    expect(await idsAscending(ctx(), { ...(await staged(['1'])), table: `(SELECT * FROM ids_${n} WHERE FALSE)` }, 'drug_exposure_id')).toBe(false);
  });
});
