/**
 * The eiso gateway: one graph for every client. It verifies the caller's JWT, plans each operation
 * over the subgraphs from the checked-in supergraph (never introspection), and signs the caller
 * into every subgraph fetch.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import express from 'express';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware, type ExpressContextFunctionArgument } from '@as-integrations/express5';
import {
  ANONYMOUS,
  createJwtVerifier,
  tokenExpiryMs,
  type Caller,
  type JwtVerifier,
  type OfficialCaller,
} from '@eiso/auth';
import { createErrorFormatter, errors, ErrorCode, withHttpStatus } from '@eiso/errors';
import { GraphQLError } from 'graphql';
import { REQUEST_ID_HEADER, requestIdFrom, type Logger } from '@eiso/logging';
import { closeServer, listen } from '@eiso/server';
import { SignedDataSource, type GatewayContext } from './signed-data-source';
import { gatewayObservability } from './observability';
import { createRateLimiter, limitErrorFormatter, queryLimitRules } from './limits';
import { inputGuardPlugin, verifyUtf8Body } from './input-guard';
import { dashboardRouter } from './dashboard';
import type { GatewayConfig } from './config';
import { explorer } from './explorer';
import { mountQueueBoard } from './queue-board';

process.env.APOLLO_TELEMETRY_DISABLED ??= '1';

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const verifyJwt = rememberVerified(
    await createJwtVerifier({
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      publicKeyPem: config.publicKeyPem,
      jwksUrl: config.JWT_JWKS_URL,
    }),
  );
  // /metrics, and each request's trace id (observability.ts).
  const observability = gatewayObservability(logger, { production: config.NODE_ENV === 'production' });
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name, url }) =>
      new SignedDataSource(config.subgraphUrls[name] ?? url ?? '', config.GATEWAY_SIGNING_SECRET, {
        subgraph: name,
        metrics: observability.metrics,
      }),
    logger,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  const rateLimiter = await createRateLimiter(
    {
      redisUrl: config.REDIS_URL,
      keyPrefix: config.QUEUE_PREFIX,
      perOfficial: config.RATE_LIMIT_PER_OFFICIAL,
      perAddress: config.RATE_LIMIT_PER_ADDRESS,
      windowMs: config.RATE_LIMIT_WINDOW_MS,
    },
    logger,
  );
  const introspection = config.NODE_ENV !== 'production' || config.GRAPHQL_INTROSPECTION;
  const httpServer = http.createServer(app);
  const server = new ApolloServer<GatewayContext>({
    gateway,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      accessLogPlugin(logger),
      observability.plugin,
      // NUL and lone surrogates, unknown operation names, subscriptions: BAD_USER_INPUT.
      inputGuardPlugin(),
      // Apollo's landing page loads Apollo Sandbox from a CDN: never. Browsers get the explorer.
      ApolloServerPluginLandingPageDisabled(),
    ],
    formatError: limitErrorFormatter(createErrorFormatter(logger), { hideSuggestions: !introspection }),
    includeStacktraceInErrorResponses: false,
    // Depth, aliases, directives and cost (graphql-armor), and tokens: QUERY_TOO_COMPLEX.
    validationRules: queryLimitRules({
      maxDepth: config.QUERY_MAX_DEPTH,
      maxAliases: config.QUERY_MAX_ALIASES,
      maxDirectives: config.QUERY_MAX_DIRECTIVES,
      maxTokens: config.QUERY_MAX_TOKENS,
      maxCost: config.QUERY_MAX_COST,
    }),
    parseOptions: { maxTokens: config.QUERY_MAX_TOKENS },
    // A JSON array body (a batch) is refused with BAD_USER_INPUT: one operation per request.
    allowBatchedHttpRequests: false,
    // Shutdown is ours (exitOnSignals): Apollo's own handler would re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    // The contract allows GET for queries. CSRF protection guards cookie sessions; eiso signs in
    // with a Bearer header, which a cross-site form cannot send, so the check would only refuse
    // legitimate GETs. Mutations over GET stay refused by Apollo regardless.
    csrfPrevention: false,
    introspection,
  });
  await server.start();

  // The ministry's dashboard: a static page that calls /graphql with a Bearer token (dashboard.ts).
  app.use('/dashboard', dashboardRouter(logger));
  app.get('/health', async (_req, res) => {
    const subgraphs = await checkSubgraphs(config.subgraphUrls);
    const ok = Object.values(subgraphs).every((s) => s.status === 'ok');
    res.status(ok ? 200 : 503).json({ service: 'gateway', status: ok ? 'ok' : 'degraded', subgraphs });
  });
  // Liveness and readiness for a load balancer: ready until draining. A subgraph down makes the
  // graph degraded (/health), not this replica unready: every replica would go out together.
  let draining = false;
  app.get('/live', (_req, res) => void res.json({ service: 'gateway', status: 'ok' }));
  observability.mount(app);
  app.get(
    '/ready',
    (_req, res) =>
      void res
        .status(draining ? 503 : 200)
        .json({ service: 'gateway', status: draining ? 'draining' : 'ready' }),
  );
  // GraphiQL for a browser's GET (explorer.ts; GRAPHQL_EXPLORER); every other request goes to Apollo.
  if (config.explorer) app.get('/graphql', explorer());
  // bull-board for SYSTEM_ADMIN (queue-board.ts).
  const queueBoard = mountQueueBoard(app, {
    redisUrl: config.REDIS_URL,
    clusterNodes: config.REDIS_CLUSTER_NODES,
    prefix: config.QUEUE_PREFIX,
    actions: config.QUEUE_BOARD_ACTIONS,
    verify: verifyJwt,
    logger,
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb', verify: verifyUtf8Body }),
    observability.traceRequests,
    expressMiddleware(server, {
      // Typed here: inside app.use's overloads the argument is not inferred from expressMiddleware.
      context: async ({ req, res }: ExpressContextFunctionArgument) => {
        const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
        res.setHeader(REQUEST_ID_HEADER, requestId);
        const caller = await callerFrom(req.headers.authorization, verifyJwt).catch(async (error) => {
          await rateLimiter.consume(ANONYMOUS, req.ip); // a refused token spends its address's budget
          throw error;
        });
        await rateLimiter.consume(caller, req.ip);
        return { requestId, caller };
      },
    }),
  );
  app.use(
    (
      error: { status?: number; type?: string },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const clientError = error.status !== undefined && error.status < 500;
      if (!clientError) logger.error({ err: error }, 'request failed');
      res.status(clientError ? error.status! : 500).json({
        errors: [
          {
            message:
              error.type === 'entity.too.large'
                ? 'Request body too large'
                : error.type === 'encoding.invalid'
                  ? 'The request body is not valid UTF-8'
                  : clientError
                    ? 'Malformed request body: send JSON'
                    : 'Internal server error',
            extensions: { code: clientError ? ErrorCode.BAD_USER_INPUT : ErrorCode.INTERNAL_SERVER_ERROR },
          },
        ],
      });
    },
  );

  const port = await listen(httpServer, config.GATEWAY_PORT, config.HOST);
  return {
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    stop: async () => {
      draining = true;
      await server.stop();
      await closeServer(httpServer);
      await rateLimiter.close();
      await queueBoard.close();
    },
  };
}

/** No Authorization header: anonymous. A header that is not a valid Bearer JWT: refused, never downgraded. */
async function callerFrom(header: string | undefined, verify: JwtVerifier): Promise<Caller> {
  if (header === undefined || header === '') return ANONYMOUS;
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(header.trim());
  if (!match) throw withHttpStatus(errors.unauthenticated('Authorization must be "Bearer <JWT>"'), 401);
  try {
    return await verify(match[1]);
  } catch (error) {
    throw error instanceof GraphQLError ? withHttpStatus(error, 401) : error;
  }
}

/**
 * A client sends the same token with every request until it expires; verifying its signature
 * (EdDSA) again each time was ~4% of the gateway's CPU under the page benchmark. A token that
 * verified is remembered by its exact text until its `exp` (and for at most a minute, so that a
 * key taken out of the JWKS stops being honoured soon), then verified afresh. Refused tokens are
 * never remembered: each is refused by the verifier itself.
 */
export function rememberVerified(
  verify: JwtVerifier,
  options: { maxEntries?: number; maxAgeMs?: number; now?: () => number } = {},
): JwtVerifier {
  const { maxEntries = 10_000, maxAgeMs = 60_000, now = Date.now } = options;
  const verified = new Map<string, { caller: OfficialCaller; until: number }>();
  return async (token) => {
    const known = verified.get(token);
    if (known && known.until > now()) return known.caller;
    verified.delete(token);
    const caller = await verify(token);
    const until = Math.min(tokenExpiryMs(token), now() + maxAgeMs);
    if (verified.size >= maxEntries) verified.delete(verified.keys().next().value!);
    verified.set(token, { caller, until });
    return caller;
  };
}

async function checkSubgraphs(urls: Record<string, string>): Promise<Record<string, { status: string }>> {
  const entries = await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      const healthUrl = url.replace(/\/graphql\/?$/, '') + '/health';
      try {
        const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2000) });
        return [name, { status: response.ok ? 'ok' : 'degraded' }] as const;
      } catch {
        return [name, { status: 'down' }] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

/** One line per operation: which, how long, how many errors, under the request id the subgraphs log too. */
function accessLogPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue, request }) {
      const started = process.hrtime.bigint();
      return {
        // operationName: the one the document names once resolved, when the client sent none.
        async willSendResponse({ errors, operationName }) {
          logger.info(
            {
              requestId: contextValue.requestId,
              operation: operationName ?? request.operationName ?? null,
              caller: contextValue.caller?.kind === 'official' ? contextValue.caller.username : 'anonymous',
              ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
              errors: errors?.length ?? 0,
            },
            'operation',
          );
        },
      };
    },
  };
}
