import fc from 'fast-check';
import {
  addFigures,
  competitionRanks,
  emptyFigures,
  FIGURE_KEYS,
  INDEX,
  indicatorRate,
  MEASURED_POINTS,
  rankUnits,
  scoreUnit,
  targetScore,
  type RankingFigures,
} from '../src/domain/ranking';

/** Figures that hold together: parts never exceed their wholes. */
const figuresArb: fc.Arbitrary<RankingFigures> = fc
  .record({
    received: fc.nat(500),
    online: fc.nat(500),
    resolved: fc.nat(500),
    late: fc.nat(500),
    open: fc.nat(100),
    overdue: fc.nat(100),
    electronic: fc.nat(500),
    digitized: fc.nat(500),
    feeDue: fc.nat(300),
    paid: fc.nat(300),
    procs: fc.nat(20),
    procsPaid: fc.nat(20),
    rated: fc.nat(500),
    disliked: fc.nat(500),
    reviews: fc.nat(10),
    reviewsOnTime: fc.nat(10),
  })
  .map((r) => {
    const resolved = r.resolved;
    const electronicResults = Math.min(r.electronic, resolved);
    return {
      received: r.received,
      receivedOnline: Math.min(r.online, r.received),
      resolved,
      resolvedLate: Math.min(r.late, resolved),
      open: r.open,
      openOverdue: Math.min(r.overdue, r.open),
      electronicResults,
      digitizedWithElectronicResult: Math.min(r.digitized, electronicResults),
      feeDue: r.feeDue,
      paidOnline: Math.min(r.paid, r.feeDue),
      proceduresWithFee: r.procs,
      proceduresPaidOnline: Math.min(r.procsPaid, r.procs),
      rated: Math.min(r.rated, resolved),
      disliked: Math.min(r.disliked, r.rated, resolved),
      reviewsDue: r.reviews,
      reviewsOnTime: Math.min(r.reviewsOnTime, r.reviews),
    };
  });

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('the index table (Decision 766/2022)', () => {
  it('has six groups of 18, 20, 12, 10, 18 and 22 points whose indicators add up to them: 100', () => {
    expect(INDEX.map((g) => [g.key, g.points])).toEqual([
      ['CKMB', 18],
      ['TDGQ', 20],
      ['CLGQ', 12],
      ['TTTT', 10],
      ['MDHL', 18],
      ['MDSH', 22],
    ]);
    for (const g of INDEX) expect(sum(g.indicators.map((i) => i.points))).toBe(g.points);
    expect(sum(INDEX.map((g) => g.points))).toBe(100);
  });

  it('targets 80% for most, 50% for the online share, 90% for satisfaction in handling', () => {
    const target = (key: string) => INDEX.flatMap((g) => g.indicators).find((i) => i.key === key)!.target;
    expect(target('TDGQ.1')).toBe(0.8);
    expect(target('CLGQ.1')).toBe(0.5);
    expect(target('MDHL.3')).toBe(0.9);
  });

  it('names why each unmeasured indicator is not measured, and measures only figures it knows', () => {
    for (const i of INDEX.flatMap((g) => g.indicators)) {
      if (!i.measure) expect(i.why).toEqual(expect.any(String));
      else for (const k of [...i.measure.part, ...i.measure.whole]) expect(FIGURE_KEYS).toContain(k);
    }
    expect(MEASURED_POINTS).toBe(62);
  });
});

describe('target-based scoring', () => {
  it('gives full points at or above the target, else R × points ÷ T', () => {
    expect(targetScore(0.8, 0.8, 20)).toBe(20);
    expect(targetScore(0.95, 0.8, 20)).toBe(20);
    expect(targetScore(0.4, 0.8, 20)).toBe(10);
    expect(targetScore(0.25, 0.5, 12)).toBe(6);
    expect(targetScore(0, 0.9, 6)).toBe(0);
  });

  it('measures rates from figures; no dossier scores 0, no legal review due scores full', () => {
    const f = emptyFigures();
    const byKey = (key: string) => INDEX.flatMap((g) => g.indicators).find((i) => i.key === key)!;
    expect(indicatorRate(byKey('TDGQ.1'), f)).toBe(0);
    expect(indicatorRate(byKey('CKMB.1'), f)).toBe(1);
    expect(indicatorRate(byKey('CKMB.2'), f)).toBeNull();
    Object.assign(f, { resolved: 8, resolvedLate: 1, open: 2, openOverdue: 1, disliked: 1 });
    expect(indicatorRate(byKey('TDGQ.1'), f)).toBeCloseTo(0.8);
    expect(indicatorRate(byKey('MDHL.3'), f)).toBeCloseTo(0.7);
  });

  it('scores a unit with no record: only the legal-review indicator, out of the measured 62', () => {
    const s = scoreUnit(emptyFigures());
    expect(s.score).toBe(6);
    expect(s.components.map((c) => [c.key, c.score, c.maxScore])).toEqual([
      ['CKMB', 6, 6],
      ['TDGQ', 0, 20],
      ['CLGQ', 0, 12],
      ['TTTT', 0, 8],
      ['MDHL', 0, 6],
      ['MDSH', 0, 10],
    ]);
    expect(s.components[0].label).toBe('Công khai, minh bạch');
  });

  it('scores a perfect unit 62 of 62', () => {
    const f = addFigures(emptyFigures(), {
      received: 10,
      receivedOnline: 10,
      resolved: 10,
      electronicResults: 10,
      digitizedWithElectronicResult: 10,
      feeDue: 4,
      paidOnline: 4,
      proceduresWithFee: 2,
      proceduresPaidOnline: 2,
      reviewsDue: 1,
      reviewsOnTime: 1,
    });
    expect(scoreUnit(f).score).toBe(62);
  });
});

describe('properties', () => {
  it('components add up to the score; the score is within 0..100 (and the measured points)', () => {
    fc.assert(
      fc.property(figuresArb, (f) => {
        const s = scoreUnit(f);
        expect(Math.abs(sum(s.components.map((c) => c.score)) - s.score)).toBeLessThan(0.005);
        expect(s.score).toBeGreaterThanOrEqual(0);
        expect(s.score).toBeLessThanOrEqual(Math.min(100, MEASURED_POINTS));
        for (const c of s.components) {
          expect(c.score).toBeGreaterThanOrEqual(0);
          expect(c.score).toBeLessThanOrEqual(c.maxScore + 1e-9);
          expect(Math.round(c.score * 100)).toBeCloseTo(c.score * 100, 6);
        }
      }),
    );
  });

  it('improving a rate never lowers a score', () => {
    // An improvement: one more success (or one failure fewer) over the same whole.
    const improvements: [keyof RankingFigures, 1 | -1][] = [
      ['receivedOnline', 1],
      ['resolvedLate', -1],
      ['openOverdue', -1],
      ['electronicResults', 1],
      ['digitizedWithElectronicResult', 1],
      ['paidOnline', 1],
      ['proceduresPaidOnline', 1],
      ['disliked', -1],
      ['reviewsOnTime', 1],
    ];
    fc.assert(
      fc.property(figuresArb, fc.constantFrom(...improvements), (f, [key, step]) => {
        const better = { ...f, [key]: Math.max(0, f[key] + step) };
        fc.pre(
          better.receivedOnline <= better.received &&
            better.electronicResults <= better.resolved &&
            better.digitizedWithElectronicResult <= better.electronicResults &&
            better.paidOnline <= better.feeDue &&
            better.proceduresPaidOnline <= better.proceduresWithFee &&
            better.reviewsOnTime <= better.reviewsDue,
        );
        expect(scoreUnit(better).score).toBeGreaterThanOrEqual(scoreUnit(f).score);
        for (const g of INDEX.flatMap((x) => x.indicators)) {
          const before = indicatorRate(g, f);
          const after = indicatorRate(g, better);
          if (before !== null && after !== null) expect(after).toBeGreaterThanOrEqual(before - 1e-12);
        }
      }),
    );
  });

  it('ranks 1-2-2-4: equal (2-decimal) scores share a rank, the next rank skips', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 60 }), (cents) => {
        const items = cents.map((c, i) => ({ code: `U${String(i).padStart(3, '0')}`, score: c / 100 }));
        const ranked = competitionRanks(
          items,
          (i) => i.score,
          (i) => i.code,
        );
        expect(ranked).toHaveLength(items.length);
        for (const { item, rank } of ranked) {
          // A unit's rank is 1 + how many score strictly more.
          expect(rank).toBe(1 + items.filter((o) => o.score > item.score).length);
        }
        for (let i = 1; i < ranked.length; i++)
          expect(ranked[i].item.score).toBeLessThanOrEqual(ranked[i - 1].item.score);
      }),
    );
    const ranks = competitionRanks(
      [
        { c: 'A', s: 90 },
        { c: 'B', s: 80.004 },
        { c: 'C', s: 80.001 },
        { c: 'D', s: 70 },
      ],
      (x) => x.s,
      (x) => x.c,
    );
    expect(ranks.map((r) => [r.item.c, r.rank])).toEqual([
      ['A', 1],
      ['B', 2],
      ['C', 2],
      ['D', 4],
    ]);
  });

  it('rankUnits carries each unit’s previous rank', () => {
    const unit = (code: string, receivedOnline: number) => ({
      unitId: `id-${code}`,
      code,
      figures: addFigures(emptyFigures(), { received: 10, receivedOnline }),
    });
    const entries = rankUnits(
      [unit('01', 2), unit('02', 5), unit('04', 5)],
      new Map([
        ['id-01', 1],
        ['id-02', 2],
      ]),
    );
    expect(entries.map((e) => [e.code, e.rank, e.previousRank, e.score])).toEqual([
      ['02', 1, 2, 18],
      ['04', 1, null, 18],
      ['01', 3, 1, 10.8],
    ]);
  });
});
