/**
 * Nonconformities (sự không phù hợp) and their corrective actions (hành động khắc phục), as the
 * contract README says: a nonconformity closes when none of its actions is still open and the last
 * one completed was judged effective; an ineffective action keeps it open until a further action
 * proves effective.
 */
export type NonconformityStatus = 'OPEN' | 'ACTION_PLANNED' | 'VERIFYING' | 'CLOSED';
export type ActionStatus = 'OPEN' | 'DONE_EFFECTIVE' | 'DONE_INEFFECTIVE';

export interface ActionState {
  status: ActionStatus;
  /** When it was completed (YYYY-MM-DD); with the creation order as tie-break. */
  completedOn: string | null;
  sequence: number;
}

/**
 * Where a nonconformity stands given its actions: OPEN with none, ACTION_PLANNED while any is
 * open, CLOSED when the last completed one was effective, VERIFYING when it was not (a further
 * action is due).
 */
export function nonconformityStatus(actions: readonly ActionState[]): NonconformityStatus {
  if (actions.length === 0) return 'OPEN';
  if (actions.some((a) => a.status === 'OPEN')) return 'ACTION_PLANNED';
  const last = [...actions].sort(
    (a, b) => (a.completedOn ?? '').localeCompare(b.completedOn ?? '') || a.sequence - b.sequence,
  )[actions.length - 1];
  return last.status === 'DONE_EFFECTIVE' ? 'CLOSED' : 'VERIFYING';
}

export type FindingKind = 'MAJOR_NONCONFORMITY' | 'MINOR_NONCONFORMITY' | 'OBSERVATION' | 'OPPORTUNITY';

/** Only nonconformity findings open a nonconformity; observations and opportunities do not. */
export function opensNonconformity(kind: FindingKind): boolean {
  return kind === 'MAJOR_NONCONFORMITY' || kind === 'MINOR_NONCONFORMITY';
}
