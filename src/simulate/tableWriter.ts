// Append-only CSV writer with a small buffer: memory stays flat whatever the number of rows.

import { closeSync, openSync, writeSync } from 'node:fs';

const BUFFER_BYTES = 1 << 22;

export class TableWriter {
  rows = 0;
  private fd: number;
  // Lines are encoded into a byte buffer at once, so no string outlives its row (keeps GC cheap).
  private buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private offset = 0;

  /** Create (truncate) `path` and write the header line. */
  constructor(
    readonly path: string,
    readonly columns: readonly string[],
    readonly delimiter: string,
  ) {
    this.fd = openSync(path, 'w');
    this.push(columns.join(delimiter) + '\n');
  }

  /** One data row; values must not contain the delimiter, quotes or line breaks (use `quoted` for free text). */
  row(values: ReadonlyArray<string | number>): void {
    this.rows++;
    this.push(values.join(this.delimiter) + '\n');
  }

  /** One data row already joined with the delimiter (no trailing newline): the fast path for big tables. */
  line(text: string): void {
    this.rows++;
    this.push(text + '\n');
  }

  private push(line: string): void {
    // At most 3 bytes per UTF-16 unit.
    if (this.offset + line.length * 3 > BUFFER_BYTES) {
      this.flush();
      if (line.length * 3 > BUFFER_BYTES) {
        writeSync(this.fd, line);
        return;
      }
    }
    this.offset += this.buffer.write(line, this.offset);
  }

  flush(): void {
    if (this.offset === 0) return;
    writeSync(this.fd, this.buffer, 0, this.offset);
    this.offset = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** A CSV field quoted when it holds the delimiter, a quote or a line break. */
export function quoted(value: string, delimiter = ','): string {
  return value.includes(delimiter) || value.includes('"') || value.includes('\n') ? `"${value.replace(/"/g, '""')}"` : value;
}
