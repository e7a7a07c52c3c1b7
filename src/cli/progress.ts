// Progress of long runs: one updating line per stage on a terminal (rows done, rate, ETA), plain log
// lines (at most one per 10%) when the output is not a terminal.

export interface Progress {
  update(done: number, total: number): void;
  end(): void;
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

export function progress(stage: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const t0 = Date.now();
  let lastDecile = -1;
  let drawn = false;
  return {
    update(done, total) {
      const elapsed = (Date.now() - t0) / 1000;
      const eta = done > 0 ? (elapsed * (total - done)) / done : NaN;
      const line = `${stage}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${((100 * done) / total).toFixed(0)}%), ${Math.round(done / Math.max(elapsed, 1e-3)).toLocaleString('en')}/s, ETA ${Number.isFinite(eta) ? clock(eta) : '?'}`;
      if (stream.isTTY) {
        stream.write(`\r${line}\u001b[K`);
        drawn = true;
      } else {
        const decile = Math.floor((10 * done) / total);
        if (decile > lastDecile) {
          lastDecile = decile;
          stream.write(`${line}\n`);
        }
      }
    },
    end() {
      if (drawn) stream.write('\n');
      stream.write(`${stage}: done in ${clock((Date.now() - t0) / 1000)}\n`);
    },
  };
}
