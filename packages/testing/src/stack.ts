/**
 * A real eiso stack for tests: a fresh database, the given subgraphs and the real gateway, each
 * on a free port, with a random signing secret. Nothing is mocked; `stop()` tears it all down and
 * drops the database.
 */
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@eiso/db';

export type StackEnv = Record<string, string>;

export interface Startable {
  url: string;
  stop(): Promise<void>;
}

export interface StackService<S extends Startable = Startable> {
  name: string;
  /** Environment variable through which the gateway learns this subgraph's URL. */
  urlVariable: string;
  migrate(env: StackEnv): Promise<unknown>;
  seed?(env: StackEnv): Promise<unknown>;
  start(env: StackEnv): Promise<S>;
}

export interface Stack {
  env: StackEnv;
  database: TestDatabase;
  gatewayUrl: string;
  subgraphs: Record<string, Startable>;
  stop(): Promise<void>;
}

export function testEnv(databaseUrl: string): StackEnv {
  return {
    NODE_ENV: 'test',
    // TEST_LOG_LEVEL=debug shows the stack's logs when a test needs looking into.
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    // Each stack's queues live under their own key prefix: a fresh Redis namespace per test run.
    QUEUE_PREFIX: `eiso-test-${randomBytes(4).toString('hex')}`,
    GATEWAY_SIGNING_SECRET: randomBytes(32).toString('hex'),
    GATEWAY_PORT: '0',
    ORG_PORT: '0',
    CATALOG_PORT: '0',
    DOSSIER_PORT: '0',
    AUDIT_PORT: '0',
    NOTIFICATION_PORT: '0',
    // A subgraph a test does not start is unreachable (port 9, discard), never whatever happens to
    // listen on its development port (a `pnpm start` on the same machine).
    ...Object.fromEntries(
      ['ORG', 'CATALOG', 'DOSSIER', 'AUDIT', 'NOTIFICATION'].map((s) => [
        `${s}_URL`,
        'http://127.0.0.1:9/graphql',
      ]),
    ),
  };
}

export async function startStack(options: {
  services: StackService[];
  startGateway: (env: StackEnv) => Promise<Startable>;
  seed?: boolean;
}): Promise<Stack> {
  const database = await createTestDatabase();
  const env = testEnv(database.url);
  const started: Startable[] = [];
  try {
    // One service after the other, as `eiso start` does: a later service's seed and start may read
    // an earlier one's API (the catalog syncs its unit directory from org).
    const subgraphs: Record<string, Startable> = {};
    for (const service of options.services) {
      await service.migrate(env);
      if (options.seed) await service.seed?.(env);
      const running = await service.start(env);
      started.push(running);
      subgraphs[service.name] = running;
      env[service.urlVariable] = running.url;
    }
    const gateway = await options.startGateway(env);
    started.push(gateway);
    return {
      env,
      database,
      gatewayUrl: gateway.url,
      subgraphs,
      stop: async () => {
        for (const s of started.reverse()) await s.stop();
        await database.drop();
      },
    };
  } catch (error) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    await database.drop().catch(() => undefined);
    throw error;
  }
}
