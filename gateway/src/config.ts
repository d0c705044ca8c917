import { ConfigError, env, loadServerConfig, z } from '@eiso/config';
import { DEFAULT_AUDIENCE, DEV_ISSUER, isDevPublicKey } from '@eiso/auth';
import { readFileSync } from 'node:fs';
import { SUBGRAPHS, SUPERGRAPH_PATH } from './subgraphs';

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadServerConfig(
    {
      GATEWAY_PORT: env.port(4000),
      JWT_ISSUER: z.string().min(1).default(DEV_ISSUER),
      JWT_AUDIENCE: z.string().min(1).default(DEFAULT_AUDIENCE),
      JWT_PUBLIC_KEY: z
        .string()
        .includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key' })
        .optional(),
      JWT_PUBLIC_KEY_FILE: z.string().optional(),
      JWT_JWKS_URL: env.optionalUrl(),
      SUPERGRAPH_PATH: z.string().default(SUPERGRAPH_PATH),
      GRAPHQL_INTROSPECTION: env.flag(false),
      ...Object.fromEntries(SUBGRAPHS.map((s) => [s.urlVariable, env.optionalUrl()])),
    },
    source,
  );
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
  const subgraphUrls: Record<string, string> = {};
  for (const s of SUBGRAPHS) {
    const override = (config as Record<string, unknown>)[s.urlVariable];
    subgraphUrls[s.name] = typeof override === 'string' ? override : s.defaultUrl;
  }
  return { ...config, publicKeyPem, subgraphUrls };
}
export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

function readKeyFile(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError([`JWT_PUBLIC_KEY_FILE: cannot read ${file}`]);
  }
}
