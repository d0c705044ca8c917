/**
 * Who must run a QMS and who complies (Decision 19/2014/QĐ-TTg art. 2 and 4; notes/legal-rules.md).
 *
 * Mandatory adopters: ministries and ministry-level agencies and their agencies, provincial and
 * district people's committees and their specialized agencies. Commune committees are encouraged
 * (many provinces made them mandatory by their own plans; eiso counts them as announced or not,
 * without making a province non-compliant for them).
 *
 * A unit complies in a year when it announced a QMS to ISO 9001:2015, held its internal audit and
 * its management review that year, and has no process past its legal-review date. A province or
 * ministry complies when all of its mandatory units do.
 */
export type UnitLevel = 'NATIONAL' | 'MINISTRY' | 'PROVINCE' | 'DISTRICT' | 'COMMUNE';
export type UnitKind = 'GOVERNMENT' | 'MINISTRY' | 'MINISTRY_AGENCY' | 'PEOPLES_COMMITTEE' | 'AGENCY';
export type QmsStatus = 'NOT_STARTED' | 'BUILDING' | 'APPLIED' | 'ANNOUNCED' | 'SUSPENDED';
export type IsoStandard = 'ISO_9001_2008' | 'ISO_9001_2015';

export function isMandatoryAdopter(unit: { level: UnitLevel; kind: UnitKind }): boolean {
  switch (unit.level) {
    case 'MINISTRY':
    case 'PROVINCE':
    case 'DISTRICT':
      return true;
    default:
      return false;
  }
}

export interface UnitYear {
  qmsStatus: QmsStatus;
  standard: IsoStandard | null;
  internalAuditsCompleted: number;
  managementReviews: number;
  processesPastReview: number;
}

export function isCompliant(unit: UnitYear): boolean {
  return (
    unit.qmsStatus === 'ANNOUNCED' &&
    unit.standard === 'ISO_9001_2015' &&
    unit.internalAuditsCompleted > 0 &&
    unit.managementReviews > 0 &&
    unit.processesPastReview === 0
  );
}

/** A province or ministry complies when every mandatory unit in it does (itself included). */
export function groupCompliant(units: readonly (UnitYear & { mandatory: boolean })[]): boolean {
  return units.filter((u) => u.mandatory).every(isCompliant);
}
