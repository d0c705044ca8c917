import { errors } from '@eiso/errors';
import type { ProcedureResolvers } from '../generated/graphql';
import { pairKey, type CatalogContext } from '../context';

export const procedureResolvers: ProcedureResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.procedureById.load(ref.id),

  legalBases: (procedure, _, ctx) => ctx.loaders.legalBasesByProcedure.load(procedure.id),

  targetDays: async (procedure, _, ctx) => {
    if (!procedure.contextUnitPath) return null;
    const target = await ctx.loaders.targetForUnit.load(pairKey(procedure.id, procedure.contextUnitPath));
    return target?.targetDays ?? null;
  },

  targetTime: async (procedure, { unitCode }, ctx) => {
    const unit = await unitByCode(ctx, unitCode);
    return (await ctx.loaders.targetForUnit.load(pairKey(procedure.id, unit.path)))?.targetDays ?? null;
  },

  process: async (procedure, { unitCode }, ctx) => {
    const unit = await unitByCode(ctx, unitCode);
    return ctx.loaders.processForUnit.load(pairKey(procedure.id, unit.path));
  },

  processVersions: async (procedure, { unitCode }, ctx) => {
    const unit = await unitByCode(ctx, unitCode);
    return ctx.loaders.versionsOfOwner.load(pairKey(procedure.id, unit.id));
  },
};

async function unitByCode(ctx: CatalogContext, code: string) {
  const unit = code.length <= 32 ? await ctx.loaders.unitByCode.load(code.trim()) : null;
  if (!unit) throw errors.badInput(`No unit with code "${code.slice(0, 40)}"`, 'unitCode');
  return unit;
}
