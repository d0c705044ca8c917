import fc from 'fast-check';
import { addCalendarMonths, addDays, dateInVietnam, daysInMonth, isIsoDate, todayInVietnam } from '../src';

const dates = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('dates in Vietnam', () => {
  it('are UTC+7: 17:00 UTC is already the next day', () => {
    expect(dateInVietnam(new Date('2026-11-23T16:59:59Z'))).toBe('2026-11-23');
    expect(dateInVietnam(new Date('2026-11-23T17:00:00Z'))).toBe('2026-11-24');
    expect(todayInVietnam(new Date('2026-12-31T20:00:00Z'))).toBe('2027-01-01');
  });

  it('accept only real calendar dates', () => {
    for (const good of ['2024-02-29', '2026-12-31', '2025-01-01']) expect(isIsoDate(good)).toBe(true);
    for (const bad of [
      '2025-02-29',
      '2026-13-01',
      '2026-04-31',
      '26-01-01',
      '2026-1-01',
      '',
      '2026-01-01T00:00',
    ]) {
      expect(isIsoDate(bad)).toBe(false);
    }
  });
});

describe('adding calendar months', () => {
  it('keeps the day, or takes the last day of a shorter month', () => {
    expect(addCalendarMonths('2026-01-15', 3)).toBe('2026-04-15');
    expect(addCalendarMonths('2025-11-30', 3)).toBe('2026-02-28');
    expect(addCalendarMonths('2023-11-30', 3)).toBe('2024-02-29');
    expect(addCalendarMonths('2026-10-31', 3)).toBe('2027-01-31');
    expect(addCalendarMonths('2026-08-31', 1)).toBe('2026-09-30');
  });

  it('always gives a real date, in the right month, never past the original day', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: -240, max: 240 }), (date, months) => {
        const result = addCalendarMonths(date, months);
        expect(isIsoDate(result)).toBe(true);
        const [y, m, d] = date.split('-').map(Number);
        const [ry, rm, rd] = result.split('-').map(Number);
        expect(ry * 12 + rm - (y * 12 + m)).toBe(months);
        expect(rd).toBe(Math.min(d, daysInMonth(ry, rm)));
      }),
    );
  });

  it('is monotonic: a later date never gives an earlier result', () => {
    fc.assert(
      fc.property(dates, dates, fc.integer({ min: 0, max: 36 }), (a, b, months) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(addCalendarMonths(early, months) <= addCalendarMonths(late, months)).toBe(true);
      }),
    );
  });
});

describe('adding days', () => {
  it('crosses months and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: -5000, max: 5000 }), (d, n) =>
        expect(addDays(addDays(d, n), -n)).toBe(d),
      ),
    );
  });
});
