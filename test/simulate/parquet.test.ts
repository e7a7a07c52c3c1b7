// Parquet output: the same rows as CSV, every column as text, deterministic bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { simulate, type SimulationSummary } from '../../src/simulate/index.js';
import { openDuckDb, type Engine } from '../../src/engine/index.js';
import { readTree, removeDir, tempDir } from './helpers.js';

const options = { persons: 250, seed: 4, layout: 'both', messy: true, truthPersons: 1000 } as const;
let csvOut: string;
let pqOut: string;
let csv: SimulationSummary;
let pq: SimulationSummary;
let engine: Engine;

beforeAll(async () => {
  csvOut = tempDir('sim-csv');
  pqOut = tempDir('sim-pq');
  csv = await simulate({ ...options, out: csvOut, format: 'csv' });
  pq = await simulate({ ...options, out: pqOut, format: 'parquet' });
  engine = await openDuckDb();
});
afterAll(async () => {
  await engine.close();
  removeDir(csvOut);
  removeDir(pqOut);
});

describe('format parquet', () => {
  it('writes the same tables with the same rows as CSV, codes kept as text', async () => {
    const d = engine.dialect;
    const tables = csv.files.filter((f) => f.layout === 'snds' || f.layout === 'omop');
    expect(pq.files.filter((f) => f.path.endsWith('.parquet')).length).toBe(tables.length);
    for (const f of tables) {
      const p = pq.files.find((x) => x.path === f.path.replace(/\.csv$/, '.parquet'))!;
      expect(p.rows, f.path).toBe(f.rows);
      const a = d.readCsv(join(csvOut, f.path), { delimiter: f.layout === 'snds' ? ';' : ',' });
      const b = `read_parquet(${d.literal(join(pqOut, p.path))})`;
      const diff = await engine.scalar<number>(`SELECT (SELECT count(*) FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b})) + (SELECT count(*) FROM (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a}))`);
      expect(diff, f.path).toBe(0);
    }
    const types = await engine.rows<{ column_type: string }>(`DESCRIBE SELECT * FROM read_parquet(${d.literal(join(pqOut, 'snds', 'IR_BEN_R.parquet'))})`);
    expect(types.every((t) => t.column_type === 'VARCHAR')).toBe(true);
    expect(await engine.scalar(`SELECT min(BEN_RES_DPT) FROM read_parquet(${d.literal(join(pqOut, 'snds', 'IR_BEN_R.parquet'))})`)).toBe('001');
    expect(pq.truth.counts).toEqual(csv.truth.counts);
  });

  it('is deterministic', async () => {
    const again = tempDir('sim-pq2');
    try {
      await simulate({ ...options, out: again, format: 'parquet' });
      const a = readTree(pqOut);
      const b = readTree(again);
      for (const [path, bytes] of a) expect(bytes.equals(b.get(path)!), path).toBe(true);
    } finally {
      removeDir(again);
    }
  });
});
