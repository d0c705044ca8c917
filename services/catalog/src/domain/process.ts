/**
 * Document control of processes (quy trình), ISO 9001 clause 7.5: versions per owner and
 * procedure, approved by the owner's leader, in force from their effective date.
 *
 * Only "approved, from which date" is stored; where a version stands on a given day is derived, so
 * the previous version is superseded exactly on the new one's effective date with no job to run.
 */
import { addCalendarMonths } from '@eiso/calendar';

/** How far ahead a process may be approved to take effect (docs/security.md, "Bad input"). */
export const MAX_EFFECTIVE_MONTHS_AHEAD = 24;

export type ProcessStatus = 'DRAFT' | 'APPROVED' | 'EFFECTIVE' | 'SUPERSEDED';

export interface VersionState {
  id: string;
  version: number;
  approved: boolean;
  effectiveFrom: string | null;
}

/** The version in force on `day` among one owner's versions: the approved one with the latest effective date not after it. */
export function versionInForce<T extends VersionState>(versions: readonly T[], day: string): T | null {
  let best: T | null = null;
  for (const v of versions) {
    if (!v.approved || v.effectiveFrom === null || v.effectiveFrom > day) continue;
    if (
      !best ||
      v.effectiveFrom > best.effectiveFrom! ||
      (v.effectiveFrom === best.effectiveFrom && v.version > best.version)
    ) {
      best = v;
    }
  }
  return best;
}

/** A version's status on `day`, given the id of the owner's version in force that day (if any). */
export function statusOn(version: VersionState, inForceId: string | null, day: string): ProcessStatus {
  if (!version.approved || version.effectiveFrom === null) return 'DRAFT';
  if (version.effectiveFrom > day) return 'APPROVED';
  return version.id === inForceId ? 'EFFECTIVE' : 'SUPERSEDED';
}

/**
 * When a draft may be approved to take effect on `effectiveFrom`: not in the past, and not before
 * a version already approved for the same owner (versions take effect in the order approved).
 * Returns the problem, or null.
 */
export function approvalProblem(
  effectiveFrom: string,
  today: string,
  approvedSiblings: readonly VersionState[],
): string | null {
  if (effectiveFrom < today) return `effectiveFrom ${effectiveFrom} is in the past (today is ${today})`;
  const horizon = addCalendarMonths(today, MAX_EFFECTIVE_MONTHS_AHEAD);
  if (effectiveFrom > horizon)
    return `effectiveFrom ${effectiveFrom} is more than ${MAX_EFFECTIVE_MONTHS_AHEAD / 12} years ahead (at most ${horizon})`;
  const latest = approvedSiblings.reduce<string | null>(
    (max, v) => (v.effectiveFrom && (!max || v.effectiveFrom > max) ? v.effectiveFrom : max),
    null,
  );
  if (latest && effectiveFrom < latest) {
    return `effectiveFrom ${effectiveFrom} is before ${latest}, when an already approved version takes effect`;
  }
  return null;
}
