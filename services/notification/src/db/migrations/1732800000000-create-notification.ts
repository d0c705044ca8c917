import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createOfficialDirectoryTable, createUnitDirectoryTable } from '@eiso/directory';
import { createAppliedEventTable } from '@eiso/outbox';

/**
 * Notifications (each created once per recipient, kind, subject and threshold: a unique key, not
 * luck), webhook subscriptions (the secret kept encrypted: it signs every delivery), replicas of the
 * unit tree and officials, and the record of applied events.
 */
export class CreateNotification1732800000000 implements MigrationInterface {
  name = 'CreateNotification1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await createUnitDirectoryTable(q);
    await createOfficialDirectoryTable(q);
    await createAppliedEventTable(q);
    await q.query(`
      CREATE TABLE notification (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        official_id uuid NOT NULL,
        kind        varchar(32) NOT NULL,
        subject     varchar(80) NOT NULL,
        threshold   varchar(32) NOT NULL DEFAULT '',
        title       text NOT NULL,
        body        text NOT NULL,
        dossier_id  uuid,
        created_at  timestamptz NOT NULL DEFAULT now(),
        read_at     timestamptz,
        UNIQUE (official_id, kind, subject, threshold)
      )`);
    await q.query(`CREATE INDEX notification_inbox ON notification (official_id, created_at DESC, id)`);
    await q.query(
      `CREATE INDEX notification_unread ON notification (official_id, created_at DESC, id) WHERE read_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE webhook_subscription (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id          uuid NOT NULL,
        unit_path        text COLLATE "C" NOT NULL,
        url              text NOT NULL,
        events           text[] NOT NULL,
        secret_encrypted text NOT NULL,
        active           boolean NOT NULL DEFAULT true,
        created_by       uuid,
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_subscription_path ON webhook_subscription (unit_path) WHERE active`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'webhook_subscription',
      'notification',
      'applied_event',
      'official_directory',
      'unit_directory',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
