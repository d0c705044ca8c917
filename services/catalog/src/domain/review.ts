import { addCalendarMonths } from '@eiso/calendar';

/** Processes must follow a legal change within three months of its taking effect (Decision 19/2014 art. 4). */
export const REVIEW_MONTHS = 3;

export function reviewDueBy(effectiveOn: string): string {
  return addCalendarMonths(effectiveOn, REVIEW_MONTHS);
}

export function isOverdue(dueBy: string, today: string): boolean {
  return dueBy < today;
}
