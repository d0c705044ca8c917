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
  /**
   * Redis Cluster seed nodes, `host:port,host:port` (`REDIS_CLUSTER_NODES`): empty for one server
   * (`REDIS_URL`). With nodes, BullMQ queues get a hash tag each (docs/scaling.md).
   */
  redisClusterNodes: () =>
    z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((node) => node.trim())
          .filter((node) => node.length > 0),
      )
      .refine((nodes) => nodes.every((node) => /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(node)), {
        message: 'must be host:port pairs separated by commas',
      }),
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

/**
 * Variables every eiso server process reads: its mode, log level, bind address, and the gateway's
 * signing secret — with, during a rotation, the previous one (docs/operations.md, "Rotating keys").
 */
export function serverEnv() {
  return {
    NODE_ENV: env.nodeEnv(),
    LOG_LEVEL: env.logLevel(),
    HOST: z.string().default('127.0.0.1'),
    GATEWAY_SIGNING_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters')
      .default(DEV_DEFAULTS.gatewaySigningSecret),
    /**
     * Also accepted on what a subgraph verifies (request signatures, cursors) while a new
     * GATEWAY_SIGNING_SECRET rolls out; never used to sign. Unset outside a rotation.
     */
    GATEWAY_SIGNING_SECRET_PREVIOUS: z.string().min(32, 'must be at least 32 characters').optional(),
  };
}

export type ServerConfig = z.infer<z.ZodObject<ReturnType<typeof serverEnv>>>;

/**
 * The secrets a subgraph accepts signatures (and cursors) by: the current GATEWAY_SIGNING_SECRET
 * first — the one everything is signed with — then GATEWAY_SIGNING_SECRET_PREVIOUS when set.
 */
export function signingSecrets(config: {
  GATEWAY_SIGNING_SECRET: string;
  GATEWAY_SIGNING_SECRET_PREVIOUS?: string;
}): string[] {
  const previous = config.GATEWAY_SIGNING_SECRET_PREVIOUS;
  return previous && previous !== config.GATEWAY_SIGNING_SECRET
    ? [config.GATEWAY_SIGNING_SECRET, previous]
    : [config.GATEWAY_SIGNING_SECRET];
}

/**
 * `loadConfig` for a server: the shared server variables plus its own, and — when
 * NODE_ENV=production — no development secret, key or default address (see productionProblems).
 */
export function loadServerConfig<S extends z.ZodRawShape>(
  shape: S,
  source: NodeJS.ProcessEnv = process.env,
): ServerConfig & z.infer<z.ZodObject<S>> {
  const config = loadConfig({ ...serverEnv(), ...shape }, source) as ServerConfig & z.infer<z.ZodObject<S>>;
  if (config.NODE_ENV === 'production') {
    const problems = productionProblems(Object.keys({ ...serverEnv(), ...shape }), source);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  return config;
}

/** Defaults that serve a developer on one machine; refused in production (see productionProblems). */
export const DEV_DEFAULTS = {
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/eiso',
  redisUrl: 'redis://127.0.0.1:6379',
  gatewaySigningSecret: 'eiso-development-gateway-signing-secret-do-not-use-in-production',
} as const;

const isSet = (source: NodeJS.ProcessEnv, name: string) => (source[name] ?? '') !== '';

/**
 * What production refuses among the variables a process reads (`names`): the gateway signing
 * secret unset or the development one, the previous signing secret the development one (short ones
 * fail the shape itself), `DATABASE_URL` left to
 * its development default (unless the service's own `<SERVICE>_DATABASE_URL` is set), `REDIS_URL`
 * left to its default, and a `*_DATABASE_URL` / `REDIS_URL` / secret given the development value.
 * Secrets come only from the environment: nothing here reads a file or a built-in fallback.
 */
export function productionProblems(names: readonly string[], source: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const reads = new Set(names);
  const refused = (name: string, what: string) =>
    problems.push(`${name}: ${what} is refused when NODE_ENV=production`);
  if (reads.has('GATEWAY_SIGNING_SECRET')) {
    if (!isSet(source, 'GATEWAY_SIGNING_SECRET'))
      problems.push(
        'GATEWAY_SIGNING_SECRET: must be set when NODE_ENV=production (a random value of at least 32 characters, the same in the gateway and every service)',
      );
    else if (source.GATEWAY_SIGNING_SECRET === DEV_DEFAULTS.gatewaySigningSecret)
      refused('GATEWAY_SIGNING_SECRET', 'the development secret');
  }
  // The previous secret is optional (unset outside a rotation), but never the development one.
  if (
    reads.has('GATEWAY_SIGNING_SECRET_PREVIOUS') &&
    source.GATEWAY_SIGNING_SECRET_PREVIOUS === DEV_DEFAULTS.gatewaySigningSecret
  )
    refused('GATEWAY_SIGNING_SECRET_PREVIOUS', 'the development secret');
  if (reads.has('DATABASE_URL')) {
    const own = names.filter((n) => n !== 'DATABASE_URL' && n.endsWith('_DATABASE_URL'));
    if (!isSet(source, 'DATABASE_URL') && !own.some((n) => isSet(source, n)))
      problems.push(
        `DATABASE_URL: must be set when NODE_ENV=production (the development default ${DEV_DEFAULTS.databaseUrl} is refused)`,
      );
  }
  for (const name of names.filter((n) => n.endsWith('DATABASE_URL')))
    if (source[name] === DEV_DEFAULTS.databaseUrl) refused(name, 'the development database URL');
  if (reads.has('REDIS_URL')) {
    if (!isSet(source, 'REDIS_URL'))
      problems.push(
        `REDIS_URL: must be set when NODE_ENV=production (the development default ${DEV_DEFAULTS.redisUrl} is refused)`,
      );
  }
  return problems;
}

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
