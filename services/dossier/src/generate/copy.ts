/**
 * COPY … FROM STDIN in PostgreSQL's binary format (binary.ts) through pg-copy-streams: the rows
 * come made, a day at a time, and go out in ~1 MB writes; the producer awaits the stream's drain
 * (backpressure), so memory stays flat however many rows go through.
 *
 * Each COPY is a transaction that empties its table first (TRUNCATE), so COPY can write the rows
 * frozen and their pages all-visible (FREEZE): the VACUUM after the load has no page left to visit
 * (it wrote every page of the year again, setting hint bits and the visibility map).
 */
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Writable } from 'node:stream';
import { COPY_HEADER, COPY_TRAILER } from './binary';

const SLICE = 1024 * 1024;

const NOTHING = new Uint8Array(0);

export class CopyWriter {
  rows = 0;
  private readonly stream: Writable;
  private readonly socket: Writable;
  private readonly done: Promise<void>;
  private waiting: Promise<void> | null = null;
  /** Settles once the COPY stream has handed the last chunk written to the socket. */
  private handed: Promise<void> = Promise.resolve();

  /** Empties `table` and starts copying into it, in a transaction `end` commits. */
  static async open(client: Client, table: string, columns: readonly string[]): Promise<CopyWriter> {
    await client.query('BEGIN');
    await client.query(`TRUNCATE ${table}`);
    return new CopyWriter(client, table, columns);
  }

  private constructor(
    private readonly client: Client,
    table: string,
    columns: readonly string[],
  ) {
    // pg's own socket (pg-copy-streams writes to it too): see `flushed`.
    this.socket = (client as unknown as { connection: { stream: Writable } }).connection.stream;
    this.stream = client.query(
      copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT binary, FREEZE)`),
    );
    this.done = new Promise((resolve, reject) => {
      this.stream.on('finish', resolve);
      this.stream.on('error', reject);
    });
    // Surface a server error at the next await, not as an unhandled rejection.
    this.done.catch(() => undefined);
    this.send(COPY_HEADER);
  }

  /** Writes `rows` rows made elsewhere, in slices of about a megabyte (a day is tens of them). */
  write(bytes: Uint8Array, rows: number): void {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at < buffer.length; at += SLICE)
      this.send(buffer.subarray(at, Math.min(buffer.length, at + SLICE)));
    this.rows += rows;
  }

  /** Waits while PostgreSQL is behind (call between batches). */
  async drained(): Promise<void> {
    if (this.waiting) await Promise.race([this.waiting, this.done]);
  }

  /**
   * Resolves once every byte written so far is out of this process's hands (in the kernel's), so
   * the buffers it came from may be written over. The COPY stream hands its chunks to the socket in
   * order and calls back once it has handed one; a socket calls back a write once it and every
   * write before it are written out, so an empty write after the last chunk is handed tells.
   */
  async flushed(): Promise<void> {
    await Promise.race([this.handed, this.done]);
    await new Promise<void>((resolve, reject) =>
      this.socket.write(NOTHING, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Ends the COPY; resolves when the server has taken every row. */
  async end(): Promise<number> {
    this.send(COPY_TRAILER);
    this.stream.end();
    await this.done;
    await this.client.query('COMMIT');
    return this.rows;
  }

  private send(chunk: Uint8Array): void {
    let ok = true;
    this.handed = new Promise<void>((resolve) => (ok = this.stream.write(chunk, () => resolve())));
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
}
