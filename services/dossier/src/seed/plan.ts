/**
 * The demo year of dossiers, planned deterministically (pure; the writer stores it). For a sample
 * of units in every province: dossiers received on working days over the last 365 days, mostly
 * finished early or on time, a few late, the most recent still open (some already overdue),
 * feedback on most of those returned, every step done by the unit's seeded officials.
 */
import type { WorkingCalendar } from '@eiso/calendar';
import { addDays, dateInVietnam } from '@eiso/calendar';
import { pickDistinct, randomInt, seededRandom, type Random } from '@eiso/demo';
import type { DirectoryUnit } from '@eiso/directory';
import type { StepRow } from '../db/rows';
import { closedTimeliness } from '../domain/timeliness';
import { daysAllowed, processInForce, type ProcessVersion } from '../domain/receipt';

export interface SeedProcedure {
  id: string;
  code: string;
  level: string;
  authority: string | null;
  statutoryDays: number;
  fee: string | null;
  versions: ProcessVersion[];
  targets: { ownerPath: string; targetDays: number }[];
}

export interface UnitOfficials {
  receiver: string | null;
  handler: string | null;
  leader: string | null;
}

export interface SeedDossier {
  unit: DirectoryUnit;
  procedure: SeedProcedure;
  process: ProcessVersion;
  sequenceDay: string;
  channel: 'COUNTER' | 'ONLINE' | 'POSTAL';
  status: 'IN_PROGRESS' | 'RETURNED' | 'RESULT_READY';
  receivedAt: Date;
  dueAt: Date;
  completedAt: Date | null;
  returnedAt: Date | null;
  rating: number | null;
  currentStep: number | null;
  steps: Omit<StepRow, 'dossierId' | 'note'>[];
  applicantName: string;
  applicantIdNumber: string;
}

/** An applicant's name: a family name and two given names (also the generator's, generate/plan.ts). */
export const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
];
export const GIVEN = [
  'An',
  'Bình',
  'Chi',
  'Dũng',
  'Giang',
  'Hà',
  'Hải',
  'Hằng',
  'Hùng',
  'Lan',
  'Linh',
  'Minh',
  'Nam',
  'Ngọc',
  'Phương',
  'Quân',
  'Thảo',
  'Trang',
  'Tuấn',
  'Yến',
];

/** Procedures a unit handles (the catalog's rule: its level, and for an agency its authority). */
export function handledByUnit(unit: DirectoryUnit, procedures: SeedProcedure[]): SeedProcedure[] {
  const shortCode = unit.code.includes('.') ? unit.code.slice(unit.code.lastIndexOf('.') + 1) : unit.code;
  return procedures.filter((p) => {
    if (unit.kind === 'AGENCY') return p.level === unit.level && p.authority === shortCode;
    if (unit.level === 'MINISTRY') return p.level === 'MINISTRY' && p.authority === unit.code;
    return p.level === unit.level;
  });
}

export function planDemoDossiers(input: {
  units: DirectoryUnit[];
  procedures: SeedProcedure[];
  officials: Map<string, UnitOfficials>;
  calendar: WorkingCalendar;
  now: Date;
  count: number;
}): SeedDossier[] {
  const random = seededRandom(20_260_101);
  const today = dateInVietnam(input.now);
  const receivers = input.units
    .map((unit) => ({ unit, handled: handledByUnit(unit, input.procedures) }))
    .filter((u) => u.handled.length > 0 && input.officials.has(u.unit.id));
  if (receivers.length === 0) return [];
  const dossiers: SeedDossier[] = [];
  for (let i = 0; i < input.count; i++) {
    const { unit, handled } = receivers[randomInt(random, 0, receivers.length - 1)];
    const procedure = handled[randomInt(random, 0, handled.length - 1)];
    const day = workingDayWithin(random, input.calendar, today, 365);
    const receivedAt = new Date(
      `${day}T${String(randomInt(random, 8, 16)).padStart(2, '0')}:${String(randomInt(random, 0, 59)).padStart(2, '0')}:00+07:00`,
    );
    if (receivedAt >= input.now) continue;
    const process = processInForce(unit.path, day, procedure.versions);
    if (!process) continue;
    const days = daysAllowed(unit.path, procedure.statutoryDays, procedure.targets);
    dossiers.push(planDossier(random, input, unit, procedure, process, receivedAt, days));
  }
  return dossiers;
}

/**
 * One dossier's life from its receipt (steps, status, return, feedback), drawn from `random`; also
 * what `eiso generate` plans a national year with.
 */
export function planDossier(
  random: Random,
  input: { officials: Map<string, UnitOfficials>; calendar: WorkingCalendar; now: Date },
  unit: DirectoryUnit,
  procedure: SeedProcedure,
  process: ProcessVersion,
  receivedAt: Date,
  days: number,
): SeedDossier {
  const { calendar, now } = input;
  const dueAt = calendar.procedureDeadline(receivedAt, days);
  const allowed = calendar.workingHoursBetween(receivedAt, dueAt);
  // Mostly early, some on the day, a few late (by the national figures' proportions).
  const roll = random();
  const hours =
    roll < 0.75 ? allowed * (0.3 + random() * 0.6) : roll < 0.95 ? allowed : allowed + 4 + random() * 24;
  const finishAt = calendar.addWorkingHours(receivedAt, Math.max(0.5, hours));
  const finished = finishAt < now;
  const officials = input.officials.get(unit.id)!;
  const steps = [...process.steps].sort((a, b) => a.order - b.order);
  const share = Math.max(0.5, hours) / steps.length;
  let clock = calendar.nextWorkingMoment(receivedAt);
  let currentStep: number | null = null;
  const planned = steps.map((s, i) => {
    const assigneeId =
      s.role === 'RECEIVER' ? officials.receiver : s.role === 'LEADER' ? officials.leader : officials.handler;
    const end = calendar.addWorkingHours(clock, share);
    const done = end < now && (finished || i < steps.length - 1);
    const step = {
      ...s,
      assigneeId,
      startedAt: currentStep === null ? clock : null,
      dueAt: currentStep === null ? calendar.addWorkingHours(clock, s.durationHours) : null,
      completedAt: done ? end : null,
    };
    if (!done && currentStep === null) currentStep = s.order;
    clock = end;
    return step;
  });
  const completedAt = currentStep === null ? planned[planned.length - 1].completedAt : null;
  const returned = completedAt !== null && random() < 0.92;
  const returnedAt = returned ? calendar.addWorkingHours(completedAt!, 1 + random() * 16) : null;
  const returnedInPast = returnedAt !== null && returnedAt < now;
  const status = completedAt === null ? 'IN_PROGRESS' : returnedInPast ? 'RETURNED' : 'RESULT_READY';
  const timeliness = completedAt ? closedTimeliness(completedAt, dueAt, 0) : null;
  return {
    unit,
    procedure,
    process,
    sequenceDay: dateInVietnam(receivedAt),
    channel: random() < 0.45 ? 'ONLINE' : random() < 0.95 ? 'COUNTER' : 'POSTAL',
    status,
    receivedAt,
    dueAt,
    completedAt,
    returnedAt: status === 'RETURNED' ? returnedAt : null,
    rating: status === 'RETURNED' && random() < 0.7 ? rating(random, timeliness) : null,
    currentStep,
    steps: planned,
    applicantName: `${FAMILY[randomInt(random, 0, FAMILY.length - 1)]} ${pickDistinct(random, GIVEN, 2).join(' ')}`,
    applicantIdNumber:
      String(randomInt(random, 1, 96)).padStart(3, '0') +
      String(randomInt(random, 0, 999_999_999)).padStart(9, '0'),
  };
}

/** Citizens rate late service lower. */
function rating(random: Random, timeliness: string | null): number {
  const base = timeliness === 'LATE' ? 2 : 4;
  return Math.min(5, Math.max(1, base + randomInt(random, -1, 1) + (random() < 0.4 ? 1 : 0)));
}

function workingDayWithin(random: Random, calendar: WorkingCalendar, today: string, span: number): string {
  for (;;) {
    const day = addDays(today, -randomInt(random, 0, span - 1));
    if (calendar.isWorkingDay(day)) return day;
  }
}
