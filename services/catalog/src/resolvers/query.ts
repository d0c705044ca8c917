import { requireSystemAdmin } from '@eiso/auth';
import { isIsoDate } from '@eiso/calendar';
import { errors } from '@eiso/errors';
import { checkFirst, toConnection } from '@eiso/graphql';
import type { QueryResolvers } from '../generated/graphql';
import { procedurePage } from './lists';
import { catalogChanges } from './changes';

export const queryResolvers: QueryResolvers = {
  procedure: (_, { code }, ctx) => (code.length <= 32 ? ctx.loaders.procedureByCode.load(code.trim()) : null),
  procedures: (_, args, ctx) => procedurePage(ctx, args, args.level ? { level: args.level } : {}),
  process: (_, { id }, ctx) => ctx.loaders.processById.load(id),
  catalogChanges: (_, args, ctx) => catalogChanges(ctx, args),
  overdueReviewOwners: async (_, args, ctx) => {
    requireSystemAdmin(ctx.caller, 'This feed of the audit service');
    return ctx.queries.overdueReviewOwners(args.on ?? ctx.today);
  },
  /** Off-contract: the notification worker's PROCESS_REVIEW_DUE reminders. */
  reviewsDueBy: async (_, args, ctx) => {
    requireSystemAdmin(ctx.caller, 'This feed of the notification service');
    if (!isIsoDate(args.until)) throw errors.badInput('until is not a date', 'until');
    const first = checkFirst(args.first);
    const after = args.after ? ctx.cursors.decode(args.after, 'review') : undefined;
    const { rows, total } = await ctx.queries.listReviews({
      dueBy: args.until,
      includeCleared: false,
      after: after ? { dueBy: String(after[0]), id: String(after[1]) } : undefined,
      limit: first + 1,
    });
    return toConnection(rows, first, total, (r) => ctx.cursors.encode('review', [r.dueBy, r.id]));
  },
  /** Off-contract: the audit service's nightly rankings. */
  reviewFigures: async (_, { from, to }, ctx) => {
    requireSystemAdmin(ctx.caller, 'This feed of the audit service');
    if (!isIsoDate(from)) throw errors.badInput('from is not a date', 'from');
    if (!isIsoDate(to)) throw errors.badInput('to is not a date', 'to');
    return ctx.queries.reviewFigures(from, to);
  },
};
