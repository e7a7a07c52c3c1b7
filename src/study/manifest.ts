import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What a reviewer needs to know a run's inputs: hashes of every input file and of the definition. */
export interface Manifest {
  study: string;
  definitionSha256: string;
  inputs: Array<{ path: string; bytes: number; sha256: string }>;
  /** The engine schema read instead of files (PostgreSQL), else null. */
  inputSchema: string | null;
  package: { name: string; version: string; lockfileSha256: string | null };
  engine: string;
  node: string;
  seed: number;
  /** The small-cell rule applied; `override` is set when minCell was lowered below 10. */
  suppression: { minCell: number; override: { reason: string; approvedBy: string } | null };
  startedAt: string;
  endedAt: string;
  outputs: Array<{ path: string; sha256: string }>;
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function sha256Text(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every file under a folder (or the file itself), sorted, with its hash. */
export function hashInputs(root: string): Manifest['inputs'] {
  const files: string[] = [];
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) for (const f of readdirSync(p).sort()) walk(join(p, f));
    else files.push(p);
  };
  walk(root);
  return files.map((f) => ({ path: relative(root, f) || f, bytes: statSync(f).size, sha256: sha256File(f) }));
}

/** The package's name, version and lockfile hash, from the repository root. */
export function packageInfo(root: string): Manifest['package'] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  const lock = join(root, 'package-lock.json');
  return { name: pkg.name, version: pkg.version, lockfileSha256: existsSync(lock) ? sha256File(lock) : null };
}
