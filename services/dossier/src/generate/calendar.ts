/**
 * The national working calendar, answered from a table of working days for the generator's span.
 *
 * The generator asks the calendar a dozen questions per dossier (deadlines, step ends, working
 * hours); the shared WorkingCalendar resolves each day from its date string, which is most of the
 * planning time at 10 million dossiers. This subclass asks it once per day of the span, keeps the
 * answers in a table indexed by day number, and computes the same instants with arithmetic alone
 * (a test checks it against the national calendar on random instants). Outside the span, and for
 * calendars with other office hours, it defers to WorkingCalendar.
 *
 * The generator's planner asks in epoch milliseconds (the `…At` methods): no Date is made per
 * question. Working time is counted from the table's first day (`workedBefore`), so working hours
 * between two instants are a subtraction and adding working hours is the inverse look-up, O(1)
 * whatever the distance (the Date methods answer through the same arithmetic).
 */
import { DEFAULT_OFFICE_HOURS, WorkingCalendar } from '@eiso/calendar';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const OFFSET_MS = 7 * HOUR_MS;
/** 08:00–12:00, 13:00–17:00 as milliseconds from local midnight (the national office hours). */
const PERIODS = DEFAULT_OFFICE_HOURS.map((p) => ({ start: ms(p.start), end: ms(p.end) }));

function ms(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h * 60 + m) * 60_000;
}

/** Working milliseconds in a working day (8 hours). */
const WORKDAY_MS = PERIODS.reduce((sum, p) => sum + p.end - p.start, 0);

const localDay = (t: number) => Math.floor((t + OFFSET_MS) / DAY_MS);
const dayStart = (day: number) => day * DAY_MS - OFFSET_MS;

export class TabledCalendar extends WorkingCalendar {
  private readonly first: number;
  private readonly working: Uint8Array;
  /** Working days before each day of the table (index: day − first). */
  private readonly workingBefore: Int32Array;
  /** The table's working days in order (day − first). */
  private readonly workingDays: Int32Array;
  private readonly dates = new Map<string, boolean>();

  /** `from` and `to`: the first and last dates (YYYY-MM-DD) the table covers. */
  constructor(from: string, to: string) {
    super();
    this.first = Date.parse(`${from}T00:00:00Z`) / DAY_MS;
    const last = Date.parse(`${to}T00:00:00Z`) / DAY_MS;
    this.working = new Uint8Array(last - this.first + 1);
    this.workingBefore = new Int32Array(this.working.length + 1);
    const days: number[] = [];
    for (let day = this.first; day <= last; day++) {
      const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
      const working = super.isWorkingDay(date);
      const i = day - this.first;
      this.working[i] = working ? 1 : 0;
      this.workingBefore[i + 1] = this.workingBefore[i] + this.working[i];
      if (working) days.push(i);
      this.dates.set(date, working);
    }
    this.workingDays = Int32Array.from(days);
  }

  override isWorkingDay(date: string): boolean {
    return this.dates.get(date) ?? super.isWorkingDay(date);
  }

  private covers(t: number): boolean {
    // A margin of a month: a deadline or a step may run past the last day asked about.
    const i = localDay(t) - this.first;
    return i >= 0 && i < this.working.length - 31;
  }

  /** Beyond the table (past the margin `covers` keeps) a day counts as working, so loops end. */
  private workingDayNumber(day: number): boolean {
    return this.working[day - this.first] !== 0;
  }

  private tableNextWorkingTime(t: number): number {
    let day = localDay(t);
    if (this.workingDayNumber(day)) {
      const offset = t - dayStart(day);
      for (const p of PERIODS) if (offset < p.end) return Math.max(t, dayStart(day) + p.start);
    }
    do day++;
    while (!this.workingDayNumber(day));
    return dayStart(day) + PERIODS[0].start;
  }

  /** Working milliseconds from the table's first day to `t` (covered). */
  private workedBefore(t: number): number {
    const day = localDay(t);
    const i = day - this.first;
    let worked = this.workingBefore[i] * WORKDAY_MS;
    if (this.working[i] !== 0) {
      const offset = t - dayStart(day);
      for (const p of PERIODS) worked += Math.min(Math.max(offset - p.start, 0), p.end - p.start);
    }
    return worked;
  }

  /** The earliest instant with `worked` (> 0) working milliseconds before it; NaN past the table. */
  private instantWorked(worked: number): number {
    const k = Math.ceil(worked / WORKDAY_MS) - 1;
    if (k >= this.workingDays.length) return NaN;
    let rest = worked - k * WORKDAY_MS;
    const start = dayStart(this.first + this.workingDays[k]);
    for (const p of PERIODS) {
      if (rest <= p.end - p.start) return start + p.start + rest;
      rest -= p.end - p.start;
    }
    return NaN;
  }

  /** nextWorkingMoment in epoch milliseconds. */
  nextWorkingAt(t: number): number {
    return this.covers(t) ? this.tableNextWorkingTime(t) : super.nextWorkingMoment(new Date(t)).getTime();
  }

  /** addWorkingHours in epoch milliseconds. */
  addWorkingHoursAt(t: number, hours: number): number {
    if (!this.covers(t) || !Number.isFinite(hours) || hours < 0)
      return super.addWorkingHours(new Date(t), hours).getTime();
    const remaining = Math.round(hours * HOUR_MS);
    if (remaining === 0) return this.tableNextWorkingTime(t);
    const end = this.instantWorked(this.workedBefore(t) + remaining);
    return end === end && this.covers(end) ? end : super.addWorkingHours(new Date(t), hours).getTime();
  }

  /** workingHoursBetween in epoch milliseconds. */
  workingHoursBetweenAt(a: number, b: number): number {
    if (!this.covers(a) || !this.covers(b)) return super.workingHoursBetween(new Date(a), new Date(b));
    if (b <= a) return 0;
    return (this.workedBefore(b) - this.workedBefore(a)) / HOUR_MS;
  }

  /** Working milliseconds between two instants (an integer, so sums of them are exact). */
  workingMsBetweenAt(a: number, b: number): number {
    if (!this.covers(a) || !this.covers(b))
      return Math.round(super.workingHoursBetween(new Date(a), new Date(b)) * HOUR_MS);
    return b <= a ? 0 : this.workedBefore(b) - this.workedBefore(a);
  }

  /** procedureDeadline in epoch milliseconds. */
  deadlineAt(t: number, days: number): number {
    if (!this.covers(t) || !Number.isFinite(days) || days < 0)
      return super.procedureDeadline(new Date(t), days).getTime();
    const whole = Math.floor(days);
    const fractionHours = (days - whole) * this.hoursPerDay;
    if (whole === 0) return this.addWorkingHoursAt(t, fractionHours);
    const start = localDay(this.tableNextWorkingTime(t)) - this.first;
    const k = this.workingBefore[start] + whole;
    if (k >= this.workingDays.length || this.workingDays[k] >= this.working.length - 1)
      return super.procedureDeadline(new Date(t), days).getTime();
    const due = dayStart(this.first + this.workingDays[k]) + PERIODS[PERIODS.length - 1].end;
    return fractionHours > 0 ? this.addWorkingHoursAt(due, fractionHours) : due;
  }

  override nextWorkingMoment(instant: Date): Date {
    return new Date(this.nextWorkingAt(instant.getTime()));
  }

  override addWorkingHours(start: Date, hours: number): Date {
    return new Date(this.addWorkingHoursAt(start.getTime(), hours));
  }

  override workingHoursBetween(a: Date, b: Date): number {
    return this.workingHoursBetweenAt(a.getTime(), b.getTime());
  }

  override procedureDeadline(receivedAt: Date, days: number): Date {
    return new Date(this.deadlineAt(receivedAt.getTime(), days));
  }
}
