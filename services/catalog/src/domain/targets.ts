/**
 * Target times (thời gian giải quyết cam kết): a unit publishes a time shorter than the statutory
 * one — the provinces cut 40–70% — in half days.
 */
export function targetProblem(targetDays: number, statutoryDays: number): string | null {
  if (!Number.isFinite(targetDays) || targetDays <= 0)
    return 'targetDays must be a positive number of working days';
  if (Math.round(targetDays * 2) !== targetDays * 2)
    return 'targetDays is counted in half days (0.5, 1, 1.5 …)';
  if (targetDays > statutoryDays)
    return `targetDays ${targetDays} exceeds the statutory ${statutoryDays} working days`;
  return null;
}

/** The time a unit has for a procedure: its target (own or inherited), else the statutory time. */
export function allowedDays(statutoryDays: number, targetDays: number | null): number {
  return targetDays ?? statutoryDays;
}
