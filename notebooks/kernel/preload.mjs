// Preloaded by the 'cohorte' Jupyter kernel (tslab + this file, see kernel.json) before tslab
// starts. tslab runs notebook cells as CommonJS, and the toolkit is an ES module written in
// TypeScript whose dependency graph has top-level await (vega), so a cell's `require` cannot load
// it synchronously. Here, before any cell runs, tsx's ESM hook is registered, the public API
// (src/index.ts) is imported once and kept on globalThis; the stub package 'cohorte'
// (./cohorte: types from src/index.ts, value from that global) is linked into
// notebooks/node_modules so that a cell's `import { ... } from 'cohorte'` is type-checked by tslab
// and resolved at run time.
import { mkdirSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

process.env.TZ ??= 'UTC';

mkdirSync(fileURLToPath(new URL('../node_modules/', import.meta.url)), { recursive: true });
try {
  symlinkSync('../kernel/cohorte', fileURLToPath(new URL('../node_modules/cohorte', import.meta.url)), 'dir');
} catch (e) {
  // Already linked (by an earlier kernel, or one starting at the same time).
  if (e.code !== 'EEXIST') throw e;
}

register();
globalThis[Symbol.for('cohorte.api')] = await import('../../src/index.ts');
