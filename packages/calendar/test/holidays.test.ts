import fc from 'fast-check';
import {
  addDays,
  BUILTIN_SCHEDULES,
  defaultDaysOff,
  hungKingsDay,
  isWeekend,
  lunarNewYear,
  lunarNewYearsEve,
  lunarToSolar,
  nationalCalendar,
  nationalDayDays,
  parseYearSchedule,
  solarToLunar,
  statutoryHolidays,
  tetDays,
  WorkingCalendar,
} from '../src';

const years = fc.integer({ min: 1970, max: 2100 });

describe('the Vietnamese lunar calendar (UTC+7)', () => {
  it('puts Tết and Hùng Kings on the days Vietnam keeps', () => {
    expect(lunarNewYear(2025)).toBe('2025-01-29');
    expect(lunarNewYear(2026)).toBe('2026-02-17');
    expect(hungKingsDay(2026)).toBe('2026-04-26');
    expect(lunarNewYear(2027)).toBe('2027-02-06');
    expect(hungKingsDay(2027)).toBe('2027-04-16');
  });

  it("follows Vietnam's meridian where China's calendar differs", () => {
    expect(lunarNewYear(2007)).toBe('2007-02-17'); // China: 18 February
    expect(lunarNewYear(2030)).toBe('2030-02-02'); // China: 3 February
    expect(lunarNewYear(1985)).toBe('1985-01-21'); // China: 20 February
  });

  it('converts both ways, leap months included', () => {
    expect(solarToLunar('2026-02-16')).toEqual({ year: 2025, month: 12, day: 29, leap: false });
    expect(solarToLunar('2025-07-30')).toEqual({ year: 2025, month: 6, day: 6, leap: true });
    expect(lunarToSolar(2025, 6, 6, true)).toBe('2025-07-30');
    expect(() => lunarToSolar(2026, 13, 1)).toThrow(RangeError);
    expect(() => lunarNewYear(1800)).toThrow(RangeError);
  });

  it('property: Tết falls 21 January – 20 February, its eve is the 29th or 30th of (possibly leap) month 12', () => {
    fc.assert(
      fc.property(years, (year) => {
        const tet = lunarNewYear(year);
        expect(tet >= `${year}-01-21` && tet <= `${year}-02-20`).toBe(true);
        expect(solarToLunar(tet)).toEqual({ year, month: 1, day: 1, leap: false });
        const eve = solarToLunar(lunarNewYearsEve(year));
        // The last month may be a leap 12th month (2052 has one), so leap is not asserted.
        expect([eve.year, eve.month]).toEqual([year - 1, 12]);
        expect([29, 30]).toContain(eve.day);
        expect(solarToLunar(hungKingsDay(year))).toEqual({ year, month: 3, day: 10, leap: false });
      }),
    );
  });
});

describe('holidays by rule (Labour Code 2019 art. 111–112)', () => {
  it('gives Tết five days: the last day of the lunar year through the 4th of month 1', () => {
    expect(tetDays(2026)).toEqual(['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']);
    expect(tetDays(2025)[0]).toBe('2025-01-28'); // 29 Chạp: that month had no 30th
  });

  it('joins National Day to a weekend, as the yearly decisions of 2021–2026 did', () => {
    expect(nationalDayDays(2021)).toEqual(['2021-09-02', '2021-09-03']); // Thursday → Friday
    expect(nationalDayDays(2022)).toEqual(['2022-09-01', '2022-09-02']); // Friday → Thursday
    expect(nationalDayDays(2023)).toEqual(['2023-09-01', '2023-09-02']); // Saturday → Friday
    expect(nationalDayDays(2024)).toEqual(['2024-09-02', '2024-09-03']); // Monday → Tuesday
    expect(nationalDayDays(2025)).toEqual(['2025-09-01', '2025-09-02']); // Tuesday → Monday
    expect(nationalDayDays(2026)).toEqual(['2026-09-01', '2026-09-02']); // Wednesday → Tuesday
    expect(nationalDayDays(2030)).toEqual(['2030-09-02', '2030-09-03']); // Sunday → Monday
  });

  it('makes up a holiday on a weekend on the next working day', () => {
    const off = (year: number) => defaultDaysOff(year).map((h) => `${h.date} ${h.kind}`);
    expect(off(2026)).toContain('2026-04-27 compensatory'); // Hùng Kings on Sunday 26 April
    expect(off(2022)).toContain('2022-01-03 compensatory'); // 1 January on a Saturday
    expect(off(2023)).toContain('2023-09-04 compensatory'); // 2 September on a Saturday
    // Tết 2027 covers Saturday 6 and Sunday 7 February: Wednesday 10 and Thursday 11 after it.
    expect(off(2027)).toEqual(expect.arrayContaining(['2027-02-10 compensatory', '2027-02-11 compensatory']));
    expect(off(2027)).toContain('2027-05-03 compensatory'); // 1 May on a Saturday
  });

  it('property: eleven statutory days, and exactly eleven weekdays off a year', () => {
    fc.assert(
      fc.property(years, (year) => {
        expect(new Set(statutoryHolidays(year).map((h) => h.date)).size).toBe(11);
        const days = defaultDaysOff(year);
        expect(new Set(days.map((h) => h.date)).size).toBe(days.length);
        expect(days.filter((h) => !isWeekend(h.date))).toHaveLength(11);
        expect(days.every((h) => h.date.startsWith(`${year}-`))).toBe(true);
      }),
    );
  });
});

describe('yearly schedules', () => {
  const calendar = nationalCalendar;

  it('2025: Tết 25 January – 2 February, 2 May off against 26 April, National Day 30 August – 2 September', () => {
    for (let d = '2025-01-25'; d <= '2025-02-02'; d = addDays(d, 1))
      expect(calendar.isWorkingDay(d)).toBe(false);
    expect(calendar.isWorkingDay('2025-01-24')).toBe(true);
    expect(calendar.isWorkingDay('2025-02-03')).toBe(true); // the rules alone would make it a day off
    expect(new WorkingCalendar({ schedules: [] }).isWorkingDay('2025-02-03')).toBe(false);
    expect(calendar.isWorkingDay('2025-04-07')).toBe(false);
    expect(calendar.isWorkingDay('2025-04-26')).toBe(true); // a Saturday worked
    expect(calendar.isWorkingDay('2025-05-02')).toBe(false);
    for (const d of ['2025-08-30', '2025-08-31', '2025-09-01', '2025-09-02'])
      expect(calendar.isWorkingDay(d)).toBe(false);
    expect(calendar.isWorkingDay('2025-09-03')).toBe(true);
  });

  it('2026: New Year 1–4 January against 10 January, Tết 14–22 February, National Day 29 August – 2 September', () => {
    expect(calendar.isWorkingDay('2026-01-02')).toBe(false);
    expect(calendar.isWorkingDay('2026-01-10')).toBe(true);
    expect(calendar.isWorkingDay('2026-02-13')).toBe(true);
    for (let d = '2026-02-14'; d <= '2026-02-22'; d = addDays(d, 1))
      expect(calendar.isWorkingDay(d)).toBe(false);
    expect(calendar.isWorkingDay('2026-02-23')).toBe(true);
    expect(calendar.isWorkingDay('2026-04-27')).toBe(false);
    expect(calendar.isWorkingDay('2026-08-22')).toBe(true);
    expect(calendar.isWorkingDay('2026-08-31')).toBe(false);
  });

  it.each(BUILTIN_SCHEDULES.map((s) => [s.year, s] as const))(
    'the %i file keeps every statutory day, and one weekday more per swapped Saturday',
    (year, schedule) => {
      const off = new Set(schedule.daysOff);
      for (const h of statutoryHolidays(year)) expect(off.has(h.date) || isWeekend(h.date)).toBe(true);
      const weekdaysOff = schedule.daysOff.filter((d) => !isWeekend(d)).length;
      expect(weekdaysOff).toBe(11 + (schedule.workingDays ?? []).length);
      expect((schedule.workingDays ?? []).every(isWeekend)).toBe(true);
    },
  );

  it("lets a province amend a year, and a deployment load a year's official list", () => {
    const province = new WorkingCalendar({
      extraSchedules: [
        { year: 2026, daysOff: ['2026-03-09'], workingDays: ['2026-04-27'], source: 'UBND tỉnh (example)' },
        {
          year: 2027,
          replacesRules: true,
          daysOff: ['2027-01-01', '2027-02-04', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10'],
          workingDays: ['2027-01-30'],
          source: 'a 2027 decision (example)',
        },
      ],
    });
    expect(province.isWorkingDay('2026-03-09')).toBe(false);
    expect(province.isWorkingDay('2026-04-27')).toBe(true);
    expect(province.isWorkingDay('2026-02-16')).toBe(false); // the national file still applies
    expect(province.isWorkingDay('2027-02-04')).toBe(false);
    expect(province.isWorkingDay('2027-02-11')).toBe(true); // a rule compensatory day, replaced
    expect(province.isWorkingDay('2027-01-30')).toBe(true);
    expect(province.describeYear(2027).sources).toEqual(['a 2027 decision (example)']);
    expect(nationalCalendar.isWorkingDay('2026-03-09')).toBe(true);
  });

  it('refuses a malformed schedule', () => {
    const ok = { year: 2027, daysOff: ['2027-01-01'], source: 'x' };
    expect(parseYearSchedule(ok)).toMatchObject({ year: 2027, workingDays: [], replacesRules: false });
    expect(() => parseYearSchedule({ ...ok, source: '' })).toThrow(/source/);
    expect(() => parseYearSchedule({ ...ok, daysOff: ['2027-02-30'] })).toThrow(/not a date/);
    expect(() => parseYearSchedule({ ...ok, daysOff: ['2026-12-31'] })).toThrow(/not in 2027/);
    expect(() => parseYearSchedule({ ...ok, workingDays: ['2027-01-01'] })).toThrow(/both/);
    expect(() => parseYearSchedule({ ...ok, year: '2027' })).toThrow(TypeError);
    expect(() => new WorkingCalendar({ extraSchedules: [null] })).toThrow(TypeError);
  });
});
