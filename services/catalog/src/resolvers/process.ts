import type { ProcessResolvers, ProcessReviewResolvers } from '../generated/graphql';
import { pairKey } from '../context';
import { statusOn } from '../domain/process';

export const processResolvers: ProcessResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.processById.load(ref.id),

  status: async (process, _, ctx) => {
    if (!process.approved) return 'DRAFT';
    const inForce = await ctx.loaders.processOfOwner.load(pairKey(process.procedureId, process.ownerPath));
    return statusOn(process, inForce?.id ?? null, ctx.today);
  },
  approvedBy: (process) => (process.approvedBy ? { id: process.approvedBy } : null),
  procedure: async (process, _, ctx) => (await ctx.loaders.procedureById.load(process.procedureId))!,
  owner: (process) => ({ id: process.ownerUnitId }),
  stepsJson: (process) => process.steps,
  reviewDueBy: (process, _, ctx) =>
    ctx.loaders.reviewDueBy.load(pairKey(process.procedureId, process.ownerUnitId)),
};

export const processReviewResolvers: ProcessReviewResolvers = {
  procedure: async (review, _, ctx) => (await ctx.loaders.procedureById.load(review.procedureId))!,
  owner: (review) => ({ id: review.ownerUnitId }),
  legalDocument: async (review, _, ctx) =>
    (await ctx.loaders.legalDocumentById.load(review.legalDocumentId))!,
  overdue: (review, _, ctx) => review.clearedAt === null && review.dueBy < ctx.today,
  process: (review, _, ctx) => ctx.loaders.processOfOwner.load(pairKey(review.procedureId, review.ownerPath)),
};
