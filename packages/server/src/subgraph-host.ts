/**
 * Hosts one eiso subgraph over HTTP: `/graphql` (only for requests signed by the gateway) and,
 * open for orchestrators, `/health` (each dependency check), `/live` (liveness: the process
 * answers), `/ready` (readiness: the checks pass and the server is not draining) and `/metrics`
 * (Prometheus; metrics.ts). A request continues the trace of the gateway's `traceparent`, so its
 * log lines and the events it writes carry the trace id the gateway logged. Every service
 * uses this, so signature checks, error masking, body limits and draining behave the same everywhere.
 */
import http from 'node:http';
import express, { type Request, type Response, type NextFunction } from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import { CALLER_HEADER, SIGNATURE_HEADER, verifyCallerContext, type Caller } from '@eiso/auth';
import { createErrorFormatter, ErrorCode } from '@eiso/errors';
import {
  REQUEST_ID_HEADER,
  requestIdFrom,
  runInContext,
  traceContextFrom,
  TRACEPARENT_HEADER,
  type Logger,
} from '@eiso/logging';
import { closeServer, listen } from './listen';
import { auditTrailPlugin, type AuditTrailStore } from './audit-trail';
import { graphqlMetricsPlugin, METRICS_PATH, metricsHandler, Metrics, metricsTokenFromEnv } from './metrics';

export interface RequestScope {
  caller: Caller;
  requestId: string;
  logger: Logger;
}

export interface SubgraphHostOptions<TContext extends object> {
  name: string;
  typeDefs: DocumentNode;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  resolvers: GraphQLResolverMap<any>;
  /**
   * The gateway signing secret, or the secrets a request's signature is accepted by: the current
   * one and, during a rotation, the previous one (`signingSecrets(config)` from @eiso/config).
   */
  signingSecret: string | readonly string[];
  logger: Logger;
  production: boolean;
  /** Builds the per-request context (loaders, repositories) from the verified caller. */
  context: (scope: RequestScope) => TContext | Promise<TContext>;
  /**
   * Checks of the service's dependencies for `/health` and `/ready`; each returns true when
   * healthy (a check that throws or takes longer than 2 s counts as failed).
   */
  healthChecks?: Record<string, () => Promise<boolean>>;
  bodyLimit?: string;
  signatureMaxAgeMs?: number;
  /** Where every mutation leaves its audit_trail row (the service's database); see audit-trail.ts. */
  auditTrail?: AuditTrailStore;
  /** The process's metrics, when the service adds its own families; a fresh one otherwise. */
  metrics?: Metrics;
  /** When set, `/metrics` answers only `Authorization: Bearer <token>` (default: METRICS_TOKEN). */
  metricsToken?: string;
}

export interface RunningSubgraph {
  url: string;
  port: number;
  metrics: Metrics;
  stop(): Promise<void>;
}

export async function startSubgraph<TContext extends object>(
  options: SubgraphHostOptions<TContext>,
  port: number,
  host = '0.0.0.0',
): Promise<RunningSubgraph> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const metrics = options.metrics ?? new Metrics(options.name);
  const apollo = new ApolloServer<TContext & RequestScope>({
    schema: buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers: options.resolvers }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      // No schema sets cache hints and nothing caches responses; Apollo's default cache-control
      // plugin would still wrap every field's resolver (1–2 % of org's CPU under the page load).
      ApolloServerPluginCacheControlDisabled(),
      requestLogPlugin(),
      graphqlMetricsPlugin(metrics),
      ...(options.auditTrail ? [auditTrailPlugin(options.auditTrail, options.logger)] : []),
    ],
    formatError: createErrorFormatter(options.logger),
    includeStacktraceInErrorResponses: false,
    // Shutdown is ours (exitOnSignals): Apollo's own handler would re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    introspection: !options.production,
  });
  await apollo.start();

  app.get('/health', async (_req, res) => {
    const checks = await runHealthChecks(options.healthChecks ?? {});
    const ok = Object.values(checks).every(Boolean);
    res.status(ok ? 200 : 503).json({ service: options.name, status: ok ? 'ok' : 'degraded', checks });
  });
  let draining = false;
  app.get('/live', (_req, res) => {
    res.json({ service: options.name, status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const checks = await runHealthChecks(options.healthChecks ?? {});
    const ready = !draining && Object.values(checks).every(Boolean);
    const status = draining ? 'draining' : ready ? 'ready' : 'not ready';
    res.status(ready ? 200 : 503).json({ service: options.name, status, checks });
  });
  // Open like the probes: a subgraph's port is internal (see metrics.ts on protection).
  app.get(METRICS_PATH, metricsHandler(metrics, { token: options.metricsToken ?? metricsTokenFromEnv() }));

  app.use(
    '/graphql',
    express.json({ limit: options.bodyLimit ?? '1mb' }),
    gatewaySignatureCheck(options),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const scope = res_locals(req);
        return { ...(await options.context(scope)), ...scope };
      },
    }),
  );
  app.use(jsonErrorHandler(options.logger));

  const boundPort = await listen(httpServer, port, host);
  return {
    port: boundPort,
    url: `http://127.0.0.1:${boundPort}/graphql`,
    metrics,
    stop: async () => {
      draining = true;
      await apollo.stop();
      await closeServer(httpServer);
      await metrics.close();
    },
  };
}

const SCOPE = Symbol('eiso-request-scope');
type ScopedRequest = Request & { [SCOPE]?: RequestScope };

function res_locals(req: Request): RequestScope {
  const scope = (req as ScopedRequest)[SCOPE];
  if (!scope) throw new Error('request scope missing: the signature check did not run');
  return scope;
}

/**
 * The request runs in the trace of its `traceparent` (a new one when it has none) from here on:
 * after the body was read, so that the context holds for everything the request does.
 */
function gatewaySignatureCheck(options: SubgraphHostOptions<object>) {
  const check = signatureCheck(options);
  return (req: Request, res: Response, next: NextFunction) =>
    runInContext(traceContextFrom(req.headers[TRACEPARENT_HEADER]), () => check(req, res, next));
}

/** Refuses, before any GraphQL work, every request that the gateway did not sign. */
function signatureCheck(options: SubgraphHostOptions<object>) {
  return (req: Request, res: Response, next: NextFunction) => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    const query = operationText(req);
    try {
      const caller = verifyCallerContext(
        { caller: headerValue(req, CALLER_HEADER), signature: headerValue(req, SIGNATURE_HEADER) },
        { requestId: headerValue(req, REQUEST_ID_HEADER) ?? '', query, variables: operationVariables(req) },
        options.signingSecret,
        { maxAgeMs: options.signatureMaxAgeMs },
      );
      (req as ScopedRequest)[SCOPE] = {
        caller,
        requestId,
        logger: options.logger.child({ requestId }),
      };
      next();
    } catch (error) {
      options.logger.warn(
        { requestId, remote: req.socket.remoteAddress },
        'unsigned or badly signed request refused',
      );
      res.status(401).json({
        errors: [{ message: (error as Error).message, extensions: { code: ErrorCode.UNAUTHENTICATED } }],
      });
    }
  };
}

function operationText(req: Request): string {
  const body = req.body as { query?: unknown } | undefined;
  if (body && typeof body.query === 'string') return body.query;
  const fromUrl = (req.query as Record<string, unknown>).query;
  return typeof fromUrl === 'string' ? fromUrl : '';
}

/** The variables as sent: the JSON body's, or a GET's `variables` parameter (JSON text). */
function operationVariables(req: Request): unknown {
  const body = req.body as { query?: unknown; variables?: unknown } | undefined;
  if (body && typeof body.query === 'string') return body.variables;
  const fromUrl = (req.query as Record<string, unknown>).variables;
  if (typeof fromUrl !== 'string') return undefined;
  try {
    return JSON.parse(fromUrl);
  } catch {
    return fromUrl;
  }
}

function headerValue(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const CHECK_TIMEOUT_MS = 2000;

/** Runs every check at once; one that throws or outlasts CHECK_TIMEOUT_MS is false (a probe never hangs). */
export async function runHealthChecks(
  checks: Record<string, () => Promise<boolean>>,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const ok = await Promise.race([check().catch(() => false), timeout]);
      clearTimeout(timer);
      return [name, ok === true] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** Malformed JSON or an oversized body: a contract error, never an HTML page or a stack trace. */
function jsonErrorHandler(logger: Logger) {
  return (error: { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ err: error }, 'request failed');
    const message =
      error.type === 'entity.too.large'
        ? 'Request body too large'
        : status < 500
          ? 'Malformed request body: send JSON'
          : 'Internal server error';
    res.status(status).json({
      errors: [
        {
          message,
          extensions: { code: status < 500 ? ErrorCode.BAD_USER_INPUT : ErrorCode.INTERNAL_SERVER_ERROR },
        },
      ],
    });
  };
}

function requestLogPlugin(): ApolloServerPlugin<RequestScope> {
  return {
    async requestDidStart({ contextValue, request }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ errors, operationName }) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          contextValue.logger?.debug(
            {
              operation: operationName ?? request.operationName ?? null,
              ms: Math.round(ms * 10) / 10,
              errors: errors?.length ?? 0,
            },
            'operation',
          );
        },
      };
    },
  };
}
