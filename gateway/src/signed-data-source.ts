import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { signCallerContext, type Caller } from '@eiso/auth';
import { REQUEST_ID_HEADER } from '@eiso/logging';

export interface GatewayContext {
  caller: Caller;
  requestId: string;
}

/** Every subgraph fetch carries the request id and the caller, signed for this very operation. */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly secret: string,
  ) {
    super({ url });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const http = request.http;
    if (!http) return;
    const caller: Caller = context.caller ?? { kind: 'anonymous' };
    const requestId = context.requestId ?? '';
    http.headers.set(REQUEST_ID_HEADER, requestId);
    const signed = signCallerContext(caller, { requestId, query: request.query ?? '' }, this.secret);
    for (const [name, value] of Object.entries(signed)) http.headers.set(name, value);
  }
}
