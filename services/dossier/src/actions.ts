/**
 * What the dossier mutations do: who may, on which dossier, under which rules — then one
 * transaction in DossierCommands. Resolvers only pass inputs here.
 */
import { canAct, requireOfficial, type OfficialCaller, type Role } from '@eiso/auth';
import { dateInVietnam, type WorkingCalendar } from '@eiso/calendar';
import { errors } from '@eiso/errors';
import type { DossierContext } from './context';
import { bumpDailyStats, dossierEvent } from './db/commands';
import type { DossierRow, DossierNode, StepRow } from './db/rows';
import { checkPin, dossierCode, hashPin, newTrackingPin } from './domain/codes';
import { afterCompletingStep, type Channel, type DossierAction } from './domain/lifecycle';
import { daysAllowed, planReceipt, processInForce, stepDueAt } from './domain/receipt';
import { closedTimeliness } from './domain/timeliness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function receiveDossier(
  ctx: DossierContext,
  input: {
    procedureCode: string;
    unitCode: string;
    channel: Channel;
    applicant: { name: string; idNumber: string; phone?: string | null; email?: string | null };
    idempotencyKey: string;
    paidOnline?: boolean | null;
    digitized?: boolean | null;
  },
): Promise<DossierNode> {
  const caller = requireOfficial(ctx.caller);
  const unit = await ctx.loaders.unitByCode.load(input.unitCode.trim().slice(0, 32));
  if (!unit) throw errors.badInput(`No unit with code "${input.unitCode.slice(0, 40)}"`, 'unitCode');
  if (!canAct(caller, unit.path, ['RECEIVER']))
    throw errors.forbidden(`Only a RECEIVER of ${unit.code} or a unit above it receives its dossiers`);
  const procedure = await ctx.queries.procedureByCode(input.procedureCode.trim().slice(0, 32));
  if (!procedure)
    throw errors.badInput(`No procedure with code "${input.procedureCode.slice(0, 40)}"`, 'procedureCode');
  const applicant = checkApplicant(input.applicant);
  const key = input.idempotencyKey.trim();
  if (!key || key.length > 128)
    throw errors.badInput('idempotencyKey is 1 to 128 characters', 'idempotencyKey');

  const now = ctx.now();
  const { versions, targets } = await ctx.queries.receiptInputs(procedure.id, pathPrefixes(unit.path));
  const process = processInForce(unit.path, dateInVietnam(now), versions);
  if (!process) {
    throw errors.badInput(
      `${unit.code} has no process in force for ${procedure.code}: it does not handle this procedure`,
      'procedureCode',
    );
  }
  const plan = planReceipt(
    ctx.calendar,
    now,
    daysAllowed(unit.path, procedure.statutoryDays, targets),
    process.steps,
  );
  const pin = newTrackingPin();
  const { dossier, created } = await ctx.commands.receive(
    {
      unitId: unit.id,
      unitPath: unit.path,
      procedureId: procedure.id,
      processId: process.id,
      channel: input.channel,
      receivedAt: now,
      receivedDay: dateInVietnam(now),
      dueAt: plan.dueAt,
      applicant,
      pinHash: await hashPin(pin),
      idempotencyKey: key,
      feeDue: procedure.fee,
      paidOnline: input.paidOnline ?? false,
      digitized: input.digitized ?? input.channel === 'ONLINE',
      receivedBy: caller.officialId,
      steps: plan.steps.map((s, i) => ({
        ...s,
        assigneeId: i === 0 && s.role === 'RECEIVER' ? caller.officialId : null,
      })),
    },
    (sequence) => dossierCode(unit.code, now, sequence),
  );
  // The PIN is shown once: a retried receipt returns the dossier without it.
  return created ? { ...dossier, trackingPin: pin } : dossier;
}

export async function completeStep(
  ctx: DossierContext,
  input: { dossierId: string; expectedVersion: number; note?: string | null; nextAssigneeId?: string | null },
): Promise<DossierRow> {
  const { caller, dossier: target } = await authorize(ctx, input.dossierId, [
    'RECEIVER',
    'HANDLER',
    'LEADER',
  ]);
  if (input.nextAssigneeId && !UUID.test(input.nextAssigneeId))
    throw errors.badInput('nextAssigneeId is not an official id', 'nextAssigneeId');
  const note = optionalText(input.note, 'note', 2000);
  // Read before the transaction: a read on another pooled connection while holding the dossier's
  // lock would deadlock the pool when as many completions run at once as it has connections.
  const assignee = input.nextAssigneeId ? await ctx.officials.byId(input.nextAssigneeId) : null;
  return ctx.commands.act(target, input.expectedVersion, 'completeStep', async (m, dossier, steps) => {
    const current = steps.find((s) => s.order === dossier.currentStep);
    if (!current) throw errors.invalidTransition('The dossier has no step in progress');
    if (!caller.roles.includes(current.role as Role) && !caller.roles.includes('SYSTEM_ADMIN')) {
      throw errors.forbidden(`Step ${current.order} (${current.name}) is done by a ${current.role}`);
    }
    const now = ctx.now();
    await m.query(
      `UPDATE dossier_step SET completed_at = $3, completed_by = $4, note = $5, assignee_id = coalesce(assignee_id, $4)
       WHERE dossier_id = $1 AND received_day = $6 AND step_order = $2`,
      [dossier.id, current.order, now, caller.officialId, note, dossier.receivedDay],
    );
    const status = afterCompletingStep(current.order, steps.length);
    if (status === 'RESULT_READY') {
      await finish(m, ctx, dossier, now);
      return dossierEvent(
        'dossier.step_completed',
        { ...dossier, status },
        {
          step: current.order,
          resultReady: true,
          timeliness: closedTimeliness(now, dossier.appointmentDueAt, dossier.supplementRequests),
        },
      );
    }
    const next = steps.find((s) => s.order === current.order + 1)!;
    if (input.nextAssigneeId) requireAssignable(assignee, dossier.unitPath, next.role);
    await m.query(
      `UPDATE dossier_step SET started_at = $3, due_at = $4, assignee_id = $5 WHERE dossier_id = $1 AND received_day = $6 AND step_order = $2`,
      [
        dossier.id,
        next.order,
        now,
        stepDueAt(ctx.calendar, now, next.durationHours),
        input.nextAssigneeId ?? null,
        dossier.receivedDay,
      ],
    );
    await m.query(
      `UPDATE dossier SET status = 'IN_PROGRESS', current_step = $2 WHERE id = $1 AND received_day = $3`,
      [dossier.id, next.order, dossier.receivedDay],
    );
    return dossierEvent(
      'dossier.step_completed',
      { ...dossier, status: 'IN_PROGRESS' },
      { step: current.order, nextStep: next.order, assigneeId: input.nextAssigneeId ?? null },
    );
  });
}

/** Processing ends: the result is ready; the rollup counts it resolved, with its timeliness. */
async function finish(
  m: import('typeorm').EntityManager,
  ctx: DossierContext,
  dossier: DossierRow,
  now: Date,
): Promise<void> {
  await m.query(
    `UPDATE dossier SET status = 'RESULT_READY', completed_at = $2, current_step = NULL WHERE id = $1 AND received_day = $3`,
    [dossier.id, now, dossier.receivedDay],
  );
  const timeliness = closedTimeliness(now, dossier.appointmentDueAt, dossier.supplementRequests);
  await bumpDailyStats(m, dossier.unitId, dossier.unitPath, dateInVietnam(now), {
    resolved: 1,
    early: timeliness === 'EARLY' ? 1 : 0,
    on_time: timeliness === 'ON_TIME' ? 1 : 0,
    late: timeliness === 'LATE' ? 1 : 0,
    processing_hours: ctx.calendar.workingHoursBetween(dossier.receivedAt, now),
  });
}

export async function requestSupplement(
  ctx: DossierContext,
  input: { dossierId: string; expectedVersion: number; reason: string },
) {
  const { caller, dossier: target } = await authorize(ctx, input.dossierId, ['RECEIVER', 'HANDLER']);
  const reason = requiredText(input.reason, 'reason', 2000);
  return ctx.commands.act(target, input.expectedVersion, 'requestSupplement', async (m, dossier) => {
    const now = ctx.now();
    await m.query(
      `INSERT INTO dossier_pause (dossier_id, seq, reason, started_at)
       SELECT $1, coalesce(max(seq), 0) + 1, $2, $3 FROM dossier_pause WHERE dossier_id = $1`,
      [dossier.id, reason, now],
    );
    await m.query(
      `UPDATE dossier SET status = 'SUPPLEMENT_REQUESTED', supplement_requests = supplement_requests + 1 WHERE id = $1 AND received_day = $2`,
      [dossier.id, dossier.receivedDay],
    );
    return dossierEvent(
      'dossier.supplement_requested',
      { ...dossier, status: 'SUPPLEMENT_REQUESTED' },
      { reason, by: caller.officialId },
    );
  });
}

/** The complete dossier is back: its time runs again from zero, as for a new receipt. */
export async function resumeDossier(
  ctx: DossierContext,
  input: { dossierId: string; expectedVersion: number },
) {
  const { dossier: target } = await authorize(ctx, input.dossierId, ['RECEIVER', 'HANDLER']);
  // A dossier's procedure and unit never change: read them before the transaction (see completeStep).
  const procedure = (await ctx.queries.procedureById(target.procedureId))!;
  const { targets } = await ctx.queries.receiptInputs(procedure.id, pathPrefixes(target.unitPath));
  return ctx.commands.act(target, input.expectedVersion, 'resume', async (m, dossier, steps) => {
    const now = ctx.now();
    const dueAt = ctx.calendar.procedureDeadline(
      now,
      daysAllowed(dossier.unitPath, procedure.statutoryDays, targets),
    );
    await m.query(`UPDATE dossier_pause SET ended_at = $2 WHERE dossier_id = $1 AND ended_at IS NULL`, [
      dossier.id,
      now,
    ]);
    const current = steps.find((s) => s.order === dossier.currentStep);
    if (current) {
      await m.query(
        `UPDATE dossier_step SET started_at = $3, due_at = $4 WHERE dossier_id = $1 AND received_day = $5 AND step_order = $2`,
        [
          dossier.id,
          current.order,
          now,
          stepDueAt(ctx.calendar, now, current.durationHours),
          dossier.receivedDay,
        ],
      );
    }
    const status = steps.some((s) => s.completedAt) ? 'IN_PROGRESS' : 'RECEIVED';
    await m.query(
      `UPDATE dossier SET status = $2, due_at = $3, appointment_due_at = $3 WHERE id = $1 AND received_day = $4`,
      [dossier.id, status, dueAt, dossier.receivedDay],
    );
    return dossierEvent('dossier.resumed', { ...dossier, status }, { dueAt });
  });
}

export async function issueApology(
  ctx: DossierContext,
  input: { dossierId: string; expectedVersion: number; reason: string; newDueAt: Date | string },
) {
  const { caller, dossier: target } = await authorize(ctx, input.dossierId, [
    'RECEIVER',
    'HANDLER',
    'LEADER',
  ]);
  const reason = requiredText(input.reason, 'reason', 2000);
  const newDueAt = new Date(input.newDueAt);
  return ctx.commands.act(target, input.expectedVersion, 'issueApology', async (m, dossier) => {
    const [given] = await m.query(`SELECT 1 FROM dossier_apology WHERE dossier_id = $1`, [dossier.id]);
    if (given) throw errors.invalidTransition('An apology with a new date is given once per dossier');
    const now = ctx.now();
    if (!(newDueAt.getTime() > Math.max(now.getTime(), dossier.dueAt.getTime()))) {
      throw errors.badInput('newDueAt must be later than both now and the current due time', 'newDueAt');
    }
    await m.query(
      `INSERT INTO dossier_apology (dossier_id, issued_at, reason, new_due_at, issued_by) VALUES ($1, $2, $3, $4, $5)`,
      [dossier.id, now, reason, newDueAt, caller.officialId],
    );
    await m.query(`UPDATE dossier SET due_at = $2 WHERE id = $1 AND received_day = $3`, [
      dossier.id,
      newDueAt,
      dossier.receivedDay,
    ]);
    return dossierEvent('dossier.apology_issued', dossier, { reason, newDueAt });
  });
}

export async function endDossier(
  ctx: DossierContext,
  action: 'reject' | 'withdraw',
  input: { dossierId: string; expectedVersion: number; reason: string },
) {
  const { dossier: target } = await authorize(
    ctx,
    input.dossierId,
    action === 'reject' ? ['RECEIVER', 'HANDLER', 'LEADER'] : ['RECEIVER'],
  );
  const reason = requiredText(input.reason, 'reason', 2000);
  const status = action === 'reject' ? 'REJECTED' : 'WITHDRAWN';
  return ctx.commands.act(target, input.expectedVersion, action, async (m, dossier) => {
    const now = ctx.now();
    await m.query(`UPDATE dossier_pause SET ended_at = $2 WHERE dossier_id = $1 AND ended_at IS NULL`, [
      dossier.id,
      now,
    ]);
    await m.query(
      `UPDATE dossier SET status = $2, completed_at = $3, current_step = NULL WHERE id = $1 AND received_day = $4`,
      [dossier.id, status, now, dossier.receivedDay],
    );
    return dossierEvent(
      action === 'reject' ? 'dossier.rejected' : 'dossier.withdrawn',
      { ...dossier, status },
      { reason },
    );
  });
}

export async function returnResult(
  ctx: DossierContext,
  input: { dossierId: string; expectedVersion: number; electronicResult?: boolean | null },
) {
  const { dossier: target } = await authorize(ctx, input.dossierId, ['RECEIVER']);
  return ctx.commands.act(target, input.expectedVersion, 'returnResult', async (m, dossier) => {
    await m.query(
      `UPDATE dossier SET status = 'RETURNED', returned_at = $2, electronic_result = $3 WHERE id = $1 AND received_day = $4`,
      [dossier.id, ctx.now(), input.electronicResult ?? false, dossier.receivedDay],
    );
    return dossierEvent(
      'dossier.returned',
      { ...dossier, status: 'RETURNED' },
      {
        timeliness: closedTimeliness(
          dossier.completedAt!,
          dossier.appointmentDueAt,
          dossier.supplementRequests,
        ),
      },
    );
  });
}

/** Public: the citizen, with code and PIN, rates the service once after the result is returned. */
export async function recordFeedback(
  ctx: DossierContext,
  input: { code: string; pin: string; rating: number; comment?: string | null },
) {
  const code = input.code.trim();
  const dossier = code.length <= 64 ? await ctx.queries.dossierByCode(code) : null;
  const right =
    code.length <= 64 && (await ctx.pinLock.guard(code, ctx.now(), () => checkPin(input.pin, dossier)));
  if (!dossier || !right) throw errors.notFound('No dossier with that code and PIN');
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5)
    throw errors.badInput('rating is 1 to 5', 'rating');
  const comment = optionalText(input.comment, 'comment', 2000);
  return ctx.commands.act(dossier, dossier.version, 'recordFeedback', async (m, locked) => {
    if (locked.feedbackRating !== null) throw errors.invalidTransition('Feedback is given once per dossier');
    const now = ctx.now();
    await m.query(
      `UPDATE dossier SET feedback_rating = $2, feedback_comment = $3, feedback_at = $4 WHERE id = $1 AND received_day = $5`,
      [locked.id, input.rating, comment, now, locked.receivedDay],
    );
    await bumpDailyStats(m, locked.unitId, locked.unitPath, dateInVietnam(now), {
      rated: 1,
      satisfied: input.rating >= 4 ? 1 : 0,
    });
    return null;
  });
}

/**
 * The caller must be an official with one of `roles` over the dossier's unit. A dossier outside the
 * caller's scope is NOT_FOUND, as one that does not exist: its existence does not leak.
 */
async function authorize(
  ctx: DossierContext,
  dossierId: string,
  roles: Role[],
): Promise<{ caller: OfficialCaller; dossier: DossierRow }> {
  const caller = requireOfficial(ctx.caller);
  const dossier = await ctx.loaders.dossierById.load(dossierId);
  if (!dossier || !canActOrRead(caller, dossier.unitPath))
    throw errors.notFound(`No dossier with id "${dossierId.slice(0, 64)}"`);
  if (!canAct(caller, dossier.unitPath, roles))
    throw errors.forbidden(`This action needs one of ${roles.join(', ')} for the dossier's unit`);
  return { caller, dossier };
}

function canActOrRead(caller: OfficialCaller, unitPath: string): boolean {
  return (
    unitPath.startsWith(caller.unitPath) ||
    caller.roles.some((r) => r === 'SYSTEM_ADMIN' || r === 'MINISTRY_VIEWER')
  );
}

/** The next step goes to an official of the dossier's unit (or a unit above it) who holds its role. */
function requireAssignable(
  official: { unitPath: string; roles: string[] } | null,
  unitPath: string,
  role: string,
): void {
  if (!official || !unitPath.startsWith(official.unitPath)) {
    throw errors.badInput("nextAssigneeId is not an official of the dossier's unit", 'nextAssigneeId');
  }
  if (!official.roles.includes(role))
    throw errors.badInput(`nextAssigneeId is not a ${role}`, 'nextAssigneeId');
}

export function pathPrefixes(path: string): string[] {
  const codes = path.split('/').filter(Boolean);
  return codes.map((_, i) => `/${codes.slice(0, i + 1).join('/')}/`);
}

export function checkApplicant(a: {
  name: string;
  idNumber: string;
  phone?: string | null;
  email?: string | null;
}) {
  const name = requiredText(a.name, 'applicant.name', 200);
  const idNumber = a.idNumber.trim();
  // Citizen identity numbers (CCCD) have 12 digits; older identity cards 9; passports letters too.
  if (!/^[A-Za-z0-9]{6,20}$/.test(idNumber))
    throw errors.badInput('applicant.idNumber is 6 to 20 letters or digits', 'applicant.idNumber');
  const phone = a.phone?.trim() || null;
  if (phone && !/^\+?[0-9 .-]{8,20}$/.test(phone))
    throw errors.badInput('applicant.phone is not a phone number', 'applicant.phone');
  const email = a.email?.trim() || null;
  if (email && (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)))
    throw errors.badInput('applicant.email is not an e-mail address', 'applicant.email');
  return { name, idNumber, phone, email };
}

function requiredText(value: string, field: string, max: number): string {
  const text = value.trim();
  if (!text) throw errors.badInput(`${field} may not be empty`, field);
  if (text.length > max) throw errors.badInput(`${field} has at most ${max} characters`, field);
  return text;
}

function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  return requiredText(value, field, max);
}

export type { WorkingCalendar, DossierAction, StepRow };
