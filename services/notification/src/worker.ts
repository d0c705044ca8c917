/** The notification worker: in-app notifications from the dossier events. */
import { keepOfficialDirectorySynced } from '@eiso/directory';
import { createRedisConnection, startConsumer } from '@eiso/outbox';
import { runServer } from '@eiso/server';
import { loadNotificationConfig } from './config';
import { createNotificationDataSource } from './db/database';
import { DOSSIER_NOTIFICATIONS_CONSUMER, notifyFromDossierEvent } from './jobs/dossier-notifications';

runServer(
  'notification-worker',
  () => loadNotificationConfig(),
  async (config, logger) => {
    const { dataSource } = createNotificationDataSource(config, 4);
    await dataSource.initialize();
    const source = { orgUrl: config.ORG_URL, signingSecret: config.GATEWAY_SIGNING_SECRET };
    // Recipients (assignees, a unit's handlers and leaders) come from this replica of org's officials.
    const stopOfficialsSync = await keepOfficialDirectorySynced(dataSource, source, {
      intervalMs: config.DIRECTORY_SYNC_INTERVAL_MS,
      startupTimeoutMs: config.REPLICA_STARTUP_TIMEOUT_MS,
      log: (message, error) => (error ? logger.warn({ err: error }, message) : logger.info(message)),
    });
    const redis = createRedisConnection(config.REDIS_URL);
    const consumer = startConsumer({
      db: dataSource,
      consumer: DOSSIER_NOTIFICATIONS_CONSUMER,
      queue: 'notification.dossier-events',
      connection: redis,
      prefix: config.QUEUE_PREFIX,
      handle: async (event, m) => {
        const created = await notifyFromDossierEvent(event, m);
        if (created) logger.debug({ event: event.type, created }, 'notifications');
      },
    });
    return {
      url: `queue ${config.QUEUE_PREFIX}:notification.dossier-events`,
      stop: async () => {
        stopOfficialsSync();
        await consumer.close();
        await redis.quit();
        await dataSource.destroy();
      },
    };
  },
);
