const VIETNAM_OFFSET_MS = 7 * 3600_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today's date in Vietnam. */
export function todayInVietnam(now: Date = new Date()): string {
  return dateInVietnam(now);
}

/** The Vietnamese calendar date of an instant. */
export function dateInVietnam(instant: Date): string {
  return new Date(instant.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whether a string is a real calendar date in YYYY-MM-DD form (2026-02-30 is not). */
export function isIsoDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Adds calendar months as Vietnamese law counts them (Civil Code art. 147–148): the same day of
 * the month `months` later, or that month's last day when it is shorter (30 November + 3 months =
 * 28 or 29 February).
 */
export function addCalendarMonths(date: string, months: number): string {
  const match = DATE_PATTERN.exec(date);
  if (!match || !isIsoDate(date)) throw new RangeError(`not a date: ${date}`);
  if (!Number.isInteger(months)) throw new RangeError(`months must be an integer: ${months}`);
  const [year, month, day] = match.slice(1).map(Number);
  const index = year * 12 + (month - 1) + months;
  const newYear = Math.floor(index / 12);
  const newMonth = (index % 12) + 1;
  const newDay = Math.min(day, daysInMonth(newYear, newMonth));
  return `${String(newYear).padStart(4, '0')}-${String(newMonth).padStart(2, '0')}-${String(newDay).padStart(2, '0')}`;
}

/** Adds whole days to a date (negative goes back). */
export function addDays(date: string, days: number): string {
  if (!isIsoDate(date)) throw new RangeError(`not a date: ${date}`);
  const time = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}
