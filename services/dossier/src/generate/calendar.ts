/**
 * The national working calendar, answered from a table of working days for the generator's span.
 *
 * The generator asks the calendar a dozen questions per dossier (deadlines, step ends, working
 * hours); the shared WorkingCalendar resolves each day from its date string, which is most of the
 * planning time at 10 million dossiers. This subclass asks it once per day of the span, keeps the
 * answers in a bitmap indexed by day number, and computes the same instants with arithmetic alone
 * (a test checks it against the national calendar on random instants). Outside the span, and for
 * calendars with other office hours, it defers to WorkingCalendar.
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

const localDay = (t: number) => Math.floor((t + OFFSET_MS) / DAY_MS);
const dayStart = (day: number) => day * DAY_MS - OFFSET_MS;

export class TabledCalendar extends WorkingCalendar {
  private readonly first: number;
  private readonly working: Uint8Array;
  private readonly dates = new Map<string, boolean>();

  /** `from` and `to`: the first and last dates (YYYY-MM-DD) the table covers. */
  constructor(from: string, to: string) {
    super();
    this.first = Date.parse(`${from}T00:00:00Z`) / DAY_MS;
    const last = Date.parse(`${to}T00:00:00Z`) / DAY_MS;
    this.working = new Uint8Array(last - this.first + 1);
    for (let day = this.first; day <= last; day++) {
      const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
      const working = super.isWorkingDay(date);
      this.working[day - this.first] = working ? 1 : 0;
      this.dates.set(date, working);
    }
  }

  override isWorkingDay(date: string): boolean {
    return this.dates.get(date) ?? super.isWorkingDay(date);
  }

  private covers(...instants: number[]): boolean {
    // A margin of a month: a deadline or a step may run past the last day asked about.
    return instants.every((t) => {
      const i = localDay(t) - this.first;
      return i >= 0 && i < this.working.length - 31;
    });
  }

  /** Beyond the table (past the margin `covers` keeps) a day counts as working, so loops end. */
  private workingDayNumber(day: number): boolean {
    return this.working[day - this.first] !== 0;
  }

  private tableNextWorkingDay(day: number): number {
    let next = day + 1;
    while (!this.workingDayNumber(next)) next++;
    return next;
  }

  private tableNextWorkingTime(t: number): number {
    let day = localDay(t);
    if (this.workingDayNumber(day)) {
      const offset = t - dayStart(day);
      for (const p of PERIODS) if (offset < p.end) return Math.max(t, dayStart(day) + p.start);
    }
    day = this.tableNextWorkingDay(day);
    return dayStart(day) + PERIODS[0].start;
  }

  override nextWorkingMoment(instant: Date): Date {
    const t = instant.getTime();
    return this.covers(t) ? new Date(this.tableNextWorkingTime(t)) : super.nextWorkingMoment(instant);
  }

  override addWorkingHours(start: Date, hours: number): Date {
    const s = start.getTime();
    if (!this.covers(s) || !Number.isFinite(hours) || hours < 0) return super.addWorkingHours(start, hours);
    let remaining = Math.round(hours * HOUR_MS);
    let t = this.tableNextWorkingTime(s);
    for (;;) {
      const day = localDay(t);
      const offset = t - dayStart(day);
      const period = PERIODS.find((p) => offset >= p.start && offset < p.end)!;
      const end = dayStart(day) + period.end;
      if (remaining <= end - t) return new Date(t + remaining);
      remaining -= end - t;
      t = this.tableNextWorkingTime(end);
      if (!this.covers(t)) return super.addWorkingHours(start, hours);
    }
  }

  override workingHoursBetween(a: Date, b: Date): number {
    const from = a.getTime();
    const to = b.getTime();
    if (!this.covers(from, to)) return super.workingHoursBetween(a, b);
    if (to <= from) return 0;
    let total = 0;
    for (let day = localDay(from); day <= localDay(to); day++) {
      if (!this.workingDayNumber(day)) continue;
      const start = dayStart(day);
      for (const p of PERIODS)
        total += Math.max(0, Math.min(to, start + p.end) - Math.max(from, start + p.start));
    }
    return total / HOUR_MS;
  }

  override procedureDeadline(receivedAt: Date, days: number): Date {
    const t = receivedAt.getTime();
    if (!this.covers(t) || !Number.isFinite(days) || days < 0)
      return super.procedureDeadline(receivedAt, days);
    const whole = Math.floor(days);
    const fractionHours = (days - whole) * this.hoursPerDay;
    if (whole === 0) return this.addWorkingHours(receivedAt, fractionHours);
    let day = localDay(this.tableNextWorkingTime(t));
    for (let i = 0; i < whole; i++) {
      day = this.tableNextWorkingDay(day);
      if (day - this.first >= this.working.length - 1) return super.procedureDeadline(receivedAt, days);
    }
    const due = new Date(dayStart(day) + PERIODS[PERIODS.length - 1].end);
    return fractionHours > 0 ? this.addWorkingHours(due, fractionHours) : due;
  }
}
