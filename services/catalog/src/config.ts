import { DEV_DEFAULTS, env, loadConfig, loadServerConfig, z } from '@eiso/config';

const databaseEnv = () => ({
  DATABASE_URL: env.url(DEV_DEFAULTS.databaseUrl),
  CATALOG_DATABASE_URL: env.optionalUrl(),
});

/** The catalog service's environment; see README "Configuration". */
export function loadCatalogConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadServerConfig(
    {
      CATALOG_PORT: env.port(4002),
      ...databaseEnv(),
      /** Where org answers, for the unit directory sync. */
      ORG_URL: env.url('http://127.0.0.1:4001/graphql'),
      DIRECTORY_SYNC_INTERVAL_MS: z.coerce.number().int().min(1000).default(600_000),
      DIRECTORY_STARTUP_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
    },
    source,
  );
}
export type CatalogConfig = ReturnType<typeof loadCatalogConfig>;

/** Only the database variables: what migrations need. */
export function loadCatalogDatabaseConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(databaseEnv(), source);
}
