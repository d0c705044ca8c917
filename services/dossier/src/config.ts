import { DEV_DEFAULTS, env, loadConfig, loadServerConfig, z } from '@eiso/config';

const databaseEnv = () => ({
  DATABASE_URL: env.url(DEV_DEFAULTS.databaseUrl),
  DOSSIER_DATABASE_URL: env.optionalUrl(),
});

/** The dossier service's environment; see README "Configuration". */
export function loadDossierConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadServerConfig(
    {
      DOSSIER_PORT: env.port(4003),
      ...databaseEnv(),
      REDIS_URL: env.url(DEV_DEFAULTS.redisUrl),
      QUEUE_PREFIX: env.queuePrefix(),
      REDIS_CLUSTER_NODES: env.redisClusterNodes(),
      ORG_URL: env.url('http://127.0.0.1:4001/graphql'),
      CATALOG_URL: env.url('http://127.0.0.1:4002/graphql'),
      DIRECTORY_SYNC_INTERVAL_MS: z.coerce.number().int().min(1000).default(600_000),
      CATALOG_SYNC_INTERVAL_MS: z.coerce.number().int().min(1000).default(30_000),
      REPLICA_STARTUP_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
      // How often the worker sweeps deadlines (due soon, overdue, escalated).
      DEADLINE_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
      // Events per relayed job: each consumer applies a job's run in one transaction.
      OUTBOX_EVENTS_PER_JOB: z.coerce.number().int().min(1).max(1000).default(100),
      // The public PIN checks: this many wrong PINs for one code lock it for PIN_LOCK_MS.
      PIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
      PIN_LOCK_MS: z.coerce.number().int().min(1000).default(900_000),
    },
    source,
  );
}
export type DossierConfig = ReturnType<typeof loadDossierConfig>;

export function loadDossierDatabaseConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(databaseEnv(), source);
}
