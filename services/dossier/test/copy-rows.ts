/**
 * Reads back the generator's binary COPY rows (src/generate/binary.ts) the way PostgreSQL does,
 * for the tests: fields as bytes (null for NULL) and the decoders of the types the rows use.
 */

/** The rows of binary COPY data (no header): each a list of fields. */
export function decodeRows(bytes: Uint8Array): (Buffer | null)[][] {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows: (Buffer | null)[][] = [];
  let at = 0;
  while (at < data.length) {
    const fields = data.readInt16BE(at);
    at += 2;
    const row: (Buffer | null)[] = [];
    for (let i = 0; i < fields; i++) {
      const length = data.readInt32BE(at);
      at += 4;
      row.push(length < 0 ? null : data.subarray(at, at + length));
      at += Math.max(length, 0);
    }
    rows.push(row);
  }
  if (at !== data.length) throw new Error('rows overrun their bytes');
  return rows;
}

export const uuidOf = (f: Buffer) =>
  f.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
export const textOf = (f: Buffer) => f.toString('utf8');
export const intOf = (f: Buffer) =>
  f.length === 2 ? f.readInt16BE() : f.length === 4 ? f.readInt32BE() : Number(f.readBigInt64BE());
export const boolOf = (f: Buffer) => f[0] === 1;
/** timestamptz: microseconds since 2000-01-01. */
export const instantOf = (f: Buffer) => new Date(Number(f.readBigInt64BE()) / 1000 + Date.UTC(2000, 0, 1));
/** date: days since 2000-01-01. */
export const dateOf = (f: Buffer) =>
  new Date(Date.UTC(2000, 0, 1) + f.readInt32BE() * 86_400_000).toISOString().slice(0, 10);
/** numeric: base-10000 digits with a weight and a sign; as a number. */
export function numericOf(f: Buffer): number {
  const digits = f.readInt16BE(0);
  const weight = f.readInt16BE(2);
  let value = 0;
  for (let i = 0; i < digits; i++) value += f.readInt16BE(8 + 2 * i) * 10_000 ** (weight - i);
  return f.readUInt16BE(4) === 0x4000 ? -value : value;
}
/** jsonb: a version byte (1) and the JSON text. */
export function jsonOf(f: Buffer): unknown {
  if (f[0] !== 1) throw new Error(`jsonb version ${f[0]}`);
  return JSON.parse(f.subarray(1).toString('utf8'));
}
