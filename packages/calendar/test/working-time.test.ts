import fc from 'fast-check';
import { dateInVietnam, nationalCalendar as calendar, WorkingCalendar } from '../src';

/** An instant from a local time in Vietnam: at('2026-04-24 16:00'). */
const at = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`);
/** The local time of an instant, as at() takes it. */
const local = (instant: Date) =>
  new Date(instant.getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('working days and working time', () => {
  it('are Monday to Friday less days off, plus make-up Saturdays', () => {
    expect(calendar.isWorkingDay('2026-03-06')).toBe(true); // Friday
    expect(calendar.isWorkingDay('2026-03-07')).toBe(false); // Saturday
    expect(calendar.isWorkingDay('2026-03-08')).toBe(false); // Sunday
    expect(calendar.isWorkingDay('2026-04-30')).toBe(false);
    expect(calendar.isWorkingDay('2026-01-10')).toBe(true); // Saturday worked for 2 January
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(RangeError);
  });

  it('run 08:00–12:00 and 13:00–17:00 local time, ends excluded', () => {
    const working = (s: string) => calendar.isWorkingTime(at(s));
    expect(working('2026-03-09 07:59')).toBe(false);
    expect(working('2026-03-09 08:00')).toBe(true);
    expect(working('2026-03-09 11:59')).toBe(true);
    expect(working('2026-03-09 12:00')).toBe(false);
    expect(working('2026-03-09 12:59')).toBe(false);
    expect(working('2026-03-09 13:00')).toBe(true);
    expect(calendar.isWorkingTime(new Date(at('2026-03-09 17:00').getTime() - 1))).toBe(true);
    expect(working('2026-03-09 17:00')).toBe(false);
    expect(working('2026-03-07 10:00')).toBe(false); // Saturday
    expect(working('2026-01-10 10:00')).toBe(true); // make-up Saturday, same hours
    expect(working('2026-02-18 10:00')).toBe(false); // Tết
    expect(calendar.isWorkingTime(new Date('2026-03-09T01:00:00Z'))).toBe(true); // 08:00 in Vietnam
  });

  it('the next working moment is the instant itself or the next period start', () => {
    const next = (s: string) => local(calendar.nextWorkingMoment(at(s)));
    expect(next('2026-03-09 09:15')).toBe('2026-03-09 09:15');
    expect(next('2026-03-09 06:00')).toBe('2026-03-09 08:00');
    expect(next('2026-03-09 12:00')).toBe('2026-03-09 13:00');
    expect(next('2026-03-13 17:00')).toBe('2026-03-16 08:00'); // Friday evening → Monday
    expect(next('2026-02-13 17:30')).toBe('2026-02-23 08:00'); // the eve of the Tết break 2026
    expect(next('2026-04-24 18:00')).toBe('2026-04-28 08:00'); // Monday 27 April is compensatory
  });
});

describe('addWorkingHours', () => {
  const add = (s: string, hours: number) => local(calendar.addWorkingHours(at(s), hours));

  it('ends at the end of a period rather than the start of the next', () => {
    expect(add('2026-03-09 08:00', 8)).toBe('2026-03-09 17:00');
    expect(add('2026-03-09 08:00', 4)).toBe('2026-03-09 12:00');
    expect(add('2026-03-13 16:00', 1)).toBe('2026-03-13 17:00');
    expect(add('2026-03-13 16:00', 2)).toBe('2026-03-16 09:00');
  });

  it('starts outside working time at the next working moment, fractions counted', () => {
    expect(add('2026-03-09 12:30', 0.5)).toBe('2026-03-09 13:30');
    expect(add('2026-03-07 10:00', 0)).toBe('2026-03-09 08:00');
    expect(add('2026-03-09 11:45', 0.25)).toBe('2026-03-09 12:00');
    expect(add('2026-03-09 11:45', 0.5)).toBe('2026-03-09 13:15');
    expect(add('2026-03-09 08:00', 40)).toBe('2026-03-13 17:00');
    expect(add('2026-02-13 16:00', 2)).toBe('2026-02-23 09:00'); // across the Tết break
    expect(add('2025-04-25 16:00', 2)).toBe('2025-04-26 09:00'); // into the Saturday worked in 2025
  });

  it('refuses negative or non-finite hours', () => {
    expect(() => calendar.addWorkingHours(at('2026-03-09 08:00'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingHours(at('2026-03-09 08:00'), Number.NaN)).toThrow(RangeError);
    expect(() => calendar.addWorkingHours(new Date(Number.NaN), 1)).toThrow(RangeError);
  });
});

describe('workingHoursBetween', () => {
  const between = (a: string, b: string) => calendar.workingHoursBetween(at(a), at(b));

  it('counts only working time', () => {
    expect(between('2026-03-09 10:00', '2026-03-09 11:30')).toBe(1.5);
    expect(between('2026-03-09 11:00', '2026-03-09 14:00')).toBe(2);
    expect(between('2026-03-13 16:00', '2026-03-16 09:00')).toBe(2);
    expect(between('2026-03-09 00:00', '2026-03-16 00:00')).toBe(40);
    expect(between('2026-02-14 00:00', '2026-02-23 00:00')).toBe(0); // Tết 2026
    expect(between('2026-03-09 10:00', '2026-03-09 10:00')).toBe(0);
    expect(between('2026-03-10 10:00', '2026-03-09 10:00')).toBe(0);
  });

  it('gives working days as hours ÷ 8', () => {
    expect(calendar.workingDaysBetween(at('2026-03-09 08:00'), at('2026-03-10 12:00'))).toBe(1.5);
    expect(calendar.hoursPerDay).toBe(8);
  });
});

describe('procedureDeadline', () => {
  const due = (s: string, days: number) => local(calendar.procedureDeadline(at(s), days));

  it('counts whole days from the working day after receipt, due at 17:00', () => {
    // Monday 27 April 2026 is the compensatory day for Hùng Kings: Tuesday (1), Wednesday (2).
    expect(due('2026-04-24 16:00', 2)).toBe('2026-04-29 17:00');
    // 30 April and 1 May are holidays, 2–3 May a weekend.
    expect(due('2026-04-29 10:00', 1)).toBe('2026-05-04 17:00');
    expect(due('2026-03-09 08:00', 1)).toBe('2026-03-10 17:00');
    expect(due('2026-03-09 08:00', 5)).toBe('2026-03-16 17:00');
  });

  it('counts a receipt outside working time as received on the next working day', () => {
    expect(calendar.receiptDate(at('2026-03-07 10:00'))).toBe('2026-03-09'); // Saturday → Monday
    expect(due('2026-03-07 10:00', 1)).toBe('2026-03-10 17:00');
    expect(due('2026-03-09 17:00', 1)).toBe('2026-03-11 17:00'); // exactly 17:00: next day
    expect(due('2026-03-09 16:59', 1)).toBe('2026-03-10 17:00');
    expect(due('2026-03-09 07:00', 1)).toBe('2026-03-10 17:00'); // before opening: the same day
    expect(due('2026-03-09 12:30', 1)).toBe('2026-03-10 17:00'); // lunch: the same day
  });

  it('runs around the Tết break and the swapped days', () => {
    expect(due('2026-02-13 10:00', 3)).toBe('2026-02-25 17:00'); // 23 (1), 24 (2), 25 (3)
    expect(due('2026-02-18 10:00', 1)).toBe('2026-02-24 17:00'); // received in Tết: counts as 23
    expect(due('2025-04-25 10:00', 1)).toBe('2025-04-26 17:00'); // Saturday 26 April 2025 worked
    expect(due('2025-04-29 10:00', 1)).toBe('2025-05-05 17:00'); // 30 April – 4 May 2025 off
  });

  it('adds a time under a day as working hours, and 1.5 days as a day then 4 hours', () => {
    expect(due('2026-03-09 10:00', 0.5)).toBe('2026-03-09 15:00');
    expect(due('2026-03-09 13:00', 0.5)).toBe('2026-03-09 17:00');
    expect(due('2026-03-09 17:30', 0.5)).toBe('2026-03-10 12:00');
    expect(due('2026-03-09 10:00', 0)).toBe('2026-03-09 10:00');
    expect(due('2026-03-09 10:00', 1.5)).toBe('2026-03-11 12:00');
    expect(due('2026-03-13 10:00', 2.25)).toBe('2026-03-18 10:00');
  });

  it('refuses negative or non-finite days', () => {
    expect(() => calendar.procedureDeadline(at('2026-03-09 10:00'), -1)).toThrow(RangeError);
    expect(() => calendar.procedureDeadline(at('2026-03-09 10:00'), Number.POSITIVE_INFINITY)).toThrow(
      RangeError,
    );
  });

  it("follows a province's office hours and days off", () => {
    const province = new WorkingCalendar({
      officeHours: [
        { start: '07:30', end: '11:30' },
        { start: '13:30', end: '17:30' },
      ],
      extraSchedules: [{ year: 2026, daysOff: ['2026-03-10'], source: 'example' }],
    });
    expect(province.hoursPerDay).toBe(8);
    expect(local(province.procedureDeadline(at('2026-03-09 17:10'), 1))).toBe('2026-03-11 17:30');
    expect(local(province.addWorkingHours(at('2026-03-09 07:30'), 4))).toBe('2026-03-09 11:30');
    expect(() => new WorkingCalendar({ officeHours: [{ start: '13:00', end: '12:00' }] })).toThrow(
      RangeError,
    );
    expect(() => new WorkingCalendar({ officeHours: [{ start: '8:00', end: '12:00' }] })).toThrow(RangeError);
  });

  it('working days helpers count days after a date', () => {
    expect(calendar.nextWorkingDay('2026-04-24')).toBe('2026-04-28');
    expect(calendar.addWorkingDays('2026-02-13', 3)).toBe('2026-02-25');
    expect(calendar.addWorkingDays('2026-02-14', 0)).toBe('2026-02-14');
  });
});

describe('properties', () => {
  // Instants from December 2024 to the end of 2027: the shipped schedules and years of rules alone.
  const instants = fc
    .integer({ min: Date.parse('2024-12-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') })
    .map((t) => new Date(t));
  const minuteInstants = instants.map((d) => new Date(Math.floor(d.getTime() / 60_000) * 60_000));
  const workingMoments = instants.map((d) => calendar.nextWorkingMoment(d));
  /** Up to 30 working days, by the minute. */
  const hours = fc.integer({ min: 0, max: 30 * 8 * 60 }).map((minutes) => minutes / 60);
  const wholeDays = fc.integer({ min: 1, max: 30 });

  const isPeriodEnd = (d: Date) => {
    const time = local(d).slice(11);
    return (
      (time === '12:00' || time === '17:00') &&
      d.getTime() % 60_000 === 0 &&
      calendar.isWorkingDay(dateInVietnam(d))
    );
  };
  const inWorkingTimeOrAtAnEnd = (d: Date) => calendar.isWorkingTime(d) || isPeriodEnd(d);

  /** The receipt day worked out without nextWorkingMoment: before 17:00 on a working day, or the next one. */
  const receiptDay = (r: Date) => {
    let date = dateInVietnam(r);
    const beforeClose = local(r).slice(11) < '17:00';
    if (calendar.isWorkingDay(date) && beforeClose) return date;
    do date = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    while (!calendar.isWorkingDay(date));
    return date;
  };

  it('(a) adding h hours from a working moment leaves exactly h working hours between', () => {
    fc.assert(
      fc.property(workingMoments, hours, (s, h) => {
        expect(calendar.workingHoursBetween(s, calendar.addWorkingHours(s, h))).toBe(h);
      }),
    );
  });

  it('(b) results lie in working time or exactly at the end of a period', () => {
    fc.assert(
      fc.property(instants, hours, fc.double({ min: 0, max: 20, noNaN: true }), (s, h, days) => {
        expect(calendar.isWorkingTime(calendar.nextWorkingMoment(s))).toBe(true);
        expect(inWorkingTimeOrAtAnEnd(calendar.addWorkingHours(s, h))).toBe(true);
        expect(inWorkingTimeOrAtAnEnd(calendar.procedureDeadline(s, days))).toBe(true);
      }),
    );
  });

  it('(c) adding hours is monotonic in the start and in the hours', () => {
    fc.assert(
      fc.property(instants, instants, hours, hours, (a, b, h1, h2) => {
        const [s1, s2] = a <= b ? [a, b] : [b, a];
        const [lo, hi] = h1 <= h2 ? [h1, h2] : [h2, h1];
        expect(calendar.addWorkingHours(s1, lo).getTime()).toBeLessThanOrEqual(
          calendar.addWorkingHours(s2, lo).getTime(),
        );
        expect(calendar.addWorkingHours(s1, lo).getTime()).toBeLessThanOrEqual(
          calendar.addWorkingHours(s1, hi).getTime(),
        );
      }),
    );
  });

  it('(d) a deadline of n days is 17:00 of the nth working day after the receipt day', () => {
    fc.assert(
      fc.property(minuteInstants, wholeDays, (r, n) => {
        const dueAt = calendar.procedureDeadline(r, n);
        expect(local(dueAt).slice(11)).toBe('17:00');
        const dueDay = dateInVietnam(dueAt);
        expect(calendar.isWorkingDay(dueDay)).toBe(true);
        let count = 0;
        for (let d = receiptDay(r); d < dueDay;) {
          d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
          if (calendar.isWorkingDay(d)) count++;
        }
        expect(count).toBe(n);
      }),
    );
  });

  it('adding in two steps equals adding at once, and hours between add up', () => {
    fc.assert(
      fc.property(
        workingMoments,
        hours,
        hours.filter((h) => h > 0),
        (s, h1, h2) => {
          const twoSteps = calendar.addWorkingHours(calendar.addWorkingHours(s, h1), h2);
          expect(twoSteps).toEqual(calendar.addWorkingHours(s, h1 + h2));
        },
      ),
    );
    fc.assert(
      fc.property(instants, instants, instants, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p.getTime() - q.getTime());
        const sum = calendar.workingHoursBetween(a, b) + calendar.workingHoursBetween(b, c);
        expect(calendar.workingHoursBetween(a, c)).toBeCloseTo(sum, 9);
      }),
    );
  });
});
