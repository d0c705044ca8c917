/**
 * When the QMS reminders fall due (pure rules; the sweep in jobs/reminders.ts applies them):
 * - PROCESS_REVIEW_DUE: 60, 30 and 7 days before a process's legal review date (a legal change
 *   must be worked into the process within 3 months of taking effect). A review first seen late
 *   gets only the tightest threshold it has crossed, and one past its date gets `overdue`.
 * - AUDIT_DUE: from 1 October, a unit running a QMS with no internal audit or management review
 *   in the year (both are due at least yearly, Decision 19/2014 art. 4) — a quarter left to plan.
 * - CORRECTIVE_ACTION_DUE: 7 days before an open action's date, and once the date has passed.
 */
import { addDays } from '@eiso/calendar';

export const REVIEW_NOTICE_DAYS = [60, 30, 7] as const;
/** Month and day (MM-DD) from which a missing yearly audit or review is reminded. */
export const AUDIT_REMINDER_FROM = '10-01';
export const ACTION_NOTICE_DAYS = 7;

/** Whole days from `today` to `date` (both 'YYYY-MM-DD'); negative when `date` has passed. */
export function daysUntil(today: string, date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** The threshold a review due on `dueBy` has reached today: '60d', '30d', '7d', 'overdue', or null. */
export function reviewThreshold(today: string, dueBy: string): string | null {
  const left = daysUntil(today, dueBy);
  if (left < 0) return 'overdue';
  const crossed = REVIEW_NOTICE_DAYS.filter((days) => left <= days);
  return crossed.length ? `${crossed[crossed.length - 1]}d` : null;
}

/** The latest review date the sweep needs to read today. */
export function reviewHorizon(today: string): string {
  return addDays(today, REVIEW_NOTICE_DAYS[0]);
}

/** Whether today is in the part of the year when missing audits and reviews are reminded. */
export function auditRemindersOpen(today: string): boolean {
  return today.slice(5) >= AUDIT_REMINDER_FROM;
}

/** The threshold an open action due on `dueOn` has reached: 'before', 'after', or null. */
export function actionThreshold(today: string, dueOn: string): 'before' | 'after' | null {
  const left = daysUntil(today, dueOn);
  if (left < 0) return 'after';
  return left <= ACTION_NOTICE_DAYS ? 'before' : null;
}

export function actionHorizon(today: string): string {
  return addDays(today, ACTION_NOTICE_DAYS);
}
