/**
 * The gateway's metrics and trace ids (issue 10). `/metrics` (Prometheus) counts every operation
 * and times every subgraph fetch (@eiso/server metrics.ts, signed-data-source.ts); each request
 * runs in a W3C trace — the client's `traceparent` when it sends a valid one, else a new trace —
 * whose id is answered in `x-trace-id`, logged on every line (`trace_id`) and sent on to the
 * subgraphs in `traceparent`, and from there into the events and jobs the request causes.
 *
 * A client may choose its trace id (that is how a caller's own tracing joins ours); it only labels
 * log lines, so a made-up one misleads nobody but the one searching for it.
 */
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  activeSpanContext,
  runInContext,
  traceContextFrom,
  TRACE_ID_HEADER,
  TRACEPARENT_HEADER,
  type Logger,
} from '@eiso/logging';
import {
  graphqlMetricsPlugin,
  METRICS_PATH,
  metricsHandler,
  Metrics,
  metricsTokenFromEnv,
} from '@eiso/server';

export interface GatewayObservability {
  metrics: Metrics;
  /** Request rate and latency per operation. */
  plugin: ApolloServerPlugin;
  /** Runs the rest of a /graphql request in its trace; goes after the body parser. */
  traceRequests: RequestHandler;
  /** Serves `/metrics`. */
  mount(app: Express): void;
}

export function gatewayObservability(
  logger: Logger,
  options: { production: boolean; metricsToken?: string },
): GatewayObservability {
  const metrics = new Metrics('gateway');
  metrics.trackSubgraphFetches();
  const token = options.metricsToken ?? metricsTokenFromEnv();
  return {
    metrics,
    plugin: graphqlMetricsPlugin(metrics),
    traceRequests: (req: Request, res: Response, next: NextFunction) => {
      const ctx = traceContextFrom(req.headers[TRACEPARENT_HEADER]);
      res.setHeader(TRACE_ID_HEADER, activeSpanContext(ctx)!.traceId);
      runInContext(ctx, next);
    },
    mount(app) {
      // This port faces clients: /metrics holds no personal data, but in production either give it
      // a token or keep it off the public route (@eiso/server metrics.ts).
      if (options.production && !token)
        logger.warn(
          `${METRICS_PATH} is open on the gateway's port: set METRICS_TOKEN, or keep ${METRICS_PATH} off the public route`,
        );
      app.get(METRICS_PATH, metricsHandler(metrics, { token }));
    },
  };
}
