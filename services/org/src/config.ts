import { DEV_DEFAULTS, env, loadServerConfig } from '@eiso/config';

/** The org service's environment. Every variable has a development default; see README "Configuration". */
export function loadOrgConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadServerConfig(
    {
      ORG_PORT: env.port(4001),
      DATABASE_URL: env.url(DEV_DEFAULTS.databaseUrl),
      ORG_DATABASE_URL: env.optionalUrl(),
    },
    source,
  );
}
export type OrgConfig = ReturnType<typeof loadOrgConfig>;
