import { scalarResolvers } from '@eiso/graphql';
import { JSONResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/graphql';
import { queryResolvers } from './query';
import { mutationResolvers } from './mutation';
import { unitResolvers } from './unit';
import { procedureResolvers } from './procedure';
import { processResolvers, processReviewResolvers } from './process';

export const catalogResolvers: Resolvers = {
  ...scalarResolvers,
  JSON: JSONResolver,
  Query: queryResolvers,
  Mutation: mutationResolvers,
  AdministrativeUnit: unitResolvers,
  Procedure: procedureResolvers,
  Process: processResolvers,
  ProcessReview: processReviewResolvers,
  TargetTime: {
    procedure: async (target, _, ctx) => (await ctx.loaders.procedureById.load(target.procedureId))!,
    owner: (target) => ({ id: target.ownerUnitId }),
  },
};
