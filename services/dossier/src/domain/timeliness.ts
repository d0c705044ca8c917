/**
 * Timeliness (trước hạn / đúng hạn / quá hạn), as the contract defines it.
 *
 * Open dossiers: OVERDUE after `dueAt`, DUE_SOON within its last 8 working hours, else ON_TRACK
 * (a paused dossier has no clock running: ON_TRACK). Closed ones, by `completedAt` against the
 * appointment (the due time set at receipt or at the last resume; an apology's new date does not
 * count): EARLY before its day, ON_TIME on its day, LATE after it — and LATE whenever a supplement
 * was requested more than once (the national portal's rule).
 */
import { dateInVietnam } from '@eiso/calendar';
import type { DossierStatus } from './lifecycle';

export type Timeliness = 'ON_TRACK' | 'DUE_SOON' | 'OVERDUE' | 'EARLY' | 'ON_TIME' | 'LATE';

export const DUE_SOON_HOURS = 8;

export interface TimelinessFacts {
  status: DossierStatus;
  /** The due time now in force (moved by an apology). */
  dueAt: Date;
  /** The appointment timeliness is judged against. */
  appointmentDueAt: Date;
  completedAt: Date | null;
  supplementRequests: number;
}

/**
 * `dueSoonUntil` is `now` plus DUE_SOON_HOURS of working time (the calendar's addWorkingHours): one
 * boundary for a single dossier here and for a whole list in SQL, so both always agree.
 */
export function timelinessOf(facts: TimelinessFacts, now: Date, dueSoonUntil: Date): Timeliness {
  if (facts.completedAt)
    return closedTimeliness(facts.completedAt, facts.appointmentDueAt, facts.supplementRequests);
  if (facts.status === 'SUPPLEMENT_REQUESTED') return 'ON_TRACK';
  if (now.getTime() > facts.dueAt.getTime()) return 'OVERDUE';
  return facts.dueAt.getTime() <= dueSoonUntil.getTime() ? 'DUE_SOON' : 'ON_TRACK';
}

export function closedTimeliness(
  completedAt: Date,
  appointmentDueAt: Date,
  supplementRequests: number,
): Timeliness {
  if (supplementRequests > 1) return 'LATE';
  const done = dateInVietnam(completedAt);
  const due = dateInVietnam(appointmentDueAt);
  if (done < due) return 'EARLY';
  return done === due ? 'ON_TIME' : 'LATE';
}
