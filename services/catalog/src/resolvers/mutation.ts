import type { MutationResolvers } from '../generated/graphql';
import * as actions from '../actions';

export const mutationResolvers: MutationResolvers = {
  draftProcess: async (_, { input }, ctx) => ({ process: await actions.draftProcess(ctx, input) }),
  approveProcess: async (_, { input }, ctx) => ({ process: await actions.approveProcess(ctx, input) }),
  registerLegalChange: async (_, { input }, ctx) => {
    const result = await actions.registerLegalChange(ctx, input);
    return {
      legalDocument: result.document,
      affectedProcedures: result.procedures,
      reviewDueBy: result.dueBy,
      processesToReview: result.reviewsOpened,
    };
  },
  publishTargetTime: (_, { input }, ctx) => actions.publishTargetTime(ctx, input),
};
