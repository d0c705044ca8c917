import type { Role } from '@eiso/auth';
import type { OfficialResolvers } from '../generated/graphql';

export const officialResolvers: OfficialResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.officialById.load(ref.id),
  unit: (official, _, ctx) => ctx.loaders.unitById.load(official.unitId),
  roles: (official) => official.roles as Role[],
};
