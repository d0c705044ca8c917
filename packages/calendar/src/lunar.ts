/**
 * The Vietnamese lunisolar calendar (âm lịch), as far as the public holidays need it.
 *
 * Conversions come from `date-chinese`'s CalendarVietnamese: the Chinese calendar rules computed at
 * Vietnam's meridian (UTC+7 from 1968, UTC+8 before, as Vietnam itself used). The meridian matters:
 * Tết 2007, 2030 and 2053 fall a day earlier in Vietnam than in China, and Tết 1985 a month earlier.
 * Results were checked against Hồ Ngọc Đức's reference algorithm (time zone 7) for 1970–2100.
 *
 * A lunar year is named here by the Gregorian year in which its first day (Tết) falls.
 */
import { addDays } from './dates';

/** The part of date-chinese's CalendarVietnamese used here. */
interface VietnameseCalendar {
  newYear(gregorianYear: number): number;
  fromJDE(jde: number): this;
  fromGregorian(year: number, month: number, day: number): this;
  /** [cycle, year in cycle, month, leap, day] */
  get(): [number, number, number, boolean, number];
  set(cycle: number, year: number, month: number, leap: boolean, day: number): this;
  toGregorian(): { year: number; month: number; day: number };
  /** The Gregorian year in which the current lunar year's Tết falls. */
  yearFromEpochCycle(): number;
}

// date-chinese ships its types as an ambient module that Node16 resolution does not pick up, so the
// few members used are typed above rather than in a global declaration every consumer would need.
const { CalendarVietnamese } = require('date-chinese') as {
  CalendarVietnamese: new () => VietnameseCalendar;
};

export interface LunarDate {
  /** The Gregorian year in which this lunar year's Tết falls. */
  year: number;
  month: number;
  day: number;
  /** A leap month (tháng nhuận) repeats the month before it. */
  leap: boolean;
}

const MIN_YEAR = 1900;
const MAX_YEAR = 2200;

// The astronomy behind a conversion costs a few milliseconds; the answers never change.
const solarCache = new Map<string, string>();

/** The Gregorian date ('YYYY-MM-DD') of a lunar date; `year` is the year of that lunar year's Tết. */
export function lunarToSolar(year: number, month: number, day: number, leap = false): string {
  assertYear(year);
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`lunar month ${month}`);
  if (!Number.isInteger(day) || day < 1 || day > 30) throw new RangeError(`lunar day ${day}`);
  const key = `${year}-${month}-${day}-${leap}`;
  let solar = solarCache.get(key);
  if (solar === undefined) {
    const calendar = new CalendarVietnamese();
    calendar.fromJDE(calendar.newYear(year));
    const [cycle, cycleYear] = calendar.get();
    calendar.set(cycle, cycleYear, month, leap, day);
    const { year: y, month: m, day: d } = calendar.toGregorian();
    solar = `${y}-${pad(m)}-${pad(d)}`;
    solarCache.set(key, solar);
  }
  return solar;
}

/** The lunar date of a Gregorian date ('YYYY-MM-DD'). */
export function solarToLunar(date: string): LunarDate {
  const [y, m, d] = date.split('-').map(Number);
  assertYear(y);
  const calendar = new CalendarVietnamese();
  calendar.fromGregorian(y, m, d);
  const [, , month, leap, day] = calendar.get();
  return { year: calendar.yearFromEpochCycle(), month, day, leap: Boolean(leap) };
}

/** Tết Nguyên đán: the 1st day of the 1st lunar month, in Gregorian year `year`. */
export function lunarNewYear(year: number): string {
  return lunarToSolar(year, 1, 1);
}

/** Giao thừa's day: the last day (29 or 30 of month 12) of the lunar year that ends in `year`. */
export function lunarNewYearsEve(year: number): string {
  return addDays(lunarNewYear(year), -1);
}

/** Giỗ Tổ Hùng Vương: the 10th day of the 3rd lunar month (never the leap one) of `year`. */
export function hungKingsDay(year: number): string {
  return lunarToSolar(year, 3, 10);
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new RangeError(`lunar conversions cover ${MIN_YEAR}–${MAX_YEAR}, not ${year}`);
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
