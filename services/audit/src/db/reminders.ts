/**
 * What the notification worker reminds QMS officials of (read through the API, never its tables):
 * units running a QMS with no internal audit or management review in a year, and corrective
 * actions still open near or past their date. Both read indexes (qms by unit, audits and reviews
 * by unit and date, open actions by due date).
 */
import type { DataSource } from 'typeorm';

export interface QmsActivityGap {
  unitId: string;
  unitPath: string;
  internalAuditPlanned: boolean;
  managementReviewPlanned: boolean;
}

/** Units whose QMS is applied or announced and that lack a (not cancelled) internal audit or a management review in `year`. */
export function qmsActivityGaps(db: DataSource, year: number): Promise<QmsActivityGap[]> {
  return db.query(
    `SELECT * FROM (
       SELECT q.unit_id AS "unitId", q.unit_path AS "unitPath",
              EXISTS (SELECT 1 FROM internal_audit a WHERE a.unit_id = q.unit_id AND a.status <> 'CANCELLED'
                        AND a.planned_for BETWEEN $1 AND $2) AS "internalAuditPlanned",
              EXISTS (SELECT 1 FROM management_review r WHERE r.unit_id = q.unit_id
                        AND r.held_on BETWEEN $1 AND $2) AS "managementReviewPlanned"
       FROM qms q WHERE q.status IN ('APPLIED', 'ANNOUNCED')
     ) g WHERE NOT ("internalAuditPlanned" AND "managementReviewPlanned") ORDER BY "unitPath"`,
    [`${year}-01-01`, `${year}-12-31`],
  );
}

export interface ActionDue {
  id: string;
  description: string;
  dueOn: string;
  ownerId: string;
  unitPath: string;
}

/** Open corrective actions due on or before `until`, soonest first. */
export function correctiveActionsDue(db: DataSource, until: string): Promise<ActionDue[]> {
  return db.query(
    `SELECT c.id, c.description, to_char(c.due_on, 'YYYY-MM-DD') AS "dueOn", c.owner_id AS "ownerId",
            n.unit_path AS "unitPath"
     FROM corrective_action c JOIN nonconformity n ON n.id = c.nonconformity_id
     WHERE c.status = 'OPEN' AND c.due_on <= $1 ORDER BY c.due_on, c.id`,
    [until],
  );
}
