import { DEV_DEFAULTS, env, loadConfig, loadServerConfig, z } from '@eiso/config';

const databaseEnv = () => ({
  DATABASE_URL: env.url(DEV_DEFAULTS.databaseUrl),
  NOTIFICATION_DATABASE_URL: env.optionalUrl(),
});

/** The notification service's environment; see README "Configuration". */
export function loadNotificationConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadServerConfig(
    {
      NOTIFICATION_PORT: env.port(4005),
      ...databaseEnv(),
      REDIS_URL: env.url(DEV_DEFAULTS.redisUrl),
      QUEUE_PREFIX: env.queuePrefix(),
      ORG_URL: env.url('http://127.0.0.1:4001/graphql'),
      DIRECTORY_SYNC_INTERVAL_MS: z.coerce.number().int().min(1000).default(600_000),
      REPLICA_STARTUP_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
    },
    source,
  );
}
export type NotificationConfig = ReturnType<typeof loadNotificationConfig>;

export function loadNotificationDatabaseConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(databaseEnv(), source);
}
