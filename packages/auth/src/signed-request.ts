/**
 * A service's own call to a subgraph's API — the batch road between services — signed as the
 * gateway signs, for `caller` (anonymous for public reads, a system caller for batch jobs).
 */
import { signCallerContext } from './context-signature';
import type { Caller } from './caller';

export async function postSignedGraphQL<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  options: { caller: Caller; secret: string; requestId?: string; timeoutMs?: number },
): Promise<T> {
  const requestId = options.requestId ?? `eiso-batch-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-request-id': requestId,
      ...signCallerContext(options.caller, { requestId, query, variables }, options.secret),
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const body = (await response.json()) as { data?: T | null; errors?: { message: string }[] };
  if (!body.data)
    throw new Error(`${url} answered ${response.status}: ${body.errors?.map((e) => e.message).join('; ')}`);
  return body.data;
}

/** The caller batch jobs act as: the system, at the root of the tree. */
export const SYSTEM_CALLER: Caller = Object.freeze({
  kind: 'official',
  officialId: '00000000-0000-4000-8000-000000000000',
  username: 'eiso-system',
  unitId: '00000000-0000-4000-8000-000000000000',
  unitCode: 'VN',
  unitPath: '/VN/',
  roles: ['SYSTEM_ADMIN'],
}) as Caller;
