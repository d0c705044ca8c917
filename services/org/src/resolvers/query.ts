import type { Role } from '@eiso/auth';
import { errors } from '@eiso/errors';
import { checkFirst } from '@eiso/graphql';
import { requireOfficial, requireRead, requireSystemAdmin } from '@eiso/auth';
import { isUnitCode, UNIT_LEVELS } from '../domain/unit';
import { todayInVietnam } from '@eiso/calendar';
import type { OrgContext } from '../context';
import { unitConnection } from './connections';
import type { QueryResolvers } from '../generated/graphql';

export const queryResolvers: QueryResolvers = {
  /** Public: the unit tree is the public face of the administration. Unknown codes give null. */
  unit: (_, { code }, ctx) => (isUnitCode(code) ? ctx.loaders.unitByCode.load(code) : null),

  units: async (_, args, ctx) => {
    const first = checkFirst(args.first);
    if (!UNIT_LEVELS.includes(args.level)) throw errors.badInput('unknown level', 'level');
    const afterCode = args.after ? String(ctx.cursors.decode(args.after, 'unit')[0]) : undefined;
    const under = args.underCode ? await findUnder(args.underCode, ctx) : undefined;
    const { rows, total } = await ctx.queries.listUnits({
      level: args.level,
      under,
      afterCode,
      limit: first + 1,
      includeAgencies: args.includeAgencies ?? false,
      includeDissolved: args.includeDissolved ?? false,
      today: todayInVietnam(),
    });
    return unitConnection(rows, first, total, ctx, 'unit');
  },

  officialDirectory: async (_, args, ctx) => {
    requireSystemAdmin(ctx.caller, 'The official directory');
    if (!Number.isInteger(args.first) || args.first < 1 || args.first > 5000) {
      throw errors.badInput('"first" must be an integer from 1 to 5000', 'first');
    }
    const after = args.after ? String(ctx.cursors.decode(args.after, 'official-directory')[0]) : undefined;
    const rows = await ctx.queries.officialDirectory(after, args.first + 1);
    const entries = rows.slice(0, args.first);
    const next =
      rows.length > args.first
        ? ctx.cursors.encode('official-directory', [entries[entries.length - 1].username])
        : null;
    return { entries: entries.map((e) => ({ ...e, roles: e.roles as Role[] })), next };
  },

  me: async (_, __, ctx) => {
    const caller = requireOfficial(ctx.caller);
    return ctx.loaders.officialById.load(caller.officialId);
  },

  /** An official of a unit in the caller's scope; others are NOT_FOUND, so names do not leak. */
  official: async (_, { username }, ctx) => {
    requireOfficial(ctx.caller);
    const official = username.length <= 64 ? await ctx.queries.officialByUsername(username) : null;
    const unit = official ? await ctx.loaders.unitById.load(official.unitId) : null;
    if (!official || !unit) throw errors.notFound(`No official "${username.slice(0, 64)}" in your scope`);
    try {
      requireRead(ctx.caller, unit.path);
    } catch {
      throw errors.notFound(`No official "${username.slice(0, 64)}" in your scope`);
    }
    return official;
  },
};

async function findUnder(code: string, ctx: OrgContext) {
  const unit = isUnitCode(code) ? await ctx.loaders.unitByCode.load(code) : null;
  if (!unit) throw errors.badInput(`No unit with code "${code.slice(0, 40)}"`, 'underCode');
  return unit;
}
