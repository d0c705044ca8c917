import { requireOfficial, requireRead } from '@eiso/auth';
import { checkFirst, scalarResolvers, toConnection } from '@eiso/graphql';
import { errors } from '@eiso/errors';
import * as actions from '../actions';
import {
  ACTION_COLUMNS,
  AUDIT_COLUMNS,
  NONCONFORMITY_COLUMNS,
  type ActionRow,
  type AuditRow,
  type FindingRow,
  type NonconformityRow,
} from '../actions';
import type { AuditContext } from '../context';
import { isMandatoryAdopter } from '../domain/compliance';
import type { ComplianceReportData } from '../domain/report';
import { markComplianceStale, refreshCompliance } from '../jobs/compliance';
import { riskLevel } from '../domain/risk';
import { reminderQueries } from './reminders';

type Ref = { id: string };
const yearRange = (year: number) => {
  if (!Number.isInteger(year) || year < 2000 || year > 2100)
    throw errors.badInput('year is from 2000 to 2100', 'year');
  return [`${year}-01-01`, `${year}-12-31`];
};

async function readableUnit(ctx: AuditContext, ref: Ref) {
  const unit = await ctx.loaders.unitById.load(ref.id);
  if (!unit) return null;
  requireRead(ctx.caller, unit.path);
  return unit;
}

/** Every change to a QMS record makes this year's snapshot stale; the worker refreshes it within seconds. */
function changes<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    const result = await fn(...args);
    const ctx = args[2] as AuditContext;
    await markComplianceStale(ctx.db, Number(ctx.today.slice(0, 4)));
    return result;
  };
}

export const auditResolvers = {
  ...scalarResolvers,
  Query: {
    ...reminderQueries,
    /** The year's snapshot; the first request of a year gathers it (the worker keeps it fresh after). */
    complianceReport: async (_: unknown, { year }: { year: number }, ctx: AuditContext) => {
      const caller = requireOfficial(ctx.caller);
      if (!caller.roles.some((r) => r === 'MINISTRY_VIEWER' || r === 'SYSTEM_ADMIN')) {
        throw errors.forbidden('The national report is for the ministry (MINISTRY_VIEWER, SYSTEM_ADMIN)');
      }
      yearRange(year);
      const [row] = await ctx.db.query(`SELECT report FROM compliance_snapshot WHERE year = $1`, [year]);
      const report: ComplianceReportData =
        row?.report ?? (await refreshCompliance(ctx.db, year, ctx.compliance));
      return {
        ...report,
        provinces: report.provinces.map((p) => ({ ...p, unit: { id: p.unitId } })),
        ministries: report.ministries.map((m) => ({ ...m, unit: { id: m.unitId } })),
      };
    },
    /** The nightly ranking (issue 7 computes them); null before the first. */
    rankings: async (
      _: unknown,
      args: { level: string; parentCode?: string | null; date?: string | null },
      ctx: AuditContext,
    ) => {
      // Not in the contract's public surface: a ranking is for signed-in officials (any unit's:
      // it compares units, published alike to all of them).
      requireOfficial(ctx.caller);
      const [row] = await ctx.db.query(
        `SELECT day, computed_at AS "computedAt", entries FROM ranking
         WHERE level = $1 AND parent_code = $2 AND ($3::date IS NULL OR day = $3) ORDER BY day DESC LIMIT 1`,
        [args.level, args.parentCode ?? '', args.date ?? null],
      );
      if (!row) return null;
      return {
        date: row.day,
        computedAt: row.computedAt,
        entries: (row.entries as { unitId: string }[]).map((e) => ({ ...e, unit: { id: e.unitId } })),
      };
    },
  },
  Mutation: {
    announceQms: changes(
      async (
        _: unknown,
        { input }: { input: Parameters<typeof actions.announceQms>[1] },
        ctx: AuditContext,
      ) => ({
        unit: { id: (await actions.announceQms(ctx, input)).id },
      }),
    ),
    planInternalAudit: changes(
      async (
        _: unknown,
        { input }: { input: Parameters<typeof actions.planInternalAudit>[1] },
        ctx: AuditContext,
      ) => ({
        audit: await actions.planInternalAudit(ctx, input),
      }),
    ),
    recordAuditFinding: changes(
      async (
        _: unknown,
        { input }: { input: Parameters<typeof actions.recordAuditFinding>[1] },
        ctx: AuditContext,
      ) => ({
        finding: await actions.recordAuditFinding(ctx, input),
      }),
    ),
    addCorrectiveAction: changes(
      async (
        _: unknown,
        { input }: { input: Parameters<typeof actions.addCorrectiveAction>[1] },
        ctx: AuditContext,
      ) => ({
        action: await actions.addCorrectiveAction(ctx, input),
      }),
    ),
    completeCorrectiveAction: changes(
      async (
        _: unknown,
        { input }: { input: Parameters<typeof actions.completeCorrectiveAction>[1] },
        ctx: AuditContext,
      ) => ({
        action: await actions.completeCorrectiveAction(ctx, input),
      }),
    ),
    openNonconformity: changes(
      async (
        _: unknown,
        { input }: { input: Parameters<typeof actions.openNonconformity>[1] },
        ctx: AuditContext,
      ) => ({
        nonconformity: await actions.openNonconformity(ctx, input),
      }),
    ),
    recordRisk: async (
      _: unknown,
      { input }: { input: Parameters<typeof actions.recordRisk>[1] },
      ctx: AuditContext,
    ) => {
      const risk = await actions.recordRisk(ctx, input);
      return {
        risk: {
          ...risk,
          level: riskLevel(risk.likelihood, risk.impact),
          owner: risk.ownerId ? { id: risk.ownerId } : null,
        },
      };
    },
    completeInternalAudit: changes(
      async (
        _: unknown,
        { input }: { input: Parameters<typeof actions.completeInternalAudit>[1] },
        ctx: AuditContext,
      ) => ({
        audit: await actions.completeInternalAudit(ctx, input),
      }),
    ),
    recordManagementReview: changes(
      async (
        _: unknown,
        { input }: { input: Parameters<typeof actions.recordManagementReview>[1] },
        ctx: AuditContext,
      ) => ({
        review: await actions.recordManagementReview(ctx, input),
      }),
    ),
  },
  AdministrativeUnit: {
    __resolveReference: (ref: Ref) => ({ id: ref.id }),
    /** The QMS record is public: announcements are posted at the office and on its website. */
    qms: async (ref: Ref, _: unknown, ctx: AuditContext) => {
      const unit = await ctx.loaders.unitById.load(ref.id);
      if (!unit) return null;
      const [row] = await ctx.db.query(
        `SELECT status, standard, announced_on AS "announcedAt", decision_number AS "decisionNumber" FROM qms WHERE unit_id = $1`,
        [unit.id],
      );
      return {
        status: 'NOT_STARTED',
        standard: null,
        announcedAt: null,
        decisionNumber: null,
        ...row,
        mandatory: isMandatoryAdopter(unit),
      };
    },
    internalAudits: async (ref: Ref, { year }: { year: number }, ctx: AuditContext) => {
      const unit = await readableUnit(ctx, ref);
      if (!unit) return null;
      const [from, to] = yearRange(year);
      return ctx.db.query(
        `SELECT ${AUDIT_COLUMNS} FROM internal_audit WHERE unit_id = $1 AND planned_for BETWEEN $2 AND $3 ORDER BY planned_for`,
        [unit.id, from, to],
      );
    },
    managementReviews: async (ref: Ref, { year }: { year: number }, ctx: AuditContext) => {
      const unit = await readableUnit(ctx, ref);
      if (!unit) return null;
      const [from, to] = yearRange(year);
      return ctx.db.query(
        `SELECT id, unit_id AS "unitId", held_on AS "heldOn", inputs, decisions FROM management_review
         WHERE unit_id = $1 AND held_on BETWEEN $2 AND $3 ORDER BY held_on`,
        [unit.id, from, to],
      );
    },
    nonconformities: async (
      ref: Ref,
      args: { status?: string | null; first: number; after?: string | null },
      ctx: AuditContext,
    ) => {
      const first = checkFirst(args.first);
      const unit = await readableUnit(ctx, ref);
      if (!unit) return null;
      const after = args.after ? ctx.cursors.decode(args.after, 'nonconformity') : null;
      const params: unknown[] = [unit.id, args.status ?? null];
      const filter = `unit_id = $1 AND ($2::text IS NULL OR status = $2)`;
      const [{ total }] = await ctx.db.query(
        `SELECT count(*)::int AS total FROM nonconformity WHERE ${filter}`,
        params,
      );
      const keyset = after ? `AND (opened_at, id) < ($3::timestamptz, $4::uuid)` : '';
      const rows: NonconformityRow[] = await ctx.db.query(
        `SELECT ${NONCONFORMITY_COLUMNS} FROM nonconformity WHERE ${filter} ${keyset}
         ORDER BY opened_at DESC, id DESC LIMIT ${first + 1}`,
        after ? [...params, String(after[0]), String(after[1])] : params,
      );
      return toConnection(rows, first, total, (n) =>
        ctx.cursors.encode('nonconformity', [new Date(n.openedAt).toISOString(), n.id]),
      );
    },
    risks: async (ref: Ref, _: unknown, ctx: AuditContext) => {
      const unit = await readableUnit(ctx, ref);
      if (!unit) return null;
      const rows: actions.RiskRow[] = await ctx.db.query(
        `SELECT id, description, likelihood, impact, treatment, owner_id AS "ownerId" FROM risk WHERE unit_id = $1 ORDER BY likelihood * impact DESC, id`,
        [unit.id],
      );
      return rows.map((r) => ({
        ...r,
        level: riskLevel(r.likelihood, r.impact),
        owner: r.ownerId ? { id: r.ownerId } : null,
      }));
    },
    qualityObjectives: async (ref: Ref, { year }: { year: number }, ctx: AuditContext) => {
      const unit = await readableUnit(ctx, ref);
      if (!unit) return null;
      yearRange(year);
      const rows: {
        id: string;
        name: string;
        metric: string;
        target: number;
        actual: number | null;
        measuredAt: Date | null;
      }[] = await ctx.db.query(
        `SELECT id, name, metric, target::float8 AS target, actual::float8 AS actual, measured_at AS "measuredAt"
           FROM quality_objective WHERE unit_id = $1 AND year = $2 ORDER BY metric`,
        [unit.id, year],
      );
      return rows.map((o) => ({ ...o, achieved: o.actual === null ? null : o.actual >= o.target }));
    },
  },
  InternalAudit: {
    unit: (a: AuditRow) => ({ id: a.unitId }),
    auditors: (a: AuditRow) => a.auditorIds.map((id) => ({ id })),
    findings: (a: AuditRow, _: unknown, ctx: AuditContext) =>
      ctx.db.query(
        `SELECT id, kind, clause, description, nonconformity_id AS "nonconformityId" FROM finding WHERE audit_id = $1 ORDER BY created_at`,
        [a.id],
      ),
  },
  Finding: {
    nonconformity: async (f: FindingRow, _: unknown, ctx: AuditContext) =>
      f.nonconformityId
        ? (
            await ctx.db.query(`SELECT ${NONCONFORMITY_COLUMNS} FROM nonconformity WHERE id = $1`, [
              f.nonconformityId,
            ])
          )[0]
        : null,
  },
  Nonconformity: {
    unit: (n: NonconformityRow) => ({ id: n.unitId }),
    dossier: (n: NonconformityRow) => (n.dossierId ? { id: n.dossierId } : null),
    correctiveActions: (n: NonconformityRow, _: unknown, ctx: AuditContext) =>
      ctx.db.query(
        `SELECT ${ACTION_COLUMNS} FROM corrective_action WHERE nonconformity_id = $1 ORDER BY sequence`,
        [n.id],
      ),
  },
  CorrectiveAction: {
    owner: (a: ActionRow) => ({ id: a.ownerId }),
    nonconformity: async (a: ActionRow, _: unknown, ctx: AuditContext) =>
      (
        await ctx.db.query(`SELECT ${NONCONFORMITY_COLUMNS} FROM nonconformity WHERE id = $1`, [
          a.nonconformityId,
        ])
      )[0],
  },
  ManagementReview: {
    unit: (r: { unitId: string }) => ({ id: r.unitId }),
  },
};
