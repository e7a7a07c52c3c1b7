import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { openDuckDb, type Engine } from '../../src/engine/index.js';
import { acceptedDateFormats } from '../../src/engine/dialect.js';
import { testEngines } from '../helpers/engines.js';

describe.each(testEngines())('on $name', ({ open }) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
  });
  afterAll(async () => {
    await engine.close();
  });

  describe('parseDate', () => {
    // Every format seen in the SNDS synthetic extract and OMOP exports, written out by hand.
    const cases: Array<[string | null, string | null]> = [
      ['21/08/1984', '1984-08-21'], // dd/mm/yyyy (DCIR)
      ['09032023', '2023-03-09'], // ddmmyyyy (PMSI ENT_DAT)
      ['20230309', '2023-03-09'], // yyyymmdd (OMOP exports)
      ['2010-01-26', '2010-01-26'], // ISO
      ['11Jun1990:15:47:24', '1990-06-11'], // SAS datetime
      ['06DEC1959:00:00:00', '1959-12-06'], // SAS datetime, upper-case month
      ['2010-01-26 13:01:02', '2010-01-26'],
      [' 21/08/1984 ', '1984-08-21'], // padded
      ['31/02/2001', null], // impossible day
      ['xx', null],
      ['', null],
      [null, null],
    ];
    it.each(cases)('%s → %s', async (input, expected) => {
      const lit = input === null ? 'NULL' : engine.dialect.literal(input);
      expect(await engine.scalar(`SELECT ${engine.dialect.parseDate(`CAST(${lit} AS VARCHAR)`)}`)).toBe(expected);
    });
  });

  describe('engine', () => {
    it('returns plain rows: dates as ISO text, big integers as numbers', async () => {
      const rows = await engine.rows(`SELECT DATE '2020-02-29' AS d, CAST(12 AS BIGINT) AS n, 'a' AS s, NULL AS z`);
      expect(rows).toEqual([{ d: '2020-02-29', n: 12, s: 'a', z: null }]);
    });

    it('returns typed columns: numbers as Float64Array with NaN for NULL', async () => {
      const cols = await engine.columns(`SELECT * FROM (VALUES (1, 'x', 2.5), (NULL, NULL, 3.5)) t(a, b, c)`);
      expect(cols.a).toBeInstanceOf(Float64Array);
      expect(Array.from(cols.a as Float64Array)).toEqual([1, NaN]);
      expect(cols.b).toEqual(['x', null]);
      expect(Array.from(cols.c as Float64Array)).toEqual([2.5, 3.5]);
    });

    it('counts the rows an INSERT, UPDATE or DELETE changed', async () => {
      await engine.run(`CREATE TEMP TABLE changed_rows (a INTEGER)`);
      expect(await engine.changed(`INSERT INTO changed_rows SELECT * FROM (VALUES (1), (2), (3)) t(a)`)).toBe(3);
      expect(await engine.changed(`UPDATE changed_rows SET a = a + 10 WHERE a >= 2`)).toBe(2);
      expect(await engine.changed(`DELETE FROM changed_rows WHERE a > 100`)).toBe(0);
      expect(await engine.changed(`DELETE FROM changed_rows`)).toBe(3);
      await engine.run(`DROP TABLE changed_rows`);
    });

    it('computes day differences portably', async () => {
      const d = engine.dialect;
      expect(await engine.scalar(`SELECT ${d.daysBetween("DATE '2020-01-01'", "DATE '2021-01-01'")}`)).toBe(366);
      expect(await engine.scalar(`SELECT ${d.addDays("DATE '2020-02-28'", '2')}`)).toBe('2020-03-01');
    });

    it('writes named columns as the same JSON as the row holding them', async () => {
      const d = engine.dialect;
      // Text as staged (a NULL, a quote, non-ASCII), in column order; a column name with a quote and a space.
      const names = ['BEN_NIR_PSA', 'BEN_DCD_DTE', 'say "hi"', 'note'];
      const row = `SELECT CAST('A1' AS VARCHAR) AS ${d.ident(names[0]!)}, CAST(NULL AS VARCHAR) AS ${d.ident(names[1]!)}, ` +
        `CAST('x"y' AS VARCHAR) AS ${d.ident(names[2]!)}, CAST('é' AS VARCHAR) AS ${d.ident(names[3]!)}`;
      const fromRow = await engine.scalar<string>(`SELECT ${d.rowToJson('r')} FROM (${row}) AS r`);
      const fromColumns = await engine.scalar<string>(`SELECT ${d.columnsToJson(names.map((n) => [n, `t.${d.ident(n)}`]))} FROM (${row}) AS t`);
      expect(fromColumns).toBe(fromRow);
      expect(JSON.parse(fromColumns!)).toEqual({ BEN_NIR_PSA: 'A1', BEN_DCD_DTE: null, 'say "hi"': 'x"y', note: 'é' });
    });
  });
});

describe.each(testEngines())('parseInteger and parseNumber on $name', ({ open }) => {
  it('reads integers written as floats and decimals with a comma', async () => {
    const engine = await open();
    const d = engine.dialect;
    const v = (s: string) => `CAST(${d.literal(s)} AS VARCHAR)`;
    expect(await engine.rows(`SELECT ${d.parseInteger(v('26318.0'))} AS a, ${d.parseInteger(v('12'))} AS b, ${d.parseInteger(v('1.5'))} AS c, ${d.parseNumber(v('2,5'))} AS e, ${d.parseNumber(v('x'))} AS f`)).toEqual([
      { a: 26318, b: 12, c: null, e: 2.5, f: null },
    ]);
    await engine.close();
  });
});

describe.each(testEngines())('empty results on $name', ({ open }) => {
  it('returns empty typed columns for a query with no rows', async () => {
    const engine = await open();
    const cols = await engine.columns(`SELECT * FROM (VALUES (1, 'a')) t(x, y) WHERE x > 1`);
    expect(Object.keys(cols)).toEqual(['x', 'y']);
    expect(cols.x!.length).toBe(0);
    await engine.close();
  });
});

describe('openDuckDb', () => {
  it('never checkpoints an in-memory database on its own, and keeps the default for a file', async () => {
    const threshold = async (e: Engine) => e.scalar<string>(`SELECT current_setting('checkpoint_threshold')`);
    const memory = await openDuckDb();
    const dir = mkdtempSync(join(tmpdir(), 'cohorte-engine-'));
    const file = await openDuckDb({ path: join(dir, 'model.duckdb') });
    expect(await threshold(memory)).toMatch(/TiB|TB|GiB/);
    expect(await threshold(file)).toMatch(/MiB|MB/);
    await memory.close();
    await file.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

// The DuckDB dialect parses ISO, dd/mm/yyyy and SAS datetime dates, and canonical integers, by one format before trying the
// general formats: the cast must never accept a text the general formats reject, nor read one differently.
describe('DuckDB fast parse paths agree with the general formats', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openDuckDb();
  });
  afterAll(async () => {
    await engine.close();
  });
  const general = (t: string) =>
    `CASE WHEN regexp_full_match(${t}, '[0-9]{8}') THEN COALESCE(CASE WHEN regexp_full_match(${t}, '(19|20)[0-9]{2}(0[1-9]|1[0-2])[0-9]{2}') ` +
    `THEN try_strptime(${t}, '%Y%m%d')::DATE END, try_strptime(${t}, '%d%m%Y')::DATE) ` +
    `ELSE try_strptime(${t}, [${acceptedDateFormats.map((f) => `'${f}'`).join(', ')}])::DATE END`;
  const generalInteger = (t: string) => `CASE WHEN regexp_full_match(${t}, '[+-]?[0-9]+(\\.0*)?') THEN TRY_CAST(regexp_replace(${t}, '\\.0*$', '') AS BIGINT) END`;
  // Texts shaped like the fast paths' patterns, with the characters that could fool a cast.
  const chars = fc.constantFrom('0', '1', '2', '3', '9', '-', '/', ' ', '+', '.', 'T', 'a');
  const text = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(
      ([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    ),
    fc.tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 9999 })).map(
      ([d, m, y]) => `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${String(y).padStart(4, '0')}`,
    ),
    fc.tuple(fc.constantFrom('-', '+', ' ', '.', '0'), fc.integer({ min: 0, max: 999 }), chars, fc.integer({ min: 1, max: 12 })).map(
      ([sign, y, c, m]) => `${sign}${String(y).padStart(3, '0')}-${String(m).padStart(2, '0')}-1${c}`,
    ),
    // SAS datetimes, with day, month name, year and time slots that may be invalid, and the 18-character shape
    // filled with other characters.
    fc
      .tuple(
        fc.integer({ min: 0, max: 32 }),
        fc.constantFrom('JAN', 'Feb', 'mar', 'MAY', 'JUN', 'Jun', 'DEC', 'XYZ', '0MA', '12/'),
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
      )
      .map(([d, m, y, h, mi]) => `${String(d).padStart(2, '0')}${m}${String(y).padStart(4, '0')}:${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:00`),
    fc.array(fc.constantFrom(...'0123AMYjun:/-'.split('')), { minLength: 18, maxLength: 18 }).map((a) => a.join('')),
    fc.array(chars, { minLength: 10, maxLength: 10 }).map((a) => a.join('')),
    fc.array(chars, { minLength: 1, maxLength: 12 }).map((a) => a.join('')),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n }).map(String),
  );
  it('on generated texts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 50 }), async (texts) => {
        const values = texts.map((t) => `(${engine.dialect.literal(t)})`).join(', ');
        const rows = await engine.rows<{ same: boolean }>(
          `SELECT (${engine.dialect.parseDate('x')}) IS NOT DISTINCT FROM (${general('trim(x)')}) AS d, ` +
            `(${engine.dialect.parseInteger('x')}) IS NOT DISTINCT FROM (${generalInteger('trim(x)')}) AS i, x FROM (VALUES ${values}) v(x)`,
        );
        expect(rows.filter((r) => !(r as any).d || !(r as any).i)).toEqual([]);
      }),
      { numRuns: 200, seed: 20261125 },
    );
  });
});
