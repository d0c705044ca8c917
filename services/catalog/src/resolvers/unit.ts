import { requireRead } from '@eiso/auth';
import { checkFirst, toConnection } from '@eiso/graphql';
import type { AdministrativeUnitResolvers } from '../generated/graphql';
import { handledBy } from '../domain/handling';
import { procedurePage } from './lists';

export const unitResolvers: AdministrativeUnitResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),

  /** What the unit handles at its level; null for a unit the catalog's directory does not know. */
  procedures: async (ref, args, ctx) => {
    const unit = await ctx.loaders.unitById.load(ref.id);
    if (!unit) return null;
    const filter = handledBy(unit);
    if (!filter) return toConnection([], checkFirst(args.first), 0, () => '');
    return procedurePage(ctx, args, filter, unit.path);
  },

  processReviews: async (ref, args, ctx) => {
    const first = checkFirst(args.first);
    const unit = await ctx.loaders.unitById.load(ref.id);
    if (!unit) return null;
    requireRead(ctx.caller, unit.path);
    const after = args.after ? ctx.cursors.decode(args.after, 'review') : undefined;
    const { rows, total } = await ctx.queries.listReviews({
      ...(args.includeDescendants ? { pathPrefix: unit.path } : { ownerUnitId: unit.id }),
      overdueBefore: args.overdueOnly ? ctx.today : undefined,
      includeCleared: args.includeCleared ?? false,
      after: after ? { dueBy: String(after[0]), id: String(after[1]) } : undefined,
      limit: first + 1,
    });
    return toConnection(rows, first, total, (r) => ctx.cursors.encode('review', [r.dueBy, r.id]));
  },
};
