/**
 * Webhook rules as the contract states them (README "Webhooks"): the body `{ id, type, occurredAt,
 * data }`, the signature `sha256=<hex HMAC-SHA256 of the raw body>` keyed by the subscription's
 * secret, which subscriptions hear an event (the unit's subtree, the named types or `*`), and the
 * backoff between tries.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EisoEvent } from '@eiso/outbox';
import { WEBHOOK_EVENTS } from './events';

/**
 * The exact bytes POSTed, built once when the delivery is created and stored: every retry sends
 * the same content, so "the same id may arrive twice, never with different content" holds.
 */
export function webhookBody(event: EisoEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt,
    data: event.payload,
  });
}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** How a receiver checks a delivery (constant time); documented for integrators and used by tests. */
export function verifySignature(body: string, secret: string, header: string | undefined): boolean {
  const expected = Buffer.from(signBody(body, secret));
  const given = Buffer.from(header ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Only the contract's events go out: internal ones (`dossier.imported`, `dossier.step_overdue`,
 * …) are not part of the published surface, even for `*`.
 */
export function isWebhookEvent(type: string): boolean {
  return (WEBHOOK_EVENTS as readonly string[]).includes(type);
}

/**
 * A subscription on a unit hears its subtree: the event's unit or any below it. With materialized
 * paths (`/VN/22/144/`) those subscriptions sit on the event path's prefixes — `/VN/`, `/VN/22/`,
 * `/VN/22/144/` — so the lookup is an equality on a handful of paths (indexed), never a scan.
 */
export function ancestorPaths(unitPath: string): string[] {
  const codes = unitPath.split('/').filter(Boolean);
  return codes.map((_, i) => `/${codes.slice(0, i + 1).join('/')}/`);
}

/**
 * Exponential backoff with full jitter (a uniformly random wait up to the exponential bound): many
 * deliveries failing together — an endpoint down — come back spread out instead of in waves.
 * `attempt` is the number of tries made so far (1 after the first failure).
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const bound = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * bound);
}
