import { randomBytes } from 'node:crypto';
import { canAct, requireOfficial } from '@eiso/auth';
import type { DirectoryUnit } from '@eiso/directory';
import { errors } from '@eiso/errors';
import { checkFirst, toConnection } from '@eiso/graphql';
import type { NotificationContext } from './context';
import { hostAllowed } from './domain/addresses';
import { sealSecret, unknownEvents } from './domain/events';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Marks the caller's own notifications read; ids of others' or unknown ones change nothing. */
export async function markRead(ctx: NotificationContext, ids: string[]): Promise<number> {
  const caller = requireOfficial(ctx.caller);
  if (ids.length === 0) throw errors.badInput('Name at least one notification id', 'ids');
  if (ids.length > 1000) throw errors.badInput('At most 1,000 ids at a time', 'ids');
  const valid = ids.filter((id) => UUID.test(id));
  // Unknown ids and others' change nothing; a list with no id at all is a client mistake.
  if (valid.length === 0) throw errors.badInput('ids holds no notification id', 'ids');
  const [rows] = await ctx.db.query(
    `UPDATE notification SET read_at = now() WHERE official_id = $1 AND id = ANY($2) AND read_at IS NULL RETURNING id`,
    [caller.officialId, valid],
  );
  return rows.length;
}

export async function createWebhookSubscription(
  ctx: NotificationContext,
  input: { unitCode: string; url: string; events: string[] },
) {
  const caller = requireOfficial(ctx.caller);
  const unit = await subscribingUnit(ctx, input.unitCode, 'subscribes to its events');
  let url: URL;
  try {
    url = new URL(input.url.trim());
  } catch {
    throw errors.badInput('url is not a URL', 'url');
  }
  if (!['http:', 'https:'].includes(url.protocol) || input.url.length > 2000)
    throw errors.badInput('url must be an http(s) URL', 'url');
  // Names are checked again at each delivery, where they are resolved (jobs/webhook-post.ts).
  if (!hostAllowed(url.hostname, ctx.webhookPrivateAddresses))
    throw errors.badInput('url must be a public address (not loopback, private or link-local)', 'url');
  const events = [...new Set(input.events.map((e) => e.trim()))];
  if (events.length === 0) throw errors.badInput('Name at least one event, or "*" for all', 'events');
  const unknown = unknownEvents(events);
  if (unknown.length) throw errors.badInput(`Unknown events: ${unknown.slice(0, 5).join(', ')}`, 'events');
  const secret = randomBytes(32).toString('base64url');
  const [subscription] = await ctx.db.query(
    `INSERT INTO webhook_subscription (unit_id, unit_path, url, events, secret_encrypted, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${SUBSCRIPTION_COLUMNS}`,
    [unit.id, unit.path, url.toString(), events, sealSecret(secret, ctx.secretKey), caller.officialId],
  );
  return { subscription, secret };
}

const SUBSCRIPTION_COLUMNS = `id, url, events, active, created_at AS "createdAt"`;

/** The unit whose subscriptions the caller manages: its LEADER, a LEADER above it, or a SYSTEM_ADMIN. */
async function subscribingUnit(
  ctx: NotificationContext,
  unitCode: string,
  what: string,
): Promise<DirectoryUnit> {
  const caller = requireOfficial(ctx.caller);
  const code = unitCode.trim();
  const unit = code.length <= 32 ? await ctx.loaders.unitByCode.load(code) : null;
  if (!unit) throw errors.badInput(`No unit with code "${unitCode.slice(0, 40)}"`, 'unitCode');
  if (!canAct(caller, unit.path, ['LEADER']))
    throw errors.forbidden(`Only a LEADER of ${unit.code} (or a SYSTEM_ADMIN) ${what}`);
  return unit;
}

export interface SubscriptionRow {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  createdAt: Date;
}

/** A unit's subscriptions (made on that unit), newest first, for those who may make them. */
export async function webhookSubscriptions(
  ctx: NotificationContext,
  args: { unitCode: string; first: number; after?: string | null },
) {
  const first = checkFirst(args.first);
  const unit = await subscribingUnit(ctx, args.unitCode, 'sees its webhook subscriptions');
  const after = args.after ? ctx.cursors.decode(args.after, 'webhook-subscription') : null;
  const [{ total }] = await ctx.db.query(
    `SELECT count(*)::int AS total FROM webhook_subscription WHERE unit_id = $1`,
    [unit.id],
  );
  const rows: SubscriptionRow[] = await ctx.db.query(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscription WHERE unit_id = $1
     ${after ? 'AND (created_at, id) < ($2::timestamptz, $3::uuid)' : ''}
     ORDER BY created_at DESC, id DESC LIMIT ${first + 1}`,
    after ? [unit.id, String(after[0]), String(after[1])] : [unit.id],
  );
  return toConnection(rows, first, total, (r) =>
    ctx.cursors.encode('webhook-subscription', [new Date(r.createdAt).toISOString(), r.id]),
  );
}

export interface DeliveryRow {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

/**
 * A subscription's deliveries, newest first. The subscription reached the caller only through a
 * field that checked their scope (webhookSubscriptions, createWebhookSubscription).
 */
export async function webhookDeliveries(
  ctx: NotificationContext,
  subscriptionId: string,
  args: { first: number; after?: string | null; status?: string | null },
) {
  const first = checkFirst(args.first);
  const after = args.after ? ctx.cursors.decode(args.after, 'webhook-delivery') : null;
  const params: unknown[] = [subscriptionId];
  let where = 'subscription_id = $1';
  if (args.status) {
    params.push(args.status);
    where += ` AND status = $${params.length}`;
  }
  const [{ total }] = await ctx.db.query(
    `SELECT count(*)::int AS total FROM webhook_delivery WHERE ${where}`,
    params,
  );
  if (after) {
    params.push(String(after[0]), String(after[1]));
    where += ` AND (created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
  }
  const rows: DeliveryRow[] = await ctx.db.query(
    `SELECT id, event_id AS "eventId", event_type AS "eventType", status, attempts,
       last_status_code AS "lastStatusCode", last_error AS "lastError",
       CASE WHEN status = 'PENDING' THEN next_attempt_at END AS "nextAttemptAt",
       delivered_at AS "deliveredAt", created_at AS "createdAt"
     FROM webhook_delivery WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ${first + 1}`,
    params,
  );
  return toConnection(rows, first, total, (r) =>
    ctx.cursors.encode('webhook-delivery', [new Date(r.createdAt).toISOString(), r.id]),
  );
}

export interface Preferences {
  email: boolean;
  mutedEmailKinds: string[];
  emailAddress: string | null;
}

/** An official's channel preferences (the defaults when they never changed them). */
export async function notificationPreferences(
  ctx: Pick<NotificationContext, 'db'>,
  officialId: string,
): Promise<Preferences> {
  const [row] = await ctx.db.query(
    `SELECT coalesce(p.email, true) AS email, coalesce(p.email_muted_kinds, '{}') AS "mutedEmailKinds",
       (SELECT email FROM official_directory WHERE id = $1) AS "emailAddress"
     FROM (SELECT 1) one LEFT JOIN notification_preference p ON p.official_id = $1`,
    [officialId],
  );
  return row as Preferences;
}

/** Changes the caller's own preferences; fields left out keep their value. */
export async function updateNotificationPreferences(
  ctx: NotificationContext,
  input: { email?: boolean | null; mutedEmailKinds?: string[] | null },
): Promise<Preferences> {
  const caller = requireOfficial(ctx.caller);
  const muted = input.mutedEmailKinds ? [...new Set(input.mutedEmailKinds)] : null;
  await ctx.db.query(
    `INSERT INTO notification_preference (official_id, email, email_muted_kinds)
     VALUES ($1, coalesce($2, true), coalesce($3::text[], '{}'))
     ON CONFLICT (official_id) DO UPDATE SET email = coalesce($2, notification_preference.email),
       email_muted_kinds = coalesce($3::text[], notification_preference.email_muted_kinds), updated_at = now()`,
    [caller.officialId, input.email ?? null, muted],
  );
  return notificationPreferences(ctx, caller.officialId);
}
