/**
 * importDossiers: legacy systems hand over their dossiers, open and closed, with their real times.
 * Each item is checked on its own; the valid ones are written in one transaction, the others come
 * back as errors by index, and an externalId already held is skipped — so a repeated import
 * changes nothing.
 */
import { canAct, requireOfficial } from '@eiso/auth';
import { dateInVietnam } from '@eiso/calendar';
import { errors } from '@eiso/errors';
import type { DossierContext } from './context';
import { checkApplicant, pathPrefixes } from './actions';
import { bumpDailyStats, dossierEvent } from './db/commands';
import { DOSSIER_COLUMNS, type DossierRow } from './db/rows';
import { dossierCode, hashPin, newTrackingPin } from './domain/codes';
import { isOpen, type Channel, type DossierStatus } from './domain/lifecycle';
import { daysAllowed, processInForce, type ProcessVersion } from './domain/receipt';
import { closedTimeliness } from './domain/timeliness';
import { appendEvents } from '@eiso/outbox';

export const MAX_IMPORT = 1000;

export interface ImportedDossier {
  externalId: string;
  procedureCode: string;
  unitCode: string;
  channel: Channel;
  applicant: { name: string; idNumber: string; phone?: string | null; email?: string | null };
  status: DossierStatus;
  receivedAt: Date | string;
  dueAt?: Date | string | null;
  completedAt?: Date | string | null;
  returnedAt?: Date | string | null;
}

interface Planned {
  index: number;
  item: ImportedDossier;
  unit: { id: string; code: string; path: string };
  procedureId: string;
  process: ProcessVersion;
  receivedAt: Date;
  dueAt: Date;
  completedAt: Date | null;
  returnedAt: Date | null;
}

export async function importDossiers(ctx: DossierContext, items: ImportedDossier[]) {
  const caller = requireOfficial(ctx.caller);
  if (!caller.roles.includes('SYSTEM_ADMIN') && !caller.roles.includes('UNIT_ADMIN')) {
    throw errors.forbidden('Only a SYSTEM_ADMIN, or a UNIT_ADMIN within their unit, imports dossiers');
  }
  if (items.length === 0) throw errors.badInput('Send at least one dossier', 'dossiers');
  if (items.length > MAX_IMPORT) throw errors.badInput(`At most ${MAX_IMPORT} dossiers a call`, 'dossiers');
  const seen = new Set<string>();
  const problems: { index: number; message: string }[] = [];
  const planned: Planned[] = [];
  for (const [index, item] of items.entries()) {
    try {
      if (seen.has(item.externalId))
        throw new Error(`externalId ${item.externalId} appears twice in this call`);
      seen.add(item.externalId);
      planned.push(await plan(ctx, caller, index, item));
    } catch (error) {
      problems.push({ index, message: error instanceof Error ? error.message : String(error) });
    }
  }
  const imported = await write(ctx, planned);
  return { imported: imported.length, skipped: planned.length - imported.length, errors: problems };
}

async function plan(
  ctx: DossierContext,
  caller: ReturnType<typeof requireOfficial>,
  index: number,
  item: ImportedDossier,
): Promise<Planned> {
  const externalId = item.externalId.trim();
  if (!externalId || externalId.length > 128) throw new Error('externalId is 1 to 128 characters');
  const unit = await ctx.loaders.unitByCode.load(item.unitCode.trim().slice(0, 32));
  if (!unit) throw new Error(`no unit with code "${item.unitCode.slice(0, 40)}"`);
  if (!canAct(caller, unit.path, ['UNIT_ADMIN'])) throw new Error(`${unit.code} is outside your unit`);
  const procedure = await ctx.queries.procedureByCode(item.procedureCode.trim().slice(0, 32));
  if (!procedure) throw new Error(`no procedure with code "${item.procedureCode.slice(0, 40)}"`);
  // The same rules (and maximum lengths) as a receipt's applicant.
  const applicant = checkApplicant(item.applicant);
  const now = ctx.now();
  const receivedAt = instant(item.receivedAt, 'receivedAt');
  const completedAt = item.completedAt ? instant(item.completedAt, 'completedAt') : null;
  const returnedAt = item.returnedAt ? instant(item.returnedAt, 'returnedAt') : null;
  for (const [name, value] of [
    ['receivedAt', receivedAt],
    ['completedAt', completedAt],
    ['returnedAt', returnedAt],
  ] as const) {
    if (value && value.getTime() > now.getTime()) throw new Error(`${name} is in the future`);
  }
  if (completedAt && completedAt < receivedAt) throw new Error('completedAt is before receivedAt');
  if (returnedAt && (!completedAt || returnedAt < completedAt))
    throw new Error('returnedAt needs a completedAt before it');
  checkStatusTimes(item.status, completedAt, returnedAt);
  const { versions, targets } = await ctx.queries.receiptInputs(procedure.id, pathPrefixes(unit.path));
  const process =
    processInForce(unit.path, dateInVietnam(receivedAt), versions) ??
    processInForce(unit.path, dateInVietnam(now), versions);
  if (!process) throw new Error(`${unit.code} has no process for ${procedure.code}`);
  const dueAt = item.dueAt
    ? instant(item.dueAt, 'dueAt')
    : ctx.calendar.procedureDeadline(receivedAt, daysAllowed(unit.path, procedure.statutoryDays, targets));
  if (dueAt < receivedAt) throw new Error('dueAt is before receivedAt');
  return {
    index,
    item: { ...item, externalId, applicant },
    unit,
    procedureId: procedure.id,
    process,
    receivedAt,
    dueAt,
    completedAt,
    returnedAt,
  };
}

function checkStatusTimes(status: DossierStatus, completedAt: Date | null, returnedAt: Date | null): void {
  if (isOpen(status) && (completedAt || returnedAt))
    throw new Error(`a ${status} dossier has no completedAt or returnedAt`);
  if (status === 'RESULT_READY' && (!completedAt || returnedAt))
    throw new Error('a RESULT_READY dossier has a completedAt and no returnedAt');
  if (status === 'RETURNED' && (!completedAt || !returnedAt))
    throw new Error('a RETURNED dossier has completedAt and returnedAt');
  if ((status === 'REJECTED' || status === 'WITHDRAWN') && !completedAt)
    throw new Error(`a ${status} dossier has the completedAt when it ended`);
}

function instant(value: Date | string, field: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`${field} is not an instant`);
  return date;
}

/** Writes the planned dossiers whose externalId is new; returns those it wrote. */
async function write(ctx: DossierContext, planned: Planned[]): Promise<DossierRow[]> {
  if (planned.length === 0) return [];
  // Legacy dossiers reach back years: their months are made (only those) before the transaction.
  await ctx.commands.ensureMonths(planned.map((p) => dateInVietnam(p.receivedAt)));
  return ctx.commands.transaction(async (m) => {
    // External ids are unique across every month in their own table (see the partitioning migration).
    const held: { external_id: string }[] = await m.query(
      `SELECT external_id FROM dossier_external_id WHERE external_id = ANY($1)`,
      [planned.map((p) => p.item.externalId)],
    );
    const skip = new Set(held.map((h) => h.external_id));
    const written: DossierRow[] = [];
    for (const p of planned.filter((x) => !skip.has(x.item.externalId))) {
      const day = dateInVietnam(p.receivedAt);
      // Claimed first, with the new dossier's id: an import racing this one for the same id waits
      // here and then skips it, as ON CONFLICT (external_id) on the dossier did.
      const [claim] = (await m.query(
        `INSERT INTO dossier_external_id (external_id, dossier_id, received_day) VALUES ($1, gen_random_uuid(), $2)
         ON CONFLICT DO NOTHING RETURNING dossier_id AS id`,
        [p.item.externalId, day],
      )) as { id: string }[];
      if (!claim) continue;
      const code = dossierCode(p.unit.code, p.receivedAt, await ctx.commands.nextSequence(m, p.unit.id, day));
      const steps = [...p.process.steps].sort((a, b) => a.order - b.order);
      const [row] = (await m.query(
        `INSERT INTO dossier AS d (code, unit_id, unit_path, procedure_id, process_id, channel, status, received_at, received_day,
           due_at, appointment_due_at, completed_at, returned_at, current_step, applicant_name, applicant_id_number,
           applicant_phone, applicant_email, pin_hash, external_id, digitized, id)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)
         RETURNING ${DOSSIER_COLUMNS}`,
        [
          code,
          p.unit.id,
          p.unit.path,
          p.procedureId,
          p.process.id,
          p.item.channel,
          p.item.status,
          p.receivedAt,
          day,
          p.dueAt,
          p.completedAt,
          p.returnedAt,
          p.completedAt ? null : (steps[0]?.order ?? null),
          p.item.applicant.name.trim(),
          p.item.applicant.idNumber.trim(),
          p.item.applicant.phone ?? null,
          p.item.applicant.email ?? null,
          await hashPin(newTrackingPin()),
          p.item.externalId,
          p.item.channel === 'ONLINE',
          claim.id,
        ],
      )) as DossierRow[];
      // The legacy system's own slip is not handed over: the process's steps stand in for it, all
      // done at the end for a closed dossier, the first one running for an open one.
      await m.query(
        `INSERT INTO dossier_step (dossier_id, received_day, step_order, name, role, duration_hours, started_at, completed_at)
         SELECT $1, $8::date, * FROM unnest($2::int[], $3::text[], $4::text[], $5::numeric[], $6::timestamptz[], $7::timestamptz[])`,
        [
          row.id,
          steps.map((s) => s.order),
          steps.map((s) => s.name),
          steps.map((s) => s.role),
          steps.map((s) => s.durationHours),
          steps.map((_, i) => (p.completedAt || i === 0 ? p.receivedAt : null)),
          steps.map(() => p.completedAt),
          day,
        ],
      );
      await bumpDailyStats(m, row.unitId, row.unitPath, day, {
        received: 1,
        received_online: p.item.channel === 'ONLINE' ? 1 : 0,
      });
      let timeliness: string | null = null;
      if (p.completedAt && (p.item.status === 'RESULT_READY' || p.item.status === 'RETURNED')) {
        timeliness = closedTimeliness(p.completedAt, p.dueAt, 0);
        await bumpDailyStats(m, row.unitId, row.unitPath, dateInVietnam(p.completedAt), {
          resolved: 1,
          early: timeliness === 'EARLY' ? 1 : 0,
          on_time: timeliness === 'ON_TIME' ? 1 : 0,
          late: timeliness === 'LATE' ? 1 : 0,
          processing_hours: ctx.calendar.workingHoursBetween(p.receivedAt, p.completedAt),
        });
      }
      await appendEvents(m, [
        dossierEvent('dossier.imported', row, { externalId: p.item.externalId, timeliness }),
      ]);
      written.push(row);
    }
    return written;
  });
}
