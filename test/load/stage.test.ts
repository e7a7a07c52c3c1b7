import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDb, type Engine } from '../../src/engine/index.js';
import { stageFile, sniffDelimiter } from '../../src/load/stage.js';
import { classifyRows } from '../../src/load/rules.js';
import { createModelTables } from '../../src/load/model.js';
import { CohorteError } from '../../src/messages/index.js';

let engine: Engine;
const dir = mkdtempSync(join(tmpdir(), 'cohorte-stage-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(async () => {
  engine = await openDuckDb();
  await createModelTables(engine);
});
afterAll(async () => engine.close());

describe('stageFile', () => {
  it('reads ; and , files as text with 1-based source rows in file order', async () => {
    const semi = await stageFile(engine, file('a.csv', 'ID;D\n3;21/08/1984\n1;xx\n2;\n'), 'a');
    expect(semi.rows).toBe(3);
    expect(await engine.rows(`SELECT source_row, ID, D FROM ${semi.table} ORDER BY source_row`)).toEqual([
      { source_row: 1, ID: '3', D: '21/08/1984' },
      { source_row: 2, ID: '1', D: 'xx' },
      { source_row: 3, ID: '2', D: null },
    ]);
    const comma = await stageFile(engine, file('b.csv', 'id,x\n007,1.5\n'), 'b', { caseOf: 'upper' });
    // Leading zeros survive: every column is text.
    expect(await engine.rows(`SELECT ID, X FROM ${comma.table}`)).toEqual([{ ID: '007', X: '1.5' }]);
  });

  it('reads Parquet with its row numbers', async () => {
    const p = join(dir, 'c.parquet');
    await engine.run(`COPY (SELECT * FROM (VALUES (10, 'a'), (20, 'b')) t(id, v)) TO '${p}' (FORMAT parquet)`);
    const s = await stageFile(engine, p, 'c', { required: ['ID'] , caseOf: 'upper'});
    expect(await engine.rows(`SELECT source_row, ID, V FROM ${s.table} ORDER BY source_row`)).toEqual([
      { source_row: 1, ID: '10', V: 'a' },
      { source_row: 2, ID: '20', V: 'b' },
    ]);
  });

  it('names the file and column when a required column is missing', async () => {
    const p = file('d.csv', 'A;B\n1;2\n');
    const err = await stageFile(engine, p, 'd', { required: ['A', 'C'] }).catch((e) => e);
    expect(err).toBeInstanceOf(CohorteError);
    expect(err.code).toBe('missing-column');
    expect(err.message).toContain(p);
    expect(err.message).toContain("column 'C'");
  });

  it('hints at the delimiter when a wrong one leaves a single column', async () => {
    const p = file('e.csv', 'A|B|C\n1|2|3\n');
    // '|' is sniffed, so force a mismatch: a file whose header has no delimiter at all.
    const q = file('f.csv', 'A B C\n1 2 3\n');
    const err = await stageFile(engine, q, 'f', { required: ['A', 'B'] }).catch((e) => e);
    expect(err.code).toBe('missing-column');
    expect(err.message).toMatch(/Only one column was found: is the delimiter wrong\?/);
    expect((await stageFile(engine, p, 'e', { required: ['A', 'B'] })).rows).toBe(1);
  });

  it('stops on an empty file, a header-only file and a missing file, naming the file', async () => {
    for (const [name, text] of [['g.csv', ''], ['h.csv', 'A;B\n']] as const) {
      const p = file(name, text);
      const err = await stageFile(engine, p, 'g').catch((e) => e);
      expect(err.code).toBe('empty-file');
      expect(err.message).toContain(p);
    }
    const err = await stageFile(engine, join(dir, 'nope.csv'), 'x').catch((e) => e);
    expect(err.code).toBe('file-not-found');
  });

  it('sniffs the delimiter from the header', () => {
    expect(sniffDelimiter('A;B;C')).toBe(';');
    expect(sniffDelimiter('a,b')).toBe(',');
    expect(sniffDelimiter('a\tb\tc')).toBe('\t');
  });
});

describe('classifyRows', () => {
  it('sends each removed row to the quarantine with its first matching reason and raw row, and balances', async () => {
    const s = await stageFile(engine, file('r.csv', 'ID;D;Q\n1;01/01/2020;1\n;01/01/2020;1\n2;bad;1\n3;bad;-1\n4;02/01/2020;-1\n'), 'r');
    const r = await classifyRows(engine, {
      sourceTable: 'r',
      from: s.table,
      into: 'r_kept',
      quarantine: 'quarantine',
      rules: [
        { reason: 'missing-key', kind: 'quarantine', when: 'ID IS NULL', detail: "'ID'" },
        { reason: 'unparseable-date', kind: 'quarantine', when: `${engine.dialect.parseDate('D')} IS NULL`, detail: "'D'" },
        { reason: 'negative', kind: 'cleaning', when: `CAST(Q AS INTEGER) < 0` },
      ],
    });
    // Row 1 kept; row 2 missing key; rows 3, 4 bad date (row 4 also negative: first rule wins); row 5 negative.
    expect(r.keptRows).toBe(1);
    expect(r.removed).toEqual([
      { kind: 'quarantine', reason: 'missing-key', rows: 1 },
      { kind: 'quarantine', reason: 'unparseable-date', rows: 2 },
      { kind: 'cleaning', reason: 'negative', rows: 1 },
    ]);
    expect(r.keptRows + r.removed.reduce((a, x) => a + x.rows, 0)).toBe(s.rows);
    const q = await engine.rows<{ source_row: number; reason: string; detail: string | null; raw: string }>(
      `SELECT source_row, reason, detail, raw FROM quarantine WHERE source_table = 'r' ORDER BY source_row`,
    );
    expect(q.map((x) => [x.source_row, x.reason, x.detail])).toEqual([
      [2, 'missing-key', 'ID'],
      [3, 'unparseable-date', 'D'],
      [4, 'unparseable-date', 'D'],
      [5, 'negative', null],
    ]);
    expect(JSON.parse(q[3]!.raw)).toEqual({ ID: '4', D: '02/01/2020', Q: '-1' });
  });
});
