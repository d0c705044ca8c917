/**
 * One dossier's life for `eiso generate`: the demo seed's `planDossier` (seed/plan.ts) drawn from
 * the same random numbers in the same order, but in epoch milliseconds into a reused record — no
 * Date, no step objects, no spreads — because the generator plans ten million of them. A test
 * checks that both give the same dossier for the same random stream.
 */
import type { Random } from '@eiso/demo';
import type { TabledCalendar } from './calendar';

export const STATUS = ['IN_PROGRESS', 'RETURNED', 'RESULT_READY'] as const;
export const IN_PROGRESS = 0;
export const RETURNED = 1;
export const RESULT_READY = 2;
export const CHANNEL = ['ONLINE', 'COUNTER', 'POSTAL'] as const;
export const ONLINE = 0;
export const TIMELINESS = ['EARLY', 'ON_TIME', 'LATE'] as const;

/** A process's steps in order, with who does each (0 receiver, 1 leader, 2 handler). */
export interface StepTemplate {
  orders: Int32Array;
  durationHours: Float64Array;
  roles: Uint8Array;
}

export const RECEIVER = 0;
export const LEADER = 1;
export const HANDLER = 2;

export function roleCode(role: string): number {
  return role === 'RECEIVER' ? RECEIVER : role === 'LEADER' ? LEADER : HANDLER;
}

/** The planned life; instants in epoch ms, NaN for none. Reused from one dossier to the next. */
export class Life {
  dueAt = 0;
  completedAt = NaN;
  /** Set only when the dossier was returned before the as-of moment (status RETURNED). */
  returnedAt = NaN;
  status = IN_PROGRESS;
  channel = ONLINE;
  /** 0: not rated. */
  rating = 0;
  /** Index (in the template) of the step under way, -1 when all are done. */
  current = -1;
  /** Index into TIMELINESS when completed, -1 otherwise. */
  timeliness = -1;
  stepStarted: Float64Array;
  stepDue: Float64Array;
  stepCompleted: Float64Array;
  family = 0;
  given1 = 0;
  given2 = 0;
  idProvince = 0;
  idSerial = 0;

  constructor(maxSteps: number) {
    this.stepStarted = new Float64Array(maxSteps);
    this.stepDue = new Float64Array(maxSteps);
    this.stepCompleted = new Float64Array(maxSteps);
  }
}

/** Vietnam's day number of an instant (epoch ms): days since 1970-01-01 in UTC+7. */
export const vietnamDay = (t: number) => Math.floor((t + 25_200_000) / 86_400_000);

/**
 * planDossier's draws and arithmetic: `receivedAt` and `now` in epoch ms, `days` the days allowed,
 * `names` the sizes of the family and given name lists.
 */
export function planLife(
  life: Life,
  random: Random,
  calendar: TabledCalendar,
  now: number,
  steps: StepTemplate,
  receivedAt: number,
  days: number,
  families: number,
  givens: number,
): void {
  const dueAt = calendar.deadlineAt(receivedAt, days);
  const allowed = calendar.workingHoursBetweenAt(receivedAt, dueAt);
  // Mostly early, some on the day, a few late (by the national figures' proportions).
  const roll = random();
  const hours =
    roll < 0.75 ? allowed * (0.3 + random() * 0.6) : roll < 0.95 ? allowed : allowed + 4 + random() * 24;
  const worked = Math.max(0.5, hours);
  const finished = calendar.addWorkingHoursAt(receivedAt, worked) < now;
  const n = steps.orders.length;
  const share = worked / n;
  let clock = calendar.nextWorkingAt(receivedAt);
  let current = -1;
  for (let i = 0; i < n; i++) {
    const end = calendar.addWorkingHoursAt(clock, share);
    const done = end < now && (finished || i < n - 1);
    if (current === -1) {
      life.stepStarted[i] = clock;
      life.stepDue[i] = calendar.addWorkingHoursAt(clock, steps.durationHours[i]);
    } else {
      life.stepStarted[i] = NaN;
      life.stepDue[i] = NaN;
    }
    life.stepCompleted[i] = done ? end : NaN;
    if (!done && current === -1) current = i;
    clock = end;
  }
  const completedAt = current === -1 ? life.stepCompleted[n - 1] : NaN;
  const completed = completedAt === completedAt;
  const returned = completed && random() < 0.92;
  const returnedAt = returned ? calendar.addWorkingHoursAt(completedAt, 1 + random() * 16) : NaN;
  const status = !completed ? IN_PROGRESS : returnedAt < now ? RETURNED : RESULT_READY;
  let timeliness = -1;
  if (completed) {
    const done = vietnamDay(completedAt);
    const due = vietnamDay(dueAt);
    timeliness = done < due ? 0 : done === due ? 1 : 2;
  }
  life.dueAt = dueAt;
  life.completedAt = completedAt;
  life.returnedAt = status === RETURNED ? returnedAt : NaN;
  life.status = status;
  life.current = current;
  life.timeliness = timeliness;
  life.channel = random() < 0.45 ? ONLINE : random() < 0.95 ? 1 : 2;
  if (status === RETURNED && random() < 0.7) {
    // Citizens rate late service lower.
    const base = timeliness === 2 ? 2 : 4;
    const step = -1 + Math.floor(random() * 3);
    life.rating = Math.min(5, Math.max(1, base + step + (random() < 0.4 ? 1 : 0)));
  } else life.rating = 0;
  // pickDistinct(GIVEN, 2): the second is drawn from the list without the first.
  life.family = Math.floor(random() * families);
  life.given1 = Math.floor(random() * givens);
  const second = Math.floor(random() * (givens - 1));
  life.given2 = second >= life.given1 ? second + 1 : second;
  life.idProvince = 1 + Math.floor(random() * 96);
  life.idSerial = Math.floor(random() * 1_000_000_000);
}
