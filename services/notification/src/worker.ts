/** The notification worker: in-app notifications from the dossier events. */
import { syncOfficialDirectory } from '@eiso/directory';
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
    await syncOfficialDirectory(dataSource, source);
    const officialsTimer = setInterval(
      () => void syncOfficialDirectory(dataSource, source).catch(() => undefined),
      config.DIRECTORY_SYNC_INTERVAL_MS,
    );
    officialsTimer.unref();
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
        clearInterval(officialsTimer);
        await consumer.close();
        await redis.quit();
        await dataSource.destroy();
      },
    };
  },
);
