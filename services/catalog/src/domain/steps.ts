/**
 * The steps of a process: who does what, in working hours. Their sum may not exceed the time the
 * unit has for the procedure (its target time, else the statutory time) × 8 working hours a day.
 */
export const WORKING_HOURS_PER_DAY = 8;
export const MAX_STEPS = 50;
export const MAX_STEP_NAME = 200;

export const STEP_ROLES = [
  'RECEIVER',
  'HANDLER',
  'LEADER',
  'ISO_SECRETARY',
  'AUDITOR',
  'UNIT_ADMIN',
] as const;

export interface StepInput {
  name: string;
  role: string;
  durationHours: number;
}
export interface ProcessStep extends StepInput {
  order: number;
}

export interface StepProblem {
  field: string;
  message: string;
}

/** The first rule the steps break (with the input field it concerns), or null. */
export function stepsProblem(steps: readonly StepInput[], limitDays: number): StepProblem | null {
  if (steps.length === 0) return { field: 'steps', message: 'a process needs at least one step' };
  if (steps.length > MAX_STEPS)
    return { field: 'steps', message: `a process has at most ${MAX_STEPS} steps` };
  for (const [index, step] of steps.entries()) {
    const field = `steps.${index}`;
    const name = step.name.trim();
    if (name.length === 0) return { field: `${field}.name`, message: 'a step needs a name' };
    if (name.length > MAX_STEP_NAME)
      return { field: `${field}.name`, message: `a step name has at most ${MAX_STEP_NAME} characters` };
    if (!(STEP_ROLES as readonly string[]).includes(step.role)) {
      return { field: `${field}.role`, message: `${step.role} does not take part in processing a dossier` };
    }
    if (!Number.isFinite(step.durationHours) || step.durationHours <= 0) {
      return { field: `${field}.durationHours`, message: 'a step lasts a positive number of working hours' };
    }
  }
  const total = totalHours(steps);
  const limit = limitDays * WORKING_HOURS_PER_DAY;
  if (total > limit + 1e-9) {
    return {
      field: 'steps',
      message: `the steps take ${total} working hours; the procedure allows ${limit} (${limitDays} working days × ${WORKING_HOURS_PER_DAY})`,
    };
  }
  return null;
}

export function totalHours(steps: readonly { durationHours: number }[]): number {
  return Math.round(steps.reduce((sum, s) => sum + s.durationHours, 0) * 100) / 100;
}

export function numbered(steps: readonly StepInput[]): ProcessStep[] {
  return steps.map((s, i) => ({
    order: i + 1,
    name: s.name.trim(),
    role: s.role,
    durationHours: s.durationHours,
  }));
}
