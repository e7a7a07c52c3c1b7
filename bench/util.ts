// Small helpers shared by the benchmarks: timing and peak memory.

/** Peak resident set size of this process so far, in MB (from getrusage). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Run fn once, return its result and wall time in seconds. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { value, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** Deterministic PRNG (mulberry32) so every run simulates the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function printRow(cols: Array<string | number>, widths: number[]): void {
  console.log(cols.map((c, i) => String(c).padEnd(widths[i] ?? 12)).join(' '));
}
