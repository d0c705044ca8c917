/**
 * Prometheus metrics (prom-client) for every eiso process: one `Metrics` (its own Registry, with
 * Node's default metrics) per server, served at `/metrics` on the process's own HTTP port — the
 * subgraphs' and the gateway's, and a worker's health port (worker-health.ts).
 *
 * The families, all labelled `service` (the process):
 * - `eiso_graphql_requests_total{operation,outcome}` and `eiso_graphql_request_duration_seconds{operation}`:
 *   every GraphQL request the gateway or a subgraph answers (graphqlMetricsPlugin, the same plugin in both);
 * - `eiso_subgraph_fetch_duration_seconds{subgraph,outcome}`: the gateway's fetches (SignedDataSource);
 * - `eiso_queue_jobs{queue,state}`: the BullMQ queues a worker consumes, counted when scraped;
 * - `eiso_jobs_processed_total{queue,outcome}` and `eiso_job_duration_seconds{queue}`: the jobs it ran;
 * - what a service adds to `metrics.registry` (the dossier service: `eiso_dossiers_open{timeliness}`).
 *
 * Labels are bounded: an operation is labelled by its name as the client wrote it (the gateway's
 * `<Operation>__<subgraph>__<n>` fetch names by the client's name), `anonymous` when it has none,
 * `unknown` when the request never got as far as an operation (unparsable, invalid, refused before),
 * and `other` past MAX_OPERATION_NAMES distinct names or for a name that is no GraphQL name or holds
 * a long run of digits: a client choosing names cannot grow the series without end, nor put an id
 * number into them. Never a query's text, variables, ids or callers.
 *
 * Protection: `/metrics` holds no personal data (above), only names and figures. Subgraphs and
 * workers listen on internal ports; the gateway's port faces clients, so where it is reachable from
 * outside, set METRICS_TOKEN (every /metrics then wants `Authorization: Bearer <token>`) or keep
 * `/metrics` off the public route at the load balancer. Unset, it is open (development, and a
 * scraper on the internal network).
 *
 * Cost: one counter increment and one histogram observation per request, fetch and job; nothing per
 * resolver or row. Queue depths are read from Redis only when scraped (one getJobCounts a queue).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { Queue, type Job, type Worker } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ErrorCode } from '@eiso/errors';

export type { Gauge };

export const METRICS_PATH = '/metrics';

/** Distinct operation names one process labels; later ones are `other`. */
export const MAX_OPERATION_NAMES = 200;

/** Request latencies, in seconds (a cached read answers in ~1 ms, a page in tens, a heavy report in seconds). */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Job run times, in seconds (a relayed run of events in milliseconds, the nightly rankings in minutes). */
const JOB_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900];
/** The states eiso_queue_jobs reports (BullMQ's lists and sets of a queue). */
export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
] as const;
/** A scrape waits this long for Redis before leaving a queue's depth out. */
const QUEUE_COUNT_TIMEOUT_MS = 2000;

const CONTRACT_CODES = new Set<string>(Object.values(ErrorCode));
const GRAPHQL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const FETCH_SUFFIX = /__[A-Za-z0-9_]+?__\d+$/;
const DIGIT_RUN = /\d{6,}/;

export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();
  private requests?: { total: Counter<'operation' | 'outcome'>; duration: Histogram<'operation'> };
  private fetches?: Histogram<'subgraph' | 'outcome'>;
  private jobs?: { total: Counter<'queue' | 'outcome'>; duration: Histogram<'queue'> };
  private readonly watched = new Map<string, { worker: Worker; queue?: Queue }>();

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  /** The label of an operation name (see the head of this file). */
  operationLabel(name: string | null | undefined, resolved = true): string {
    if (!resolved) return 'unknown';
    if (!name) return 'anonymous';
    if (!GRAPHQL_NAME.test(name)) return 'other';
    const base = name.replace(FETCH_SUFFIX, '');
    if (DIGIT_RUN.test(base)) return 'other';
    if (this.operationNames.has(base)) return base;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(base);
    return base;
  }

  /**
   * The request families, registered now (a server's /metrics shows them, empty, before its
   * first request: graphqlMetricsPlugin calls this when created).
   */
  trackRequests() {
    return (this.requests ??= {
      total: new Counter({
        name: 'eiso_graphql_requests_total',
        help: 'GraphQL requests answered, by operation name and outcome (ok, or the error code of the first error)',
        labelNames: ['operation', 'outcome'],
        registers: [this.registry],
      }),
      duration: new Histogram({
        name: 'eiso_graphql_request_duration_seconds',
        help: 'Time from receiving a GraphQL request to sending its answer, by operation name',
        labelNames: ['operation'],
        buckets: REQUEST_BUCKETS,
        registers: [this.registry],
      }),
    });
  }

  /** Counts one answered GraphQL request (`seconds` undefined: refused before it was timed). */
  observeRequest(operation: string, outcome: string, seconds?: number): void {
    const requests = this.trackRequests();
    requests.total.inc({ operation, outcome });
    if (seconds !== undefined) requests.duration.observe({ operation }, seconds);
  }

  /** The subgraph fetch family, registered now (the gateway calls this when it starts). */
  trackSubgraphFetches() {
    return (this.fetches ??= new Histogram({
      name: 'eiso_subgraph_fetch_duration_seconds',
      help: "The gateway's fetches from each subgraph, by outcome (error: no answer, or an HTTP error status)",
      labelNames: ['subgraph', 'outcome'],
      buckets: REQUEST_BUCKETS,
      registers: [this.registry],
    }));
  }

  /** Times one gateway → subgraph fetch. */
  observeSubgraphFetch(subgraph: string, ok: boolean, seconds: number): void {
    this.trackSubgraphFetches().observe({ subgraph, outcome: ok ? 'ok' : 'error' }, seconds);
  }

  /**
   * Counts a BullMQ worker's jobs as they complete or fail (each failed attempt counts: BullMQ
   * retries it), and reports its queue's depth when scraped. A process reports the queues it
   * consumes; replicas of a worker report the same depths (take their max, not their sum).
   */
  watchWorker(worker: Worker): void {
    const key = `${String(worker.opts.prefix)}:${worker.name}`;
    if (this.watched.has(key)) return;
    this.watched.set(key, { worker });
    this.jobs ??= this.jobFamilies();
    const queue = worker.name;
    const finished = (outcome: 'completed' | 'failed') => (job: Job | undefined) => {
      this.jobs!.total.inc({ queue, outcome });
      if (job?.processedOn) this.jobs!.duration.observe({ queue }, (Date.now() - job.processedOn) / 1000);
    };
    worker.on('completed', finished('completed'));
    worker.on('failed', finished('failed'));
    worker.on('closed', () => {
      const entry = this.watched.get(key);
      this.watched.delete(key);
      void entry?.queue?.close().catch(() => undefined);
    });
  }

  private jobFamilies() {
    const watched = this.watched;
    new Gauge({
      name: 'eiso_queue_jobs',
      help: 'Jobs in each BullMQ queue this process consumes, by state, read from Redis when scraped',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        await Promise.all(
          [...watched.values()].map(async (entry) => {
            const name = entry.worker.name;
            // The worker's own connection (shared: closing this Queue leaves it open) and prefix.
            entry.queue ??= new Queue(name, {
              connection: entry.worker.opts.connection,
              prefix: entry.worker.opts.prefix,
            });
            const counts = await withTimeout(
              entry.queue.getJobCounts(...QUEUE_STATES),
              QUEUE_COUNT_TIMEOUT_MS,
            );
            for (const state of QUEUE_STATES) {
              // Redis did not answer in time: no figure rather than a stale one.
              if (counts) this.set({ queue: name, state }, counts[state] ?? 0);
              else this.remove({ queue: name, state });
            }
          }),
        );
      },
    });
    return {
      total: new Counter({
        name: 'eiso_jobs_processed_total',
        help: 'BullMQ jobs this process ran, by queue and outcome (completed, or failed: each failed attempt)',
        labelNames: ['queue', 'outcome'],
        registers: [this.registry],
      }),
      duration: new Histogram({
        name: 'eiso_job_duration_seconds',
        help: 'Time from a job starting to its completion or failure, by queue',
        labelNames: ['queue'],
        buckets: JOB_BUCKETS,
        registers: [this.registry],
      }),
    };
  }

  /** A gauge of the service's own, set by `collect` when scraped (keep it cheap, or cache it). */
  gauge<L extends string>(config: {
    name: string;
    help: string;
    labelNames: readonly L[];
    collect: (gauge: Gauge<L>) => Promise<void> | void;
  }): Gauge<L> {
    return new Gauge<L>({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames,
      registers: [this.registry],
      collect() {
        return config.collect(this);
      },
    });
  }

  /** The exposition text. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  async close(): Promise<void> {
    const queues = [...this.watched.values()].map((e) => e.queue);
    this.watched.clear();
    await Promise.all(queues.map((q) => q?.close().catch(() => undefined)));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/**
 * METRICS_TOKEN, read once when a server starts (like WORKER_HEALTH_PORT, beside each service's
 * own configuration, as every process serves /metrics): undefined when unset; a token shorter than
 * 16 characters stops the process with its name.
 */
export function metricsTokenFromEnv(source: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = source.METRICS_TOKEN;
  if (token === undefined || token === '') return undefined;
  if (token.length < 16) throw new Error('METRICS_TOKEN: must be at least 16 characters (got ***)');
  return token;
}

/**
 * The `/metrics` handler, for Express and for a bare http server alike. With a token, only
 * `Authorization: Bearer <token>` is answered (compared in constant time).
 */
export function metricsHandler(metrics: Metrics, options: { token?: string } = {}) {
  const expected = options.token ? digest(options.token) : undefined;
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (expected) {
      const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      if (!match || !timingSafeEqual(digest(match[1]), expected)) {
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
        res.end('metrics: a bearer token is required\n');
        return;
      }
    }
    metrics.scrape().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('metrics: collection failed\n');
      },
    );
  };
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** ok, or the contract code of the answer's first error (any other code: INTERNAL_SERVER_ERROR). */
function outcomeOf(errors: readonly { extensions?: unknown }[] | undefined): string {
  if (!errors || errors.length === 0) return 'ok';
  return codeOf(errors[0]);
}

function codeOf(error: { extensions?: unknown } | undefined): string {
  const code = (error?.extensions as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && CONTRACT_CODES.has(code) ? code : ErrorCode.INTERNAL_SERVER_ERROR;
}

/**
 * Request rate and latency per operation, for the gateway and every subgraph: one counter
 * increment and one histogram observation per request, when its answer leaves.
 */
export function graphqlMetricsPlugin(metrics: Metrics): ApolloServerPlugin {
  metrics.trackRequests();
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(request) {
          const body = request.response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          const operation = metrics.operationLabel(request.operationName, request.operation !== undefined);
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.observeRequest(operation, outcomeOf(errors), seconds);
        },
      };
    },
    // Refused before any operation (a bad token, a spent rate limit at the gateway).
    async contextCreationDidFail({ error }) {
      metrics.observeRequest('unknown', codeOf(error as { extensions?: unknown }));
    },
  };
}
