/**
 * Configuration from environment variables, validated once at start-up.
 *
 * Each service declares the variables it reads as a zod shape; `loadConfig` checks them all and,
 * when any is wrong, throws one error that names every bad variable with what it expected —
 * so an operator fixes them in one go instead of one restart per typo.
 */
import { z } from 'zod';

export { z };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  // An empty variable (`PORT=` in a compose file) means "not set", so defaults still apply.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = z.object(shape).safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const got = env[name];
    const shown = got === undefined || got === '' ? 'unset' : `got ${JSON.stringify(shownValue(name, got))}`;
    return `${name}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(problems);
}

/** Secrets are never echoed, and neither is a password inside a URL-like value. */
function shownValue(name: string, value: string): string {
  if (/SECRET|PASSWORD|KEY|TOKEN/i.test(name)) return '***';
  return value.replace(/\/\/([^/@\s]*):([^/@\s]*)@/, '//$1:***@');
}

/** Building blocks for the variables most processes share. */
export const env = {
  port: (fallback: number) =>
    z
      .string()
      .default(String(fallback))
      .refine(
        (value) => /^\d{1,5}$/.test(value) && Number(value) <= 65535,
        'must be a port number from 0 to 65535',
      )
      .transform(Number),
  optionalUrl: () =>
    z
      .string()
      .refine((value) => URL.canParse(value), 'must be a URL')
      .optional(),
  url: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .refine((value) => URL.canParse(value), 'must be a URL'),
  /** The BullMQ key prefix: letters, digits, `_`, `-` and braces (a Redis Cluster hash tag). */
  queuePrefix: () =>
    z
      .string()
      .regex(/^[A-Za-z0-9_{}-]+$/)
      .default('eiso'),
  nodeEnv: () => z.enum(['development', 'test', 'production']).default('development'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  flag: (fallback: boolean) =>
    z
      .string()
      .default(fallback ? 'true' : 'false')
      .transform((value) => value.trim().toLowerCase())
      .refine((value) => ['true', 'false', '1', '0', 'yes', 'no'].includes(value), 'must be true or false')
      .transform((value) => value === 'true' || value === '1' || value === 'yes'),
};

/** Variables every eiso server process reads: its mode, log level, bind address, and the gateway's signing secret. */
export function serverEnv() {
  return {
    NODE_ENV: env.nodeEnv(),
    LOG_LEVEL: env.logLevel(),
    HOST: z.string().default('127.0.0.1'),
    GATEWAY_SIGNING_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters')
      .default(DEV_DEFAULTS.gatewaySigningSecret),
  };
}

export type ServerConfig = z.infer<z.ZodObject<ReturnType<typeof serverEnv>>>;

/** `loadConfig` for a server: the shared server variables plus its own, and no development secret in production. */
export function loadServerConfig<S extends z.ZodRawShape>(
  shape: S,
  source: NodeJS.ProcessEnv = process.env,
): ServerConfig & z.infer<z.ZodObject<S>> {
  const config = loadConfig({ ...serverEnv(), ...shape }, source) as ServerConfig & z.infer<z.ZodObject<S>>;
  requireProductionSafe(
    config.NODE_ENV,
    { GATEWAY_SIGNING_SECRET: config.GATEWAY_SIGNING_SECRET },
    { GATEWAY_SIGNING_SECRET: DEV_DEFAULTS.gatewaySigningSecret },
  );
  return config;
}

/** Defaults that serve a developer on one machine; refused in production (see requireProductionSafe). */
export const DEV_DEFAULTS = {
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/eiso',
  redisUrl: 'redis://127.0.0.1:6379',
  gatewaySigningSecret: 'eiso-development-gateway-signing-secret-do-not-use-in-production',
} as const;

/** In production a value that is still a development default is a mistake, not a choice. */
export function requireProductionSafe(
  nodeEnv: string,
  values: Record<string, string | undefined>,
  devValues: Record<string, string | undefined>,
): void {
  if (nodeEnv !== 'production') return;
  const problems = Object.entries(values)
    .filter(([name, value]) => value !== undefined && value === devValues[name])
    .map(([name]) => `${name}: the development default is refused when NODE_ENV=production`);
  if (problems.length > 0) throw new ConfigError(problems);
}
