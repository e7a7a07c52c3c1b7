// Where the benchmarks keep their generated inputs: shared by every checkout of the same generators, made anew
// (and the stale folder removed) when a generator changes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDataDir, benchFingerprint } from '../../bench/util.js';

describe('benchDataDir', () => {
  let tmp: string;
  let saved: string | undefined;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'cohorte-bench-'));
    saved = process.env.COHORTE_BENCH_DATA;
    process.env.COHORTE_BENCH_DATA = join(tmp, 'cache');
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.COHORTE_BENCH_DATA;
    else process.env.COHORTE_BENCH_DATA = saved;
    rmSync(tmp, { recursive: true, force: true });
  });

  /** A checkout holding one generator file, bench/gen.ts, with the given text. */
  const checkout = (name: string, text: string) => {
    const root = join(tmp, name);
    mkdirSync(join(root, 'bench'), { recursive: true });
    writeFileSync(join(root, 'bench', 'gen.ts'), text);
    return { root, gen: join(root, 'bench', 'gen.ts') };
  };

  it('is the same folder for two checkouts of the same generators, and neither removes the other', () => {
    const a = checkout('a', 'generate v1');
    const b = checkout('elsewhere/b', 'generate v1');
    const dirA = benchDataDir('load-10', [a.gen], a.root);
    writeFileSync(join(dirA, 'data.parquet'), 'x');
    const dirB = benchDataDir('load-10', [b.gen], b.root);
    expect(dirB).toBe(dirA);
    expect(existsSync(join(dirA, 'data.parquet'))).toBe(true);
  });

  it('is a new folder when a generator changes, and the stale one of the same name goes, other names stay', () => {
    const a = checkout('a', 'generate v1');
    const old = benchDataDir('load-10', [a.gen], a.root);
    const other = benchDataDir('scale-10', [a.gen], a.root);
    writeFileSync(a.gen, 'generate v2');
    const fresh = benchDataDir('load-10', [a.gen], a.root);
    expect(fresh).not.toBe(old);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(other)).toBe(true);
  });

  it('fingerprints each generator by its path in the checkout and its text', () => {
    const a = checkout('a', 'generate v1');
    const moved = join(a.root, 'bench', 'other.ts');
    writeFileSync(moved, 'generate v1');
    expect(benchFingerprint([a.gen], a.root)).not.toBe(benchFingerprint([moved], a.root));
    expect(benchFingerprint([a.gen, moved], a.root)).toBe(benchFingerprint([moved, a.gen], a.root));
  });
});
