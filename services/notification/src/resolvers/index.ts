import { requireOfficial } from '@eiso/auth';
import { errors } from '@eiso/errors';
import { checkFirst, scalarResolvers, toConnection } from '@eiso/graphql';
import * as actions from '../actions';
import type { NotificationContext } from '../context';

interface Row {
  id: string;
  kind: string;
  title: string;
  body: string;
  createdAt: Date;
  readAt: Date | null;
  dossierId: string | null;
}

export const notificationResolvers = {
  DateTime: scalarResolvers.DateTime,
  Query: {
    webhookSubscriptions: (
      _: unknown,
      args: { unitCode: string; first: number; after?: string | null },
      ctx: NotificationContext,
    ) => actions.webhookSubscriptions(ctx, args),
  },
  Mutation: {
    markNotificationsRead: async (_: unknown, { ids }: { ids: string[] }, ctx: NotificationContext) => ({
      updated: await actions.markRead(ctx, ids),
    }),
    createWebhookSubscription: (
      _: unknown,
      { input }: { input: { unitCode: string; url: string; events: string[] } },
      ctx: NotificationContext,
    ) => actions.createWebhookSubscription(ctx, input),
    updateNotificationPreferences: (
      _: unknown,
      { input }: { input: { email?: boolean | null; mutedEmailKinds?: string[] | null } },
      ctx: NotificationContext,
    ) => actions.updateNotificationPreferences(ctx, input),
  },
  Official: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    /** An official's own inbox only. */
    notifications: async (
      ref: { id: string },
      args: { first: number; after?: string | null; unreadOnly?: boolean | null },
      ctx: NotificationContext,
    ) => {
      const first = checkFirst(args.first);
      const caller = requireOfficial(ctx.caller);
      if (caller.officialId !== ref.id) throw errors.forbidden("Notifications are their official's own");
      const after = args.after ? ctx.cursors.decode(args.after, 'notification') : null;
      const unread = args.unreadOnly ? 'AND read_at IS NULL' : '';
      const [{ total }] = await ctx.db.query(
        `SELECT count(*)::int AS total FROM notification WHERE official_id = $1 ${unread}`,
        [ref.id],
      );
      const keyset = after ? `AND (created_at, id) < ($2::timestamptz, $3::uuid)` : '';
      const rows: Row[] = await ctx.db.query(
        `SELECT id, kind, title, body, created_at AS "createdAt", read_at AS "readAt", dossier_id AS "dossierId"
         FROM notification WHERE official_id = $1 ${unread} ${keyset} ORDER BY created_at DESC, id DESC LIMIT ${first + 1}`,
        after ? [ref.id, String(after[0]), String(after[1])] : [ref.id],
      );
      return toConnection(rows, first, total, (n) =>
        ctx.cursors.encode('notification', [new Date(n.createdAt).toISOString(), n.id]),
      );
    },
    /** An official's own preferences only. */
    notificationPreferences: (ref: { id: string }, _: unknown, ctx: NotificationContext) => {
      const caller = requireOfficial(ctx.caller);
      if (caller.officialId !== ref.id) throw errors.forbidden("Preferences are their official's own");
      return actions.notificationPreferences(ctx, ref.id);
    },
  },
  Notification: {
    dossier: (n: Row) => (n.dossierId ? { id: n.dossierId } : null),
  },
  WebhookSubscription: {
    deliveries: (
      s: actions.SubscriptionRow,
      args: { first: number; after?: string | null; status?: string | null },
      ctx: NotificationContext,
    ) => actions.webhookDeliveries(ctx, s.id, args),
  },
};
