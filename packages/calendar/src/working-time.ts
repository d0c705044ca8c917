/**
 * Working time (giờ hành chính) in Vietnam: Monday–Friday, 08:00–12:00 and 13:00–17:00
 * Asia/Ho_Chi_Minh, less the days off of each year, plus its make-up working days (ngày làm bù,
 * full days with the same hours). One working day is 8 working hours.
 *
 * Vietnam keeps UTC+7 all year (no daylight saving), so local time is UTC + 7 h: plain arithmetic.
 * Instants are JS Dates; calendar dates are 'YYYY-MM-DD' strings in Vietnam.
 *
 * All methods are pure: a calendar reads no clock and no file; the per-year tables it derives from
 * its schedules and the default rules are cached, so an instance may be shared.
 */
import { dateInVietnam, isIsoDate } from './dates';
import { defaultDaysOff, isWeekend } from './holidays';
import { BUILTIN_SCHEDULES, parseYearSchedule, YearSchedule } from './schedules';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const VIETNAM_OFFSET_MS = 7 * HOUR_MS;
/** No year has this many consecutive days off: past it a schedule is broken, not a long holiday. */
const MAX_DAYS_OFF_IN_A_ROW = 366;

/** A daily working period in local time, 'HH:MM' (end exclusive). */
export interface OfficeHours {
  start: string;
  end: string;
}

export const DEFAULT_OFFICE_HOURS: readonly OfficeHours[] = [
  { start: '08:00', end: '12:00' },
  { start: '13:00', end: '17:00' },
];

export interface WorkingCalendarOptions {
  /** National schedules; default: those shipped with eiso (BUILTIN_SCHEDULES). */
  schedules?: readonly unknown[];
  /** A deployment's or province's own schedules, applied after `schedules` (see schedules.ts). */
  extraSchedules?: readonly unknown[];
  /** Daily working periods; default 08:00–12:00, 13:00–17:00 (provinces may set their own). */
  officeHours?: readonly OfficeHours[];
}

/** The resolved days of one year: dates listed off, and weekend dates worked. */
interface YearDays {
  off: Set<string>;
  worked: Set<string>;
}

/** A period as milliseconds from local midnight. */
interface Period {
  start: number;
  end: number;
}

/**
 * The working-time calendar. `new WorkingCalendar()` is the national calendar; pass `extraSchedules`
 * for a province's own days, `schedules: []` for the default rules alone.
 */
export class WorkingCalendar {
  private readonly schedules: readonly YearSchedule[];
  private readonly periods: readonly Period[];
  private readonly years = new Map<number, YearDays>();
  /** Working hours in one working day: 8 with the default office hours. */
  readonly hoursPerDay: number;

  constructor(options: WorkingCalendarOptions = {}) {
    const national = options.schedules?.map(parseYearSchedule) ?? BUILTIN_SCHEDULES;
    this.schedules = [...national, ...(options.extraSchedules ?? []).map(parseYearSchedule)];
    this.periods = parseOfficeHours(options.officeHours ?? DEFAULT_OFFICE_HOURS);
    this.hoursPerDay = this.periods.reduce((sum, p) => sum + p.end - p.start, 0) / HOUR_MS;
  }

  /** Whether a calendar date is a working day (weekday not off, or a make-up working day). */
  isWorkingDay(date: string): boolean {
    if (!isIsoDate(date)) throw new RangeError(`not a date: ${date}`);
    const days = this.yearDays(Number(date.slice(0, 4)));
    if (days.worked.has(date)) return true;
    return !days.off.has(date) && !isWeekend(date);
  }

  /** Whether an instant is working time: within a period (start inclusive, end exclusive) of a working day. */
  isWorkingTime(instant: Date): boolean {
    const t = timeOf(instant);
    const day = localDay(t);
    if (!this.isWorkingDay(dateOfDay(day))) return false;
    const offset = t - dayStart(day);
    return this.periods.some((p) => offset >= p.start && offset < p.end);
  }

  /** The instant itself when it is working time, else the start of the next working period. */
  nextWorkingMoment(instant: Date): Date {
    return new Date(this.nextWorkingTime(timeOf(instant)));
  }

  /**
   * `start` plus `hours` of working time (hours ≥ 0, fractions allowed, counted to the
   * millisecond). Outside working time the count starts at the next working moment. A result that
   * falls exactly at the end of a period is that end (12:00 or 17:00), not the next period's start:
   * Monday 08:00 + 8 h = Monday 17:00.
   */
  addWorkingHours(start: Date, hours: number): Date {
    if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`hours must be ≥ 0: ${hours}`);
    let remaining = Math.round(hours * HOUR_MS);
    let t = this.nextWorkingTime(timeOf(start));
    for (;;) {
      const end = this.periodEnd(t);
      if (remaining <= end - t) return new Date(t + remaining);
      remaining -= end - t;
      t = this.nextWorkingTime(end);
    }
  }

  /** Working hours in [a, b); 0 when b ≤ a. */
  workingHoursBetween(a: Date, b: Date): number {
    const from = timeOf(a);
    const to = timeOf(b);
    if (to <= from) return 0;
    let total = 0;
    for (let day = localDay(from); day <= localDay(to); day++) {
      if (!this.isWorkingDay(dateOfDay(day))) continue;
      for (const p of this.periods) {
        total += Math.max(0, Math.min(to, dayStart(day) + p.end) - Math.max(from, dayStart(day) + p.start));
      }
    }
    return total / HOUR_MS;
  }

  /** Working days in [a, b), as working hours ÷ hours per day (for statistics: 12 h = 1.5 days). */
  workingDaysBetween(a: Date, b: Date): number {
    return this.workingHoursBetween(a, b) / this.hoursPerDay;
  }

  /** The working day after `date` (which need not be a working day itself). */
  nextWorkingDay(date: string): string {
    return this.addWorkingDays(date, 1);
  }

  /** The `n`th working day after `date` (n ≥ 0; n = 0 gives `date` itself). */
  addWorkingDays(date: string, n: number): string {
    if (!isIsoDate(date)) throw new RangeError(`not a date: ${date}`);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be an integer ≥ 0: ${n}`);
    let day = dayOfDate(date);
    for (let i = 0; i < n; i++) day = this.nextWorkingDayAfter(day);
    return dateOfDay(day);
  }

  /**
   * The day a dossier counts as received: the date of its receipt if that was before the end of
   * that working day, else the next working day (received after 17:00 or on a day off).
   */
  receiptDate(receivedAt: Date): string {
    return dateInVietnam(this.nextWorkingMoment(receivedAt));
  }

  /**
   * A procedure's due time (hẹn trả kết quả) for a time of `days` working days:
   * - whole days (N ≥ 1) are counted as the Civil Code counts days (art. 147–148): from the working
   *   day after the receipt day (see receiptDate), due at the end of working time (17:00) of the Nth
   *   working day. Received Friday 16:00, 2 days: Monday (1), Tuesday (2), due Tuesday 17:00.
   * - a time under one day is working hours added to the receipt moment: 0.5 = 4 h from the next
   *   working moment; 0 = the next working moment (answered on the spot).
   * - a time above one day with a fraction (1.5) is both: the whole days as above, then the fraction
   *   as working hours from that day's 17:00, i.e. from the next working morning: 1.5 days is due at
   *   12:00 of the working day after the first day's end.
   */
  procedureDeadline(receivedAt: Date, days: number): Date {
    if (!Number.isFinite(days) || days < 0) throw new RangeError(`days must be ≥ 0: ${days}`);
    const whole = Math.floor(days);
    const fractionHours = (days - whole) * this.hoursPerDay;
    if (whole === 0) return this.addWorkingHours(receivedAt, fractionHours);
    const lastDay = dayOfDate(this.addWorkingDays(this.receiptDate(receivedAt), whole));
    const due = new Date(dayStart(lastDay) + this.periods[this.periods.length - 1].end);
    return fractionHours > 0 ? this.addWorkingHours(due, fractionHours) : due;
  }

  /** A year as this calendar resolves it: the dates listed off and the weekend dates worked. */
  describeYear(year: number): { daysOff: string[]; workingDays: string[]; sources: string[] } {
    const days = this.yearDays(year);
    const sources = this.schedulesOf(year).map((s) => s.source);
    if (!this.schedulesOf(year).some((s) => s.replacesRules))
      sources.unshift('Labour Code 2019 art. 111–112 (rules)');
    return { daysOff: [...days.off].sort(), workingDays: [...days.worked].sort(), sources };
  }

  private nextWorkingTime(t: number): number {
    let day = localDay(t);
    if (this.isWorkingDay(dateOfDay(day))) {
      const offset = t - dayStart(day);
      const period = this.periods.find((p) => offset < p.end);
      if (period) return Math.max(t, dayStart(day) + period.start);
    }
    day = this.nextWorkingDayAfter(day);
    return dayStart(day) + this.periods[0].start;
  }

  /** The end of the period holding working time `t`. */
  private periodEnd(t: number): number {
    const day = localDay(t);
    const offset = t - dayStart(day);
    const period = this.periods.find((p) => offset >= p.start && offset < p.end);
    if (!period) throw new Error(`not working time: ${new Date(t).toISOString()}`);
    return dayStart(day) + period.end;
  }

  private nextWorkingDayAfter(day: number): number {
    for (let next = day + 1; next <= day + MAX_DAYS_OFF_IN_A_ROW; next++) {
      if (this.isWorkingDay(dateOfDay(next))) return next;
    }
    throw new RangeError(`no working day within a year after ${dateOfDay(day)}: check the schedules`);
  }

  private schedulesOf(year: number): YearSchedule[] {
    return this.schedules.filter((s) => s.year === year);
  }

  /** The year's days: the last complete schedule or else the rules, then the amendments in order. */
  private yearDays(year: number): YearDays {
    let days = this.years.get(year);
    if (days) return days;
    const schedules = this.schedulesOf(year);
    const base = schedules.filter((s) => s.replacesRules).pop();
    // Without an official list, the rules give the holidays and their compensatory days.
    days = { off: new Set(base ? [] : defaultDaysOff(year).map((h) => h.date)), worked: new Set() };
    for (const s of base ? [base, ...schedules.filter((x) => !x.replacesRules)] : schedules) {
      applySchedule(days, s);
    }
    this.years.set(year, days);
    return days;
  }
}

/** Adds a schedule's days; a date it lists wins over what earlier schedules said of it. */
function applySchedule(days: YearDays, schedule: YearSchedule): void {
  for (const date of schedule.daysOff) {
    days.worked.delete(date);
    days.off.add(date);
  }
  for (const date of schedule.workingDays ?? []) {
    days.off.delete(date);
    days.worked.add(date);
  }
}

function parseOfficeHours(hours: readonly OfficeHours[]): Period[] {
  if (hours.length === 0) throw new RangeError('office hours: at least one period');
  const periods = hours.map((h) => ({
    start: minutesOf(h.start) * MINUTE_MS,
    end: minutesOf(h.end) * MINUTE_MS,
  }));
  periods.forEach((p, i) => {
    if (p.start >= p.end || (i > 0 && p.start < periods[i - 1].end)) {
      throw new RangeError('office hours: periods must be non-empty, in order and not overlapping');
    }
  });
  return periods;
}

function minutesOf(time: string): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(time);
  if (!match || (match[1] === '24' && match[2] !== '00')) throw new RangeError(`not a time of day: ${time}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function timeOf(instant: Date): number {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid date');
  return t;
}

/** Days since 1970-01-01 of an instant's local date in Vietnam. */
function localDay(t: number): number {
  return Math.floor((t + VIETNAM_OFFSET_MS) / DAY_MS);
}

/** The instant of local midnight starting a local day. */
function dayStart(day: number): number {
  return day * DAY_MS - VIETNAM_OFFSET_MS;
}

function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function dayOfDate(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

/** The national calendar (built-in schedules, default office hours); safe to share, being pure. */
export const nationalCalendar = new WorkingCalendar();
