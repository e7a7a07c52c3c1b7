// Progress of long runs: one updating line per stage on a terminal (rows done, rate, ETA), plain log
// lines (at most one per 10%) when the output is not a terminal.

export interface Progress {
  /** `done` of `total` rows (or persons…). */
  update(done: number, total: number): void;
  /** `rows` done so far, being `fraction` (0 to 1) of the work: for work that rows do not measure, such as a load by file size. */
  advance(rows: number, fraction: number): void;
  end(): void;
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

export function progress(stage: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const t0 = Date.now();
  let lastDecile = -1;
  let drawn = false;
  const draw = (counts: string, rows: number, fraction: number) => {
    const elapsed = (Date.now() - t0) / 1000;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : NaN;
    const line = `${stage}: ${counts} (${(100 * fraction).toFixed(0)}%), ${Math.round(rows / Math.max(elapsed, 1e-3)).toLocaleString('en')}/s, ETA ${Number.isFinite(eta) ? clock(eta) : '?'}`;
    if (stream.isTTY) {
      stream.write(`\r${line}\u001b[K`);
      drawn = true;
    } else {
      const decile = Math.floor(10 * fraction);
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`${line}\n`);
      }
    }
  };
  return {
    update: (done, total) => draw(`${done.toLocaleString('en')} / ${total.toLocaleString('en')}`, done, total > 0 ? done / total : 1),
    advance: (rows, fraction) => draw(`${rows.toLocaleString('en')} rows`, rows, fraction),
    end() {
      if (drawn) stream.write('\n');
      stream.write(`${stage}: done in ${clock((Date.now() - t0) / 1000)}\n`);
    },
  };
}
