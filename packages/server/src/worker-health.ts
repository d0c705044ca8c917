/**
 * A worker's optional health port. Workers serve no HTTP; with `WORKER_HEALTH_PORT` set (off by
 * default; `eiso start` gives each worker one) one answers `/live` (the process answers), `/ready`
 * (its database and Redis answer, and it is not stopping) for an orchestrator's probes, and
 * `/metrics` (Prometheus: its jobs and queues, metrics.ts), on `HOST`.
 */
import http from 'node:http';
import type { Logger } from '@eiso/logging';
import { closeServer, listen } from './listen';
import { METRICS_PATH, metricsHandler, metricsTokenFromEnv, type Metrics } from './metrics';
import { runHealthChecks } from './subgraph-host';

export interface WorkerHealth {
  port: number;
  stop(): Promise<void>;
}

/** The port of `WORKER_HEALTH_PORT`, or undefined when unset; a bad value stops the worker. */
export function workerHealthPort(source: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = source.WORKER_HEALTH_PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`WORKER_HEALTH_PORT: must be a port number (0–65535), got "${raw}"`);
  return port;
}

export async function startWorkerHealth(options: {
  name: string;
  port: number;
  host?: string;
  checks: Record<string, () => Promise<boolean>>;
  /** Served at `/metrics` when given. */
  metrics?: Metrics;
  /** When set, `/metrics` answers only `Authorization: Bearer <token>` (see metrics.ts). */
  metricsToken?: string;
}): Promise<WorkerHealth> {
  let stopping = false;
  const serveMetrics = options.metrics && metricsHandler(options.metrics, { token: options.metricsToken });
  const server = http.createServer((req, res) => {
    const send = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ service: options.name, ...body }));
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET') return send(405, { status: 'method not allowed' });
    if (path === '/live') return send(200, { status: 'ok' });
    if (path === METRICS_PATH && serveMetrics) return serveMetrics(req, res);
    if (path === '/ready' || path === '/health') {
      void runHealthChecks(options.checks).then((checks) => {
        const ready = !stopping && Object.values(checks).every(Boolean);
        send(ready ? 200 : 503, { status: stopping ? 'draining' : ready ? 'ready' : 'not ready', checks });
      });
      return;
    }
    send(404, { status: 'not found' });
  });
  const port = await listen(server, options.port, options.host);
  return {
    port,
    stop: async () => {
      stopping = true;
      await closeServer(server);
    },
  };
}

/** A worker started in a process (its worker.ts) or in a test's: what it consumes, and how to stop it. */
export interface RunningWorker {
  /** What it consumes, for the start-up log line. */
  url: string;
  /** The health port's, when WORKER_HEALTH_PORT is set. */
  healthPort?: number;
  metrics: Metrics;
  stop(): Promise<void>;
}

/**
 * Starts the health port when `WORKER_HEALTH_PORT` is set, with `/metrics` when given the
 * worker's metrics (behind METRICS_TOKEN when set), and logs where it listens; otherwise does
 * nothing.
 */
export async function startWorkerHealthFromEnv(options: {
  name: string;
  host: string;
  checks: Record<string, () => Promise<boolean>>;
  env?: NodeJS.ProcessEnv;
  metrics?: Metrics;
  logger?: Logger;
}): Promise<WorkerHealth | undefined> {
  const env = options.env ?? process.env;
  const port = workerHealthPort(env);
  if (port === undefined) return undefined;
  const { name, host, checks, metrics } = options;
  const health = await startWorkerHealth({
    name,
    port,
    host,
    checks,
    metrics,
    metricsToken: metricsTokenFromEnv(env),
  });
  options.logger?.info({ port: health.port }, 'health port: /live, /ready, /metrics');
  return health;
}

/** Redis answers: connected (not reconnecting) and a PING comes back. */
export function redisCheck(redis: { status: string; ping(): Promise<string> }): () => Promise<boolean> {
  return async () => redis.status === 'ready' && (await redis.ping()) === 'PONG';
}
