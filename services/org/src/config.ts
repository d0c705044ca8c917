import { DEV_DEFAULTS, env, loadConfig, requireProductionSafe, z } from '@eiso/config';

/** The org service's environment. Every variable has a development default; see README "Configuration". */
export function loadOrgConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      NODE_ENV: env.nodeEnv(),
      LOG_LEVEL: env.logLevel(),
      HOST: z.string().default('127.0.0.1'),
      ORG_PORT: env.port(4001),
      DATABASE_URL: env.url(DEV_DEFAULTS.databaseUrl),
      ORG_DATABASE_URL: z
        .string()
        .refine((v) => URL.canParse(v), 'must be a URL')
        .optional(),
      GATEWAY_SIGNING_SECRET: z
        .string()
        .min(32, 'must be at least 32 characters')
        .default(DEV_DEFAULTS.gatewaySigningSecret),
    },
    source,
  );
  requireProductionSafe(
    config.NODE_ENV,
    { GATEWAY_SIGNING_SECRET: config.GATEWAY_SIGNING_SECRET },
    { GATEWAY_SIGNING_SECRET: DEV_DEFAULTS.gatewaySigningSecret },
  );
  return config;
}
export type OrgConfig = ReturnType<typeof loadOrgConfig>;
