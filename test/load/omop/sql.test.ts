import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../../../src/engine/index.js';
import { idText, omopDate } from '../../../src/load/omop/sql.js';
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
