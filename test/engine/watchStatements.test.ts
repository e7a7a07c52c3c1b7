// Statement progress: DuckDB reports it while a statement runs; watchStatements numbers the statements of a stage.
import { describe, it, expect, vi, afterEach } from 'vitest';
import { openDuckDb, type Engine, type StatementProgress } from '../../src/engine/index.js';
import { watchStatements } from '../../src/engine/watchStatements.js';

afterEach(() => vi.useRealTimers());

/** An engine whose progress() plays a script, one entry per poll. */
function scripted(script: Array<StatementProgress | undefined>): Engine {
  let i = 0;
  return { progress: () => script[Math.min(i++, script.length - 1)] } as unknown as Engine;
}
const at = (rowsProcessed: number, rowsTotal: number): StatementProgress => ({ rowsProcessed, rowsTotal, fraction: rowsProcessed / rowsTotal });

describe('watchStatements', () => {
  it('numbers statements by a change of total or rows going back, skips polls with nothing running, restarts on reset', () => {
    vi.useFakeTimers();
    const engine = scripted([at(10, 100), at(50, 100), undefined, at(5, 100), at(20, 300), at(40, 300), at(1, 300), at(2, 300), at(3, 300)]);
    const ticks: Array<[number, number]> = [];
    const watch = watchStatements(engine, (step, p) => ticks.push([step, p.rowsProcessed]), 500);
    vi.advanceTimersByTime(500 * 7);
    watch.reset();
    vi.advanceTimersByTime(500);
    watch.stop();
    vi.advanceTimersByTime(5000);
    expect(ticks).toEqual([
      [1, 10],
      [1, 50],
      [2, 5], // rows went back: a new statement with the same estimated total
      [3, 20], // another total
      [3, 40],
      [4, 1],
      [1, 2], // after reset
    ]);
  });
});

describe('DuckDB statement progress', () => {
  it('is undefined when idle, and tells rows processed of the total while a statement runs', async () => {
    const engine = await openDuckDb();
    try {
      expect(engine.progress!()).toBeUndefined();
      await engine.run('CREATE TABLE t AS SELECT i FROM range(20000000) t(i)');
      const seen: StatementProgress[] = [];
      const timer = setInterval(() => {
        const p = engine.progress!();
        if (p) seen.push(p);
      }, 10);
      await engine.rows('SELECT count(DISTINCT i % 10000019) FROM t');
      clearInterval(timer);
      expect(seen.length).toBeGreaterThan(0);
      for (const p of seen) {
        expect(p.rowsTotal).toBeGreaterThanOrEqual(20_000_000);
        expect(p.rowsProcessed).toBeLessThanOrEqual(p.rowsTotal);
        // A poll just as the statement starts sees 0 rows done (a CI run caught one).
        expect(p.fraction).toBeGreaterThanOrEqual(0);
        expect(p.fraction).toBeLessThanOrEqual(1);
      }
      expect(Math.max(...seen.map((p) => p.fraction))).toBeGreaterThan(0);
      expect(engine.progress!()).toBeUndefined();
    } finally {
      await engine.close();
    }
  }, 60_000);
});
