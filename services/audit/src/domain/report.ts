/**
 * The ministry's national view of a year (ComplianceReport), built from per-unit facts. Pure: the
 * audit worker gathers the facts (its own records, the catalog's overdue reviews, the dossier
 * service's on-time rates) and stores what this returns as the year's snapshot.
 */
import {
  groupCompliant,
  isCompliant,
  isMandatoryAdopter,
  type IsoStandard,
  type QmsStatus,
  type UnitKind,
  type UnitLevel,
} from './compliance';

export interface UnitFacts {
  id: string;
  code: string;
  level: UnitLevel;
  kind: UnitKind;
  path: string;
  provinceCode: string | null;
  qmsStatus: QmsStatus;
  standard: IsoStandard | null;
  internalAuditsCompleted: number;
  managementReviews: number;
  processesPastReview: number;
  openNonconformities: number;
}

export interface ComplianceReportData {
  year: number;
  generatedAt: string;
  national: {
    ministriesTotal: number;
    ministriesCompliant: number;
    provincesTotal: number;
    provincesCompliant: number;
    communesTotal: number;
    communesAnnounced: number;
    communesAnnouncedRate: number;
  };
  provinces: ProvinceRow[];
  ministries: MinistryRow[];
}

export interface ProvinceRow {
  unitId: string;
  compliant: boolean;
  mandatoryAgencies: number;
  agenciesAnnounced: number;
  communesTotal: number;
  communesAnnounced: number;
  iso2015Share: number;
  onTimeRate: number | null;
  internalAuditsDone: number;
  managementReviewsDone: number;
  openNonconformities: number;
}

export interface MinistryRow {
  unitId: string;
  compliant: boolean;
  mandatoryAgencies: number;
  agenciesAnnounced: number;
  onTimeRate: number | null;
}

const announced = (u: UnitFacts) => u.qmsStatus === 'ANNOUNCED';
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const rate = (part: number, whole: number) => (whole > 0 ? round4(part / whole) : 0);

export function buildComplianceReport(
  year: number,
  units: readonly UnitFacts[],
  onTimeRates: ReadonlyMap<string, number | null>,
  generatedAt: Date,
): ComplianceReportData {
  const withMandatory = units.map((u) => ({ ...u, mandatory: isMandatoryAdopter(u) }));
  const under = (path: string) => withMandatory.filter((u) => u.path.startsWith(path));
  const provinces = withMandatory
    .filter((u) => u.level === 'PROVINCE' && u.kind === 'PEOPLES_COMMITTEE')
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .map((province): ProvinceRow => {
      const inside = under(province.path);
      const mandatory = inside.filter((u) => u.mandatory);
      const communes = inside.filter((u) => u.level === 'COMMUNE');
      const announcedUnits = inside.filter(announced);
      return {
        unitId: province.id,
        compliant: groupCompliant(inside),
        mandatoryAgencies: mandatory.length,
        agenciesAnnounced: mandatory.filter(announced).length,
        communesTotal: communes.length,
        communesAnnounced: communes.filter(announced).length,
        iso2015Share: rate(
          announcedUnits.filter((u) => u.standard === 'ISO_9001_2015').length,
          announcedUnits.length,
        ),
        onTimeRate: onTimeRates.get(province.id) ?? null,
        internalAuditsDone: inside.reduce((n, u) => n + u.internalAuditsCompleted, 0),
        managementReviewsDone: inside.reduce((n, u) => n + u.managementReviews, 0),
        openNonconformities: inside.reduce((n, u) => n + u.openNonconformities, 0),
      };
    });
  const ministries = withMandatory
    .filter((u) => u.level === 'MINISTRY' && u.kind !== 'AGENCY')
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .map((ministry): MinistryRow => {
      const mandatory = under(ministry.path).filter((u) => u.mandatory);
      return {
        unitId: ministry.id,
        compliant: mandatory.every(isCompliant),
        mandatoryAgencies: mandatory.length,
        agenciesAnnounced: mandatory.filter(announced).length,
        onTimeRate: onTimeRates.get(ministry.id) ?? null,
      };
    });
  const communes = withMandatory.filter((u) => u.level === 'COMMUNE');
  return {
    year,
    generatedAt: generatedAt.toISOString(),
    national: {
      ministriesTotal: ministries.length,
      ministriesCompliant: ministries.filter((m) => m.compliant).length,
      provincesTotal: provinces.length,
      provincesCompliant: provinces.filter((p) => p.compliant).length,
      communesTotal: communes.length,
      communesAnnounced: communes.filter(announced).length,
      communesAnnouncedRate: rate(communes.filter(announced).length, communes.length),
    },
    provinces,
    ministries,
  };
}
