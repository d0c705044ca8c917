/**
 * The government's service-quality index (Bộ chỉ số phục vụ người dân, doanh nghiệp — Decision
 * 766/QĐ-TTg of 23 June 2022) as eiso computes it from what it records. Pure: the nightly job
 * (jobs/rankings.ts) gathers per-unit figures and stores what this returns.
 *
 * The index is six groups, 100 points. Each indicator scores by its target T: full points when its
 * rate R ≥ T, else R × points ÷ T. The groups, indicators, points and targets are the table
 * INDEX below — data, not branches — with, for each indicator, how eiso measures it (a rate of
 * summed figures) or `measure: null` when eiso records nothing that measures it yet.
 *
 * Rules eiso adds (see docs/rankings.md):
 * - An indicator eiso cannot measure yet is left out: it scores 0 of maxScore 0, so a group's
 *   maxScore is the points of its measured indicators and the entry's score is out of their sum
 *   (62 today), never a guess. Every unit is scored on the same indicators, so ranks compare.
 * - A measured indicator with nothing to count (no dossier, no fee due) scores `noData`: 0 for
 *   the dossier indicators (no record is not full marks), full points where the rate counts
 *   failures that could not happen (no legal review fell due: nothing was published late).
 * - Component scores are rounded to 2 decimals and the score is their sum, so the components add
 *   up to the score exactly; ranks compare these 2-decimal scores (competition ranking 1-2-2-4).
 */

/** What eiso counts for a unit over the ranking period (its subtree's figures summed). */
export interface RankingFigures {
  /** Dossiers received in the period, and of those received online (national channel 2). */
  received: number;
  receivedOnline: number;
  /** Dossiers whose processing ended in the period (result ready), and of those late. */
  resolved: number;
  resolvedLate: number;
  /** Dossiers still open now, received up to the period's end; of those, past their due time. */
  open: number;
  openOverdue: number;
  /** Of the resolved: with an electronic result; digitized at receipt and with an electronic result. */
  electronicResults: number;
  digitizedWithElectronicResult: number;
  /** Received dossiers with a fee to pay, and of those paid online. */
  feeDue: number;
  paidOnline: number;
  /** Procedures (counted per unit) with a fee-due dossier, and of those with at least one paid online. */
  proceduresWithFee: number;
  proceduresPaidOnline: number;
  /** Feedback given in the period, and of it disliked (rating 1–2 of 5). */
  rated: number;
  disliked: number;
  /** The catalog's legal reviews of the unit's processes settled or due in the period, and of those cleared by their due date. */
  reviewsDue: number;
  reviewsOnTime: number;
}

export type FigureKey = keyof RankingFigures;
export const FIGURE_KEYS: readonly FigureKey[] = [
  'received',
  'receivedOnline',
  'resolved',
  'resolvedLate',
  'open',
  'openOverdue',
  'electronicResults',
  'digitizedWithElectronicResult',
  'feeDue',
  'paidOnline',
  'proceduresWithFee',
  'proceduresPaidOnline',
  'rated',
  'disliked',
  'reviewsDue',
  'reviewsOnTime',
];

export const emptyFigures = (): RankingFigures =>
  Object.fromEntries(FIGURE_KEYS.map((k) => [k, 0])) as unknown as RankingFigures;

/** Adds `more` into `into` (the roll-up of a subtree). */
export function addFigures(into: RankingFigures, more: Partial<RankingFigures>): RankingFigures {
  for (const k of FIGURE_KEYS) into[k] += more[k] ?? 0;
  return into;
}

/**
 * How an indicator's rate is measured: sum(part) ÷ sum(whole), or with `complement` 1 − that
 * (the part counts failures). `noData` is the rate when the whole is 0.
 */
export interface Measure {
  part: readonly FigureKey[];
  whole: readonly FigureKey[];
  complement?: boolean;
  noData: 0 | 1;
  /** How eiso's measure differs from the Decision's wording. */
  note: string;
}

export interface Indicator {
  key: string;
  label: string;
  points: number;
  /** The target rate T; full points at or above it. */
  target: number;
  /** null: eiso records nothing that measures it yet (left out of the score; the reason is `why`). */
  measure: Measure | null;
  why?: string;
}

export interface IndicatorGroup {
  /** The national portal's API code. */
  key: 'CKMB' | 'TDGQ' | 'CLGQ' | 'TTTT' | 'MDHL' | 'MDSH';
  label: string;
  points: number;
  indicators: readonly Indicator[];
}

const MOST = 0.8;
const ONLINE_SHARE = 0.5;
const SATISFACTION = 0.9;

/**
 * Decision 766/QĐ-TTg's groups and indicators, as in ../shared/notes/legal-rules.md (a public
 * transcription of the portal's formula document; targets to verify against the Decision).
 */
export const INDEX: readonly IndicatorGroup[] = [
  {
    key: 'CKMB',
    label: 'Công khai, minh bạch',
    points: 18,
    indicators: [
      {
        key: 'CKMB.1',
        label: 'Công bố thủ tục hành chính đúng hạn',
        points: 6,
        target: MOST,
        measure: {
          part: ['reviewsOnTime'],
          whole: ['reviewsDue'],
          noData: 1,
          note: 'the catalog’s legal reviews: processes revised by the review’s due date (three months after the legal change takes effect), of the reviews settled or due in the period; none due scores full',
        },
      },
      {
        key: 'CKMB.2',
        label: 'Công khai thủ tục hành chính đúng hạn',
        points: 4,
        target: MOST,
        measure: null,
        why: 'eiso does not record when a procedure was posted at the office or on the portal',
      },
      {
        key: 'CKMB.3',
        label: 'Công khai đầy đủ 7 bộ phận của thủ tục hành chính',
        points: 2,
        target: MOST,
        measure: null,
        why: 'the catalog holds a procedure’s name, field, fee, documents and times, not the seven published components',
      },
      {
        key: 'CKMB.4',
        label: 'Hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia',
        points: 6,
        target: MOST,
        measure: null,
        why: 'eiso does not synchronize dossiers to the national portal yet',
      },
    ],
  },
  {
    key: 'TDGQ',
    label: 'Tiến độ giải quyết',
    points: 20,
    indicators: [
      {
        key: 'TDGQ.1',
        label: 'Hồ sơ giải quyết, đang giải quyết đúng hạn',
        points: 20,
        target: MOST,
        measure: {
          // On time = resolved early or on the day + open and not yet past due = all − late − overdue.
          part: ['resolvedLate', 'openOverdue'],
          whole: ['resolved', 'open'],
          complement: true,
          noData: 0,
          note: 'dossiers resolved early or on time, plus open ones not past their due time, of those resolved in the period and those open',
        },
      },
    ],
  },
  {
    key: 'CLGQ',
    label: 'Dịch vụ công trực tuyến',
    points: 12,
    indicators: [
      {
        key: 'CLGQ.1',
        label: 'Hồ sơ trực tuyến toàn trình',
        points: 12,
        target: ONLINE_SHARE,
        measure: {
          part: ['receivedOnline'],
          whole: ['received'],
          noData: 0,
          note: 'dossiers received online of all received: eiso does not record which procedures are eligible for full-online service, nor whether an online dossier’s paper result also has an electronic copy',
        },
      },
    ],
  },
  {
    key: 'TTTT',
    label: 'Thanh toán trực tuyến',
    points: 10,
    indicators: [
      {
        key: 'TTTT.1',
        label: 'Thủ tục có phí, lệ phí được cấu hình thanh toán trực tuyến',
        points: 2,
        target: MOST,
        measure: null,
        why: 'eiso does not record how a procedure’s fee is set up for online payment',
      },
      {
        key: 'TTTT.2',
        label: 'Thủ tục phát sinh thanh toán trực tuyến',
        points: 2,
        target: MOST,
        measure: {
          part: ['proceduresPaidOnline'],
          whole: ['proceduresWithFee'],
          noData: 0,
          note: 'procedures with at least one dossier paid online, of procedures with a fee-due dossier (counted per unit, then summed over the subtree)',
        },
      },
      {
        key: 'TTTT.3',
        label: 'Hồ sơ thanh toán trực tuyến',
        points: 6,
        target: MOST,
        measure: {
          part: ['paidOnline'],
          whole: ['feeDue'],
          noData: 0,
          note: 'dossiers paid online, of dossiers received with a fee due',
        },
      },
    ],
  },
  {
    key: 'MDHL',
    label: 'Mức độ hài lòng',
    points: 18,
    indicators: [
      {
        key: 'MDHL.1',
        label: 'Xử lý phản ánh, kiến nghị đúng hạn',
        points: 6,
        target: MOST,
        measure: null,
        why: 'complaints are recorded as nonconformities, without a handling deadline',
      },
      {
        key: 'MDHL.2',
        label: 'Hài lòng với việc xử lý phản ánh, kiến nghị',
        points: 6,
        target: MOST,
        measure: null,
        why: 'eiso does not ask the petitioner whether the handling of a complaint satisfied them',
      },
      {
        key: 'MDHL.3',
        label: 'Hài lòng trong tiếp nhận, giải quyết hồ sơ',
        points: 6,
        target: SATISFACTION,
        measure: {
          part: ['resolvedLate', 'openOverdue', 'disliked'],
          whole: ['resolved', 'open'],
          complement: true,
          noData: 0,
          note: '100% − (dossiers resolved late, open past due, and rated 1–2 of 5 by the citizen) ÷ (resolved and open)',
        },
      },
    ],
  },
  {
    key: 'MDSH',
    label: 'Số hóa hồ sơ',
    points: 22,
    indicators: [
      {
        key: 'MDSH.1',
        label: 'Cấp kết quả điện tử',
        points: 6,
        target: MOST,
        measure: {
          part: ['electronicResults'],
          whole: ['resolved'],
          noData: 0,
          note: 'resolved dossiers whose result was issued electronically',
        },
      },
      {
        key: 'MDSH.2',
        label: 'Số hóa hồ sơ và kết quả',
        points: 4,
        target: MOST,
        measure: {
          part: ['digitizedWithElectronicResult'],
          whole: ['resolved'],
          noData: 0,
          note: 'resolved dossiers digitized at receipt and with an electronic result',
        },
      },
      {
        key: 'MDSH.3',
        label: 'Chứng thực bản sao điện tử',
        points: 2,
        target: MOST,
        measure: null,
        why: 'eiso does not issue electronic certified copies',
      },
      {
        key: 'MDSH.4',
        label: 'Tái sử dụng dữ liệu số hóa',
        points: 2,
        target: MOST,
        measure: null,
        why: 'eiso does not record whether a dossier reused digitized data',
      },
      {
        key: 'MDSH.5',
        label: 'Hồ sơ số hóa gắn với kho dữ liệu của công dân',
        points: 4,
        target: MOST,
        measure: null,
        why: 'eiso has no link to the citizen’s data store on the national portal',
      },
      {
        key: 'MDSH.6',
        label: 'Xác thực qua Cơ sở dữ liệu quốc gia về dân cư',
        points: 2,
        target: MOST,
        measure: null,
        why: 'eiso does not call the population database',
      },
      {
        key: 'MDSH.7',
        label: 'Khai thác thông tin từ Cơ sở dữ liệu quốc gia về dân cư',
        points: 2,
        target: MOST,
        measure: null,
        why: 'eiso does not call the population database',
      },
    ],
  },
];

/** The points eiso can award today (the sum of the measured indicators' points). */
export const MEASURED_POINTS = INDEX.flatMap((g) => g.indicators)
  .filter((i) => i.measure)
  .reduce((sum, i) => sum + i.points, 0);

/** Decision 766's target-based score: full points at R ≥ T, else R × points ÷ T (R clamped to 0..1). */
export function targetScore(rate: number, target: number, points: number): number {
  const r = Math.min(1, Math.max(0, rate));
  return r >= target ? points : (r * points) / target;
}

/** An indicator's rate from a unit's figures (null when it is not measured). */
export function indicatorRate(indicator: Indicator, figures: RankingFigures): number | null {
  const m = indicator.measure;
  if (!m) return null;
  const sum = (keys: readonly FigureKey[]) => keys.reduce((s, k) => s + figures[k], 0);
  const whole = sum(m.whole);
  if (whole <= 0) return m.noData;
  const share = Math.min(1, sum(m.part) / whole);
  return m.complement ? 1 - share : share;
}

export interface RankingComponent {
  key: string;
  label: string;
  score: number;
  maxScore: number;
}

export interface UnitScore {
  score: number;
  components: RankingComponent[];
}

const cents = (x: number) => Math.round(x * 100);

/** A unit's score: one component per group, each the sum of its measured indicators' scores. */
export function scoreUnit(figures: RankingFigures, index: readonly IndicatorGroup[] = INDEX): UnitScore {
  let total = 0;
  const components = index.map((group) => {
    let score = 0;
    let max = 0;
    for (const indicator of group.indicators) {
      const rate = indicatorRate(indicator, figures);
      if (rate === null) continue;
      max += indicator.points;
      score += targetScore(rate, indicator.target, indicator.points);
    }
    const c = cents(score);
    total += c;
    return { key: group.key, label: group.label, score: c / 100, maxScore: max };
  });
  return { score: total / 100, components };
}

/**
 * Competition ranking (1, 2, 2, 4) by score, highest first, comparing scores rounded to 2
 * decimals; ties keep `tieBreak` order (the unit code) for a stable listing.
 */
export function competitionRanks<T>(
  items: readonly T[],
  score: (item: T) => number,
  tieBreak: (item: T) => string,
): { item: T; rank: number }[] {
  const sorted = items
    .map((item) => ({ item, s: cents(score(item)) }))
    .sort((a, b) => b.s - a.s || (tieBreak(a.item) < tieBreak(b.item) ? -1 : 1));
  let rank = 0;
  return sorted.map((entry, i) => {
    if (i === 0 || entry.s !== sorted[i - 1].s) rank = i + 1;
    return { item: entry.item, rank };
  });
}

export interface RankedUnit {
  unitId: string;
  code: string;
  figures: RankingFigures;
}

export interface RankingEntryData extends UnitScore {
  unitId: string;
  code: string;
  rank: number;
  previousRank: number | null;
}

/** Scores and ranks one list (a level, or a level within a parent); previous ranks by unit id. */
export function rankUnits(
  units: readonly RankedUnit[],
  previousRanks: ReadonlyMap<string, number> = new Map(),
): RankingEntryData[] {
  const scored = units.map((u) => ({ unit: u, ...scoreUnit(u.figures) }));
  return competitionRanks(
    scored,
    (s) => s.score,
    (s) => s.unit.code,
  ).map(({ item, rank }) => ({
    unitId: item.unit.unitId,
    code: item.unit.code,
    rank,
    previousRank: previousRanks.get(item.unit.unitId) ?? null,
    score: item.score,
    components: item.components,
  }));
}
