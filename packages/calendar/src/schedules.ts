/**
 * Yearly schedules (lịch nghỉ lễ, Tết): the days off and the make-up working days that the Prime
 * Minister's yearly decisions set, kept as data because they change every year.
 *
 * How schedules combine for one year (see WorkingCalendar):
 * - A schedule with `replacesRules: true` is the year's complete official list: its days off replace
 *   the default rules of holidays.ts (which would otherwise add compensatory days the decision
 *   moved elsewhere). The built-in national files are of this kind; the last one given wins.
 * - Any other schedule amends the year: its days off and working days are added on top, in order,
 *   a later schedule overriding an earlier one for the same date. A province's own file is of this
 *   kind.
 */
import { isIsoDate } from './dates';
import vn2025 from './schedules/vn-2025.json';
import vn2026 from './schedules/vn-2026.json';

export interface YearSchedule {
  year: number;
  /** Days off (weekend days may be listed too, as the decisions announce whole breaks). */
  daysOff: readonly string[];
  /** Days worked although they are Saturdays or Sundays (ngày làm bù); full working days. */
  workingDays?: readonly string[];
  /** The complete official list for the year, replacing the default rules; else an amendment. */
  replacesRules?: boolean;
  /** The decision or notice this comes from. */
  source: string;
  note?: string;
}

/** The national schedules shipped with eiso, checked at load. */
export const BUILTIN_SCHEDULES: readonly YearSchedule[] = [vn2025, vn2026].map(parseYearSchedule);

/** Checks a schedule read from JSON (a deployment's or a province's file) and returns it typed. */
export function parseYearSchedule(value: unknown): YearSchedule {
  if (typeof value !== 'object' || value === null) throw new TypeError('a schedule must be an object');
  const s = value as Record<string, unknown>;
  const year = s.year;
  if (typeof year !== 'number' || !Number.isInteger(year)) throw new TypeError('schedule.year: an integer');
  const where = `schedule ${year}`;
  if (typeof s.source !== 'string' || s.source.trim() === '')
    throw new TypeError(`${where}: source is required`);
  if (s.replacesRules !== undefined && typeof s.replacesRules !== 'boolean') {
    throw new TypeError(`${where}: replacesRules must be a boolean`);
  }
  if (s.note !== undefined && typeof s.note !== 'string')
    throw new TypeError(`${where}: note must be a string`);
  const daysOff = datesOf(s.daysOff, year, `${where}: daysOff`);
  const workingDays =
    s.workingDays === undefined ? [] : datesOf(s.workingDays, year, `${where}: workingDays`);
  const both = workingDays.find((d) => daysOff.includes(d));
  if (both) throw new RangeError(`${where}: ${both} is both a day off and a working day`);
  return {
    year,
    daysOff,
    workingDays,
    replacesRules: s.replacesRules === true,
    source: s.source,
    note: s.note,
  };
}

function datesOf(value: unknown, year: number, where: string): string[] {
  if (!Array.isArray(value)) throw new TypeError(`${where} must be an array of dates`);
  for (const date of value) {
    if (typeof date !== 'string' || !isIsoDate(date)) throw new RangeError(`${where}: not a date: ${date}`);
    if (!date.startsWith(`${String(year).padStart(4, '0')}-`))
      throw new RangeError(`${where}: ${date} is not in ${year}`);
  }
  return [...value];
}
