import { describe, it, expect } from 'vitest';
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
