/**
 * The QMS records a unit keeps (ISO 9001:2015 clauses 9.2, 9.3, 10.2): its announcement, internal
 * audits and their findings, nonconformities and corrective actions, management reviews. Who may,
 * what is valid, then one transaction each.
 */
import { canAct, canRead, requireOfficial, type OfficialCaller, type Role } from '@eiso/auth';
import { isIsoDate } from '@eiso/calendar';
import type { DirectoryUnit } from '@eiso/directory';
import { errors } from '@eiso/errors';
import type { EntityManager } from 'typeorm';
import { appendEvents } from '@eiso/outbox';
import type { AuditContext } from './context';
import { nonconformityEvent, qmsAnnounced } from './jobs/events';

import { isIsoClause, ISO_9001_2015_CLAUSES } from './domain/clauses';
import {
  nonconformityStatus,
  opensNonconformity,
  type ActionState,
  type FindingKind,
} from './domain/nonconformity';

/** A risk register row as the resolvers return it. */
export interface RiskRow {
  id: string;
  description: string;
  likelihood: number;
  impact: number;
  treatment: string | null;
  ownerId: string | null;
}

export async function announceQms(
  ctx: AuditContext,
  input: { unitCode: string; standard: string; decisionNumber: string; announcedOn: string },
): Promise<DirectoryUnit> {
  const caller = requireOfficial(ctx.caller);
  const unit = await findUnit(ctx, input.unitCode);
  requireRole(caller, unit, ['LEADER', 'ISO_SECRETARY'], 'announce its QMS');
  const decision = text(input.decisionNumber, 'decisionNumber', 64);
  const announcedOn = pastDate(ctx, input.announcedOn, 'announcedOn');
  await ctx.db.transaction(async (m) => {
    await m.query(
      `INSERT INTO qms (unit_id, unit_path, status, standard, decision_number, announced_on, updated_at)
       VALUES ($1, $2, 'ANNOUNCED', $3, $4, $5, now())
       ON CONFLICT (unit_id) DO UPDATE SET status = 'ANNOUNCED', standard = excluded.standard,
         decision_number = excluded.decision_number, announced_on = excluded.announced_on, updated_at = now()`,
      [unit.id, unit.path, input.standard, decision, announcedOn],
    );
    // Every announcement (a new decision too) is an event, written with the change (outbox).
    await appendEvents(m, [
      qmsAnnounced(unit, { standard: input.standard, decisionNumber: decision, announcedOn }),
    ]);
  });
  return unit;
}

export async function planInternalAudit(
  ctx: AuditContext,
  input: { unitCode: string; plannedFor: string; scope: string; auditorUsernames: string[] },
) {
  const caller = requireOfficial(ctx.caller);
  const unit = await findUnit(ctx, input.unitCode);
  // A province's AUDITOR audits the units of their province; a unit plans its own audits.
  requireRole(caller, unit, ['LEADER', 'ISO_SECRETARY', 'AUDITOR'], 'plan its internal audits');
  if (!isIsoDate(input.plannedFor)) throw errors.badInput('plannedFor is not a calendar date', 'plannedFor');
  const scope = text(input.scope, 'scope', 1000);
  const usernames = [...new Set(input.auditorUsernames.map((u) => u.trim()))];
  if (usernames.length === 0) throw errors.badInput('Name at least one auditor', 'auditorUsernames');
  const auditors = await ctx.officials.byUsernames(usernames);
  const unknown = usernames.filter((u) => !auditors.some((a) => a.username === u));
  if (unknown.length)
    throw errors.badInput(`Unknown officials: ${unknown.slice(0, 5).join(', ')}`, 'auditorUsernames');
  const [audit] = await ctx.db.query(
    `INSERT INTO internal_audit (unit_id, unit_path, planned_for, scope, auditor_ids, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${AUDIT_COLUMNS}`,
    [unit.id, unit.path, input.plannedFor, scope, auditors.map((a) => a.id), caller.officialId],
  );
  return audit as AuditRow;
}

export async function recordAuditFinding(
  ctx: AuditContext,
  input: { auditId: string; kind: FindingKind; clause: string; description: string },
) {
  const caller = requireOfficial(ctx.caller);
  const audit = await auditById(ctx, input.auditId);
  const isAuditor = audit.auditorIds.includes(caller.officialId);
  if (!isAuditor && !canAct(caller, audit.unitPath, ['ISO_SECRETARY', 'AUDITOR'])) {
    throw errors.forbidden(
      "Only the audit's auditors, or an ISO_SECRETARY or AUDITOR over the unit, record its findings",
    );
  }
  if (audit.status === 'CANCELLED' || audit.status === 'COMPLETED') {
    throw errors.invalidTransition(`The audit is ${audit.status}: no more findings`);
  }
  const clause = input.clause.trim();
  if (!isIsoClause(clause))
    throw errors.badInput(`${clause.slice(0, 12)} is not a clause of ISO 9001:2015 (4.1 … 10.3)`, 'clause');
  const description = text(input.description, 'description', 4000);
  return ctx.db.transaction(async (m) => {
    let nonconformityId: string | null = null;
    if (opensNonconformity(input.kind)) {
      const [nc] = await m.query(
        `INSERT INTO nonconformity (unit_id, unit_path, source, description)
         VALUES ($1, $2, 'INTERNAL_AUDIT', $3) RETURNING id`,
        [
          audit.unitId,
          audit.unitPath,
          `${clause} ${ISO_9001_2015_CLAUSES[clause.split('.').slice(0, 2).join('.')]}: ${description}`,
        ],
      );
      nonconformityId = nc.id;
      await appendEvents(m, [
        nonconformityEvent('nonconformity.opened', {
          id: nc.id,
          unitPath: audit.unitPath,
          source: 'INTERNAL_AUDIT',
        }),
      ]);
    }
    await m.query(`UPDATE internal_audit SET status = 'IN_PROGRESS' WHERE id = $1 AND status = 'PLANNED'`, [
      audit.id,
    ]);
    const [finding] = await m.query(
      `INSERT INTO finding (audit_id, kind, clause, description, nonconformity_id) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, kind, clause, description, nonconformity_id AS "nonconformityId"`,
      [audit.id, input.kind, clause, description, nonconformityId],
    );
    return finding as FindingRow;
  });
}

export async function completeInternalAudit(
  ctx: AuditContext,
  input: { auditId: string; completedOn: string },
) {
  const caller = requireOfficial(ctx.caller);
  const audit = await auditById(ctx, input.auditId);
  if (
    !audit.auditorIds.includes(caller.officialId) &&
    !canAct(caller, audit.unitPath, ['ISO_SECRETARY', 'AUDITOR'])
  ) {
    throw errors.forbidden(
      "Only the audit's auditors, or an ISO_SECRETARY or AUDITOR over the unit, complete it",
    );
  }
  if (audit.status === 'COMPLETED' || audit.status === 'CANCELLED')
    throw errors.invalidTransition(`The audit is already ${audit.status}`);
  const completedOn = pastDate(ctx, input.completedOn, 'completedOn');
  if (completedOn < audit.plannedFor)
    throw errors.badInput('completedOn is before the audit was planned for', 'completedOn');
  const [[done]] = await ctx.db.query(
    `UPDATE internal_audit SET status = 'COMPLETED', completed_on = $2 WHERE id = $1 AND status IN ('PLANNED','IN_PROGRESS')
     RETURNING ${AUDIT_COLUMNS}`,
    [audit.id, completedOn],
  );
  if (!done) throw errors.conflict('The audit changed meanwhile');
  return done as AuditRow;
}

export async function openNonconformity(
  ctx: AuditContext,
  input: { unitCode: string; source: string; description: string },
): Promise<NonconformityRow> {
  const caller = requireOfficial(ctx.caller);
  const unit = await findUnit(ctx, input.unitCode);
  requireRole(caller, unit, ['LEADER', 'ISO_SECRETARY', 'AUDITOR'], 'record its nonconformities');
  if (!['EXTERNAL_INSPECTION', 'COMPLAINT', 'MANAGEMENT_REVIEW', 'OTHER'].includes(input.source)) {
    throw errors.badInput(
      `${input.source} nonconformities are opened by their own records (audit findings, late dossiers)`,
      'source',
    );
  }
  const description = text(input.description, 'description', 4000);
  return ctx.db.transaction(async (m) => {
    const [nc]: NonconformityRow[] = await m.query(
      `INSERT INTO nonconformity (unit_id, unit_path, source, description) VALUES ($1, $2, $3, $4) RETURNING ${NONCONFORMITY_COLUMNS}`,
      [unit.id, unit.path, input.source, description],
    );
    await appendEvents(m, [nonconformityEvent('nonconformity.opened', nc)]);
    return nc;
  });
}

export async function recordRisk(
  ctx: AuditContext,
  input: {
    unitCode: string;
    description: string;
    likelihood: number;
    impact: number;
    treatment?: string | null;
    ownerUsername?: string | null;
  },
) {
  const caller = requireOfficial(ctx.caller);
  const unit = await findUnit(ctx, input.unitCode);
  requireRole(caller, unit, ['LEADER', 'ISO_SECRETARY'], 'keep its register of risks');
  for (const field of ['likelihood', 'impact'] as const) {
    if (!Number.isInteger(input[field]) || input[field] < 1 || input[field] > 5)
      throw errors.badInput(`${field} is from 1 to 5`, field);
  }
  let ownerId: string | null = null;
  if (input.ownerUsername) {
    const [owner] = await ctx.officials.byUsernames([input.ownerUsername.trim()]);
    if (!owner || (!owner.unitPath.startsWith(unit.path) && !unit.path.startsWith(owner.unitPath))) {
      throw errors.badInput(
        'ownerUsername is not an official of the unit or a unit above or below it',
        'ownerUsername',
      );
    }
    ownerId = owner.id;
  }
  const [risk] = await ctx.db.query(
    `INSERT INTO risk (unit_id, description, likelihood, impact, treatment, owner_id) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING id, description, likelihood, impact, treatment, owner_id AS "ownerId"`,
    [
      unit.id,
      text(input.description, 'description', 2000),
      input.likelihood,
      input.impact,
      input.treatment?.trim() || null,
      ownerId,
    ],
  );
  return risk as RiskRow;
}

export async function addCorrectiveAction(
  ctx: AuditContext,
  input: {
    nonconformityId: string;
    description: string;
    rootCause: string;
    ownerUsername: string;
    dueOn: string;
  },
) {
  const caller = requireOfficial(ctx.caller);
  const nc = await nonconformityById(ctx, input.nonconformityId);
  requireActOn(caller, nc.unitPath, ['LEADER', 'ISO_SECRETARY'], 'plan corrective actions');
  if (nc.status === 'CLOSED') throw errors.invalidTransition('The nonconformity is closed');
  const [owner] = await ctx.officials.byUsernames([input.ownerUsername.trim()]);
  if (!owner || (!nc.unitPath.startsWith(owner.unitPath) && !owner.unitPath.startsWith(nc.unitPath))) {
    throw errors.badInput(
      'ownerUsername is not an official of the unit or a unit above or below it',
      'ownerUsername',
    );
  }
  if (!isIsoDate(input.dueOn)) throw errors.badInput('dueOn is not a calendar date', 'dueOn');
  if (input.dueOn < ctx.today) throw errors.badInput('dueOn is in the past', 'dueOn');
  return ctx.db.transaction(async (m) => {
    // The nonconformity first: inserting the action takes a key-share lock on it, and two such
    // transactions then asking refreshNonconformity's FOR UPDATE would deadlock each other.
    await lockNonconformity(m, nc.id);
    const [action] = await m.query(
      `INSERT INTO corrective_action (nonconformity_id, description, root_cause, owner_id, due_on)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${ACTION_COLUMNS}`,
      [
        nc.id,
        text(input.description, 'description', 4000),
        text(input.rootCause, 'rootCause', 4000),
        owner.id,
        input.dueOn,
      ],
    );
    await refreshNonconformity(m, nc.id);
    return action as ActionRow;
  });
}

export async function completeCorrectiveAction(
  ctx: AuditContext,
  input: { actionId: string; completedOn: string; effective: boolean; note?: string | null },
) {
  const caller = requireOfficial(ctx.caller);
  const action = await actionById(ctx, input.actionId);
  const nc = await nonconformityById(ctx, action.nonconformityId);
  if (action.ownerId !== caller.officialId)
    requireActOn(caller, nc.unitPath, ['LEADER', 'ISO_SECRETARY'], 'complete its actions');
  if (action.status !== 'OPEN') throw errors.invalidTransition(`The action is already ${action.status}`);
  const completedOn = pastDate(ctx, input.completedOn, 'completedOn');
  const note = input.note?.trim() ? text(input.note, 'note', 4000) : null;
  return ctx.db.transaction(async (m) => {
    await lockNonconformity(m, nc.id);
    const [[done]] = await m.query(
      `UPDATE corrective_action SET status = $2, completed_on = $3, note = $4 WHERE id = $1 AND status = 'OPEN'
       RETURNING ${ACTION_COLUMNS}`,
      [action.id, input.effective ? 'DONE_EFFECTIVE' : 'DONE_INEFFECTIVE', completedOn, note],
    );
    if (!done) throw errors.conflict('The action was completed meanwhile');
    await refreshNonconformity(m, nc.id);
    return done as ActionRow;
  });
}

export async function recordManagementReview(
  ctx: AuditContext,
  input: { unitCode: string; heldOn: string; inputs: string[]; decisions: string[] },
) {
  const caller = requireOfficial(ctx.caller);
  const unit = await findUnit(ctx, input.unitCode);
  requireRole(caller, unit, ['LEADER', 'ISO_SECRETARY'], 'record its management reviews');
  const heldOn = pastDate(ctx, input.heldOn, 'heldOn');
  const list = (values: string[], field: string) => {
    const cleaned = values.map((v) => v.trim()).filter(Boolean);
    if (cleaned.length === 0) throw errors.badInput(`${field} may not be empty`, field);
    if (cleaned.some((v) => v.length > 2000))
      throw errors.badInput(`each of ${field} has at most 2,000 characters`, field);
    return cleaned;
  };
  const [review] = await ctx.db.query(
    `INSERT INTO management_review (unit_id, unit_path, held_on, inputs, decisions, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, unit_id AS "unitId", held_on AS "heldOn", inputs, decisions`,
    [
      unit.id,
      unit.path,
      heldOn,
      list(input.inputs, 'inputs'),
      list(input.decisions, 'decisions'),
      caller.officialId,
    ],
  );
  return review as ReviewRow;
}

/**
 * Re-derives a nonconformity's status from its actions (domain/nonconformity.ts); the change that
 * closes it writes `nonconformity.closed` to the outbox.
 */
/** Serializes the changes to one nonconformity's actions (taken before touching them). */
async function lockNonconformity(m: EntityManager, id: string): Promise<void> {
  await m.query(`SELECT 1 FROM nonconformity WHERE id = $1 FOR UPDATE`, [id]);
}

export async function refreshNonconformity(m: EntityManager, id: string): Promise<void> {
  const [before]: { status: string; unitPath: string; source: string }[] = await m.query(
    `SELECT status, unit_path AS "unitPath", source FROM nonconformity WHERE id = $1 FOR UPDATE`,
    [id],
  );
  const actions: ActionState[] = await m.query(
    `SELECT status, completed_on AS "completedOn", sequence::int AS sequence FROM corrective_action WHERE nonconformity_id = $1`,
    [id],
  );
  const status = nonconformityStatus(actions);
  await m.query(
    `UPDATE nonconformity SET status = $2::text, closed_at = CASE WHEN $2::text = 'CLOSED' THEN coalesce(closed_at, now()) END WHERE id = $1`,
    [id, status],
  );
  if (before && before.status !== 'CLOSED' && status === 'CLOSED')
    await appendEvents(m, [nonconformityEvent('nonconformity.closed', { id, ...before })]);
}

export const AUDIT_COLUMNS = `id, unit_id AS "unitId", unit_path AS "unitPath", planned_for AS "plannedFor", scope, status,
  completed_on AS "completedAt", auditor_ids AS "auditorIds"`;
export const ACTION_COLUMNS = `id, nonconformity_id AS "nonconformityId", description, root_cause AS "rootCause",
  owner_id AS "ownerId", due_on AS "dueOn", status, completed_on AS "completedOn", note`;
export const NONCONFORMITY_COLUMNS = `id, unit_id AS "unitId", unit_path AS "unitPath", source, status, description,
  dossier_id AS "dossierId", opened_at AS "openedAt", closed_at AS "closedAt"`;

export interface AuditRow {
  id: string;
  unitId: string;
  unitPath: string;
  plannedFor: string;
  scope: string;
  status: string;
  completedAt: string | null;
  auditorIds: string[];
}
export interface FindingRow {
  id: string;
  kind: string;
  clause: string;
  description: string;
  nonconformityId: string | null;
}
export interface ActionRow {
  id: string;
  nonconformityId: string;
  description: string;
  rootCause: string;
  ownerId: string;
  dueOn: string;
  status: string;
  completedOn: string | null;
  note: string | null;
}
export interface NonconformityRow {
  id: string;
  unitId: string;
  unitPath: string;
  source: string;
  status: string;
  description: string;
  dossierId: string | null;
  openedAt: Date;
  closedAt: Date | null;
}
export interface ReviewRow {
  id: string;
  unitId: string;
  heldOn: string;
  inputs: string[];
  decisions: string[];
}

async function findUnit(ctx: AuditContext, code: string): Promise<DirectoryUnit> {
  const unit = code.trim().length <= 32 ? await ctx.loaders.unitByCode.load(code.trim()) : null;
  if (!unit) throw errors.badInput(`No unit with code "${code.slice(0, 40)}"`, 'unitCode');
  return unit;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A record by id; one outside the caller's scope is NOT_FOUND, as one that does not exist. */
async function one<T extends { unitPath: string }>(
  ctx: AuditContext,
  sql: string,
  id: string,
  what: string,
): Promise<T> {
  const caller = requireOfficial(ctx.caller);
  const [row] = (UUID.test(id) ? await ctx.db.query(sql, [id]) : []) as T[];
  if (!row || !canRead(caller, row.unitPath))
    throw errors.notFound(`No ${what} with id "${id.slice(0, 64)}" in your scope`);
  return row;
}

const auditById = (ctx: AuditContext, id: string) =>
  one<AuditRow>(ctx, `SELECT ${AUDIT_COLUMNS} FROM internal_audit WHERE id = $1`, id, 'audit');
const nonconformityById = (ctx: AuditContext, id: string) =>
  one<NonconformityRow>(
    ctx,
    `SELECT ${NONCONFORMITY_COLUMNS} FROM nonconformity WHERE id = $1`,
    id,
    'nonconformity',
  );
const actionById = (ctx: AuditContext, id: string) =>
  one<ActionRow & { unitPath: string }>(
    ctx,
    `SELECT a.id, a.nonconformity_id AS "nonconformityId", a.owner_id AS "ownerId", a.status, n.unit_path AS "unitPath"
     FROM corrective_action a JOIN nonconformity n ON n.id = a.nonconformity_id WHERE a.id = $1`,
    id,
    'corrective action',
  );

function requireRole(caller: OfficialCaller, unit: DirectoryUnit, roles: Role[], what: string): void {
  requireActOn(caller, unit.path, roles, what);
}

function requireActOn(caller: OfficialCaller, unitPath: string, roles: Role[], what: string): void {
  if (!canAct(caller, unitPath, roles))
    throw errors.forbidden(`Only a ${roles.join(', ')} of the unit or a unit above it may ${what}`);
}

function text(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed) throw errors.badInput(`${field} may not be empty`, field);
  if (trimmed.length > max) throw errors.badInput(`${field} has at most ${max} characters`, field);
  return trimmed;
}

function pastDate(ctx: AuditContext, value: string, field: string): string {
  if (!isIsoDate(value)) throw errors.badInput(`${field} is not a calendar date`, field);
  if (value > ctx.today) throw errors.badInput(`${field} is in the future`, field);
  return value;
}
