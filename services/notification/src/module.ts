/** The notification service as the `eiso` CLI and the test stack drive it. */
import { createLogger } from '@eiso/logging';
import { loadNotificationConfig, loadNotificationDatabaseConfig, webhookOpeningKeys } from './config';
import { createNotificationDataSource, migrateNotification } from './db/database';
import { describeReseal, resealWebhookSecrets } from './jobs/reseal';
import { startNotificationService } from './subgraph';

type Env = NodeJS.ProcessEnv;

export const notificationModule = {
  name: 'notification',
  dir: 'services/notification',
  port: 4005,
  portVariable: 'NOTIFICATION_PORT',
  urlVariable: 'NOTIFICATION_URL',
  /** Its second entry point: notifications from events. */
  worker: 'src/worker.ts',
  migrate: (env: Env) => migrateNotification(loadNotificationDatabaseConfig(env)),
  /** What `eiso run <task>` runs now. */
  tasks: {
    /**
     * After a rotation of the webhook sealing key: re-seals every webhook secret still sealed with
     * the previous key (WEBHOOK_SECRET_KEY_PREVIOUS, or GATEWAY_SIGNING_SECRET_PREVIOUS when the key
     * is derived) with the current one, and counts those no key opens. The worker does the same at
     * start-up; this is the check before the previous key is dropped.
     */
    'reseal-webhook-secrets': async (env: Env) => {
      const config = loadNotificationConfig(env);
      const { dataSource } = createNotificationDataSource(config, 1);
      await dataSource.initialize();
      try {
        return describeReseal(await resealWebhookSecrets(dataSource, webhookOpeningKeys(config)));
      } finally {
        await dataSource.destroy();
      }
    },
  },
  start: (env: Env) => {
    const config = loadNotificationConfig(env);
    return startNotificationService(config, createLogger('notification', config.LOG_LEVEL));
  },
};
