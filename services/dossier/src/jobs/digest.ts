/**
 * The overdue digest (báo cáo hồ sơ trễ hạn hằng ngày): every working morning, one event per unit
 * that still holds escalated dossiers — open one working day or more past their due time — with
 * their count and the codes of the oldest. The notification service turns it into one ESCALATION
 * notice per leader and day (its own unique key makes a retried or repeated digest add nothing).
 * It reads the escalation notices the sweep wrote, never the whole dossier table.
 */
import type { DataSource } from 'typeorm';
import { todayInVietnam, type WorkingCalendar } from '@eiso/calendar';
import { appendEvents } from '@eiso/outbox';
import { unitCodeOf } from '../db/rows';

/** How many dossier codes one digest lists (the count is always complete). */
export const DIGEST_CODES = 20;

export async function emitOverdueDigest(
  db: DataSource,
  calendar: WorkingCalendar,
  now: Date,
): Promise<{ day: string; units: number }> {
  const day = todayInVietnam(now);
  if (!calendar.isWorkingDay(day)) return { day, units: 0 };
  return db.transaction(async (m) => {
    const rows: { unitPath: string; count: number; codes: string[] }[] = await m.query(
      `SELECT d.unit_path AS "unitPath", count(*)::int AS count,
              (array_agg(d.code ORDER BY d.due_at, d.code))[1:${DIGEST_CODES}] AS codes
       FROM deadline_notice n
       JOIN dossier d ON d.id = n.dossier_id AND d.due_at = n.due_at
       WHERE n.kind = 'ESCALATION' AND n.step_order = 0
         AND d.completed_at IS NULL AND d.status <> 'SUPPLEMENT_REQUESTED'
       GROUP BY d.unit_path`,
    );
    await appendEvents(
      m,
      rows.map((r) => ({
        type: 'unit.overdue_digest',
        unitPath: r.unitPath,
        aggregateId: `${unitCodeOf(r.unitPath)}:${day}`,
        payload: { day, unitCode: unitCodeOf(r.unitPath), count: r.count, codes: r.codes },
      })),
    );
    return { day, units: rows.length };
  });
}
