import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's sibling folder ../shared (read-only material, also present in CI). */
export const sharedDir = fileURLToPath(new URL('../../../shared/', import.meta.url));

export function readSharedJson<T = any>(relative: string): T {
  return JSON.parse(readFileSync(sharedDir + relative, 'utf8')) as T;
}

/** Relative tolerance 1e-6, or absolute 1e-9 near zero: the project's standard against R. */
export function expectClose(actual: number | null | undefined, expected: number | null | undefined, label = '', rel = 1e-6, abs = 1e-9): void {
  if (expected === null || expected === undefined || (typeof expected === 'number' && Number.isNaN(expected))) {
    expect(actual === null || actual === undefined || Number.isNaN(actual as number), `${label}: expected missing, got ${actual}`).toBe(true);
    return;
  }
  if (expected === Infinity || expected === -Infinity) {
    expect(actual, label).toBe(expected);
    return;
  }
  expect(typeof actual, `${label}: expected a number, got ${actual}`).toBe('number');
  const diff = Math.abs((actual as number) - expected);
  const ok = diff <= abs || diff <= rel * Math.abs(expected);
  expect(ok, `${label}: got ${actual}, expected ${expected} (diff ${diff})`).toBe(true);
}

export function expectAllClose(actual: ArrayLike<number | null>, expected: ArrayLike<number | null>, label = '', rel = 1e-6, abs = 1e-9): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i], expected[i], `${label}[${i}]`, rel, abs);
}
