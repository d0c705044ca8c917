/**
 * Rows in PostgreSQL's binary COPY format, written into a growing byte buffer.
 *
 * Binary, not text: PostgreSQL parsing text timestamps, uuids and numbers was about 40 % of its
 * COPY time (measured on a month of steps: 2.4 s of backend CPU as text, 1.3 s as binary), and on
 * this side numbers go straight into bytes — no strings to build, encode and collect (garbage
 * collection was a third of the text planner's time). Text fields are UTF-8 fragments encoded
 * once per unit, procedure or process, or ASCII digits written in place.
 *
 * A row is a 16-bit field count, then each field as a 32-bit length (−1 for null) and its bytes
 * (https://www.postgresql.org/docs/15/sql-copy.html, "Binary Format"); a COPY stream wraps the rows
 * in `COPY_HEADER` and `COPY_TRAILER`.
 */

/** The signature, no flags, no header extension. */
export const COPY_HEADER = Uint8Array.of(
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00,
  0, 0, 0, 0,
  0, 0, 0, 0,
); // prettier-ignore
/** A field count of −1. */
export const COPY_TRAILER = Uint8Array.of(0xff, 0xff);

/** PostgreSQL's epoch (2000-01-01) in Unix epoch milliseconds and days. */
const PG_EPOCH_MS = 946_684_800_000;
const PG_EPOCH_DAY = 10_957;
const TWO_32 = 4_294_967_296;
const DAY_MS = 86_400_000;
const POW10 = Array.from({ length: 22 }, (_, i) => 10 ** i);
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const encoder = new TextEncoder();

/**
 * Bytes made once and written many times (a unit's path, a uuid, a step's name), kept as
 * big-endian 32-bit words: V8 copies a typed array byte by byte at ~2 ns a byte, a word at a time
 * through a DataView about four times faster, and `set` costs more than that on a few bytes.
 */
export class Fragment {
  readonly length: number;
  /** The bytes four by four, the last word padded with zeros. */
  readonly words: Int32Array;

  constructor(bytes: Uint8Array) {
    this.length = bytes.length;
    const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
    padded.set(bytes);
    const view = new DataView(padded.buffer);
    this.words = new Int32Array(padded.length / 4);
    for (let i = 0; i < this.words.length; i++) this.words[i] = view.getInt32(4 * i);
  }
}

/** A string's UTF-8 bytes. */
export function utf8(text: string): Fragment {
  return new Fragment(encoder.encode(text));
}

/** A uuid's 16 bytes. */
export function uuid(text: string): Fragment {
  return new Fragment(uuidBytes(text));
}

/** A uuid's 16 bytes from its text form (hex digits, dashes anywhere). */
function uuidBytes(uuid: string): Uint8Array {
  const bytes = new Uint8Array(16);
  let nibbles = 0;
  for (let i = 0; i < uuid.length; i++) {
    const c = uuid.charCodeAt(i);
    if (c === 45) continue;
    const v = c >= 48 && c <= 57 ? c - 48 : (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1;
    if (v < 0 || nibbles === 32) throw new Error(`not a uuid: ${uuid}`);
    bytes[nibbles >> 1] |= nibbles & 1 ? v : v << 4;
    nibbles++;
  }
  if (nibbles !== 32) throw new Error(`not a uuid: ${uuid}`);
  return bytes;
}

const COLON = utf8(':');
const DOT = utf8('.');
const ZULU = utf8('Z');
const isoDays = new Map<number, Fragment>();

/** `YYYY-MM-DDT` of a Unix day number (cached: a year has few). */
function isoDayPrefix(day: number): Fragment {
  let prefix = isoDays.get(day);
  if (prefix === undefined) {
    prefix = utf8(new Date(day * DAY_MS).toISOString().slice(0, 11));
    isoDays.set(day, prefix);
  }
  return prefix;
}

/**
 * Spare buffers for rows. A day's buffers come back once their bytes are written out, and the next
 * days reuse them: a fresh buffer of megabytes per day and stream made V8 collect the whole heap
 * again and again ("external memory pressure"; the plan's heap is a few hundred megabytes).
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  /** The smallest spare buffer of at least `size` bytes, or a new one with some room to spare. */
  take(size: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++)
      if (
        this.free[i].byteLength >= size &&
        (best === -1 || this.free[i].byteLength < this.free[best].byteLength)
      )
        best = i;
    if (best === -1) return new ArrayBuffer(Math.ceil(size * 1.25));
    return this.free.splice(best, 1)[0];
  }

  give(buffer: ArrayBuffer): void {
    this.free.push(buffer);
  }
}

export class BinaryRows {
  rows = 0;
  private buffer: Uint8Array;
  private view: DataView;
  private at = 0;

  /** `capacity`: the bytes expected (the buffer grows past it if need be). */
  constructor(
    capacity = 64 * 1024,
    private readonly pool = new BufferPool(),
  ) {
    this.buffer = new Uint8Array(pool.take(capacity));
    this.view = new DataView(this.buffer.buffer);
  }

  /** The rows written so far (in a buffer of their own: transferable, and given back to the pool once written). */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.at);
  }

  /** Starts a row of `fields` fields. */
  row(fields: number): void {
    const at = this.reserve(2);
    this.view.setInt16(at, fields);
    this.at = at + 2;
    this.rows++;
  }

  null(): void {
    const at = this.reserve(4);
    this.view.setInt32(at, -1);
    this.at = at + 4;
  }

  bool(value: boolean): void {
    const at = this.reserve(5);
    this.view.setInt32(at, 1);
    this.buffer[at + 4] = value ? 1 : 0;
    this.at = at + 5;
  }

  int2(value: number): void {
    const at = this.reserve(6);
    this.view.setInt32(at, 2);
    this.view.setInt16(at + 4, value);
    this.at = at + 6;
  }

  int4(value: number): void {
    const at = this.reserve(8);
    this.view.setInt32(at, 4);
    this.view.setInt32(at + 4, value);
    this.at = at + 8;
  }

  /** A bigint (a safe integer). */
  int8(value: number): void {
    const at = this.reserve(12);
    this.view.setInt32(at, 8);
    this.int64(at + 4, value);
  }

  /** A timestamptz from epoch milliseconds; NaN for null. */
  timestamp(ms: number): void {
    if (ms !== ms) return this.null();
    const at = this.reserve(12);
    this.view.setInt32(at, 8);
    this.int64(at + 4, (ms - PG_EPOCH_MS) * 1000);
  }

  /** A date from its Unix day number. */
  date(day: number): void {
    const at = this.reserve(8);
    this.view.setInt32(at, 4);
    this.view.setInt32(at + 4, day - PG_EPOCH_DAY);
    this.at = at + 8;
  }

  /** A field of bytes made beforehand (UTF-8 text, a uuid); null for null. */
  field(fragment: Fragment | null): void {
    if (fragment === null) return this.null();
    const at = this.reserve(4 + fragment.length + 3);
    this.view.setInt32(at, fragment.length);
    this.copy(fragment, at + 4);
  }

  /** `base` (a uuid) with its last 6 bytes counting: `n` (< 2⁴⁸) instead (generated ids). */
  countingUuid(base: Fragment, n: number): void {
    this.field(base);
    const high = Math.floor(n / TWO_32);
    this.view.setUint16(this.at - 6, high);
    this.view.setUint32(this.at - 4, n - high * TWO_32);
  }

  /**
   * A numeric from a whole number of hundredths (≥ 0): base-10000 digits, scale 2 (the columns'
   * scale: numeric(8,2) durations, numeric(14,2) hours).
   */
  hundredths(value: number): void {
    const whole = Math.floor(value / 100);
    const fraction = (value - whole * 100) * 100;
    let digits = 0;
    for (let w = whole; w > 0; w = Math.floor(w / 10_000)) digits++;
    const total = digits + (fraction > 0 ? 1 : 0);
    let at = this.reserve(12 + 2 * total);
    const view = this.view;
    view.setInt32(at, 8 + 2 * total);
    view.setInt16(at + 4, total);
    view.setInt16(at + 6, total === 0 ? 0 : digits - 1);
    view.setInt16(at + 8, 0);
    view.setInt16(at + 10, 2);
    at += 12;
    for (let i = digits - 1, w = whole; i >= 0; i--, w = Math.floor(w / 10_000))
      view.setInt16(at + 2 * i, w % 10_000);
    at += 2 * digits;
    if (fraction > 0) {
      view.setInt16(at, fraction);
      at += 2;
    }
    this.at = at;
  }

  /** Starts a field made of parts (`raw`, `digits`, `hex`, …); `end` it with what this returns. */
  begin(): number {
    this.at = this.reserve(4) + 4;
    return this.at;
  }

  end(start: number): void {
    this.view.setInt32(start - 4, this.at - start);
  }

  raw(fragment: Fragment): void {
    this.copy(fragment, this.reserve(fragment.length + 3));
  }

  /** A whole number (0 to 10²¹) in decimal, zero-padded to `width`. */
  digits(value: number, width = 1): void {
    let n = width;
    while (value >= POW10[n]) n++;
    const at = this.reserve(n);
    const buffer = this.buffer;
    for (let i = n - 1; i >= 0; i--) {
      const q = Math.floor(value / 10);
      buffer[at + i] = 48 + value - q * 10;
      value = q;
    }
    this.at = at + n;
  }

  /** An instant as `Date#toISOString` writes it (the events' payloads carry instants as text). */
  isoInstant(ms: number): void {
    const day = Math.floor(ms / DAY_MS);
    this.raw(isoDayPrefix(day));
    let rest = ms - day * DAY_MS;
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const s = Math.floor(rest / 1000);
    this.digits(h, 2);
    this.raw(COLON);
    this.digits(m, 2);
    this.raw(COLON);
    this.digits(s, 2);
    this.raw(DOT);
    this.digits(rest - s * 1000, 3);
    this.raw(ZULU);
  }

  /** A whole number ≥ 0 in lowercase hexadecimal, `width` digits (zero-padded, and cut to them). */
  hex(value: number, width: number): void {
    const at = this.reserve(width);
    const buffer = this.buffer;
    for (let i = width - 1; i >= 0; i--) {
      const q = Math.floor(value / 16);
      buffer[at + i] = HEX[value - q * 16];
      value = q;
    }
    this.at = at + width;
  }

  /** Copies a fragment to `at` (reserved, with three bytes to spare: whole words are written). */
  private copy(fragment: Fragment, at: number): void {
    const words = fragment.words;
    const view = this.view;
    for (let i = 0; i < words.length; i++) view.setInt32(at + 4 * i, words[i]);
    this.at = at + fragment.length;
  }

  private int64(at: number, value: number): void {
    const high = Math.floor(value / TWO_32);
    this.view.setInt32(at, high);
    this.view.setUint32(at + 4, value - high * TWO_32);
    this.at = at + 8;
  }

  /** Makes room for `n` more bytes; returns where they go. */
  private reserve(n: number): number {
    if (this.at + n > this.buffer.length) this.grow(n);
    return this.at;
  }

  private grow(n: number): void {
    const grown = new Uint8Array(this.pool.take(Math.max(2 * this.buffer.length, this.at + n)));
    grown.set(this.buffer.subarray(0, this.at));
    this.pool.give(this.buffer.buffer as ArrayBuffer);
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}
