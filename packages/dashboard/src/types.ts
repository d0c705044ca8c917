/**
 * What the contract's operations answer (shared/contract/operations.graphql), as the dashboard and
 * the exports read them: NationalCompliance, Rankings, UnitsByLevel, UnitByCode, UnitStatistics.
 */

export interface UnitRef {
  code: string;
  name: string;
}

export interface NationalTotals {
  ministriesTotal: number;
  ministriesCompliant: number;
  provincesTotal: number;
  provincesCompliant: number;
  communesTotal: number;
  communesAnnounced: number;
  communesAnnouncedRate: number;
}

export interface ProvinceCompliance {
  unit: UnitRef | null;
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

export interface MinistryCompliance {
  unit: UnitRef | null;
  compliant: boolean;
  mandatoryAgencies: number;
  agenciesAnnounced: number;
  onTimeRate: number | null;
}

/** `complianceReport` of NationalCompliance. */
export interface ComplianceReport {
  generatedAt: string;
  national: NationalTotals;
  provinces: ProvinceCompliance[];
  ministries: MinistryCompliance[];
}

export interface RankingComponent {
  key: string;
  label: string;
  score: number;
  maxScore: number;
}

export interface RankingEntry {
  rank: number;
  previousRank: number | null;
  score: number;
  unit: UnitRef | null;
  components: RankingComponent[];
}

/** `rankings` of Rankings (null before the first nightly computation). */
export interface Ranking {
  date: string;
  computedAt: string;
  entries: RankingEntry[];
}

export type UnitLevel = 'NATIONAL' | 'MINISTRY' | 'PROVINCE' | 'DISTRICT' | 'COMMUNE';
export type RankedLevel = 'PROVINCE' | 'MINISTRY' | 'DISTRICT' | 'COMMUNE';

export interface DossierStats {
  received: number;
  resolved: number;
  early: number;
  onTime: number;
  late: number;
  open: number;
  overdue: number;
  onTimeRate: number | null;
  onlineRate: number | null;
  avgProcessingWorkingDays: number | null;
  satisfactionRate: number | null;
}
