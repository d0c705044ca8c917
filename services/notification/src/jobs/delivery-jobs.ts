/**
 * The notification worker's delivery jobs: the consumer of the audit events (for webhooks), the
 * webhook deliveries and the e-mails, and the one relay loop that hands new delivery rows to
 * BullMQ.
 *
 * Which events reach the webhooks: the dossier events arrive on `notification.dossier-events`,
 * which the in-app consumer already owns (BullMQ: one consumer per queue), so its handler calls
 * `fanOutWebhooks` too — in the same transaction, each side idempotent by its unique keys (one
 * small call in worker.ts, and the dossier service's routes stay as they are). The audit events
 * (`qms.announced`, `nonconformity.opened|closed`) come on their own queue, relayed by the audit
 * worker, and are applied once under the consumer name `notification.webhooks`.
 */
import type { DataSource } from 'typeorm';
import type { Logger } from '@eiso/logging';
import { inJobTrace, startConsumer, startPeriodic, type RedisConnection } from '@eiso/outbox';
import type { Metrics } from '@eiso/server';
import type { NotificationConfig } from '../config';
import { startEmailDelivery } from './email';
import { fanOutWebhookEvents, fanOutWebhooks, startWebhookDelivery, WEBHOOK_CONSUMER } from './webhooks';

export const AUDIT_EVENTS_QUEUE = 'notification.audit-events';

export interface DeliveryJobs {
  /** Relays now what is waiting (tests; the loop does it every DELIVERY_RELAY_INTERVAL_MS). */
  relayNow(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDeliveryJobs(options: {
  db: DataSource;
  redis: RedisConnection;
  prefix: string;
  config: NotificationConfig;
  logger: Logger;
  /** The worker's metrics: these jobs and queues. */
  metrics?: Pick<Metrics, 'watchWorker'>;
}): Promise<DeliveryJobs> {
  const { db, redis, prefix, config, logger, metrics } = options;
  const auditEvents = startConsumer({
    db,
    consumer: WEBHOOK_CONSUMER,
    queue: AUDIT_EVENTS_QUEUE,
    connection: redis,
    prefix,
    logger,
    metrics,
    handle: async (event, m) => void (await fanOutWebhooks(event, m)),
    handleBatch: async (events, m) => void (await fanOutWebhookEvents(events, m)),
  });
  auditEvents.on('failed', (job, error) =>
    inJobTrace(job, () =>
      logger.warn({ err: error, event: job?.data?.type }, 'audit event for webhooks failed; will retry'),
    ),
  );
  const webhooks = startWebhookDelivery(options);
  const email = await startEmailDelivery(options);
  metrics?.watchWorker(webhooks.worker);
  if (email) metrics?.watchWorker(email.worker);

  const relays = [webhooks.relay, ...(email ? [email.relay] : [])];
  const relayAll = async () => {
    for (const relay of relays) while ((await relay()) > 0);
  };
  const relaying = startPeriodic(relayAll, config.DELIVERY_RELAY_INTERVAL_MS, (error) =>
    logger.warn({ err: error }, 'delivery relay failed; will retry'),
  );

  return {
    relayNow: () => relaying.runNow(),
    stop: async () => {
      await relaying.stop();
      await auditEvents.close();
      await webhooks.worker.close();
      await webhooks.queue.close();
      if (email) {
        await email.worker.close();
        await email.queue.close();
        email.close();
      }
    },
  };
}
