import { DEV_DEFAULTS, env, loadConfig, loadServerConfig } from '@eiso/config';

const databaseEnv = () => ({
  DATABASE_URL: env.url(DEV_DEFAULTS.databaseUrl),
  ORG_DATABASE_URL: env.optionalUrl(),
});

/** The org service's environment. Every variable has a development default; see README "Configuration". */
export function loadOrgConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadServerConfig(
    {
      ORG_PORT: env.port(4001),
      ...databaseEnv(),
    },
    source,
  );
}
export type OrgConfig = ReturnType<typeof loadOrgConfig>;

/** Only the database variables: what migrations and the seed need (no server secrets). */
export function loadOrgDatabaseConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(databaseEnv(), source);
}
