import { canRead, requireOfficial, requireRead, requireSystemAdmin } from '@eiso/auth';
import { dateInVietnam, isIsoDate } from '@eiso/calendar';
import { errors } from '@eiso/errors';
import { checkFirst, scalarResolvers, toConnection } from '@eiso/graphql';
import * as actions from '../actions';
import { importDossiers } from '../import';
import type { DossierContext } from '../context';
import type { Resolvers } from '../generated/graphql';
import type { DossierRow } from '../db/rows';
import { nationalChannelCode, nationalStatusCode } from '../domain/lifecycle';
import { checkPin } from '../domain/codes';
import { applicantFor } from '../domain/personal-data';
import { timelinessOf, DUE_SOON_HOURS, type Timeliness } from '../domain/timeliness';

const dueSoonUntil = (ctx: DossierContext) => ctx.calendar.addWorkingHours(ctx.now(), DUE_SOON_HOURS);
const timeliness = (d: DossierRow, ctx: DossierContext): Timeliness =>
  timelinessOf(d, ctx.now(), dueSoonUntil(ctx));

export const dossierResolvers: Resolvers = {
  ...scalarResolvers,
  Query: {
    /** NOT_FOUND outside the caller's scope, as for a code that does not exist. */
    dossier: async (_, { code }, ctx) => {
      const caller = requireOfficial(ctx.caller);
      const dossier = code.length <= 64 ? await ctx.queries.dossierByCode(code.trim()) : null;
      if (!dossier || !canRead(caller, dossier.unitPath))
        throw errors.notFound(`No dossier "${code.slice(0, 64)}" in your scope`);
      return { ...dossier, singleView: true };
    },
    /** null for an unknown code and a wrong PIN alike; RATE_LIMITED while the code is locked. */
    dossierStatus: async (_, { code, pin }, ctx) => {
      if (code.trim().length > 64) return null;
      const dossier = await ctx.queries.dossierByCode(code.trim());
      const right = await ctx.pinLock.guard(code.trim(), ctx.now(), () => checkPin(pin, dossier));
      return right ? dossier : null;
    },
    /** Off-contract: the audit service's nightly rankings read every unit's figures at once. */
    unitFigures: async (_, { from, to }, ctx) => {
      requireSystemAdmin(ctx.caller, 'This feed of the audit service');
      if (!isIsoDate(from)) throw errors.badInput('from is not a date', 'from');
      if (!isIsoDate(to)) throw errors.badInput('to is not a date', 'to');
      if (from > to) throw errors.badInput('from is after to', 'to');
      return ctx.queries.unitFigures(from, to, ctx.now());
    },
  },
  Mutation: {
    receiveDossier: async (_, { input }, ctx) => ({ dossier: await actions.receiveDossier(ctx, input) }),
    completeStep: async (_, { input }, ctx) => ({ dossier: await actions.completeStep(ctx, input) }),
    requestSupplement: async (_, { input }, ctx) => ({
      dossier: await actions.requestSupplement(ctx, input),
    }),
    resumeDossier: async (_, { input }, ctx) => ({ dossier: await actions.resumeDossier(ctx, input) }),
    issueApology: async (_, { input }, ctx) => ({ dossier: await actions.issueApology(ctx, input) }),
    rejectDossier: async (_, { input }, ctx) => ({ dossier: await actions.endDossier(ctx, 'reject', input) }),
    withdrawDossier: async (_, { input }, ctx) => ({
      dossier: await actions.endDossier(ctx, 'withdraw', input),
    }),
    returnResult: async (_, { input }, ctx) => ({ dossier: await actions.returnResult(ctx, input) }),
    recordFeedback: async (_, { input }, ctx) => ({ dossier: await actions.recordFeedback(ctx, input) }),
    importDossiers: (_, { input }, ctx) => importDossiers(ctx, input.dossiers),
  },
  AdministrativeUnit: {
    __resolveReference: (ref) => ({ id: ref.id }),
    dossiers: async (ref, args, ctx) => {
      const first = checkFirst(args.first);
      const unit = await ctx.loaders.unitById.load(ref.id);
      if (!unit) return null;
      requireRead(ctx.caller, unit.path);
      const filter = args.filter ?? {};
      for (const field of ['receivedFrom', 'receivedTo'] as const) {
        if (filter[field] && !isIsoDate(filter[field]))
          throw errors.badInput(`${field} is not a date`, `filter.${field}`);
      }
      const after = args.after ? ctx.cursors.decode(args.after, 'dossier') : undefined;
      const procedure = filter.procedureCode
        ? await ctx.queries.procedureByCode(String(filter.procedureCode).slice(0, 32))
        : null;
      if (filter.procedureCode && !procedure)
        throw errors.badInput(
          `No procedure with code "${String(filter.procedureCode).slice(0, 40)}"`,
          'filter.procedureCode',
        );
      const { rows, total } = await ctx.queries.listDossiers({
        ...(filter.includeDescendants ? { pathPrefix: unit.path } : { unitId: unit.id }),
        statuses: filter.status ?? undefined,
        procedureId: procedure?.id,
        receivedFrom: filter.receivedFrom ?? undefined,
        receivedTo: filter.receivedTo ?? undefined,
        timeliness: filter.timeliness?.length
          ? { values: filter.timeliness, now: ctx.now(), soon: dueSoonUntil(ctx) }
          : undefined,
        after: after ? { receivedAt: String(after[0]), id: String(after[1]) } : undefined,
        limit: first + 1,
        today: dateInVietnam(ctx.now()),
      });
      for (const row of rows) ctx.loaders.dossierById.prime(row.id, row);
      return toConnection(rows, first, total, (d) =>
        ctx.cursors.encode('dossier', [new Date(d.receivedAt).toISOString(), d.id]),
      );
    },
    dossierStats: async (ref, args, ctx) => {
      const unit = await ctx.loaders.unitById.load(ref.id);
      if (!unit) return null;
      requireRead(ctx.caller, unit.path);
      if (args.from > args.to) throw errors.badInput('from is after to', 'to');
      const s = await ctx.queries.stats(
        args.includeDescendants ? { pathPrefix: unit.path } : { unitId: unit.id },
        args.from,
        args.to,
        ctx.now(),
      );
      const rate = (part: number, whole: number) =>
        whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
      return {
        received: s.received,
        resolved: s.resolved,
        early: s.early,
        onTime: s.onTime,
        late: s.late,
        open: s.open,
        overdue: s.overdue,
        onTimeRate: rate(s.early + s.onTime, s.resolved),
        onlineRate: rate(s.receivedOnline, s.received),
        avgProcessingWorkingDays:
          s.resolved > 0 ? Math.round((s.processingHours / 8 / s.resolved) * 100) / 100 : null,
        satisfactionRate: rate(s.satisfied, s.rated),
      };
    },
  },
  Official: {
    __resolveReference: (ref) => ({ id: ref.id }),
    /** An official's own queue; others' only for national readers. */
    workQueue: async (ref, args, ctx) => {
      const first = checkFirst(args.first);
      const caller = requireOfficial(ctx.caller);
      if (caller.officialId !== ref.id && !caller.roles.includes('SYSTEM_ADMIN'))
        throw errors.forbidden("A work queue is its official's own");
      const after = args.after ? ctx.cursors.decode(args.after, 'queue') : undefined;
      const { rows, total } = await ctx.queries.workQueue(
        ref.id,
        after ? { dueAt: String(after[0]), id: String(after[1]) } : undefined,
        first + 1,
      );
      return toConnection(rows, first, total, (d) =>
        ctx.cursors.encode('queue', [new Date(d.dueAt).toISOString(), d.id]),
      );
    },
  },
  Dossier: {
    __resolveReference: (ref, ctx) => ctx.loaders.dossierById.load(ref.id),
    timeliness: (d, _, ctx) => timeliness(d, ctx),
    trackingPin: (d) => d.trackingPin ?? null,
    applicant: (d, _, ctx) =>
      applicantFor(
        ctx.caller,
        d,
        {
          name: d.applicantName,
          idNumber: d.applicantIdNumber,
          phone: d.applicantPhone,
          email: d.applicantEmail,
        },
        d.singleView === true,
      ),
    procedure: (d) => ({ id: d.procedureId }),
    unit: (d) => ({ id: d.unitId }),
    steps: (d, _, ctx) => ctx.loaders.stepsByDossier.load(d.id),
    currentStep: async (d, _, ctx) =>
      d.currentStep === null
        ? null
        : ((await ctx.loaders.stepsByDossier.load(d.id)).find((s) => s.order === d.currentStep) ?? null),
    pauses: (d, _, ctx) => ctx.loaders.pausesByDossier.load(d.id),
    apologies: (d, _, ctx) => ctx.loaders.apologiesByDossier.load(d.id),
    feedback: (d) =>
      d.feedbackRating === null ? null : { rating: d.feedbackRating, comment: d.feedbackComment },
    nationalStatusCode: (d) => nationalStatusCode(d.status),
    nationalChannelCode: (d) => nationalChannelCode(d.channel),
  },
  PublicDossier: {
    timeliness: (d, _, ctx) => timeliness(d, ctx),
    procedure: (d) => ({ id: d.procedureId }),
    unit: (d) => ({ id: d.unitId }),
  },
  DossierStep: {
    assignee: (s) => (s.assigneeId ? { id: s.assigneeId } : null),
  },
};
