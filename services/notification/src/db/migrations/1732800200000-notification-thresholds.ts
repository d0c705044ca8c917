import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A notification's threshold now names the deadline it is about (`dossier@2026-11-23T10:00:00Z`,
 * `step-2@…`, `digest-2026-11-24`, `60d`), so a dossier whose due time moved is told again for the
 * new one; the column grows to hold it.
 */
export class NotificationThresholds1732800200000 implements MigrationInterface {
  name = 'NotificationThresholds1732800200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification ALTER COLUMN threshold TYPE varchar(64)`);
    await q.query(`ALTER TABLE notification ALTER COLUMN subject TYPE varchar(120)`);
    // An issued apology settles the open APOLOGY_REQUIRED notices of its dossier.
    await q.query(
      `CREATE INDEX notification_open_subject ON notification (subject, kind) WHERE read_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX notification_open_subject`);
    await q.query(`ALTER TABLE notification ALTER COLUMN subject TYPE varchar(80)`);
    await q.query(`ALTER TABLE notification ALTER COLUMN threshold TYPE varchar(32)`);
  }
}
