// Vitest global setup: a throw-away PostgreSQL server for the engine-agnostic tests, on loopback,
// with its own data directory and a random port. Uses COHORTE_PG_URL instead when it is set.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

function pgBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  return null;
}

export default function setup(project: TestProject): (() => void) | void {
  if (process.env.COHORTE_PG_URL) {
    project.provide('pgUrl', process.env.COHORTE_PG_URL);
    return;
  }
  const bin = pgBin();
  if (!bin) {
    project.provide('pgUrl', null);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'cohorte-pg-'));
  chmodSync(dir, 0o777);
  const asRoot = process.getuid?.() === 0;
  // initdb refuses to run as root: run the server as the 'postgres' system user then.
  const run = (cmd: string, args: string[]) =>
    asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' }) : execFileSync(join(bin, cmd), args, { stdio: 'pipe' });
  const port = 20000 + Math.floor(Math.random() * 20000);
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'cohorte', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`, 'start']);
  project.provide('pgUrl', `postgres://cohorte@127.0.0.1:${port}/postgres`);
  return () => {
    if (asRoot) spawnSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'], { stdio: 'ignore' });
    else spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
}
