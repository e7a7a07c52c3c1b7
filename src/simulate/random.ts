// Seeded randomness for the simulator. Every person draws from their own streams, seeded from
// (seed, person index, stream), so a person's data do not depend on how persons are chunked, and
// turning on messy rows (their own stream) does not change the clean population.

export { mulberry32 } from '../util/prng.js';
import { mulberry32 } from '../util/prng.js';

/** A 32-bit hash of integers (murmur3 finaliser over each part), to derive independent seeds. */
export function hashSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    let k = Math.imul(p | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Named streams of a person: each has its own seed so adding draws to one leaves the others unchanged. */
export const streams = { core: 1, ids: 2, messy: 3, truth: 4, sndsDetail: 5, omopDetail: 6 } as const;

/** A seeded random source with the samplers the population model needs. */
export class Random {
  private readonly u: () => number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.u = mulberry32(seed);
  }

  /** Stream `stream` of person `index` under the run's `seed`. */
  static forPerson(seed: number, index: number, stream: number): Random {
    return new Random(hashSeed(seed, Math.floor(index / 4294967296), index >>> 0, stream));
  }

  /** Uniform on [0, 1). */
  next(): number {
    return this.u();
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.u();
  }

  /** Integer uniform on [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.u() * (max - min + 1));
  }

  bernoulli(p: number): boolean {
    return this.u() < p;
  }

  /** Normal(mean, sd) by Box-Muller (the second value is kept for the next call). */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + sd * z;
    }
    let u1 = this.u();
    while (u1 <= Number.MIN_VALUE) u1 = this.u();
    const u2 = this.u();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return mean + sd * r * Math.cos(2 * Math.PI * u2);
  }

  /** Exponential with the given rate (mean 1/rate); Infinity when rate is 0. */
  exponential(rate: number): number {
    if (rate <= 0) return Infinity;
    return -Math.log(1 - this.u()) / rate;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.u() * items.length)]!;
  }

  /** An index drawn with probability proportional to `weights`. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.u() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** An element of `items` drawn with probability proportional to its `weight`. */
  weighted<T extends { weight: number }>(items: readonly T[]): T {
    return items[this.weightedIndex(items.map((i) => i.weight))]!;
  }

  /** A string of `length` letters (A-Z, a-z), as SNDS pseudonyms look. */
  letters(length: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.u() * 52)];
    return s;
  }

  /** A string of `length` decimal digits (leading zeros allowed). */
  digits(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String(Math.floor(this.u() * 10));
    return s;
  }
}
