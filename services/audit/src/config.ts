import { DEV_DEFAULTS, env, loadConfig, loadServerConfig, z } from '@eiso/config';

const databaseEnv = () => ({
  DATABASE_URL: env.url(DEV_DEFAULTS.databaseUrl),
  AUDIT_DATABASE_URL: env.optionalUrl(),
});

/** The audit service's environment; see README "Configuration". */
export function loadAuditConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadServerConfig(
    {
      AUDIT_PORT: env.port(4004),
      ...databaseEnv(),
      REDIS_URL: env.url(DEV_DEFAULTS.redisUrl),
      QUEUE_PREFIX: env.queuePrefix(),
      REDIS_CLUSTER_NODES: env.redisClusterNodes(),
      ORG_URL: env.url('http://127.0.0.1:4001/graphql'),
      CATALOG_URL: env.url('http://127.0.0.1:4002/graphql'),
      DOSSIER_URL: env.url('http://127.0.0.1:4003/graphql'),
      DIRECTORY_SYNC_INTERVAL_MS: z.coerce.number().int().min(1000).default(600_000),
      REPLICA_STARTUP_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
    },
    source,
  );
}
export type AuditConfig = ReturnType<typeof loadAuditConfig>;

export function loadAuditDatabaseConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(databaseEnv(), source);
}
