// Progress of a stage made of many statements (a cohort, exposure episodes…), for progress displays: polls
// Engine.progress and numbers the statements as they follow one another. Counts only, never a value.
import type { Engine, StatementProgress } from './engine.js';

export interface StatementWatch {
  /** Number statements from 1 again (a new stage). */
  reset(): void;
  stop(): void;
}

/**
 * Every `everyMs`, report the running statement's progress with its number in the stage. A statement is taken to
 * follow another when its estimated total changes or its rows go back. Engines that cannot tell (PostgreSQL) never
 * report. Statements shorter than the polling interval may go unseen.
 */
export function watchStatements(engine: Engine, onTick: (step: number, progress: StatementProgress) => void, everyMs = 500): StatementWatch {
  let step = 0;
  let last: StatementProgress | undefined;
  const timer = setInterval(() => {
    const p = engine.progress?.();
    if (!p) return;
    if (!last || p.rowsTotal !== last.rowsTotal || p.rowsProcessed < last.rowsProcessed) step++;
    last = p;
    onTick(step, p);
  }, everyMs);
  // A display must not keep the process alive.
  timer.unref();
  return {
    reset() {
      step = 0;
      last = undefined;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
