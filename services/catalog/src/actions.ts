/**
 * What the catalog's mutations do, in order: who is asking, what they name, whether the rules
 * allow it, then one transaction. Resolvers only pass inputs here.
 */
import { requireOfficial, type OfficialCaller } from '@eiso/auth';
import { isIsoDate } from '@eiso/calendar';
import type { DirectoryUnit } from '@eiso/directory';
import { errors } from '@eiso/errors';
import type { CatalogContext } from './context';
import { pairKey } from './context';
import type { LegalDocumentRow, ProcedureRow, ProcessRow } from './db/rows';
import { mayOwnProcess } from './domain/handling';
import { approvalProblem } from './domain/process';
import { reviewDueBy } from './domain/review';
import { numbered, stepsProblem, totalHours, type StepInput } from './domain/steps';
import { allowedDays, targetProblem } from './domain/targets';

const MAX_TEXT = 500;

export async function draftProcess(
  ctx: CatalogContext,
  input: { procedureCode: string; unitCode: string; steps: StepInput[] },
): Promise<ProcessRow> {
  const caller = requireOfficial(ctx.caller);
  const procedure = await findProcedure(ctx, input.procedureCode, 'procedureCode');
  const unit = await findUnit(ctx, input.unitCode, 'unitCode');
  requireRoleOver(caller, unit, ['LEADER', 'ISO_SECRETARY', 'UNIT_ADMIN'], 'draft its processes');
  requireOwnable(unit, procedure);
  const limit = await daysAllowed(ctx, procedure, unit);
  const problem = stepsProblem(input.steps, limit);
  if (problem) throw errors.badInput(problem.message, problem.field);
  return ctx.commands.draftProcess({
    procedureId: procedure.id,
    ownerUnitId: unit.id,
    ownerPath: unit.path,
    steps: numbered(input.steps),
    totalHours: totalHours(input.steps),
    createdBy: caller.officialId,
  });
}

export async function approveProcess(
  ctx: CatalogContext,
  input: { processId: string; effectiveFrom: string },
): Promise<ProcessRow> {
  const caller = requireOfficial(ctx.caller);
  const process = await ctx.loaders.processById.load(input.processId);
  if (!process) throw errors.notFound(`No process with id "${input.processId.slice(0, 64)}"`);
  const owner = await ctx.loaders.unitById.load(process.ownerUnitId);
  // The contract's scope: a LEADER acts on their own unit and the units below it.
  if (!owner || !caller.roles.includes('LEADER') || !owner.path.startsWith(caller.unitPath)) {
    throw errors.forbidden(
      `Only a LEADER of ${owner?.code ?? 'the owning unit'} or a unit above it may approve its processes`,
    );
  }
  if (!isIsoDate(input.effectiveFrom))
    throw errors.badInput('effectiveFrom is not a calendar date', 'effectiveFrom');
  const procedure = (await ctx.loaders.procedureById.load(process.procedureId))!;
  const limit = await daysAllowed(ctx, procedure, owner);
  return ctx.commands.approveProcess(
    process.id,
    { effectiveFrom: input.effectiveFrom, approvedBy: caller.officialId },
    (draft, approvedSiblings) => {
      if (draft.approved) {
        throw errors.badInput(
          `Version ${draft.version} is already approved (in force from ${draft.effectiveFrom}); only a draft can be approved`,
          'processId',
        );
      }
      const problem = approvalProblem(input.effectiveFrom, ctx.today, approvedSiblings);
      if (problem) throw errors.badInput(problem, 'effectiveFrom');
      const steps = stepsProblem(draft.steps, limit);
      if (steps)
        throw errors.badInput(`This draft no longer fits the unit's time: ${steps.message}`, 'processId');
    },
  );
}

export async function registerLegalChange(
  ctx: CatalogContext,
  input: { number: string; title: string; issuedOn: string; effectiveOn: string; procedureCodes: string[] },
): Promise<{ document: LegalDocumentRow; procedures: ProcedureRow[]; dueBy: string; reviewsOpened: number }> {
  const caller = requireOfficial(ctx.caller);
  const isAdmin = caller.roles.includes('SYSTEM_ADMIN');
  if (!isAdmin && !caller.roles.includes('UNIT_ADMIN')) {
    throw errors.forbidden('Only a SYSTEM_ADMIN, or a UNIT_ADMIN within their unit, registers legal changes');
  }
  const number = requireText(input.number, 'number', 64);
  const title = requireText(input.title, 'title', MAX_TEXT);
  for (const field of ['issuedOn', 'effectiveOn'] as const) {
    if (!isIsoDate(input[field])) throw errors.badInput(`${field} is not a calendar date`, field);
  }
  if (input.issuedOn > input.effectiveOn) {
    throw errors.badInput(
      `effectiveOn ${input.effectiveOn} is before issuedOn ${input.issuedOn}`,
      'effectiveOn',
    );
  }
  const procedures = await findProcedures(ctx, input.procedureCodes);
  const dueBy = reviewDueBy(input.effectiveOn);
  const result = await ctx.commands.registerLegalChange(
    {
      number,
      title,
      issuedOn: input.issuedOn,
      effectiveOn: input.effectiveOn,
      procedureIds: procedures.map((p) => p.id),
      scopePath: isAdmin ? null : caller.unitPath,
      dueBy,
    },
    (existing) => {
      if (
        existing.title !== title ||
        existing.issuedOn !== input.issuedOn ||
        existing.effectiveOn !== input.effectiveOn
      ) {
        throw errors.badInput(
          `${number} is already registered as "${existing.title}", issued ${existing.issuedOn}, effective ${existing.effectiveOn}`,
          'number',
        );
      }
    },
  );
  return { document: result.document, procedures, dueBy, reviewsOpened: result.reviewsOpened };
}

export async function publishTargetTime(
  ctx: CatalogContext,
  input: { procedureCode: string; unitCode: string; targetDays: number },
): Promise<{ procedure: ProcedureRow; targetDays: number }> {
  const caller = requireOfficial(ctx.caller);
  const procedure = await findProcedure(ctx, input.procedureCode, 'procedureCode');
  const unit = await findUnit(ctx, input.unitCode, 'unitCode');
  if (!caller.roles.includes('LEADER') || caller.unitId !== unit.id) {
    throw errors.forbidden(`Only a LEADER of ${unit.code} publishes its target times`);
  }
  requireOwnable(unit, procedure);
  const problem = targetProblem(input.targetDays, procedure.statutoryDays);
  if (problem) throw errors.badInput(problem, 'targetDays');
  await ctx.commands.publishTargetTime({
    procedureId: procedure.id,
    ownerUnitId: unit.id,
    ownerPath: unit.path,
    targetDays: input.targetDays,
    publishedBy: caller.officialId,
  });
  return { procedure: { ...procedure }, targetDays: input.targetDays };
}

async function findProcedure(ctx: CatalogContext, code: string, field: string): Promise<ProcedureRow> {
  const trimmed = code.trim();
  const procedure = trimmed.length <= 32 ? await ctx.loaders.procedureByCode.load(trimmed) : null;
  if (!procedure) throw errors.badInput(`No procedure with code "${trimmed.slice(0, 40)}"`, field);
  return procedure;
}

async function findProcedures(ctx: CatalogContext, codes: string[]): Promise<ProcedureRow[]> {
  const wanted = [...new Set(codes.map((c) => c.trim()))];
  if (wanted.length === 0) throw errors.badInput('Name at least one affected procedure', 'procedureCodes');
  if (wanted.length > 1000)
    throw errors.badInput('At most 1,000 procedures per legal change', 'procedureCodes');
  const found = await ctx.loaders.procedureByCode.loadMany(wanted.map((c) => c.slice(0, 32)));
  const missing = wanted.filter((_, i) => !found[i] || found[i] instanceof Error);
  if (missing.length) {
    throw errors.badInput(
      `Unknown procedure codes: ${missing
        .slice(0, 10)
        .map((c) => c.slice(0, 40))
        .join(', ')}`,
      'procedureCodes',
    );
  }
  return found as ProcedureRow[];
}

async function findUnit(ctx: CatalogContext, code: string, field: string): Promise<DirectoryUnit> {
  const trimmed = code.trim();
  const unit = trimmed.length <= 32 ? await ctx.loaders.unitByCode.load(trimmed) : null;
  if (!unit) throw errors.badInput(`No unit with code "${trimmed.slice(0, 40)}"`, field);
  return unit;
}

/** One of `roles` in the unit or a unit above it (a province's ISO secretary drafts for its communes). */
function requireRoleOver(caller: OfficialCaller, unit: DirectoryUnit, roles: string[], what: string): void {
  const hasRole = caller.roles.some((r) => roles.includes(r));
  if (!hasRole || !unit.path.startsWith(caller.unitPath)) {
    throw errors.forbidden(`Only a ${roles.join(', ')} of ${unit.code} or a unit above it may ${what}`);
  }
}

function requireOwnable(unit: DirectoryUnit, procedure: ProcedureRow): void {
  if (!mayOwnProcess(unit, procedure)) {
    const by = procedure.authority ? ` (authority ${procedure.authority})` : '';
    throw errors.badInput(
      `${procedure.code} is a ${procedure.level} procedure${by}; ${unit.code} (${unit.level} ${unit.kind}) does not handle it`,
      'procedureCode',
    );
  }
}

async function daysAllowed(
  ctx: CatalogContext,
  procedure: ProcedureRow,
  unit: DirectoryUnit,
): Promise<number> {
  const target = await ctx.loaders.targetForUnit.load(pairKey(procedure.id, unit.path));
  return allowedDays(procedure.statutoryDays, target?.targetDays ?? null);
}

function requireText(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed) throw errors.badInput(`${field} may not be empty`, field);
  if (trimmed.length > max) throw errors.badInput(`${field} has at most ${max} characters`, field);
  return trimmed;
}
