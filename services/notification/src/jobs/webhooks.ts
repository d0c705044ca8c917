/**
 * Webhook delivery, in three steps that each survive a crash:
 *
 * 1. Fan-out (`fanOutWebhooks`), inside the transaction that applies an event: one
 *    `webhook_delivery` row per active subscription that hears it (the unit's subtree; the type or
 *    `*`), with the exact body to sign. UNIQUE (subscription, event): a replay adds nothing.
 * 2. The relay (`relayRows`, every DELIVERY_RELAY_INTERVAL_MS) hands unqueued rows to BullMQ — one
 *    job per delivery, job id = delivery id — and marks them queued in one transaction, as the
 *    outbox relay does: a crash before the mark re-adds them, and BullMQ keeps one job per id.
 * 3. The delivery worker POSTs the stored body, signed, with a per-request timeout, many at a time
 *    (WEBHOOK_CONCURRENCY), so a slow or failing endpoint holds one slot for at most the timeout
 *    and never the others. A non-2xx answer, a redirect, a network error or a timeout is a failed
 *    try: the row counts it, records the status and error and the next try's time (exponential
 *    backoff with full jitter, which the job's custom backoff strategy then uses), until the last
 *    try marks it DEAD — visible to the subscription's owner (`WebhookSubscription.deliveries`).
 *
 * At least once: a worker killed after the endpoint answered but before the row was marked sends
 * again — the same id and the same bytes, as the contract allows.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { inJobTrace, queueConnection, tracedProcessor, type RedisConnection } from '@eiso/outbox';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '@eiso/logging';
import type { EisoEvent } from '@eiso/outbox';
import { webhookOpeningKeys, webhookPrivateAddresses, type NotificationConfig } from '../config';
import { openSecret } from '../domain/events';
import { ForbiddenAddressError, postWebhook } from './webhook-post';
import { ancestorPaths, backoffDelay, isWebhookEvent, signBody, webhookBody } from '../domain/webhooks';

/** The consumer name under which audit events are applied for webhooks (applied_event). */
export const WEBHOOK_CONSUMER = 'notification.webhooks';
export const WEBHOOK_DELIVERY_QUEUE = 'notification.webhook-deliveries';
/** The BullMQ backoff type whose delays the worker's strategy computes. */
export const JITTER_BACKOFF = 'full-jitter';

/** Creates the deliveries of one event; returns how many were new. */
export async function fanOutWebhooks(event: EisoEvent, m: EntityManager): Promise<number> {
  return fanOutWebhookEvents([event], m);
}

/**
 * The fan-out of a run of events: the active subscriptions are read once (a small table) and
 * matched here — a subscription hears its unit's subtree (`ancestorPaths`) for the events it
 * named or `*` — and the deliveries of the whole run inserted in one statement, in event order.
 */
export async function fanOutWebhookEvents(events: EisoEvent[], m: EntityManager): Promise<number> {
  const hooked = events.filter((e) => isWebhookEvent(e.type));
  if (hooked.length === 0) return 0;
  const subscriptions: { id: string; unit_path: string; events: string[] }[] = await m.query(
    `SELECT id, unit_path, events FROM webhook_subscription WHERE active`,
  );
  if (subscriptions.length === 0) return 0;
  const rows: { subscription: string; event: EisoEvent }[] = [];
  for (const event of hooked) {
    const paths = new Set(ancestorPaths(event.unitPath));
    for (const s of subscriptions)
      if (paths.has(s.unit_path) && (s.events.includes(event.type) || s.events.includes('*')))
        rows.push({ subscription: s.id, event });
  }
  if (rows.length === 0) return 0;
  const inserted = await m.query(
    `INSERT INTO webhook_delivery (subscription_id, event_id, event_type, body)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])
     ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING id`,
    [
      rows.map((r) => r.subscription),
      rows.map((r) => r.event.id),
      rows.map((r) => r.event.type),
      rows.map((r) => webhookBody(r.event)),
    ],
  );
  return inserted.length;
}

/** A failed try that BullMQ should retry after exactly this delay (the one recorded on the row). */
export class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

export type Backoff = Pick<NotificationConfig, 'WEBHOOK_BACKOFF_BASE_MS' | 'WEBHOOK_BACKOFF_MAX_MS'>;

/** BullMQ's custom backoff: the delay the processor chose and recorded, else a fresh jittered one. */
export function jitterStrategy(config: Backoff) {
  return (attemptsMade: number, _type?: string, error?: Error): number =>
    error instanceof RetryLater
      ? error.delayMs
      : backoffDelay(attemptsMade, config.WEBHOOK_BACKOFF_BASE_MS, config.WEBHOOK_BACKOFF_MAX_MS);
}

/**
 * Moves rows not yet queued (`queued_at IS NULL`) to BullMQ, in order, then marks them — in one
 * transaction, rows locked with SKIP LOCKED so two relays never take the same ones.
 */
export async function relayRows(
  db: DataSource,
  queue: Queue,
  table: 'webhook_delivery' | 'email_delivery',
  jobOptions: { attempts: number; backoff: { type: string }; jobIdPrefix?: string },
  batch = 500,
): Promise<number> {
  const key = table === 'webhook_delivery' ? 'id' : 'notification_id';
  return db.transaction(async (m) => {
    const rows: { key: string }[] = await m.query(
      `SELECT ${key} AS key FROM ${table} WHERE queued_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [batch],
    );
    if (rows.length === 0) return 0;
    await queue.addBulk(
      rows.map((r) => ({
        name: table,
        data: { id: r.key },
        opts: {
          jobId: `${jobOptions.jobIdPrefix ?? ''}${r.key}`,
          attempts: jobOptions.attempts,
          backoff: jobOptions.backoff,
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
    await m.query(`UPDATE ${table} SET queued_at = now() WHERE ${key} = ANY($1)`, [rows.map((r) => r.key)]);
    return rows.length;
  });
}

interface DeliveryRow {
  id: string;
  eventId: string;
  eventType: string;
  body: string;
  status: string;
  attempts: number;
  url: string;
  secretEncrypted: string;
  active: boolean;
}

export type DeliveryOutcome = 'DELIVERED' | 'DEAD' | 'DONE_ALREADY';

/** One try of one delivery; throws RetryLater when another try is due. */
export async function deliverOnce(
  db: DataSource,
  config: NotificationConfig,
  id: string,
): Promise<DeliveryOutcome> {
  const [row]: DeliveryRow[] = await db.query(
    `SELECT d.id, d.event_id AS "eventId", d.event_type AS "eventType", d.body, d.status, d.attempts,
            s.url, s.secret_encrypted AS "secretEncrypted", s.active
     FROM webhook_delivery d JOIN webhook_subscription s ON s.id = d.subscription_id WHERE d.id = $1`,
    [id],
  );
  if (!row || row.status !== 'PENDING') return 'DONE_ALREADY';
  if (!row.active) {
    await finish(db, id, 'DEAD', null, 'the subscription was deactivated');
    return 'DEAD';
  }
  const secret = openSecret(row.secretEncrypted, webhookOpeningKeys(config));
  let statusCode: number | null = null;
  let error: string;
  try {
    // A redirect is not followed (it could point anywhere): it counts as a failed try.
    statusCode = await postWebhook(row.url, row.body, {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'eiso-webhooks/1',
        'x-eiso-event': row.eventType,
        'x-eiso-delivery': row.id,
        'x-eiso-signature': signBody(row.body, secret),
      },
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      privateAddresses: webhookPrivateAddresses(config),
    });
    if (statusCode >= 200 && statusCode < 300) {
      await finish(db, id, 'DELIVERED', statusCode, null);
      return 'DELIVERED';
    }
    error = `HTTP ${statusCode}`;
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err instanceof ForbiddenAddressError) {
      await finish(db, id, 'DEAD', null, err.message);
      return 'DEAD';
    }
    error = `${err.message}${err.code && !err.message.includes(err.code) ? `: ${err.code}` : ''}`;
  }
  const attempts = row.attempts + 1;
  if (attempts >= config.WEBHOOK_MAX_ATTEMPTS) {
    await finish(db, id, 'DEAD', statusCode, error);
    return 'DEAD';
  }
  const delay = backoffDelay(attempts, config.WEBHOOK_BACKOFF_BASE_MS, config.WEBHOOK_BACKOFF_MAX_MS);
  await db.query(
    `UPDATE webhook_delivery SET attempts = attempts + 1, last_status_code = $2, last_error = $3,
       next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
     WHERE id = $1 AND status = 'PENDING'`,
    [id, statusCode, error.slice(0, 500), delay],
  );
  throw new RetryLater(delay, error);
}

function finish(
  db: DataSource,
  id: string,
  status: 'DELIVERED' | 'DEAD',
  statusCode: number | null,
  error: string | null,
) {
  return db.query(
    `UPDATE webhook_delivery SET status = $2::text, attempts = attempts + 1, last_status_code = $3, last_error = $4,
       delivered_at = CASE WHEN $2::text = 'DELIVERED' THEN now() END
     WHERE id = $1 AND status = 'PENDING'`,
    [id, status, statusCode, error?.slice(0, 500) ?? null],
  );
}

/** The delivery worker and its relay. */
export function startWebhookDelivery(options: {
  db: DataSource;
  redis: RedisConnection;
  prefix: string;
  config: NotificationConfig;
  logger: Logger;
}): { queue: Queue; worker: Worker; relay: () => Promise<number> } {
  const { db, redis, prefix, config, logger } = options;
  const queue = new Queue(WEBHOOK_DELIVERY_QUEUE, queueConnection(redis, prefix, WEBHOOK_DELIVERY_QUEUE));
  const worker = new Worker(
    WEBHOOK_DELIVERY_QUEUE,
    tracedProcessor(async (job: Job<{ id: string }>) => deliverOnce(db, config, job.data.id)),
    {
      ...queueConnection(redis, prefix, WEBHOOK_DELIVERY_QUEUE),
      concurrency: config.WEBHOOK_CONCURRENCY,
      // A try takes at most the timeout; the lock outlives it, so a slow endpoint never looks stalled.
      lockDuration: Math.max(30_000, config.WEBHOOK_TIMEOUT_MS * 2 + 5_000),
      settings: { backoffStrategy: jitterStrategy(config) },
    },
  );
  worker.on('failed', (job, error) => {
    if (!job) return;
    // BullMQ gave up before the row's own count did (a job stalled too often): the row is DEAD.
    if (job.attemptsMade >= (job.opts.attempts ?? 1)) {
      void finish(db, job.data.id, 'DEAD', null, `gave up: ${error.message}`).catch(() => undefined);
    }
    inJobTrace(job, () => logger.debug({ delivery: job.data.id, err: error.message }, 'webhook try failed'));
  });
  const relay = () =>
    relayRows(db, queue, 'webhook_delivery', {
      // The row decides when to stop (WEBHOOK_MAX_ATTEMPTS); BullMQ's count is only a backstop.
      attempts: config.WEBHOOK_MAX_ATTEMPTS + 2,
      backoff: { type: JITTER_BACKOFF },
    });
  return { queue, worker, relay };
}
