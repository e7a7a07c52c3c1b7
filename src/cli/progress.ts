// Progress of long runs: one updating line per stage on a terminal (rows done, rate, ETA), plain log
// lines when the output is not a terminal (at most one per 10% of the work, or one per 10 s for the steps of a
// stage whose amount of work is not known in advance).

export interface Progress {
  /** `done` of `total` rows (or persons…). */
  update(done: number, total: number): void;
  /** `rows` done so far, being `fraction` (0 to 1) of the work: for work that rows do not measure, such as a load by file size. */
  advance(rows: number, fraction: number): void;
  /** Step `step` of a stage of unknown length (one SQL statement): `done` of its `total` rows, with the step's own rate and ETA. */
  step(step: number, done: number, total: number): void;
  end(): void;
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;
const heartbeatMs = 10_000;

export function progress(stage: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const t0 = Date.now();
  let lastDecile = -1;
  let lastLine = 0;
  let drawn = false;
  let current = { step: 0, t0, rows0: 0 };
  const line = (counts: string, rows: number, fraction: number, since: number) => {
    const elapsed = (Date.now() - since) / 1000;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : NaN;
    return `${stage}: ${counts} (${(100 * fraction).toFixed(0)}%), ${Math.round(rows / Math.max(elapsed, 1e-3)).toLocaleString('en')}/s, ETA ${Number.isFinite(eta) ? clock(eta) : '?'}`;
  };
  const write = (text: string, due: boolean) => {
    if (stream.isTTY) {
      stream.write(`\r${text}\u001b[K`);
      drawn = true;
    } else if (due) {
      lastLine = Date.now();
      stream.write(`${text}\n`);
    }
  };
  const byDecile = (text: string, fraction: number) => {
    const decile = Math.floor(10 * fraction);
    write(text, decile > lastDecile);
    lastDecile = Math.max(lastDecile, decile);
  };
  return {
    update: (done, total) => {
      const f = total > 0 ? done / total : 1;
      byDecile(line(`${done.toLocaleString('en')} / ${total.toLocaleString('en')}`, done, f, t0), f);
    },
    advance: (rows, fraction) => byDecile(line(`${rows.toLocaleString('en')} rows`, rows, fraction, t0), fraction),
    step: (step, done, total) => {
      // The step began before it was first seen: its rate is measured from that first sight.
      if (step !== current.step) current = { step, t0: Date.now(), rows0: done };
      const elapsed = (Date.now() - current.t0) / 1000;
      const rate = elapsed > 0.2 ? (done - current.rows0) / elapsed : NaN;
      const eta = rate > 0 ? (total - done) / rate : NaN;
      const pct = total > 0 ? ((100 * done) / total).toFixed(0) : '?';
      const text =
        `${stage}: step ${step}, ${done.toLocaleString('en')} / ${total.toLocaleString('en')} rows (${pct}%), ` +
        `${Number.isFinite(rate) ? Math.round(rate).toLocaleString('en') : '?'}/s, ETA ${Number.isFinite(eta) ? clock(eta) : '?'}`;
      write(text, Number.isFinite(rate) && Date.now() - lastLine >= heartbeatMs);
    },
    end() {
      if (drawn) stream.write('\n');
      stream.write(`${stage}: done in ${clock((Date.now() - t0) / 1000)}\n`);
    },
  };
}
