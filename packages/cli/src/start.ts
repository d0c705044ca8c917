/**
 * `eiso start`: the whole system in one terminal. Finds (or starts) PostgreSQL and Redis, migrates,
 * seeds the demo country when the database is empty, starts every subgraph and the gateway as child
 * processes with prefixed logs, waits until the gateway reports healthy, prints the URLs, and on
 * Ctrl-C stops everything it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DEV_DEFAULTS } from '@eiso/config';
import {
  ensureDatabase,
  postgresAnswers,
  redisAnswers,
  startEmbeddedPostgres,
  startLocalRedis,
  type Say,
} from './infrastructure';
import { PORT_OFFSET, REPO_ROOT, SERVICES, servicePort, serviceUrl, workerHealthPort } from './services';

const GATEWAY_PORT = 4000 + PORT_OFFSET;
const RUNTIME_FILE = path.join(REPO_ROOT, '.data', 'running.json');

/**
 * Where a running `eiso start` found its database (it may be the embedded one on another port),
 * so that `eiso token` in a second terminal reaches the same one.
 */
export function runningStack(): { DATABASE_URL: string; REDIS_URL: string } | undefined {
  if (!existsSync(RUNTIME_FILE)) return undefined;
  try {
    return JSON.parse(readFileSync(RUNTIME_FILE, 'utf8')) as { DATABASE_URL: string; REDIS_URL: string };
  } catch {
    return undefined;
  }
}

export async function start(say: Say): Promise<void> {
  const started = Date.now();
  const stops: (() => Promise<void>)[] = [];
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)),
    );
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    const env = await prepareInfrastructure(say, stops);
    mkdirSync(path.dirname(RUNTIME_FILE), { recursive: true });
    writeFileSync(RUNTIME_FILE, JSON.stringify(env));
    stops.unshift(async () => rmSync(RUNTIME_FILE, { force: true }));
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...env,
      APOLLO_TELEMETRY_DISABLED: '1',
      TSX_TSCONFIG_PATH: path.join(REPO_ROOT, 'tsconfig.tsx.json'),
      EISO_SUPERVISOR_PID: String(process.pid),
    };
    for (const service of SERVICES) childEnv[service.urlVariable] ??= serviceUrl(service);
    // In order: each service is migrated, seeded and healthy before the next, whose seed may read it.
    for (const service of SERVICES) {
      say(`${service.name}: migrations ${(await service.migrate(childEnv)).join(', ') || 'up to date'}`);
      if (service.seed) say(await service.seed(childEnv, { progress: say }));
      children.push(
        runChild(
          service.name,
          service.dir,
          { ...childEnv, [service.portVariable]: String(servicePort(service)) },
          () => stopAll(1),
        ),
      );
      await waitForHealthy(serviceUrl(service).replace(/\/graphql$/, '/health'), 60_000);
      if (service.worker) {
        // Its health port (/live, /ready, /metrics): the service's port + 10 (dossier-worker 4013).
        const workerEnv = { ...childEnv, WORKER_HEALTH_PORT: String(workerHealthPort(service)) };
        children.push(
          runChild(`${service.name}-worker`, service.dir, workerEnv, () => stopAll(1), service.worker),
        );
      }
    }
    children.push(
      runChild('gateway', 'gateway', { ...childEnv, GATEWAY_PORT: String(GATEWAY_PORT) }, () => stopAll(1)),
    );

    await waitForHealthy(`http://127.0.0.1:${GATEWAY_PORT}/health`, 60_000);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    say(`ready in ${seconds} s`);
    say(
      `  gateway   http://localhost:${GATEWAY_PORT}/graphql   (health: http://localhost:${GATEWAY_PORT}/health)`,
    );
    say(
      `  explorer  http://localhost:${GATEWAY_PORT}/graphql in a browser (GraphiQL, the contract's operations)`,
    );
    say(`  dashboard http://localhost:${GATEWAY_PORT}/dashboard/ (sign in: pnpm -s eiso token viewer.BKHCN)`);
    say(`  queues    http://localhost:${GATEWAY_PORT}/admin/queues (sign in: pnpm -s eiso token admin)`);
    for (const s of SERVICES)
      say(`  ${s.name.padEnd(9)} http://localhost:${servicePort(s)}/graphql   (signed requests only)`);
    const workers = SERVICES.filter((s) => s.worker).map((s) => `${s.name} ${workerHealthPort(s)}`);
    say(
      `  metrics:  /metrics on every port above; the workers' on their health ports (${workers.join(', ')})`,
    );
    say('  a token:  pnpm -s eiso token handler.22      stop: Ctrl-C');
  } catch (error) {
    say(`start failed: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
}

async function prepareInfrastructure(say: Say, stops: (() => Promise<void>)[]) {
  let databaseUrl = process.env.DATABASE_URL ?? DEV_DEFAULTS.databaseUrl;
  if (!(await postgresAnswers(databaseUrl))) {
    if (process.env.DATABASE_URL) throw new Error(`DATABASE_URL does not answer: ${redact(databaseUrl)}`);
    const embedded = await startEmbeddedPostgres(say);
    stops.push(embedded.stop);
    databaseUrl = embedded.url;
  }
  await ensureDatabase(databaseUrl);
  say(`PostgreSQL: ${redact(databaseUrl)}`);

  const redisUrl = process.env.REDIS_URL ?? DEV_DEFAULTS.redisUrl;
  if (!(await redisAnswers(redisUrl))) {
    const redis = await startLocalRedis(redisUrl, say);
    stops.push(redis.stop);
  }
  say(`Redis: ${redisUrl}`);
  return { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl };
}

/**
 * How a child runs. `pnpm start` builds first (scripts/bootstrap.cjs runs `tsc -b`, incremental)
 * and runs this supervisor from dist/: then every child runs its compiled dist/ entry too, whose
 * workspace imports resolve to the other packages' dist/ (the packages' `default` export).
 * tsx compiling every module in memory costs each process ~60-150 MB and seconds of start-up.
 * Run from the sources (`pnpm eiso start`, the supervisor under tsx), the children do the same.
 */
const COMPILED = __filename.endsWith('.js');

function nodeArguments(name: string, entry: string): string[] {
  if (!COMPILED) return ['--conditions=eiso-source', '--import', 'tsx', entry];
  // EISO_NODE_ARGS: more flags for every child (`--trace-gc`, `--cpu-prof`, say).
  const extra = process.env.EISO_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  return [...heapLimits(name), ...extra, entry.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')];
}

function runChild(
  name: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  onUnexpectedExit: () => void,
  entry = 'src/main.ts',
): ChildProcess {
  const child = spawn(process.execPath, nodeArguments(name, entry), {
    cwd: path.join(REPO_ROOT, dir),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C reaches only this supervisor, which then drains each child once.
    detached: true,
  });
  const prefix = `[${name}]`.padEnd(16);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => process.stdout.write(`${prefix} ${line}\n`));
  }
  child.once('exit', (code, signal) => {
    if (signal === 'SIGTERM' || code === 0) return;
    process.stdout.write(`${prefix} exited with ${signal ?? code}\n`);
    onUnexpectedExit();
  });
  return child;
}

async function waitForHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not report healthy within ${timeoutMs / 1000} s`);
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/**
 * V8 heap caps per process, in MiB: the old space, and each of the young generation's two
 * semi-spaces. Uncapped, V8 let each heap grow to 140-180 MB before collecting (on a 24 GB
 * machine) while what stays live after a full collection is 30-50 MB (measured with --trace-gc
 * under the page benchmark's load, December 2026): the caps are about three times that. The young
 * generation is not cheap to shrink: at 4 MB a semi-space org and catalog spent 28 % of their CPU
 * in the collector under the page load (profiles of 3 December). Semi-spaces of 16 MB for all
 * four processes on the page's path cut the CPU of a page by ~15 % (48 → 40 ms), but cost memory
 * the 1.5 GB budget of the ten processes barely has (1,533 MiB on a fresh demo start, the
 * supervisor still holding its seeding). So the young generation grows where the collector cost
 * most: 16 MB for dossier, 8 MB for org and catalog (28 % of their CPU collecting at 4 MB) and for
 * the gateway (13 % at 8 MB); the processes off the page's path keep 4 MB. EISO_HEAP_LIMITS=off
 * runs without caps (~33–38 ms a page, ~2 GB together).
 */
const HEAP_LIMITS: Record<string, { old: number; semi: number }> = {
  gateway: { old: 192, semi: 8 },
  dossier: { old: 192, semi: 16 },
  org: { old: 128, semi: 8 },
  catalog: { old: 128, semi: 8 },
  audit: { old: 128, semi: 4 },
  notification: { old: 128, semi: 4 },
  worker: { old: 128, semi: 4 },
};

function heapLimits(name: string): string[] {
  if (process.env.EISO_HEAP_LIMITS === 'off') return [];
  const limits = HEAP_LIMITS[name] ?? (name.endsWith('-worker') ? HEAP_LIMITS.worker : undefined);
  if (!limits) return [];
  return [`--max-old-space-size=${limits.old}`, `--max-semi-space-size=${limits.semi}`];
}
