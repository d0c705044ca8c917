/**
 * Unit scope: an official acts on their own unit and the units below it (the subtree under their
 * unit's materialized path). MINISTRY_VIEWER and SYSTEM_ADMIN read every unit.
 */
import { errors } from '@eiso/errors';
import type { Caller, OfficialCaller, Role } from './caller';

const NATIONAL_READERS: Role[] = ['MINISTRY_VIEWER', 'SYSTEM_ADMIN'];

export function isInSubtree(unitPath: string, ancestorPath: string): boolean {
  return unitPath.startsWith(ancestorPath);
}

export function canRead(caller: Caller, unitPath: string): boolean {
  if (caller.kind !== 'official') return false;
  return caller.roles.some((r) => NATIONAL_READERS.includes(r)) || isInSubtree(unitPath, caller.unitPath);
}

/** Acting (writing) needs one of `roles` and the unit inside the caller's subtree; SYSTEM_ADMIN acts anywhere. */
export function canAct(caller: Caller, unitPath: string, roles: Role[]): boolean {
  if (caller.kind !== 'official') return false;
  if (caller.roles.includes('SYSTEM_ADMIN')) return true;
  return caller.roles.some((r) => roles.includes(r)) && isInSubtree(unitPath, caller.unitPath);
}

export function requireOfficial(caller: Caller): OfficialCaller {
  if (caller.kind !== 'official') throw errors.unauthenticated();
  return caller;
}

/**
 * The off-contract feeds between services (bulk figures, directories, reminders) answer only
 * SYSTEM_ADMIN callers: the services themselves sign as SYSTEM_CALLER.
 */
export function requireSystemAdmin(caller: Caller, what: string): OfficialCaller {
  const official = requireOfficial(caller);
  if (!official.roles.includes('SYSTEM_ADMIN')) throw errors.forbidden(`${what} is for SYSTEM_ADMIN callers`);
  return official;
}

export function requireRead(caller: Caller, unitPath: string): OfficialCaller {
  const official = requireOfficial(caller);
  if (!canRead(official, unitPath)) throw errors.forbidden();
  return official;
}

export function requireAct(caller: Caller, unitPath: string, roles: Role[]): OfficialCaller {
  const official = requireOfficial(caller);
  if (!canAct(official, unitPath, roles)) throw errors.forbidden();
  return official;
}
