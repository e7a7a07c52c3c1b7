// Golden files for the plot tests: specs as JSON, SVG as text. Run with UPDATE_GOLDEN=1 to
// rewrite them after an intended change, then look at the diff (and at a rendered PNG).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const dir = fileURLToPath(new URL('./golden/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

/** The spec equals the stored one exactly (after a JSON round trip: the spec must be plain JSON). */
export function expectGoldenJson(name: string, value: unknown): void {
  const file = `${dir}${name}.json`;
  const text = `${JSON.stringify(value, null, 1)}\n`;
  if (update) writeFileSync(file, text);
  expect(existsSync(file), `${file} is missing: run the test with UPDATE_GOLDEN=1`).toBe(true);
  expect(JSON.parse(JSON.stringify(value))).toEqual(JSON.parse(readFileSync(file, 'utf8')));
}

export function expectGoldenText(name: string, text: string): void {
  const file = `${dir}${name}`;
  if (update) writeFileSync(file, text);
  expect(existsSync(file), `${file} is missing: run the test with UPDATE_GOLDEN=1`).toBe(true);
  expect(text).toBe(readFileSync(file, 'utf8'));
}
