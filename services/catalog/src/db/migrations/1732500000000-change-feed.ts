import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each row last changed, so services that keep a replica of the catalog (the dossier service
 * needs processes and target times at receipt) can pull only what changed since their last pull.
 */
export class ChangeFeed1732500000000 implements MigrationInterface {
  name = 'ChangeFeed1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE procedure ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`CREATE INDEX procedure_changes ON procedure (updated_at, id)`);
    await q.query(
      `CREATE INDEX target_time_changes ON target_time (published_at, procedure_id, owner_unit_id)`,
    );
    await q.query(`CREATE INDEX process_approvals ON process (approved_at, id) WHERE approved`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX process_approvals`);
    await q.query(`DROP INDEX target_time_changes`);
    await q.query(`DROP INDEX procedure_changes`);
    await q.query(`ALTER TABLE procedure DROP COLUMN updated_at`);
  }
}
