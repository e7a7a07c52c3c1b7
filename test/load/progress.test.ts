// Load progress: fractions by file size (SNDS) or rows (OMOP), exact on small cases, and on the sample extracts
// the last event says 1 and counts every row read.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { openDuckDb } from '../../src/engine/index.js';
import { loadSnds, loadOmop, type LoadProgress } from '../../src/index.js';
import { irDeathSource } from '../../src/load/snds/index.js';
import { fileProgress, rowProgress } from '../../src/load/progress.js';

const samples = join(import.meta.dirname, '..', '..', 'data-samples');

function filesOfSizes(...sizes: number[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'progress-'));
  return sizes.map((n, i) => {
    const f = join(dir, `f${i}.csv`);
    writeFileSync(f, 'x'.repeat(n));
    return f;
  });
}

describe('fileProgress', () => {
  it('weighs each part by the size of its files, a file read twice in both parts', () => {
    const [a, b, c] = filesOfSizes(100, 300, 500);
    const seen: LoadProgress[] = [];
    const done = fileProgress([['A', [a]], ['B and C', [b, c, undefined]], ['A again', [a]]], (p) => seen.push(p));
    done('A', 10);
    done('B and C', 40);
    done('A again', 40);
    // Total 100 + 800 + 100 = 1000 bytes.
    expect(seen).toEqual([
      { tables: 'A', rowsRead: 10, fraction: 1 / 10 },
      { tables: 'B and C', rowsRead: 40, fraction: 9 / 10 },
      { tables: 'A again', rowsRead: 40, fraction: 1 },
    ]);
  });

  it('reports 1 at the last part even when a part before it had no input, and a missing file weighs nothing', () => {
    const [a] = filesOfSizes(200);
    const seen: number[] = [];
    const done = fileProgress([['A', [a]], ['absent', ['/nonexistent/file.csv']], ['last', [a]]], (p) => seen.push(p.fraction));
    done('A', 1);
    done('last', 1);
    expect(seen).toEqual([1 / 2, 1]);
  });
});

describe('rowProgress', () => {
  it('adds rows and reaches exactly 1 when every counted row is done', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1e7 }), { minLength: 1, maxLength: 12 }), (rows) => {
        const total = rows.reduce((a, b) => a + b, 0);
        const seen: LoadProgress[] = [];
        const done = rowProgress(total, (p) => seen.push(p));
        rows.forEach((n, i) => done(`t${i}`, n));
        for (let i = 1; i < seen.length; i++) expect(seen[i]!.fraction).toBeGreaterThanOrEqual(seen[i - 1]!.fraction);
        expect(seen.at(-1)).toEqual({ tables: `t${rows.length - 1}`, rowsRead: total, fraction: 1 });
      }),
    );
  });
});

describe('loaders report progress', () => {
  it('SNDS: one event per part in load order, the last with fraction 1 and every staged row', async () => {
    const engine = await openDuckDb();
    const seen: LoadProgress[] = [];
    const dir = join(samples, 'snds');
    const r = await loadSnds(engine, { dir, schema: 'claims', phaReferential: join(dir, 'IR_PHA_R.csv'), onProgress: (p) => seen.push(p) });
    await engine.close();
    const tables = seen.map((p) => p.tables);
    expect(tables.slice(0, 3)).toEqual(['IR_BEN_R', 'KI_CCI_R', 'ER_PRS_F, ER_PHA_F']);
    expect(tables.filter((t) => t.startsWith('T_MCO')).length).toBe(new Set(r.accounts.filter((a) => a.source.startsWith('T_MCO')).map((a) => a.source.slice(0, 7))).size);
    expect(tables.at(-1)).toBe('IR_BEN_R (observation periods)');
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.fraction).toBeGreaterThan(seen[i - 1]!.fraction);
    expect(seen.filter((p) => p.fraction === 1)).toHaveLength(1);
    // Every file's rows, read once each: the accounts of the source tables (the IR_BEN_R death account is derived).
    const read = r.accounts.filter((a) => a.source !== irDeathSource).reduce((n, a) => n + a.rowsRead, 0);
    expect(seen.at(-1)!.rowsRead).toBe(read);
  });

  it('OMOP: one event per CDM table, by rows, ending at 1 with every row read', async () => {
    const engine = await openDuckDb();
    const seen: LoadProgress[] = [];
    const r = await loadOmop(engine, { dir: join(samples, 'omop'), schema: 'hospital', onProgress: (p) => seen.push(p) });
    await engine.close();
    expect(seen.map((p) => p.tables)).toContain('drug_exposure');
    expect(seen.at(-1)!.fraction).toBe(1);
    const read = r.accounts.reduce((n, a) => n + a.rowsRead, 0);
    expect(seen.at(-1)!.rowsRead).toBe(read);
    expect(seen.at(-1)!.fraction * read).toBe(read);
  });
});
