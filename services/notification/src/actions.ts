import { randomBytes } from 'node:crypto';
import { canAct, requireOfficial } from '@eiso/auth';
import { errors } from '@eiso/errors';
import type { NotificationContext } from './context';
import { sealSecret, unknownEvents } from './domain/events';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Marks the caller's own notifications read; ids of others' or unknown ones change nothing. */
export async function markRead(ctx: NotificationContext, ids: string[]): Promise<number> {
  const caller = requireOfficial(ctx.caller);
  if (ids.length > 1000) throw errors.badInput('At most 1,000 ids at a time', 'ids');
  const valid = ids.filter((id) => UUID.test(id));
  if (valid.length === 0) return 0;
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
  const unit =
    input.unitCode.trim().length <= 32 ? await ctx.loaders.unitByCode.load(input.unitCode.trim()) : null;
  if (!unit) throw errors.badInput(`No unit with code "${input.unitCode.slice(0, 40)}"`, 'unitCode');
  if (!canAct(caller, unit.path, ['LEADER']))
    throw errors.forbidden(`Only a LEADER of ${unit.code} (or a SYSTEM_ADMIN) subscribes to its events`);
  let url: URL;
  try {
    url = new URL(input.url.trim());
  } catch {
    throw errors.badInput('url is not a URL', 'url');
  }
  if (!['http:', 'https:'].includes(url.protocol) || input.url.length > 2000)
    throw errors.badInput('url must be an http(s) URL', 'url');
  const events = [...new Set(input.events.map((e) => e.trim()))];
  if (events.length === 0) throw errors.badInput('Name at least one event, or "*" for all', 'events');
  const unknown = unknownEvents(events);
  if (unknown.length) throw errors.badInput(`Unknown events: ${unknown.slice(0, 5).join(', ')}`, 'events');
  const secret = randomBytes(32).toString('base64url');
  const [subscription] = await ctx.db.query(
    `INSERT INTO webhook_subscription (unit_id, unit_path, url, events, secret_encrypted, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, url, events, active`,
    [unit.id, unit.path, url.toString(), events, sealSecret(secret, ctx.secretKey), caller.officialId],
  );
  return { subscription, secret };
}
