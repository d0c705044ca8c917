import type { OfficialEntity } from '../db/entities';
import type { OrgContext } from '../context';

export const officialResolvers = {
  __resolveReference: (ref: { id: string }, ctx: OrgContext) => ctx.loaders.officialById.load(ref.id),
  unit: (official: OfficialEntity, _: unknown, ctx: OrgContext) => ctx.loaders.unitById.load(official.unitId),
};
