/**
 * The generator's shortcuts: the tabled calendar and the binary COPY fields answer exactly as what
 * they replace (the national calendar, `toISOString`, PostgreSQL's own encodings).
 */
import { nationalCalendar } from '@eiso/calendar';
import { seededRandom } from '@eiso/demo';
import { TabledCalendar } from '../src/generate/calendar';
import { BinaryRows, BufferPool, uuid, utf8 } from '../src/generate/binary';
import { dateOf, decodeRows, instantOf, intOf, numericOf, textOf, uuidOf } from './copy-rows';

const calendar = new TabledCalendar('2025-01-01', '2026-12-31');
const random = seededRandom(9);
const from = Date.parse('2025-01-02T00:00:00+07:00');
const span = Date.parse('2026-10-01T00:00:00+07:00') - from;
const instant = () => new Date(from + Math.floor(random() * span));

describe('TabledCalendar', () => {
  it('agrees with the national calendar on 2,000 random questions', () => {
    for (let i = 0; i < 2000; i++) {
      const a = instant();
      const b = new Date(a.getTime() + Math.floor(random() * 90 * 86_400_000));
      const hours = Math.round(random() * 400) / 4;
      const days = [0, 0.5, 1, 1.5, 3, 5, 7, 10, 15, 20, 30][i % 11];
      expect(calendar.nextWorkingMoment(a)).toEqual(nationalCalendar.nextWorkingMoment(a));
      expect(calendar.addWorkingHours(a, hours)).toEqual(nationalCalendar.addWorkingHours(a, hours));
      expect(calendar.workingHoursBetween(a, b)).toBeCloseTo(nationalCalendar.workingHoursBetween(a, b), 9);
      expect(calendar.procedureDeadline(a, days)).toEqual(nationalCalendar.procedureDeadline(a, days));
    }
  });

  it('defers to the national calendar outside its table', () => {
    const late = new Date('2027-06-01T09:00:00+07:00');
    expect(calendar.procedureDeadline(late, 10)).toEqual(nationalCalendar.procedureDeadline(late, 10));
  });
});

describe('binary COPY fields', () => {
  /** The fields of one row written by `write`. */
  const fields = (count: number, write: (rows: BinaryRows) => void) => {
    const rows = new BinaryRows(16);
    rows.row(count);
    write(rows);
    return decodeRows(rows.bytes())[0];
  };

  it('writes instants as toISOString does, and as timestamps', () => {
    for (let i = 0; i < 2000; i++) {
      const t = from + Math.floor(random() * span);
      const [text, stamp] = fields(2, (rows) => {
        const start = rows.begin();
        rows.isoInstant(t);
        rows.end(start);
        rows.timestamp(t);
      });
      expect(textOf(text!)).toBe(new Date(t).toISOString());
      expect(instantOf(stamp!).getTime()).toBe(t);
    }
  });

  it('writes numbers, days, uuids, text and nulls', () => {
    const id = '0a1b2c3d-4e5f-4061-8798-a9bacbdcedfe';
    const row = fields(12, (rows) => {
      for (const h of [0, 50, 800, 1250, 123_456_789]) rows.hundredths(h);
      rows.date(Date.UTC(2026, 1, 28) / 86_400_000);
      rows.field(uuid(id));
      rows.field(utf8('Nguyễn Văn An'));
      const start = rows.begin();
      rows.digits(42, 4);
      rows.digits(1_000_000_007);
      rows.hex(255, 4);
      rows.end(start);
      rows.int8(2 ** 40 + 3);
      rows.timestamp(NaN);
      rows.field(null);
    });
    expect(row.slice(0, 5).map((f) => numericOf(f!))).toEqual([0, 0.5, 8, 12.5, 1234567.89]);
    expect(dateOf(row[5]!)).toBe('2026-02-28');
    expect(uuidOf(row[6]!)).toBe(id);
    expect(textOf(row[7]!)).toBe('Nguyễn Văn An');
    expect(textOf(row[8]!)).toBe('0042100000000700ff');
    expect(intOf(row[9]!)).toBe(2 ** 40 + 3);
    expect(row.slice(10)).toEqual([null, null]);
  });

  it('grows past its buffer and reuses the pool’s', () => {
    const pool = new BufferPool();
    const rows = new BinaryRows(8, pool);
    for (let i = 0; i < 1000; i++) {
      rows.row(1);
      rows.int8(i);
    }
    const decoded = decodeRows(rows.bytes());
    expect(decoded.map((r) => intOf(r[0]!))).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // The buffers it grew out of went back to the pool; the last one goes back once written.
    const buffer = rows.bytes().buffer as ArrayBuffer;
    pool.give(buffer);
    expect(pool.take(buffer.byteLength) === buffer).toBe(true);
  });
});
