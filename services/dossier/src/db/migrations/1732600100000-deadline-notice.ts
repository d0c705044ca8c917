import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `overdue_notice` becomes `deadline_notice`: one row per dossier, step (0 = the dossier itself),
 * kind (DUE_SOON, OVERDUE, ESCALATION) and the deadline it was about. Keying by the deadline lets
 * a dossier whose due time moved (resumed after a supplement, or an apology's new date) be
 * announced again for the new deadline, while a repeated sweep of the same deadline stays silent.
 * The old encoding (step -1 = the dossier's due-soon) is converted.
 */
export class DeadlineNotice1732600100000 implements MigrationInterface {
  name = 'DeadlineNotice1732600100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE overdue_notice RENAME TO deadline_notice`);
    await q.query(`ALTER TABLE deadline_notice DROP CONSTRAINT overdue_notice_pkey`);
    await q.query(`
      ALTER TABLE deadline_notice
        ADD COLUMN kind varchar(16) NOT NULL DEFAULT 'OVERDUE',
        ADD COLUMN due_at timestamptz`);
    await q.query(`UPDATE deadline_notice SET kind = 'DUE_SOON', step_order = 0 WHERE step_order = -1`);
    await q.query(`
      UPDATE deadline_notice n SET due_at = d.due_at FROM dossier d
      WHERE n.step_order = 0 AND d.id = n.dossier_id`);
    await q.query(`
      UPDATE deadline_notice n SET due_at = s.due_at FROM dossier_step s
      WHERE n.step_order > 0 AND s.dossier_id = n.dossier_id AND s.step_order = n.step_order`);
    await q.query(`DELETE FROM deadline_notice WHERE due_at IS NULL`);
    await q.query(
      `ALTER TABLE deadline_notice ALTER COLUMN due_at SET NOT NULL, ALTER COLUMN kind DROP DEFAULT`,
    );
    await q.query(`ALTER TABLE deadline_notice ADD PRIMARY KEY (dossier_id, step_order, kind, due_at)`);
    // The morning digest reads the escalations only.
    await q.query(
      `CREATE INDEX deadline_notice_escalation ON deadline_notice (dossier_id, due_at) WHERE kind = 'ESCALATION'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deadline_notice_escalation`);
    await q.query(
      `DELETE FROM deadline_notice WHERE kind = 'ESCALATION' OR (kind = 'DUE_SOON' AND step_order > 0)`,
    );
    await q.query(`UPDATE deadline_notice SET step_order = -1 WHERE kind = 'DUE_SOON'`);
    await q.query(`ALTER TABLE deadline_notice DROP CONSTRAINT deadline_notice_pkey`);
    await q.query(`
      DELETE FROM deadline_notice a USING deadline_notice b
      WHERE a.dossier_id = b.dossier_id AND a.step_order = b.step_order AND a.ctid < b.ctid`);
    await q.query(`ALTER TABLE deadline_notice DROP COLUMN kind, DROP COLUMN due_at`);
    await q.query(`ALTER TABLE deadline_notice RENAME TO overdue_notice`);
    await q.query(
      `ALTER TABLE overdue_notice ADD CONSTRAINT overdue_notice_pkey PRIMARY KEY (dossier_id, step_order)`,
    );
  }
}
