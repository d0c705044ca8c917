/**
 * Public holidays by rule (Labour Code 2019 art. 111–112), the default for years whose official
 * schedule is not loaded. The official schedule of a year (see schedules.ts) replaces these rules.
 *
 * Art. 112(1), eleven days: Tết Dương lịch 1 January; Tết Âm lịch 5 days; Giỗ Tổ Hùng Vương (10/3
 * lunar); Ngày Chiến thắng 30 April; Quốc tế Lao động 1 May; Quốc khánh 2 September plus one
 * adjacent day. Art. 111(3): a weekly rest day (Saturday, Sunday for civil servants) that falls on a
 * holiday is made up on the next working day (nghỉ bù).
 */
import { addDays } from './dates';
import { hungKingsDay, lunarNewYearsEve } from './lunar';

export type HolidayKind = 'holiday' | 'compensatory';

export interface Holiday {
  date: string;
  name: string;
  /** `holiday`: a day of art. 112 itself; `compensatory`: the day off that makes up a weekend one. */
  kind: HolidayKind;
}

/** Days of art. 112(1) in `year`, in date order, before any compensation. */
export function statutoryHolidays(year: number): Holiday[] {
  const holiday = (date: string, name: string): Holiday => ({ date, name, kind: 'holiday' });
  const y = String(year).padStart(4, '0');
  return [
    holiday(`${y}-01-01`, 'Tết Dương lịch (New Year)'),
    ...tetDays(year).map((date) => holiday(date, 'Tết Nguyên đán (Lunar New Year)')),
    holiday(hungKingsDay(year), 'Giỗ Tổ Hùng Vương (Hùng Kings)'),
    holiday(`${y}-04-30`, 'Ngày Chiến thắng (Reunification Day)'),
    holiday(`${y}-05-01`, 'Ngày Quốc tế Lao động (Labour Day)'),
    ...nationalDayDays(year).map((date) => holiday(date, 'Quốc khánh (National Day)')),
  ].sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * The five days of Tết by default: the last day of the lunar year (29 or 30 of month 12) through
 * the 4th day of month 1. The Prime Minister sets the real days each year, often starting a day or
 * two earlier so that the break joins a weekend (2023: 20–26 January); the schedule file overrides.
 */
export function tetDays(year: number): string[] {
  const eve = lunarNewYearsEve(year);
  return [0, 1, 2, 3, 4].map((n) => addDays(eve, n));
}

/**
 * 2 September and the adjacent day (1 or 3 September) that joins the holiday to a weekend, which is
 * what the yearly decisions did from 2021 on (2021: 2–3, 2022: 1–2, 2023: 1–2, 2024: 2–3, 2025:
 * 1–2, 2026: 1–2). With 2 September on a Wednesday neither side reaches a weekend; the day before is
 * taken, as in 2026.
 */
export function nationalDayDays(year: number): string[] {
  const y = String(year).padStart(4, '0');
  const second = `${y}-09-02`;
  // Index: weekday of 2 September (0 = Sunday). Sunday → Monday 3; Monday → Tuesday 3 (1 is a
  // Sunday); Thursday → Friday 3; otherwise the 1st (Tuesday → Monday, Friday → Thursday,
  // Saturday → Friday, Wednesday → Tuesday).
  const adjacentIsThird = [true, true, false, false, true, false, false][weekday(second)];
  const adjacent = adjacentIsThird ? `${y}-09-03` : `${y}-09-01`;
  return [second, adjacent].sort();
}

/**
 * The default days off of `year`: the statutory holidays and, for each one on a Saturday or Sunday,
 * a compensatory day on the next weekday that is not already off (art. 111(3)).
 */
export function defaultDaysOff(year: number): Holiday[] {
  const holidays = statutoryHolidays(year);
  const taken = new Set(holidays.map((h) => h.date));
  const compensatory: Holiday[] = [];
  for (const h of holidays) {
    if (!isWeekend(h.date)) continue;
    let date = addDays(h.date, 1);
    while (isWeekend(date) || taken.has(date)) date = addDays(date, 1);
    taken.add(date);
    compensatory.push({ date, name: `Nghỉ bù (compensatory for ${h.date})`, kind: 'compensatory' });
  }
  return [...holidays, ...compensatory].sort((a, b) => a.date.localeCompare(b.date));
}

/** 0 = Sunday … 6 = Saturday, of a 'YYYY-MM-DD' date. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function isWeekend(date: string): boolean {
  const day = weekday(date);
  return day === 0 || day === 6;
}
