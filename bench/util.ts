// Small helpers shared by the benchmarks: timing and peak memory.
import { readFileSync, writeFileSync } from 'node:fs';

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
