/** The notification service as the `eiso` CLI and the test stack drive it. */
import { createLogger } from '@eiso/logging';
import { loadNotificationConfig, loadNotificationDatabaseConfig } from './config';
import { migrateNotification } from './db/database';
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
  start: (env: Env) => {
    const config = loadNotificationConfig(env);
    return startNotificationService(config, createLogger('notification', config.LOG_LEVEL));
  },
};
