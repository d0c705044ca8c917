import type { QueryRunner } from 'typeorm';

/**
 * The outbox of a producing service and the record of applied events of a consuming one, created by
 * the service's own migration in its own schema.
 */
export async function createOutboxTable(q: QueryRunner): Promise<void> {
  await q.query(`
    CREATE TABLE outbox (
      sequence     bigserial PRIMARY KEY,
      id           uuid NOT NULL UNIQUE,
      type         varchar(64) NOT NULL,
      occurred_at  timestamptz NOT NULL,
      unit_path    text NOT NULL,
      aggregate_id text NOT NULL,
      payload      jsonb NOT NULL,
      sent_at      timestamptz
    )`);
  // The relay reads only what is still to send, in order.
  await q.query(`CREATE INDEX outbox_unsent ON outbox (sequence) WHERE sent_at IS NULL`);
}

export async function createAppliedEventTable(q: QueryRunner): Promise<void> {
  await q.query(`
    CREATE TABLE applied_event (
      consumer   varchar(64) NOT NULL,
      event_id   uuid NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    )`);
}

/**
 * The `traceparent` of the request or job that wrote each event (issue 10): a nullable column,
 * added without rewriting the table. A service's migration adds it to its outbox.
 */
export async function addOutboxTraceparent(q: Pick<QueryRunner, 'query'>): Promise<void> {
  await q.query(`ALTER TABLE outbox ADD COLUMN IF NOT EXISTS traceparent varchar(55)`);
}

export async function dropOutboxTraceparent(q: Pick<QueryRunner, 'query'>): Promise<void> {
  await q.query(`ALTER TABLE outbox DROP COLUMN IF EXISTS traceparent`);
}
