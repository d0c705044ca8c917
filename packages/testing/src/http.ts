import { signCallerContext, type Caller } from '@eiso/auth';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** POSTs one GraphQL operation, as a client would. */
export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}

/** Calls a subgraph directly the way the gateway does: with a signed caller context. */
export function postSigned<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  caller: Caller,
  secret: string,
  requestId = 'test-request-0001',
): Promise<GraphQLResponse<T>> {
  const headers = {
    'x-request-id': requestId,
    ...signCallerContext(caller, { requestId, query, variables }, secret),
  };
  return postGraphQL<T>(url, query, variables, headers);
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** The codes of a response's errors, for assertions. */
export function errorCodes(response: GraphQLResponse): unknown[] {
  return (response.errors ?? []).map((e) => e.extensions?.code);
}
