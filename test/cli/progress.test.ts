import { describe, it, expect, vi, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { progress } from '../../src/cli/progress.js';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (s: string) => chunks.push(s) } as unknown as NodeJS.WriteStream, chunks };
}

afterEach(() => vi.useRealTimers());

describe('progress', () => {
  it('prints one plain line when it starts and one per further 10% when not on a terminal', () => {
    const { stream, chunks } = fakeStream(false);
    const p = progress('load', stream);
    for (let i = 1; i <= 100; i++) p.update(i, 100);
    p.end();
    expect(chunks.filter((c) => c.startsWith('load: ') && c.includes('/ 100')).length).toBe(11);
    expect(chunks.at(-1)).toMatch(/^load: done in \d+:\d\d\n$/);
    expect(chunks[0]).toMatch(/ETA \d+:\d\d/);
  });

  it('shows rows and the fraction of the work when rows do not measure it, one line per further 10% off a terminal', () => {
    const { stream, chunks } = fakeStream(false);
    const p = progress('load SNDS', stream);
    p.advance(300, 0.04);
    p.advance(7_675, 0.83);
    p.advance(7_900, 0.85);
    p.advance(10_369, 1);
    p.end();
    expect(chunks.map((c) => c.replace(/, [\d,]+\/s, ETA .*$/s, ''))).toEqual([
      'load SNDS: 300 rows (4%)',
      'load SNDS: 7,675 rows (83%)',
      'load SNDS: 10,369 rows (100%)',
      expect.stringMatching(/^load SNDS: done in \d+:\d\d\n$/),
    ]);
    expect(chunks[2]).toMatch(/ETA 0:00\n$/);
  });

  it('gives each step of a stage its own rate and ETA, measured from when the step is first seen', () => {
    vi.useFakeTimers();
    const { stream, chunks } = fakeStream(true);
    const p = progress('episodes', stream);
    p.step(1, 100, 1000);
    vi.advanceTimersByTime(1000);
    p.step(1, 300, 1000); // 200 rows/s, 700 rows left: 3.5 s
    vi.advanceTimersByTime(500);
    p.step(2, 50, 500); // a new step: no rate yet
    expect(chunks).toEqual([
      '\repisodes: step 1, 100 / 1,000 rows (10%), ?/s, ETA ?\u001b[K',
      '\repisodes: step 1, 300 / 1,000 rows (30%), 200/s, ETA 0:04\u001b[K',
      '\repisodes: step 2, 50 / 500 rows (10%), ?/s, ETA ?\u001b[K',
    ]);
  });

  it('off a terminal, writes a step line only once it has a rate, then at most one per 10 s', () => {
    vi.useFakeTimers();
    const { stream, chunks } = fakeStream(false);
    const p = progress('cohort', stream);
    p.step(1, 10, 100);
    for (let t = 1; t <= 25; t++) {
      vi.advanceTimersByTime(1000);
      p.step(1, 10 + t, 100);
    }
    expect(chunks.map((c) => c.slice(0, c.indexOf(' rows')))).toEqual(['cohort: step 1, 11 / 100', 'cohort: step 1, 21 / 100', 'cohort: step 1, 31 / 100']);
  });

  it('redraws one line on a terminal', () => {
    const { stream, chunks } = fakeStream(true);
    const p = progress('load', stream);
    p.update(5, 10);
    p.update(10, 10);
    p.end();
    expect(chunks.slice(0, 2).every((c) => c.startsWith('\r'))).toBe(true);
  });
});

describe('cohorte command', () => {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const cli = (...args: string[]) => spawnSync(process.execPath, [tsx, 'src/cli/main.ts', ...args], { encoding: 'utf8' });

  it('loads with one progress line per 10% of the load, ended once', () => {
    const r = cli('load', '--layout', 'snds', '--dir', 'data-samples/snds', '--pha', 'data-samples/snds/IR_PHA_R.csv');
    expect(r.status, r.stderr).toBe(0);
    // Part lines (a statement line may come between them on a slow machine).
    expect(r.stderr).toMatch(/(^|\n)load SNDS: [\d,]+ rows \(\d+%\)/);
    expect(r.stderr).toMatch(/load SNDS: [\d,]+ rows \(100%\)/);
    expect(r.stderr.match(/load SNDS: done in/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/IR_PHA_R +read +13 +loaded +13/);
  }, 120_000);

  it('simulates with progress lines and names a bad option without a stack trace', () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-sim-'));
    const r = cli('simulate', '--persons', '50', '--seed', '3', '--layout', 'snds', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/simulate persons: 50 \/ 50 \(100%\)/);
    const bad = cli('load', '--layout', 'snds', '--dir', join(out, 'nope'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^cohorte: /);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
