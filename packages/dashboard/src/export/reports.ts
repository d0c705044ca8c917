/**
 * The rows of the two exports, from the contract's answers: the compliance report
 * (NationalCompliance) and a ranking (Rankings). Column headers are Vietnamese, as the dashboard's.
 */
import type { ComplianceReport, Ranking, RankedLevel } from '../types';
import type { Cell, Column, Table } from './table';

export const LEVEL_LABELS: Record<RankedLevel, string> = {
  PROVINCE: 'tỉnh, thành phố',
  MINISTRY: 'bộ, ngành',
  DISTRICT: 'cấp huyện',
  COMMUNE: 'cấp xã',
};

const UNIT_COLUMNS: Column[] = [
  { key: 'tier', header: 'Cấp', kind: 'text', width: 16 },
  { key: 'code', header: 'Mã', kind: 'text', width: 10 },
  { key: 'name', header: 'Tên đơn vị', kind: 'text', width: 36 },
  { key: 'compliant', header: 'Đạt yêu cầu ISO', kind: 'text', width: 14 },
  { key: 'mandatoryAgencies', header: 'Cơ quan phải áp dụng', kind: 'integer' },
  { key: 'agenciesAnnounced', header: 'Cơ quan đã công bố', kind: 'integer' },
  { key: 'communesTotal', header: 'Số xã', kind: 'integer' },
  { key: 'communesAnnounced', header: 'Số xã đã công bố', kind: 'integer' },
  { key: 'iso2015Share', header: 'Tỷ lệ áp dụng TCVN ISO 9001:2015 (%)', kind: 'percent' },
  { key: 'onTimeRate', header: 'Tỷ lệ hồ sơ đúng hạn (%)', kind: 'percent' },
  { key: 'internalAuditsDone', header: 'Đánh giá nội bộ đã thực hiện', kind: 'integer' },
  { key: 'managementReviewsDone', header: 'Xem xét của lãnh đạo đã thực hiện', kind: 'integer' },
  { key: 'openNonconformities', header: 'Sự không phù hợp đang mở', kind: 'integer' },
];

export const complianceLabel = (compliant: boolean) => (compliant ? 'Đạt' : 'Chưa đạt');

/**
 * The compliance report's tables: every province then every ministry, one row each (the CSV holds
 * this one), and the national totals (a second sheet of the XLSX).
 */
export function complianceTables(report: ComplianceReport, year: number): [Table, Table] {
  const units: Cell[][] = [
    ...report.provinces.map((p) => [
      'Tỉnh, thành phố',
      p.unit?.code ?? null,
      p.unit?.name ?? null,
      complianceLabel(p.compliant),
      p.mandatoryAgencies,
      p.agenciesAnnounced,
      p.communesTotal,
      p.communesAnnounced,
      p.iso2015Share,
      p.onTimeRate,
      p.internalAuditsDone,
      p.managementReviewsDone,
      p.openNonconformities,
    ]),
    ...report.ministries.map((m) => [
      'Bộ, ngành',
      m.unit?.code ?? null,
      m.unit?.name ?? null,
      complianceLabel(m.compliant),
      m.mandatoryAgencies,
      m.agenciesAnnounced,
      null,
      null,
      null,
      m.onTimeRate,
      null,
      null,
      null,
    ]),
  ];
  const n = report.national;
  const national: Table = {
    sheet: `Toàn quốc ${year}`,
    columns: [
      { key: 'indicator', header: 'Chỉ tiêu', kind: 'text', width: 40 },
      { key: 'count', header: 'Số đạt / đã công bố', kind: 'integer' },
      { key: 'total', header: 'Tổng số', kind: 'integer' },
      { key: 'rate', header: 'Tỷ lệ (%)', kind: 'percent' },
    ],
    rows: [
      [
        'Bộ, ngành đạt yêu cầu',
        n.ministriesCompliant,
        n.ministriesTotal,
        ratio(n.ministriesCompliant, n.ministriesTotal),
      ],
      [
        'Tỉnh, thành phố đạt yêu cầu',
        n.provincesCompliant,
        n.provincesTotal,
        ratio(n.provincesCompliant, n.provincesTotal),
      ],
      [
        'Xã, phường, thị trấn đã công bố HTQLCL',
        n.communesAnnounced,
        n.communesTotal,
        n.communesAnnouncedRate,
      ],
    ],
  };
  return [{ sheet: `Tuân thủ ISO ${year}`, columns: UNIT_COLUMNS, rows: units }, national];
}

/**
 * A ranking, one row per unit in rank order: its rank, the previous one and the movement (positive:
 * up that many places; empty for a unit without a previous rank), its score and each component's.
 */
export function rankingTable(ranking: Ranking, level: RankedLevel, parentName?: string): Table {
  const components = ranking.entries[0]?.components ?? [];
  const columns: Column[] = [
    { key: 'rank', header: 'Hạng', kind: 'integer', width: 8 },
    { key: 'previousRank', header: 'Hạng kỳ trước', kind: 'integer', width: 12 },
    { key: 'movement', header: 'Thay đổi (bậc)', kind: 'integer', width: 12 },
    { key: 'code', header: 'Mã', kind: 'text', width: 10 },
    { key: 'name', header: 'Tên đơn vị', kind: 'text', width: 36 },
    { key: 'score', header: 'Điểm (trên 100)', kind: 'decimal', width: 14 },
    ...components.map((c): Column => ({
      key: c.key,
      header: `${c.label} (${c.key}, tối đa ${c.maxScore})`,
      kind: 'decimal',
    })),
  ];
  const rows = ranking.entries.map((e): Cell[] => {
    const byKey = new Map(e.components.map((c) => [c.key, c.score]));
    return [
      e.rank,
      e.previousRank,
      movement(e.rank, e.previousRank),
      e.unit?.code ?? null,
      e.unit?.name ?? null,
      e.score,
      ...components.map((c) => byKey.get(c.key) ?? null),
    ];
  });
  const within = parentName ? ` – ${parentName}` : '';
  return { sheet: `Xếp hạng ${LEVEL_LABELS[level]}${within}`, columns, rows };
}

/** Places gained since the previous ranking (negative: lost); null without a previous rank. */
export function movement(rank: number, previousRank: number | null): number | null {
  return previousRank === null || previousRank === undefined ? null : previousRank - rank;
}

function ratio(count: number, total: number): number | null {
  return total > 0 ? count / total : null;
}

/** File names the two exports are saved under. */
export const exportFileName = {
  compliance: (year: number, extension: 'csv' | 'xlsx') => `eiso-tuan-thu-iso-${year}.${extension}`,
  rankings: (level: RankedLevel, date: string, extension: 'csv' | 'xlsx', parentCode?: string) =>
    `eiso-xep-hang-${level.toLowerCase()}${parentCode ? `-${parentCode}` : ''}-${date}.${extension}`,
};
