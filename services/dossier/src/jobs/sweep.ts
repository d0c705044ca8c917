/**
 * The deadline sweep, run every minute by the dossier worker. It announces, once per deadline:
 * - a dossier or its running step entering its last 8 working hours (`dossier.due_soon`,
 *   `dossier.step_due_soon`);
 * - a dossier or its running step past its due time (`dossier.overdue`, `dossier.step_overdue`);
 * - a dossier still open one more working day after its due time (`dossier.escalated`: its unit's
 *   leader is told).
 * "Once" is a `deadline_notice` row (dossier, step, kind, the deadline) written in the same
 * transaction as the event: a second sweep, a replayed one or one racing another worker finds the
 * row and says nothing, and a killed sweep rolls back whole. A dossier whose deadline moved
 * (resumed after a supplement, or given a new date by an apology) is announced again for the new
 * deadline. Reads go through the partial indexes of open dossiers and running steps, oldest
 * deadline first.
 */
import type { EntityManager } from 'typeorm';
import type { DataSource } from 'typeorm';
import type { WorkingCalendar } from '@eiso/calendar';
import { appendEvents, type NewEvent } from '@eiso/outbox';
import { unitCodeOf } from '../db/rows';
import { DUE_SOON_HOURS } from '../domain/timeliness';

/** Working hours overdue after which the unit's leader is told (one working day). */
export const ESCALATION_HOURS = 8;
/** Wall-clock hours that 8 working hours take at the least (no office day is shorter). */
const ESCALATION_MIN_WALL_HOURS = 8;

export interface SweepResult {
  dueSoon: number;
  overdue: number;
  escalated: number;
  stepsDueSoon: number;
  stepsOverdue: number;
}

type NoticeKind = 'DUE_SOON' | 'OVERDUE' | 'ESCALATION';

interface Sweep {
  m: EntityManager;
  calendar: WorkingCalendar;
  now: Date;
  batch: number;
}

export async function sweepDeadlines(
  db: DataSource,
  calendar: WorkingCalendar,
  now: Date,
  batch = 5000,
): Promise<SweepResult> {
  const dueSoonUntil = calendar.addWorkingHours(now, DUE_SOON_HOURS);
  const escalationCandidatesBefore = new Date(now.getTime() - ESCALATION_MIN_WALL_HOURS * 3_600_000);
  return db.transaction(async (m) => {
    const s: Sweep = { m, calendar, now, batch };
    return {
      dueSoon: await announceDossiers(
        s,
        'DUE_SOON',
        'dossier.due_soon',
        `d.due_at >= $1 AND d.due_at <= $2`,
        [now, dueSoonUntil],
      ),
      overdue: await announceDossiers(s, 'OVERDUE', 'dossier.overdue', `d.due_at < $1`, [now]),
      escalated: await announceDossiers(
        s,
        'ESCALATION',
        'dossier.escalated',
        `d.due_at < $1`,
        [escalationCandidatesBefore],
        (dueAt) => calendar.workingHoursBetween(dueAt, now) >= ESCALATION_HOURS,
      ),
      stepsDueSoon: await announceSteps(
        s,
        'DUE_SOON',
        'dossier.step_due_soon',
        `s.due_at >= $1 AND s.due_at <= $2`,
        [now, dueSoonUntil],
      ),
      stepsOverdue: await announceSteps(s, 'OVERDUE', 'dossier.step_overdue', `s.due_at < $1`, [now]),
    };
  });
}

interface Candidate {
  id: string;
  /** The dossier's receipt day: joins back to it within its month's partition. */
  day: string;
  step: number;
  dueAt: Date;
}

/** Dossiers (step 0) in `window`, not yet noticed for this kind and deadline; `ripe` filters further. */
async function announceDossiers(
  s: Sweep,
  kind: NoticeKind,
  type: string,
  window: string,
  params: unknown[],
  ripe: (dueAt: Date) => boolean = () => true,
): Promise<number> {
  const candidates: Candidate[] = await s.m.query(
    `SELECT d.id, d.received_day::text AS day, 0 AS step, d.due_at AS "dueAt" FROM dossier d
     WHERE d.completed_at IS NULL AND d.status <> 'SUPPLEMENT_REQUESTED' AND ${window}
       AND NOT EXISTS (SELECT 1 FROM deadline_notice n
                       WHERE n.dossier_id = d.id AND n.step_order = 0 AND n.kind = '${kind}' AND n.due_at = d.due_at)
     ORDER BY d.due_at LIMIT ${s.batch}`,
    params,
  );
  return announce(
    s,
    kind,
    type,
    candidates.filter((c) => ripe(new Date(c.dueAt))),
  );
}

/** Running steps of open dossiers in `window`, not yet noticed for this kind and deadline. */
async function announceSteps(
  s: Sweep,
  kind: NoticeKind,
  type: string,
  window: string,
  params: unknown[],
): Promise<number> {
  const candidates: Candidate[] = await s.m.query(
    `SELECT s.dossier_id AS id, s.received_day::text AS day, s.step_order AS step, s.due_at AS "dueAt" FROM dossier_step s
     JOIN dossier d ON d.id = s.dossier_id AND d.received_day = s.received_day AND d.current_step = s.step_order
     WHERE s.started_at IS NOT NULL AND s.completed_at IS NULL AND ${window}
       AND d.completed_at IS NULL AND d.status <> 'SUPPLEMENT_REQUESTED'
       AND NOT EXISTS (SELECT 1 FROM deadline_notice n
                       WHERE n.dossier_id = s.dossier_id AND n.step_order = s.step_order
                         AND n.kind = '${kind}' AND n.due_at = s.due_at)
     ORDER BY s.due_at LIMIT ${s.batch}`,
    params,
  );
  return announce(s, kind, type, candidates);
}

/** Writes the notices (those another sweep wrote first drop out) and one event for each new one. */
async function announce(s: Sweep, kind: NoticeKind, type: string, candidates: Candidate[]): Promise<number> {
  if (candidates.length === 0) return 0;
  const rows: AnnouncedRow[] = await s.m.query(
    `WITH c AS (SELECT * FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $6::date[]) AS c(id, step, due, day)),
     noticed AS (
       INSERT INTO deadline_notice (dossier_id, step_order, kind, due_at, noticed_at)
       SELECT c.id, c.step, $4, c.due, $5 FROM c
       ON CONFLICT DO NOTHING RETURNING dossier_id, step_order, due_at
     )
     SELECT d.id, d.code, d.unit_path AS "unitPath", noticed.step_order AS step, noticed.due_at AS "dueAt",
            s.assignee_id AS "assigneeId",
            EXISTS (SELECT 1 FROM dossier_apology a WHERE a.dossier_id = d.id) AS "apologized"
     FROM noticed
     JOIN c ON c.id = noticed.dossier_id AND c.step = noticed.step_order AND c.due = noticed.due_at
     JOIN dossier d ON d.id = noticed.dossier_id AND d.received_day = c.day
     LEFT JOIN dossier_step s ON s.dossier_id = d.id AND s.received_day = d.received_day
       AND s.step_order = CASE WHEN noticed.step_order = 0 THEN d.current_step ELSE noticed.step_order END`,
    [
      candidates.map((c) => c.id),
      candidates.map((c) => c.step),
      candidates.map((c) => c.dueAt),
      kind,
      s.now,
      candidates.map((c) => c.day),
    ],
  );
  await appendEvents(
    s.m,
    rows.map((r) => deadlineEvent(type, r)),
  );
  return rows.length;
}

interface AnnouncedRow {
  id: string;
  code: string;
  unitPath: string;
  /** 0 for the dossier's own deadline. */
  step: number;
  dueAt: Date;
  assigneeId: string | null;
  apologized: boolean;
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
      ...(r.step === 0 ? { apologized: r.apologized } : { step: r.step }),
      dueAt: new Date(r.dueAt).toISOString(),
      assigneeId: r.assigneeId,
    },
  };
}
