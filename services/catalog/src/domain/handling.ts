/**
 * Which unit handles which procedures, and who may own a process for one.
 *
 * Commune and district people's committees handle the procedures of their level; at province level
 * each agency (sở) handles those of its authority and the people's committee answers for them all;
 * a ministry handles the ministry-level procedures of its authority. A province may also keep
 * templates of the processes its units follow (commune, district and province procedures).
 */
import type { UnitKind, UnitLevel } from '@eiso/directory';

export interface HandlingUnit {
  code: string;
  level: UnitLevel;
  kind: UnitKind;
}
export interface HandledProcedure {
  level: string;
  authority: string | null;
}

/** The filter on the catalog that gives what a unit handles; null when it handles none. */
export function handledBy(unit: HandlingUnit): { level: UnitLevel; authority?: string } | null {
  switch (unit.level) {
    case 'COMMUNE':
    case 'DISTRICT':
      return unit.kind === 'PEOPLES_COMMITTEE' ? { level: unit.level } : null;
    case 'PROVINCE':
      return unit.kind === 'AGENCY'
        ? { level: 'PROVINCE', authority: agencyShortCode(unit.code) }
        : { level: 'PROVINCE' };
    case 'MINISTRY':
      return {
        level: 'MINISTRY',
        authority: unit.kind === 'AGENCY' ? agencyShortCode(unit.code) : unit.code,
      };
    default:
      return null;
  }
}

export function handles(unit: HandlingUnit, procedure: HandledProcedure): boolean {
  const filter = handledBy(unit);
  if (!filter || filter.level !== procedure.level) return false;
  return filter.authority === undefined || filter.authority === procedure.authority;
}

/** A province people's committee keeps templates for the procedures of its province's units. */
export function keepsTemplatesFor(unit: HandlingUnit, procedure: HandledProcedure): boolean {
  return (
    unit.level === 'PROVINCE' &&
    unit.kind === 'PEOPLES_COMMITTEE' &&
    ['COMMUNE', 'DISTRICT', 'PROVINCE'].includes(procedure.level)
  );
}

export function mayOwnProcess(unit: HandlingUnit, procedure: HandledProcedure): boolean {
  return handles(unit, procedure) || keepsTemplatesFor(unit, procedure);
}

/** `22.STP` → `STP`: an agency's code is its parent's code, a dot, and its own short code. */
export function agencyShortCode(code: string): string {
  const dot = code.lastIndexOf('.');
  return dot >= 0 ? code.slice(dot + 1) : code;
}

/** Every path prefix of a unit's path, root first: `/VN/22/144/` → `/VN/`, `/VN/22/`, `/VN/22/144/`. */
export function pathPrefixes(path: string): string[] {
  const codes = path.split('/').filter(Boolean);
  return codes.map((_, i) => `/${codes.slice(0, i + 1).join('/')}/`);
}

/** Of several owners' rows, the one whose owner is nearest the unit (the longest path prefix of it). */
export function nearestOwner<T extends { ownerPath: string }>(
  unitPath: string,
  rows: readonly T[],
): T | null {
  let best: T | null = null;
  for (const row of rows) {
    if (unitPath.startsWith(row.ownerPath) && (!best || row.ownerPath.length > best.ownerPath.length))
      best = row;
  }
  return best;
}
