/**
 * Planning a receipt (tiếp nhận): which process version applies, when the dossier is due, and when
 * each step is due. Pure, given the working-time calendar.
 *
 * The dossier is due by the unit's time for the procedure (its target, else the statutory time),
 * counted as the Civil Code counts days; steps run one after another, each due its working hours
 * after it starts. On resume after a supplement, the same plan is made again from the resume
 * moment: the time runs again from zero.
 */
import type { WorkingCalendar } from '@eiso/calendar';

export interface ProcessVersion {
  id: string;
  ownerPath: string;
  version: number;
  effectiveFrom: string;
  steps: { order: number; name: string; role: string; durationHours: number }[];
}

/**
 * The version in force for a unit on a day: its own, else the nearest unit above it (the province's
 * template); among one owner's versions, the latest effective date not after the day.
 */
export function processInForce(
  unitPath: string,
  day: string,
  versions: readonly ProcessVersion[],
): ProcessVersion | null {
  let best: ProcessVersion | null = null;
  for (const v of versions) {
    if (!unitPath.startsWith(v.ownerPath) || v.effectiveFrom > day) continue;
    if (
      !best ||
      v.ownerPath.length > best.ownerPath.length ||
      (v.ownerPath === best.ownerPath &&
        (v.effectiveFrom > best.effectiveFrom ||
          (v.effectiveFrom === best.effectiveFrom && v.version > best.version)))
    ) {
      best = v;
    }
  }
  return best;
}

/** The unit's time for the procedure: the nearest owner's target, else the statutory time. */
export function daysAllowed(
  unitPath: string,
  statutoryDays: number,
  targets: readonly { ownerPath: string; targetDays: number }[],
): number {
  let best: { ownerPath: string; targetDays: number } | null = null;
  for (const t of targets) {
    if (unitPath.startsWith(t.ownerPath) && (!best || t.ownerPath.length > best.ownerPath.length)) best = t;
  }
  return best?.targetDays ?? statutoryDays;
}

export interface StepPlan {
  order: number;
  name: string;
  role: string;
  durationHours: number;
  /** Set for the first step only: the others start when the one before them completes. */
  startedAt: Date | null;
  dueAt: Date | null;
}

export interface ReceiptPlan {
  dueAt: Date;
  steps: StepPlan[];
}

export function planReceipt(
  calendar: WorkingCalendar,
  startAt: Date,
  days: number,
  steps: ProcessVersion['steps'],
): ReceiptPlan {
  const ordered = [...steps].sort((a, b) => a.order - b.order);
  const firstStart = calendar.nextWorkingMoment(startAt);
  return {
    dueAt: calendar.procedureDeadline(startAt, days),
    steps: ordered.map((s, i) => ({
      ...s,
      startedAt: i === 0 ? firstStart : null,
      dueAt: i === 0 ? calendar.addWorkingHours(firstStart, s.durationHours) : null,
    })),
  };
}

/** When a step that starts now is due. */
export function stepDueAt(calendar: WorkingCalendar, startedAt: Date, durationHours: number): Date {
  return calendar.addWorkingHours(calendar.nextWorkingMoment(startedAt), durationHours);
}
