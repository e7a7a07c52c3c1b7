// The seeded PRNG and its samplers.
import { describe, expect, it } from 'vitest';
import { hashSeed, mulberry32, Random, streams } from '../../src/simulate/random.js';

describe('Random', () => {
  it('is mulberry32: the same seed gives the same sequence', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    // First draw of mulberry32(42), as bench/util.ts rng(42) gives it.
    expect(xs[0]).toBeCloseTo(0.6011037519201636, 15);
  });

  it('gives each person and stream its own independent seed', () => {
    const seeds = new Set<number>();
    for (let i = 0; i < 1000; i++) for (const s of Object.values(streams)) seeds.add(hashSeed(1, 0, i, s));
    expect(seeds.size).toBe(1000 * Object.values(streams).length);
    expect(Random.forPerson(1, 5, streams.core).next()).toBe(Random.forPerson(1, 5, streams.core).next());
    expect(Random.forPerson(1, 5, streams.core).next()).not.toBe(Random.forPerson(2, 5, streams.core).next());
  });

  it('samples normal and exponential with the right moments', () => {
    const r = new Random(7);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let e = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal(3, 2);
      s += x;
      s2 += x * x;
      e += r.exponential(0.25);
    }
    const mean = s / n;
    expect(mean).toBeCloseTo(3, 1);
    expect(Math.sqrt(s2 / n - mean * mean)).toBeCloseTo(2, 1);
    expect(e / n).toBeGreaterThan(3.9);
    expect(e / n).toBeLessThan(4.1);
    expect(r.exponential(0)).toBe(Infinity);
  });

  it('draws integers, weighted indices and letters in range', () => {
    const r = new Random(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.weightedIndex([1, 0, 3])]!++;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.8);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.2);
    for (let i = 0; i < 1000; i++) {
      const k = r.int(2, 4);
      expect(k >= 2 && k <= 4 && Number.isInteger(k)).toBe(true);
    }
    expect(r.letters(17)).toMatch(/^[A-Za-z]{17}$/);
    expect(r.digits(7)).toMatch(/^[0-9]{7}$/);
  });
});
