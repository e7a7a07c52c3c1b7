// Small helpers shared by the benchmarks: timing and peak memory.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Peak resident set size of this process so far, in MB (from getrusage). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Reset the kernel's peak-RSS mark of this process (Linux), so `currentPeakRssMb` measures from now. */
export function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux: the stage peaks are then the process peak so far.
  }
}

/** Peak RSS since the last `resetPeakRss` (VmHWM), in MB; the process peak where /proc is absent. */
export function currentPeakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // fall through
  }
  return peakRssMb();
}

/** Run fn once, return its result and wall time in seconds. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { value, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** Deterministic PRNG, so every run simulates the same data. */
export { mulberry32 as rng } from '../src/util/prng.js';

export function printRow(cols: Array<string | number>, widths: number[]): void {
  console.log(cols.map((c, i) => String(c).padEnd(widths[i] ?? 12)).join(' '));
}

/** The repository holding this file: generator paths are fingerprinted relative to it. */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The fingerprint of a benchmark's generators: each file's path relative to `base` (the repository) and its text,
 * so two checkouts of the same code, wherever they are, share it.
 */
export function benchFingerprint(generators: string[], base = repoRoot): string {
  const h = createHash('sha256');
  const files = generators.map((f) => ({ rel: relative(base, f).split(sep).join('/'), path: f })).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  for (const f of files) h.update(f.rel).update(readFileSync(f.path));
  return h.digest('hex').slice(0, 12);
}

/**
 * The folder holding a benchmark's generated inputs: `<root>/<name>-<fingerprint>`, where root is COHORTE_BENCH_DATA or
 * ~/.cache/cohorte-bench, outside the work tree, so a new checkout on the same machine reuses a simulation that took
 * most of an hour (10M persons). When the generators change, the inputs are made anew and the folders of other
 * fingerprints of the same name are removed (they fill the disk).
 */
export function benchDataDir(name: string, generators: string[], base = repoRoot): string {
  const root = process.env.COHORTE_BENCH_DATA ?? join(homedir(), '.cache', 'cohorte-bench');
  const dir = join(root, `${name}-${benchFingerprint(generators, base)}`);
  if (!existsSync(dir) && existsSync(root)) {
    for (const other of readdirSync(root)) if (other.startsWith(`${name}-`)) rmSync(join(root, other), { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The TypeScript files of a source folder (the generator of a benchmark's inputs). */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}
