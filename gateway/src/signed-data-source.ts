import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { signCallerContext, type Caller } from '@eiso/auth';
import { currentTraceparent, REQUEST_ID_HEADER, TRACEPARENT_HEADER } from '@eiso/logging';
import type { Metrics } from '@eiso/server';

export interface GatewayContext {
  caller: Caller;
  requestId: string;
}

/**
 * Every subgraph fetch carries the request id, the request's trace (`traceparent`) and the caller,
 * signed for this very operation; with `observe`, each fetch is timed per subgraph (/metrics).
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly secret: string,
    observe?: { subgraph: string; metrics: Metrics },
  ) {
    super({ url });
    this.fetcher = keepGraphQLErrorsOf400(this.fetcher);
    if (observe) this.fetcher = timed(this.fetcher, observe.subgraph, observe.metrics);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const http = request.http;
    if (!http) return;
    const caller: Caller = context.caller ?? { kind: 'anonymous' };
    const requestId = context.requestId ?? '';
    http.headers.set(REQUEST_ID_HEADER, requestId);
    // The request's trace (gateway observability.ts): the subgraph continues it.
    const traceparent = currentTraceparent();
    if (traceparent) http.headers.set(TRACEPARENT_HEADER, traceparent);
    const signed = signCallerContext(
      caller,
      { requestId, query: request.query ?? '', variables: request.variables },
      this.secret,
    );
    for (const [name, value] of Object.entries(signed)) http.headers.set(name, value);
  }
}

/**
 * A subgraph answers a request it refuses as a whole (a variable that is no Date, say) with HTTP
 * 400 and a GraphQL body. The gateway would turn any non-2xx into an opaque fetch failure and lose
 * the error's code, so such an answer is passed on as the GraphQL response it is.
 */
function keepGraphQLErrorsOf400(
  fetcher: RemoteGraphQLDataSource['fetcher'],
): RemoteGraphQLDataSource['fetcher'] {
  return (async (url: string, init: RequestInit) => {
    const response = await fetcher(url, init as never);
    if (response.status !== 400 || !response.headers.get('content-type')?.includes('json')) return response;
    const text = await response.text();
    const isGraphQL = (() => {
      try {
        return Array.isArray((JSON.parse(text) as { errors?: unknown }).errors);
      } catch {
        return false;
      }
    })();
    return new Response(text, {
      status: isGraphQL ? 200 : 400,
      headers: { 'content-type': 'application/json' },
    });
  }) as RemoteGraphQLDataSource['fetcher'];
}

/** Times each fetch: ok when the subgraph answered with a 2xx, error otherwise (or no answer). */
function timed(
  fetcher: RemoteGraphQLDataSource['fetcher'],
  subgraph: string,
  metrics: Metrics,
): RemoteGraphQLDataSource['fetcher'] {
  return (async (url: string, init: RequestInit) => {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const response = await fetcher(url, init as never);
      metrics.observeSubgraphFetch(subgraph, response.ok, seconds());
      return response;
    } catch (error) {
      metrics.observeSubgraphFetch(subgraph, false, seconds());
      throw error;
    }
  }) as RemoteGraphQLDataSource['fetcher'];
}
