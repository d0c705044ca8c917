/**
 * The deadline sweep, run every minute by the dossier worker: it announces, once each, every
 * dossier that entered its last 8 working hours (`dossier.due_soon`), every dossier past its due
 * time (`dossier.overdue`) and every step past its own (`dossier.step_overdue`). "Once" is a unique
 * notice row written in the same transaction as the event: a second sweep, a replayed one or one
 * racing another worker finds the row and says nothing. Reads go through partial indexes of open
 * dossiers and running steps only.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { WorkingCalendar } from '@eiso/calendar';
import { appendEvents, type NewEvent } from '@eiso/outbox';
import { unitCodeOf } from '../db/rows';
import { DUE_SOON_HOURS } from '../domain/timeliness';

/** Notice rows: step 0 is the dossier's own deadline, -1 its entering the due-soon window. */
const DOSSIER_OVERDUE = 0;
const DOSSIER_DUE_SOON = -1;

export interface SweepResult {
  dueSoon: number;
  overdue: number;
  stepsOverdue: number;
}

export async function sweepDeadlines(
  db: DataSource,
  calendar: WorkingCalendar,
  now: Date,
  batch = 5000,
): Promise<SweepResult> {
  const dueSoonUntil = calendar.addWorkingHours(now, DUE_SOON_HOURS);
  return db.transaction(async (m) => ({
    dueSoon: await announce(
      m,
      'dossier.due_soon',
      DOSSIER_DUE_SOON,
      `d.due_at >= $1 AND d.due_at <= $2`,
      [now, dueSoonUntil],
      batch,
    ),
    overdue: await announce(m, 'dossier.overdue', DOSSIER_OVERDUE, `d.due_at < $1`, [now], batch),
    stepsOverdue: await announceSteps(m, now, batch),
  }));
}

async function announce(
  m: EntityManager,
  type: string,
  step: number,
  window: string,
  params: unknown[],
  batch: number,
): Promise<number> {
  const rows: AnnouncedRow[] = await m.query(
    `WITH due AS (
       SELECT d.id FROM dossier d
       WHERE d.completed_at IS NULL AND d.status <> 'SUPPLEMENT_REQUESTED' AND ${window}
         AND NOT EXISTS (SELECT 1 FROM overdue_notice n WHERE n.dossier_id = d.id AND n.step_order = ${step})
       LIMIT ${batch}
     ), noticed AS (
       INSERT INTO overdue_notice (dossier_id, step_order) SELECT id, ${step} FROM due
       ON CONFLICT DO NOTHING RETURNING dossier_id
     )
     SELECT d.id, d.code, d.unit_path AS "unitPath", d.due_at AS "dueAt", s.assignee_id AS "assigneeId"
     FROM noticed JOIN dossier d ON d.id = noticed.dossier_id
     LEFT JOIN dossier_step s ON s.dossier_id = d.id AND s.step_order = d.current_step`,
    params,
  );
  await appendEvents(
    m,
    rows.map((r) => deadlineEvent(type, r)),
  );
  return rows.length;
}

async function announceSteps(m: EntityManager, now: Date, batch: number): Promise<number> {
  const rows: Required<AnnouncedRow>[] = await m.query(
    `WITH due AS (
       SELECT s.dossier_id, s.step_order FROM dossier_step s
       JOIN dossier d ON d.id = s.dossier_id AND d.current_step = s.step_order
       WHERE s.started_at IS NOT NULL AND s.completed_at IS NULL AND s.due_at < $1
         AND d.status <> 'SUPPLEMENT_REQUESTED'
         AND NOT EXISTS (SELECT 1 FROM overdue_notice n WHERE n.dossier_id = s.dossier_id AND n.step_order = s.step_order)
       LIMIT ${batch}
     ), noticed AS (
       INSERT INTO overdue_notice (dossier_id, step_order) SELECT dossier_id, step_order FROM due
       ON CONFLICT DO NOTHING RETURNING dossier_id, step_order
     )
     SELECT d.id, d.code, d.unit_path AS "unitPath", s.step_order AS step, s.due_at AS "dueAt", s.assignee_id AS "assigneeId"
     FROM noticed JOIN dossier d ON d.id = noticed.dossier_id
     JOIN dossier_step s ON s.dossier_id = noticed.dossier_id AND s.step_order = noticed.step_order`,
    [now],
  );
  await appendEvents(
    m,
    rows.map((r) => deadlineEvent('dossier.step_overdue', r)),
  );
  return rows.length;
}

interface AnnouncedRow {
  id: string;
  code: string;
  unitPath: string;
  dueAt: Date;
  assigneeId: string | null;
  /** Set for a step's deadline; absent for the dossier's. */
  step?: number;
}

/** The event a sweep announces a passed or near deadline with (the consumers' payload). */
function deadlineEvent(type: string, r: AnnouncedRow): NewEvent {
  return {
    type,
    unitPath: r.unitPath,
    aggregateId: r.id,
    payload: {
      id: r.id,
      code: r.code,
      unitCode: unitCodeOf(r.unitPath),
      ...(r.step === undefined ? {} : { step: r.step }),
      dueAt: r.dueAt,
      assigneeId: r.assigneeId,
    },
  };
}
