import { ConfigError, DEV_DEFAULTS, env, loadConfig, loadServerConfig, z } from '@eiso/config';
import { DEFAULT_AUDIENCE, DEV_ISSUER, isDevPublicKey } from '@eiso/auth';
import { readFileSync } from 'node:fs';
import { DEFAULT_QUERY_LIMITS } from './limits';
import { SUBGRAPHS, SUPERGRAPH_PATH } from './subgraphs';

const jwtKeyEnv = () => ({
  JWT_PUBLIC_KEY: z.string().includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key' }).optional(),
  JWT_PUBLIC_KEY_FILE: z.string().optional(),
  JWT_JWKS_URL: env.optionalUrl(),
});

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env) {
  // Every problem in one message: the server variables' and the JWT key's together.
  const problems: string[] = [];
  const config = collecting(problems, () => loadServerConfig(gatewayEnv(), source));
  const publicKeyPem = collecting(problems, () => jwtPublicKey(source));
  if (!config || problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const subgraphUrls: Record<string, string> = {};
  for (const s of SUBGRAPHS) {
    const override = (config as Record<string, unknown>)[s.urlVariable];
    subgraphUrls[s.name] = typeof override === 'string' ? override : s.defaultUrl;
  }
  return {
    ...config,
    publicKeyPem: publicKeyPem ?? undefined,
    subgraphUrls,
    // The explorer (GraphiQL at /graphql for browsers): on outside production unless turned off.
    explorer: config.GRAPHQL_EXPLORER ?? config.NODE_ENV !== 'production',
  };
}
export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

function gatewayEnv() {
  return {
    GATEWAY_PORT: env.port(4000),
    JWT_ISSUER: z.string().min(1).default(DEV_ISSUER),
    JWT_AUDIENCE: z.string().min(1).default(DEFAULT_AUDIENCE),
    ...jwtKeyEnv(),
    SUPERGRAPH_PATH: z.string().default(SUPERGRAPH_PATH),
    GRAPHQL_INTROSPECTION: env.flag(false),
    // GraphiQL at /graphql for browsers (gateway/src/explorer.ts); unset: on unless NODE_ENV=production.
    GRAPHQL_EXPLORER: optionalFlag(),
    // Limits at the gateway (gateway/src/limits.ts; docs/security.md).
    QUERY_MAX_DEPTH: limit(DEFAULT_QUERY_LIMITS.maxDepth),
    QUERY_MAX_ALIASES: limit(DEFAULT_QUERY_LIMITS.maxAliases),
    QUERY_MAX_DIRECTIVES: limit(DEFAULT_QUERY_LIMITS.maxDirectives),
    QUERY_MAX_TOKENS: limit(DEFAULT_QUERY_LIMITS.maxTokens),
    QUERY_MAX_COST: limit(DEFAULT_QUERY_LIMITS.maxCost),
    REDIS_URL: env.url(DEV_DEFAULTS.redisUrl),
    QUEUE_PREFIX: env.queuePrefix(),
    // The queue board (/admin/queues) reads the workers' queues where they are: one server or a cluster.
    REDIS_CLUSTER_NODES: env.redisClusterNodes(),
    // The board's actions (retry, clean, pause, add, remove…); read-only when false (gateway/src/queue-board.ts).
    QUEUE_BOARD_ACTIONS: env.flag(false),
    RATE_LIMIT_PER_OFFICIAL: limit(600),
    RATE_LIMIT_PER_ADDRESS: limit(300),
    RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
    TRUST_PROXY: trustProxy(),
    ...Object.fromEntries(SUBGRAPHS.map((s) => [s.urlVariable, env.optionalUrl()])),
  };
}

/** The PEM key tokens are verified with (none: JWKS, or the development key outside production). */
function jwtPublicKey(source: NodeJS.ProcessEnv): string | null {
  const config = loadConfig({ NODE_ENV: env.nodeEnv(), ...jwtKeyEnv() }, source);
  const publicKeyPem = config.JWT_PUBLIC_KEY ?? readKeyFile(config.JWT_PUBLIC_KEY_FILE);
  if (config.NODE_ENV === 'production' && !config.JWT_JWKS_URL) {
    // Production verifies tokens only with a key it was given: never the committed development key.
    if (!publicKeyPem)
      throw new ConfigError([
        'JWT_PUBLIC_KEY: must be set when NODE_ENV=production (or JWT_PUBLIC_KEY_FILE, or JWT_JWKS_URL); the development key is refused',
      ]);
    if (isDevPublicKey(publicKeyPem))
      throw new ConfigError([
        'JWT_PUBLIC_KEY: the development key (packages/auth/dev-keys) is refused when NODE_ENV=production',
      ]);
  }
  return publicKeyPem ?? null;
}

function collecting<T>(problems: string[], load: () => T): T | undefined {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/** A true/false variable that may be left unset (undefined: the caller's default applies). */
const optionalFlag = () =>
  z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .refine((value) => ['true', 'false', '1', '0', 'yes', 'no'].includes(value), 'must be true or false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes')
    .optional();

const limit = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/**
 * Express's `trust proxy`: off by default (req.ip is the peer). Behind a load balancer: `true`, the
 * number of proxies in front, or their addresses/subnets (`loopback, 10.0.0.0/8`), so that the
 * per-address rate limit reads the client from X-Forwarded-For.
 */
function trustProxy() {
  return z
    .string()
    .default('false')
    .transform((value): boolean | number | string => {
      const v = value.trim().toLowerCase();
      if (v === 'false' || v === '0' || v === 'no') return false;
      if (v === 'true' || v === 'yes') return true;
      return /^\d+$/.test(v) ? Number(v) : value.trim();
    });
}

function readKeyFile(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError([`JWT_PUBLIC_KEY_FILE: cannot read ${file}`]);
  }
}
