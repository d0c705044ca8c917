/**
 * The gateway → subgraph trust link. The gateway forwards the verified caller in `x-eiso-caller`
 * (base64url JSON) and signs it in `x-eiso-signature: t=<ms>,v1=<hex>` with HMAC-SHA256 over the
 * timestamp, the request id, the caller and a hash of the operation text and its variables
 * (canonical JSON: keys sorted, so both ends hash the same bytes). A subgraph accepts it
 * only when the HMAC matches and the timestamp is fresh (at most DEFAULT_MAX_AGE_MS old, at most
 * CLOCK_SKEW_MS ahead), so a captured header cannot be replayed later, nor pasted onto another
 * operation, other variables, another request id or another caller.
 *
 * Rotation: the gateway signs with one secret; a subgraph may accept several (the current one and,
 * while a new secret rolls out, the previous one), so the secret changes without a flag day.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { errors } from '@eiso/errors';
import { callerSchema, type Caller } from './caller';

export const CALLER_HEADER = 'x-eiso-caller';
export const SIGNATURE_HEADER = 'x-eiso-signature';
/** How long a signature is good for: the hop from the gateway to a subgraph takes milliseconds. */
export const DEFAULT_MAX_AGE_MS = 10_000;
/** How far ahead of the subgraph's clock a signature may be dated (clocks of two hosts differ a little). */
export const CLOCK_SKEW_MS = 2_000;

export interface SignedRequestParts {
  requestId: string;
  query: string;
  /** The operation's variables; absent, null and {} sign alike. */
  variables?: unknown;
}

export function signCallerContext(
  caller: Caller,
  request: SignedRequestParts,
  secret: string,
  now = Date.now(),
): Record<string, string> {
  const encoded = Buffer.from(JSON.stringify(caller)).toString('base64url');
  const mac = hmac(secret, now, request, encoded);
  return { [CALLER_HEADER]: encoded, [SIGNATURE_HEADER]: `t=${now},v1=${mac}` };
}

/**
 * The caller of a signed request, or UNAUTHENTICATED. `secrets`: the secret, or the secrets, a
 * signature may have been made with (any one matching is enough).
 */
export function verifyCallerContext(
  headers: { caller?: string; signature?: string },
  request: SignedRequestParts,
  secrets: string | readonly string[],
  options: { now?: number; maxAgeMs?: number } = {},
): Caller {
  const now = options.now ?? Date.now();
  const maxAge = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const refuse = () =>
    errors.unauthenticated('This service answers only requests signed by the eiso gateway');
  if (!headers.caller || !headers.signature) throw refuse();
  const match = /^t=(\d{1,15}),v1=([0-9a-f]{64})$/.exec(headers.signature);
  if (!match) throw refuse();
  const timestamp = Number(match[1]);
  if (now - timestamp > maxAge || timestamp - now > CLOCK_SKEW_MS) throw refuse();
  const given = Buffer.from(match[2], 'hex');
  const accepted = typeof secrets === 'string' ? [secrets] : secrets;
  // Every secret is tried (no early exit), so the time taken says nothing about which one matched.
  let matched = false;
  for (const secret of accepted) {
    const expected = Buffer.from(hmac(secret, timestamp, request, headers.caller), 'hex');
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  if (!matched) throw refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(headers.caller, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  const caller = callerSchema.safeParse(parsed);
  if (!caller.success) throw refuse();
  return caller.data;
}

function hmac(secret: string, timestamp: number, request: SignedRequestParts, encodedCaller: string): string {
  const queryHash = createHash('sha256')
    .update(request.query)
    .update('\n')
    .update(canonicalJson(request.variables ?? {}))
    .digest('hex');
  return createHmac('sha256', secret)
    .update(`${timestamp}.${request.requestId}.${encodedCaller}.${queryHash}`)
    .digest('hex');
}

/** JSON with every object's keys sorted: the same value gives the same text on both ends. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
