import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addOfficialEmailColumn } from '@eiso/directory';

/**
 * Delivery beyond the inbox (issue 7):
 *
 * - `webhook_delivery`: one row per subscription and event (a unique key: a replayed event adds
 *   nothing), holding the exact JSON body that is signed, so every retry sends the same bytes.
 *   PENDING until a 2xx (DELIVERED) or the last try (DEAD). `queued_at` is set when the relay has
 *   handed the row to BullMQ (the outbox pattern: rows are written in the consumer's transaction,
 *   jobs are added after it commits, so none is lost when Redis or the worker fails in between).
 * - `notification_preference`: each official's channels; no row means the defaults (e-mail on).
 * - `email_delivery`: the e-mail of one notification, queued by a trigger on `notification` in the
 *   very transaction that creates the notification — whichever code creates it (the dossier-event
 *   consumer, the sweeps) — when the e-mail channel is on, the official has an address and has not
 *   turned e-mail (or that kind) off. A trigger rather than a call in each creator, so no creator
 *   can forget it; `mail_channel` (one row, set by the worker at start-up from SMTP_URL) keeps
 *   deployments without SMTP from collecting rows nobody sends.
 * - the official replica gains the e-mail org keeps for each official.
 */
export class Delivery1732800300000 implements MigrationInterface {
  name = 'Delivery1732800300000';

  async up(q: QueryRunner): Promise<void> {
    await addOfficialEmailColumn(q);
    await q.query(`
      CREATE TABLE webhook_delivery (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id  uuid NOT NULL REFERENCES webhook_subscription(id) ON DELETE CASCADE,
        event_id         uuid NOT NULL,
        event_type       varchar(64) NOT NULL,
        body             text NOT NULL,
        status           varchar(12) NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','DELIVERED','DEAD')),
        attempts         integer NOT NULL DEFAULT 0,
        last_status_code integer,
        last_error       text,
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        queued_at        timestamptz,
        delivered_at     timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now(),
        UNIQUE (subscription_id, event_id)
      )`);
    // The owner's view: a subscription's deliveries, newest first (optionally by status).
    await q.query(
      `CREATE INDEX webhook_delivery_subscription ON webhook_delivery (subscription_id, created_at DESC, id)`,
    );
    // The relay reads only what it has not yet queued.
    await q.query(
      `CREATE INDEX webhook_delivery_unqueued ON webhook_delivery (created_at) WHERE queued_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE notification_preference (
        official_id       uuid PRIMARY KEY,
        email             boolean NOT NULL DEFAULT true,
        email_muted_kinds text[] NOT NULL DEFAULT '{}',
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE mail_channel (
        id         smallint PRIMARY KEY CHECK (id = 1),
        enabled    boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO mail_channel (id, enabled) VALUES (1, false)`);
    await q.query(`
      CREATE TABLE email_delivery (
        notification_id uuid PRIMARY KEY REFERENCES notification(id) ON DELETE CASCADE,
        official_id     uuid NOT NULL,
        status          varchar(12) NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','SENT','SKIPPED','DEAD')),
        attempts        integer NOT NULL DEFAULT 0,
        last_error      text,
        queued_at       timestamptz,
        sent_at         timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX email_delivery_unqueued ON email_delivery (created_at) WHERE queued_at IS NULL`,
    );
    // search_path is fixed to the schema the migration runs in, whoever inserts the notification.
    await q.query(`
      CREATE FUNCTION queue_notification_email() RETURNS trigger LANGUAGE plpgsql
      SET search_path FROM CURRENT AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM mail_channel WHERE enabled)
           AND EXISTS (SELECT 1 FROM official_directory o WHERE o.id = NEW.official_id AND o.email IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM notification_preference p WHERE p.official_id = NEW.official_id
                           AND (NOT p.email OR NEW.kind = ANY (p.email_muted_kinds))) THEN
          INSERT INTO email_delivery (notification_id, official_id) VALUES (NEW.id, NEW.official_id)
          ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER notification_email AFTER INSERT ON notification
      FOR EACH ROW EXECUTE FUNCTION queue_notification_email()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER notification_email ON notification`);
    await q.query(`DROP FUNCTION queue_notification_email()`);
    for (const table of ['email_delivery', 'mail_channel', 'notification_preference', 'webhook_delivery']) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`ALTER TABLE official_directory DROP COLUMN email`);
  }
}
