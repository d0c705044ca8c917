/**
 * COPY … FROM STDIN in PostgreSQL's text format through pg-copy-streams: rows are buffered into
 * ~256 KB writes, and the producer awaits the stream's drain (backpressure), so memory stays flat
 * however many rows go through.
 */
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Writable } from 'node:stream';

const SPECIAL = /[\\\t\n\r]/;

/** One field in COPY text format: `\N` for null, backslash escapes for the special characters. */
export function copyField(value: string | number | boolean | Date | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return isoInstant(value.getTime());
  if (typeof value !== 'string') return String(value);
  return SPECIAL.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

const DAY_MS = 86_400_000;
const dayPrefixes = new Map<number, string>();
const pad2 = (n: number) => (n < 10 ? '0' : '') + n;

/**
 * `Date#toISOString` for COPY (same text), from a cache of day prefixes and arithmetic: at about
 * fifteen timestamps a dossier, the built-in formatting was a fifth of the generator's time.
 */
export function isoInstant(t: number): string {
  const day = Math.floor(t / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  let ms = t - day * DAY_MS;
  const h = Math.floor(ms / 3_600_000);
  ms -= h * 3_600_000;
  const m = Math.floor(ms / 60_000);
  ms -= m * 60_000;
  const sec = Math.floor(ms / 1000);
  ms -= sec * 1000;
  return `${prefix}${pad2(h)}:${pad2(m)}:${pad2(sec)}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

const FLUSH_AT = 256 * 1024;
const SLICE = 1024 * 1024;

export class CopyWriter {
  rows = 0;
  private buffer = '';
  private readonly stream: Writable;
  private readonly done: Promise<void>;
  private waiting: Promise<void> | null = null;

  constructor(client: Client, table: string, columns: readonly string[]) {
    this.stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
    this.done = new Promise((resolve, reject) => {
      this.stream.on('finish', resolve);
      this.stream.on('error', reject);
    });
    // Surface a server error at the next await, not as an unhandled rejection.
    this.done.catch(() => undefined);
  }

  row(fields: readonly (string | number | boolean | Date | null | undefined)[]): void {
    let line = copyField(fields[0]);
    for (let i = 1; i < fields.length; i++) line += '\t' + copyField(fields[i]);
    this.buffer += line + '\n';
    this.rows++;
    if (this.buffer.length >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const buffer = this.buffer;
    this.buffer = '';
    this.send(buffer);
  }

  private send(chunk: string | Buffer): void {
    const ok = this.stream.write(chunk);
    if (!ok && !this.waiting)
      this.waiting = new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          this.stream.off('error', onError);
          resolve();
        };
        const onError = (error: Error) => {
          this.stream.off('drain', onDrain);
          reject(error);
        };
        this.stream.once('drain', onDrain);
        this.stream.once('error', onError);
      }).finally(() => (this.waiting = null));
  }

  /**
   * Writes COPY text made elsewhere (`rows` lines of it), in slices of about a megabyte: one day
   * of a national year is tens of megabytes.
   */
  write(text: string | Uint8Array, rows: number): void {
    this.flush();
    const bytes =
      typeof text === 'string'
        ? Buffer.from(text)
        : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
    for (let at = 0; at < bytes.length; at += SLICE)
      this.send(bytes.subarray(at, Math.min(bytes.length, at + SLICE)));
    this.rows += rows;
  }

  /** Waits while PostgreSQL is behind (call between batches). */
  async drained(): Promise<void> {
    this.flush();
    if (this.waiting) await Promise.race([this.waiting, this.done]);
  }

  /** Ends the COPY; resolves when the server has taken every row. */
  async end(): Promise<number> {
    this.flush();
    this.stream.end();
    await this.done;
    return this.rows;
  }
}
