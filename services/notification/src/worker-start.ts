/**
 * The notification worker (worker.ts runs it as a process; tests start it in theirs): in-app
 * notifications from the dossier events; the hourly QMS reminders (jobs/reminders.ts); webhook
 * deliveries of the dossier and audit events; e-mails of notifications when SMTP is configured
 * (jobs/delivery-jobs.ts); and — with WORKER_HEALTH_PORT — `/live`, `/ready` and `/metrics` (its
 * jobs and queues) on its health port.
 */
import { keepOfficialDirectorySynced } from '@eiso/directory';
import { databaseChecks } from '@eiso/db';
import type { Logger } from '@eiso/logging';
import { createRedisConnection, inJobTrace, startConsumer } from '@eiso/outbox';
import { Metrics, redisCheck, startWorkerHealthFromEnv, type RunningWorker } from '@eiso/server';
import { webhookOpeningKeys, type NotificationConfig } from './config';
import { createNotificationDataSource } from './db/database';
import {
  DOSSIER_NOTIFICATIONS_CONSUMER,
  notifyFromDossierEvent,
  notifyFromDossierEvents,
} from './jobs/dossier-notifications';
import { startDeliveryJobs } from './jobs/delivery-jobs';
import { startReminderJobs } from './jobs/reminders';
import { fanOutWebhookEvents, fanOutWebhooks } from './jobs/webhooks';
import { describeReseal, resealWebhookSecrets } from './jobs/reseal';

export async function startNotificationWorker(
  config: NotificationConfig,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningWorker> {
  const { dataSource } = createNotificationDataSource(config, 4);
  await dataSource.initialize();
  // A rotation of the webhook sealing key in progress: secrets still sealed with the previous
  // key are sealed again with the current one (docs/operations.md, "Rotating keys").
  const openingKeys = webhookOpeningKeys(config);
  if (openingKeys.length > 1)
    await resealWebhookSecrets(dataSource, openingKeys).then(
      (summary) => logger[summary.unreadable > 0 ? 'warn' : 'info'](summary, describeReseal(summary)),
      (error: unknown) =>
        logger.warn({ err: error }, 'webhook secrets not re-sealed; will try at the next start'),
    );
  const source = { orgUrl: config.ORG_URL, signingSecret: config.GATEWAY_SIGNING_SECRET };
  // Recipients (assignees, a unit's handlers and leaders) come from this replica of org's officials.
  const stopOfficialsSync = await keepOfficialDirectorySynced(dataSource, source, {
    intervalMs: config.DIRECTORY_SYNC_INTERVAL_MS,
    startupTimeoutMs: config.REPLICA_STARTUP_TIMEOUT_MS,
    log: (message, error) => (error ? logger.warn({ err: error }, message) : logger.info(message)),
    email: true,
  });
  const redis = createRedisConnection(config.REDIS_URL, config.REDIS_CLUSTER_NODES);
  const metrics = new Metrics('notification-worker');
  const consumer = startConsumer({
    db: dataSource,
    consumer: DOSSIER_NOTIFICATIONS_CONSUMER,
    queue: 'notification.dossier-events',
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    logger,
    metrics,
    handle: async (event, m) => {
      const created = await notifyFromDossierEvent(event, m);
      if (created) logger.debug({ event: event.type, created }, 'notifications');
      // Webhooks hear the same events (idempotent by their own unique key; see delivery-jobs.ts).
      await fanOutWebhooks(event, m);
    },
    // A relayed run at once: its notifications and deliveries in a statement each.
    handleBatch: async (events, m) => {
      const created = await notifyFromDossierEvents(events, m);
      if (created) logger.debug({ events: events.length, created }, 'notifications');
      await fanOutWebhookEvents(events, m);
    },
  });
  consumer.on('failed', (job, error) =>
    inJobTrace(job, () =>
      logger.warn({ err: error, event: job?.data?.type, id: job?.id }, 'dossier event failed; will retry'),
    ),
  );
  const reminders = await startReminderJobs({
    db: dataSource,
    redis,
    prefix: config.QUEUE_PREFIX,
    sources: {
      catalogUrl: config.CATALOG_URL,
      auditUrl: config.AUDIT_URL,
      secret: config.GATEWAY_SIGNING_SECRET,
    },
    everyMs: config.REMINDER_SWEEP_INTERVAL_MS,
    logger,
    metrics,
  });
  const delivery = await startDeliveryJobs({
    db: dataSource,
    redis,
    prefix: config.QUEUE_PREFIX,
    config,
    logger,
    metrics,
  });
  const health = await startWorkerHealthFromEnv({
    name: 'notification-worker',
    host: config.HOST,
    checks: { ...databaseChecks(dataSource), redis: redisCheck(redis) },
    env,
    metrics,
    logger,
  });
  return {
    url: `queue ${config.QUEUE_PREFIX}:notification.dossier-events`,
    healthPort: health?.port,
    metrics,
    stop: async () => {
      await health?.stop();
      stopOfficialsSync();
      await consumer.close();
      await reminders.stop();
      await delivery.stop();
      await metrics.close();
      await redis.quit();
      await dataSource.destroy();
    },
  };
}
