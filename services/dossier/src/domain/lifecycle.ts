/**
 * The dossier lifecycle (hồ sơ), as Decree 61/2018 and Circular 01/2018 lay it down and Decree
 * 118/2025 carries on: received at the one-stop desk, processed step by step along the unit's ISO
 * process, paused while the applicant completes it, then returned — or rejected, or withdrawn.
 *
 *   RECEIVED ──completeStep──▶ IN_PROGRESS ──completeStep (last)──▶ RESULT_READY ──returnResult──▶ RETURNED
 *      │  ▲                        │  ▲
 *      │  └─────── resume ─────────┘  │          requestSupplement: RECEIVED | IN_PROGRESS → SUPPLEMENT_REQUESTED
 *      └──────── SUPPLEMENT_REQUESTED ┘          reject / withdraw: any open status before RESULT_READY
 *
 * Pure: the service checks an action here before its transaction writes anything.
 */
export const DOSSIER_STATUSES = [
  'RECEIVED',
  'IN_PROGRESS',
  'SUPPLEMENT_REQUESTED',
  'RESULT_READY',
  'RETURNED',
  'REJECTED',
  'WITHDRAWN',
] as const;
export type DossierStatus = (typeof DOSSIER_STATUSES)[number];

export type DossierAction =
  | 'completeStep'
  | 'requestSupplement'
  | 'resume'
  | 'issueApology'
  | 'reject'
  | 'returnResult'
  | 'withdraw'
  | 'recordFeedback';

/** Statuses from which each action is allowed. */
const ALLOWED: Record<DossierAction, readonly DossierStatus[]> = {
  completeStep: ['RECEIVED', 'IN_PROGRESS'],
  requestSupplement: ['RECEIVED', 'IN_PROGRESS'],
  resume: ['SUPPLEMENT_REQUESTED'],
  // An apology is owed while the result is not yet ready: a new appointment for unfinished work.
  issueApology: ['RECEIVED', 'IN_PROGRESS', 'SUPPLEMENT_REQUESTED'],
  reject: ['RECEIVED', 'IN_PROGRESS', 'SUPPLEMENT_REQUESTED'],
  returnResult: ['RESULT_READY'],
  withdraw: ['RECEIVED', 'IN_PROGRESS', 'SUPPLEMENT_REQUESTED'],
  recordFeedback: ['RETURNED'],
};

export function isAllowed(action: DossierAction, status: DossierStatus): boolean {
  return ALLOWED[action].includes(status);
}

/** Statuses in which the dossier is still being processed (its deadline runs, unless paused). */
export const OPEN_STATUSES: readonly DossierStatus[] = ['RECEIVED', 'IN_PROGRESS', 'SUPPLEMENT_REQUESTED'];
/** Statuses that end the dossier's story. */
export const FINAL_STATUSES: readonly DossierStatus[] = ['RETURNED', 'REJECTED', 'WITHDRAWN'];

export function isOpen(status: DossierStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** The status after completing a step: the last step makes the result ready. */
export function afterCompletingStep(stepOrder: number, stepCount: number): DossierStatus {
  return stepOrder >= stepCount ? 'RESULT_READY' : 'IN_PROGRESS';
}

export interface TransitionProblem {
  code: 'INVALID_TRANSITION' | 'CONFLICT';
  message: string;
}

/**
 * Whether an action may run on a dossier: the version the client saw must be the current one
 * (CONFLICT otherwise), and the status must allow the action (INVALID_TRANSITION). Null when it may.
 */
export function transitionProblem(
  action: DossierAction,
  dossier: { status: DossierStatus; version: number },
  expectedVersion: number,
): TransitionProblem | null {
  if (dossier.version !== expectedVersion) {
    return {
      code: 'CONFLICT',
      message: `The dossier is at version ${dossier.version}, not ${expectedVersion}: reload it and try again`,
    };
  }
  if (!isAllowed(action, dossier.status)) {
    return {
      code: 'INVALID_TRANSITION',
      message: `${action} is not allowed while the dossier is ${dossier.status}`,
    };
  }
  return null;
}

/**
 * The national portal's status codes (1 submitted online … 10 result returned), for the
 * synchronization with the National Public Service Portal.
 */
export function nationalStatusCode(
  status: DossierStatus,
  options: { rejectedAtReceipt?: boolean } = {},
): number {
  switch (status) {
    case 'RECEIVED':
      return 2;
    case 'IN_PROGRESS':
      return 4;
    case 'SUPPLEMENT_REQUESTED':
      return 5;
    case 'RESULT_READY':
      return 9;
    case 'RETURNED':
      return 10;
    case 'REJECTED':
      // Refused at the desk is "not received" (3); refused after appraisal stops processing (8).
      return options.rejectedAtReceipt ? 3 : 8;
    case 'WITHDRAWN':
      return 7;
  }
}

export type Channel = 'COUNTER' | 'ONLINE' | 'POSTAL';

/** The portal's channel codes: 1 in person, 2 online, 3 public postal service. */
export function nationalChannelCode(channel: Channel): number {
  return { COUNTER: 1, ONLINE: 2, POSTAL: 3 }[channel];
}
