/**
 * The unit tree (cây đơn vị). Pure rules, no I/O.
 *
 * Every unit keeps its materialized path of codes from the root, `/VN/22/193/06660/`, so that
 * "everything under Quảng Ninh" is one indexed prefix match and scope checks are a string prefix.
 */
export const UNIT_LEVELS = ['NATIONAL', 'MINISTRY', 'PROVINCE', 'DISTRICT', 'COMMUNE'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

export const UNIT_KINDS = [
  'GOVERNMENT',
  'MINISTRY',
  'MINISTRY_AGENCY',
  'PEOPLES_COMMITTEE',
  'AGENCY',
] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const ROOT_CODE = 'VN';

/** Codes are letters, digits, dots and hyphens: they go into paths and dossier codes. */
export const UNIT_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.-]{0,31}$/;

export function isUnitCode(code: string): boolean {
  return UNIT_CODE_PATTERN.test(code);
}

export function childPath(parentPath: string | null, code: string): string {
  if (!isUnitCode(code)) throw new Error(`invalid unit code: ${code}`);
  return `${parentPath ?? '/'}${code}/`;
}

/** Codes on the path from the root down to (not including) the unit itself. */
export function ancestorCodes(path: string): string[] {
  const codes = path.split('/').filter(Boolean);
  return codes.slice(0, -1);
}

/** The LIKE pattern for a whole subtree (the unit itself included); path codes never hold % or _. */
export function subtreePattern(path: string): string {
  return `${path}%`;
}

export function isWithin(path: string, ancestorPath: string): boolean {
  return path.startsWith(ancestorPath);
}

/**
 * A level is formed by its territorial or ministerial units; agencies (sở, vụ, cục) belong to a
 * level but do not form it — "the 63 provinces" are 63 people's committees, not their 1,000 sở.
 */
export function formsLevel(kind: UnitKind): boolean {
  return kind !== 'AGENCY';
}

/** Whether a unit is in force on a date (validFrom inclusive, validTo exclusive). */
export function isValidOn(unit: { validFrom: string; validTo: string | null }, date: string): boolean {
  return unit.validFrom <= date && (unit.validTo === null || date < unit.validTo);
}
