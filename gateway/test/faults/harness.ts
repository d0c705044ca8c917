/**
 * The fault suite's stack: a private PostgreSQL cluster and a private Redis (never the shared
 * ones, which other runs use), and every subgraph, gateway and worker as a real process started
 * the way `eiso start` starts it, on fixed free ports, so a test can kill one, stop Redis or
 * restart PostgreSQL and bring it back where it was.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { auditModule } from '@eiso/audit';
import { catalogModule } from '@eiso/catalog';
import { createTestDatabase } from '@eiso/db';
import { dossierModule } from '@eiso/dossier';
import { notificationModule } from '@eiso/notification';
import { devTokenFor, orgModule } from '@eiso/org';
import {
  bearer,
  postGraphQL,
  testEnv,
  waitFor as pollUntil,
  type GraphQLResponse,
  type StackEnv,
} from '@eiso/testing';

export const ROOT = path.join(__dirname, '..', '..', '..');
const say = (message: string) => {
  if (process.env.TEST_LOG_LEVEL) process.stderr.write(`[faults] ${message}\n`);
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `waitFor` of @eiso/testing, with a read that throws (a process down) seen as its error. */
export function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  return pollUntil(() => read().catch((error: unknown) => error as T), done, timeoutMs, everyMs);
}

/**
 * A throwaway Redis on its own port; `stop()` and `start()` keep the port. Its data lives in an
 * append-only file fsynced at every write (as a production Redis under BullMQ must be configured),
 * so a Redis killed and started again still holds the queues.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async create(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(
      await freePort(),
      mkdtempSync(path.join(os.tmpdir(), 'eiso-fault-redis-')),
    );
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    for (let i = 0; i < 100; i++) {
      if (await portAnswers(this.port)) return;
      await sleep(100);
    }
    throw new Error(`redis-server did not start on ${this.port}`);
  }

  /** Stops Redis outright (SIGKILL: what a crash or a network cut looks like to its clients). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A throwaway PostgreSQL cluster (initdb in a temporary folder, trust authentication, fsync off).
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user.
 */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
  ) {}
  /** The administrative URL (database `postgres`), as DATABASE_URL for createTestDatabase. */
  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PrivatePostgres> {
    const base = '/usr/lib/postgresql';
    const version = readdirSync(base)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))[0];
    if (!version) throw new Error('no PostgreSQL under /usr/lib/postgresql');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eiso-fault-pg-'));
    if (process.getuid?.() === 0) {
      const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout);
      const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout);
      chownSync(dir, uid, gid);
    }
    const pg = new PrivatePostgres(await freePort(), dir, path.join(base, version, 'bin'));
    pg.run('initdb', ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    await pg.start();
    return pg;
  }

  private run(tool: string, args: string[]): void {
    const command = path.join(this.bin, tool);
    const asRoot = process.getuid?.() === 0;
    const result = asRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' })
      : spawnSync(command, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr}${result.stdout}`);
  }

  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    this.run('pg_ctl', [
      '-D',
      path.join(this.dir, 'data'),
      '-o',
      options,
      '-l',
      path.join(this.dir, 'log'),
      '-w',
      'start',
    ]);
  }

  /** Stops the cluster at once (`-m fast`: open sessions are terminated, as in a failover). */
  async stop(): Promise<void> {
    this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async destroy(): Promise<void> {
    try {
      await this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** One eiso process (a subgraph, the gateway or a worker), with what it has said so far. */
export class Proc {
  output = '';
  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {}

  static async start(name: string, dir: string, entry: string, env: StackEnv): Promise<Proc> {
    const child = spawn(process.execPath, ['--conditions=eiso-source', '--import', 'tsx', entry], {
      cwd: path.join(ROOT, dir),
      env: {
        ...process.env,
        ...env,
        LOG_LEVEL: 'info',
        TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.tsx.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new Proc(name, child);
    RUNNING.add(proc);
    child.once('exit', () => RUNNING.delete(proc));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not ready: ${proc.output}`)), 90_000);
      const onData = (chunk: Buffer) => {
        proc.output += chunk;
        if (process.env.TEST_LOG_LEVEL) process.stderr.write(`[${name}] ${chunk}`);
        if (proc.output.includes(' ready"')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}): ${proc.output}`));
      });
    });
    return proc;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await exited;
  }
}

const RUNNING = new Set<Proc>();

/** Kills whatever a test left running (afterAll, and when a test failed half-way). */
export async function killAll(): Promise<void> {
  await Promise.all([...RUNNING].map((p) => p.stop('SIGKILL')));
}

export type ServiceName = 'org' | 'catalog' | 'dossier' | 'audit' | 'notification';
const MODULES = {
  org: orgModule,
  catalog: catalogModule,
  dossier: dossierModule,
  audit: auditModule,
  notification: notificationModule,
} as const;
const SERVICE_DIRS: Record<ServiceName, string> = {
  org: 'services/org',
  catalog: 'services/catalog',
  dossier: 'services/dossier',
  audit: 'services/audit',
  notification: 'services/notification',
};
const PORT_VARIABLES: Record<ServiceName, string> = {
  org: 'ORG_PORT',
  catalog: 'CATALOG_PORT',
  dossier: 'DOSSIER_PORT',
  audit: 'AUDIT_PORT',
  notification: 'NOTIFICATION_PORT',
};
const URL_VARIABLES: Record<ServiceName, string> = {
  org: 'ORG_URL',
  catalog: 'CATALOG_URL',
  dossier: 'DOSSIER_URL',
  audit: 'AUDIT_URL',
  notification: 'NOTIFICATION_URL',
};
export type WorkerName = 'dossier' | 'audit' | 'notification';

export interface FaultStack {
  env: StackEnv;
  pg: PrivatePostgres;
  redis: PrivateRedis;
  ports: Record<ServiceName | 'gateway', number>;
  services: Partial<Record<ServiceName, Proc>>;
  gateways: Proc[];
  gatewayUrls: string[];
  /** The first gateway's /graphql. */
  gatewayUrl: string;
  /** Starts (again, on its own port) a subgraph. */
  startService(name: ServiceName): Promise<Proc>;
  startGateway(): Promise<{ proc: Proc; url: string }>;
  startWorker(name: WorkerName, env?: StackEnv): Promise<Proc>;
  token(username: string): Promise<string>;
  gql(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    url?: string,
  ): Promise<GraphQLResponse<any>>;
  stop(): Promise<void>;
}

/**
 * Starts a private PostgreSQL and Redis, migrates and seeds the services (org for the given
 * provinces), and runs each service and `gateways` gateways as processes.
 */
export async function startFaultStack(options: {
  services: ServiceName[];
  provinceCodes?: string[];
  gateways?: number;
}): Promise<FaultStack> {
  const started = Date.now();
  const [pg, redis] = await Promise.all([PrivatePostgres.create(), PrivateRedis.create()]);
  const database = await createTestDatabase(pg.adminUrl);
  const env: StackEnv = { ...testEnv(database.url), REDIS_URL: redis.url, LOG_LEVEL: 'info' };
  const ports = { gateway: 0 } as FaultStack['ports'];
  for (const name of Object.keys(MODULES) as ServiceName[]) {
    ports[name] = await freePort();
    env[PORT_VARIABLES[name]] = String(ports[name]);
    env[URL_VARIABLES[name]] = `http://127.0.0.1:${ports[name]}/graphql`;
  }
  // Replicas sync quickly, so a restarted subgraph or worker is back in seconds.
  env.REPLICA_STARTUP_TIMEOUT_MS = '60000';
  // The faults under test are crashes and outages; the gateway's rate limits (their own tests in
  // gateway/test/limits.e2e.test.ts) would otherwise refuse the load from this one address.
  env.RATE_LIMIT_PER_ADDRESS = '1000000';
  env.RATE_LIMIT_PER_OFFICIAL = '1000000';
  const services: FaultStack['services'] = {};
  const gateways: Proc[] = [];
  const gatewayUrls: string[] = [];
  const silentEnv = { ...env, LOG_LEVEL: 'silent' };

  const stack: FaultStack = {
    env,
    pg,
    redis,
    ports,
    services,
    gateways,
    gatewayUrls,
    gatewayUrl: '',
    startService: async (name) => {
      const proc = await Proc.start(name, SERVICE_DIRS[name], 'src/main.ts', env);
      services[name] = proc;
      return proc;
    },
    startGateway: async () => {
      const port = await freePort();
      const proc = await Proc.start(`gateway-${gateways.length + 1}`, 'gateway', 'src/main.ts', {
        ...env,
        GATEWAY_PORT: String(port),
      });
      const url = `http://127.0.0.1:${port}/graphql`;
      gateways.push(proc);
      gatewayUrls.push(url);
      if (!stack.gatewayUrl) stack.gatewayUrl = url;
      return { proc, url };
    },
    startWorker: (name, extra = {}) =>
      Proc.start(`${name}-worker`, SERVICE_DIRS[name], 'src/worker.ts', { ...env, ...extra }),
    token: (username) => devTokenFor(username, silentEnv),
    gql: (query, variables = {}, token, url) =>
      postGraphQL(url ?? stack.gatewayUrl, query, variables, token ? bearer(token) : {}),
    stop: async () => {
      await killAll();
      await database.drop().catch(() => undefined);
      await Promise.all([redis.destroy(), pg.destroy()]);
    },
  };
  try {
    for (const name of options.services) {
      const module = MODULES[name];
      await module.migrate(silentEnv);
      if (name === 'org') await orgModule.seed(silentEnv, { provinceCodes: options.provinceCodes ?? ['22'] });
      else if (name === 'catalog') await catalogModule.seed(silentEnv);
      await stack.startService(name);
    }
    for (let i = 0; i < (options.gateways ?? 1); i++) await stack.startGateway();
  } catch (error) {
    await stack.stop();
    throw error;
  }
  say(`stack up in ${Date.now() - started} ms`);
  return stack;
}

/** The error codes of a GraphQL answer (empty when none). */
export function codes(response: { errors?: { extensions?: Record<string, unknown> }[] }): string[] {
  return (response.errors ?? []).map((e) => String(e.extensions?.code));
}
