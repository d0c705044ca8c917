import { requireRead } from '@eiso/auth';
import { checkFirst, toConnection } from '@eiso/graphql';
import type { AdministrativeUnitEntity } from '../db/entities';
import { ancestorCodes } from '../domain/unit';
import type { OrgContext } from '../context';
import { unitConnection } from './connections';
import type { AdministrativeUnitResolvers } from '../generated/graphql';

type Unit = AdministrativeUnitEntity;

export const unitResolvers: AdministrativeUnitResolvers = {
  /** Other subgraphs hand over `{ id }`; the loader turns a page of them into one statement. */
  __resolveReference: (ref, ctx) => ctx.loaders.unitById.load(ref.id),

  parent: (unit, _, ctx) => (unit.parentId ? ctx.loaders.unitById.load(unit.parentId) : null),

  ancestors: async (unit, _, ctx) => {
    const found = await ctx.loaders.unitByCode.loadMany(ancestorCodes(unit.path));
    return found.filter((u): u is Unit => u !== null && !(u instanceof Error));
  },

  children: async (unit, args, ctx) => {
    const first = checkFirst(args.first);
    const afterCode = args.after ? String(ctx.cursors.decode(args.after, 'child')[0]) : undefined;
    const { rows, total } = await ctx.queries.listChildren(unit.id, afterCode, first + 1);
    return unitConnection(rows, first, total, ctx, 'child');
  },

  successors: (unit, _, ctx) => linkedUnits(unit, ctx, 'successor'),
  predecessors: (unit, _, ctx) => linkedUnits(unit, ctx, 'predecessor'),

  /** Officials are listed only to officials whose scope covers the unit (FORBIDDEN to others). */
  officials: async (unit, args, ctx) => {
    const first = checkFirst(args.first);
    requireRead(ctx.caller, unit.path);
    const afterUsername = args.after ? String(ctx.cursors.decode(args.after, 'official')[0]) : undefined;
    const { rows, total } = await ctx.queries.listOfficials(unit.id, afterUsername, first + 1);
    return toConnection(rows, first, total, (o) => ctx.cursors.encode('official', [o.username]));
  },
};

async function linkedUnits(unit: Unit, ctx: OrgContext, side: 'successor' | 'predecessor'): Promise<Unit[]> {
  const links = await ctx.loaders.successionsByUnit.load(unit.id);
  const ids = links
    .filter((link) => (side === 'successor' ? link.row.predecessorId : link.row.successorId) === unit.id)
    .map((link) => (side === 'successor' ? link.row.successorId : link.row.predecessorId));
  const units = await ctx.loaders.unitById.loadMany(ids);
  return units.filter((u): u is Unit => u !== null && !(u instanceof Error));
}
