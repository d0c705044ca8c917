import fc from 'fast-check';
import {
  approvalProblem,
  foldVietnamese,
  handledBy,
  mayOwnProcess,
  nearestOwner,
  pathPrefixes,
  prefixQuery,
  searchTokens,
  statusOn,
  stepsProblem,
  versionInForce,
  type VersionState,
} from '../src';
import { reviewDueBy } from '../src/domain/review';
import { targetProblem } from '../src/domain/targets';
import { planSteps } from '../src/seed/steps';

describe('search folding', () => {
  it('reads Vietnamese with or without diacritics the same', () => {
    expect(foldVietnamese('Đăng ký khai sinh')).toBe('dang ky khai sinh');
    expect(searchTokens('ĐĂNG KÝ   kết hôn!')).toEqual(['dang', 'ky', 'ket', 'hon']);
    expect(prefixQuery('đăng ký khai sinh')).toBe(prefixQuery('dang ky khai sinh'));
    expect(prefixQuery('khai sinh đăng ký')).toBe('khai:* & sinh:* & dang:* & ky:*');
  });

  it('gives nothing to search for in blanks and punctuation, and only safe tsquery words otherwise', () => {
    expect(prefixQuery('   ')).toBeNull();
    expect(prefixQuery("' & | ! ( ) :*")).toBeNull();
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const query = prefixQuery(text);
        if (query !== null) expect(query).toMatch(/^[a-z0-9]+:\*( & [a-z0-9]+:\*)*$/);
      }),
    );
  });

  it('folding is idempotent and never leaves a combining mark or đ', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const folded = foldVietnamese(text);
        expect(foldVietnamese(folded)).toBe(folded);
        expect(folded).not.toMatch(/[\u0300-\u036f\u0111\u0110]/);
      }),
    );
  });
});

describe('process versions', () => {
  const v = (id: string, version: number, effectiveFrom: string | null): VersionState => ({
    id,
    version,
    approved: effectiveFrom !== null,
    effectiveFrom,
  });
  const versions = [
    v('a', 1, '2024-01-01'),
    v('b', 2, '2025-07-01'),
    v('c', 3, '2026-12-01'),
    v('d', 4, null),
  ];

  it('the version in force is the approved one with the latest date not after the day', () => {
    expect(versionInForce(versions, '2023-12-31')).toBeNull();
    expect(versionInForce(versions, '2024-01-01')!.id).toBe('a');
    expect(versionInForce(versions, '2025-06-30')!.id).toBe('a');
    expect(versionInForce(versions, '2025-07-01')!.id).toBe('b');
    expect(versionInForce(versions, '2026-12-01')!.id).toBe('c');
  });

  it('the previous version is superseded on the very day the next takes effect', () => {
    const statuses = (day: string) => {
      const inForce = versionInForce(versions, day)?.id ?? null;
      return versions.map((x) => statusOn(x, inForce, day));
    };
    expect(statuses('2025-06-30')).toEqual(['EFFECTIVE', 'APPROVED', 'APPROVED', 'DRAFT']);
    expect(statuses('2025-07-01')).toEqual(['SUPERSEDED', 'EFFECTIVE', 'APPROVED', 'DRAFT']);
    expect(statuses('2026-12-01')).toEqual(['SUPERSEDED', 'SUPERSEDED', 'EFFECTIVE', 'DRAFT']);
  });

  it('on any day at most one version is effective, and it is never a draft', () => {
    const day = fc
      .integer({ min: 0, max: 4000 })
      .map((n) => new Date(Date.UTC(2020, 0, 1 + n)).toISOString().slice(0, 10));
    const version = fc.record({ approved: fc.boolean(), date: day });
    fc.assert(
      fc.property(fc.array(version, { maxLength: 8 }), day, (specs, today) => {
        const all = specs.map((s, i) => v(`v${i}`, i + 1, s.approved ? s.date : null));
        const inForce = versionInForce(all, today)?.id ?? null;
        const statuses = all.map((x) => statusOn(x, inForce, today));
        expect(statuses.filter((s) => s === 'EFFECTIVE').length).toBe(inForce ? 1 : 0);
        all.forEach((x, i) => {
          if (!x.approved) expect(statuses[i]).toBe('DRAFT');
          if (x.approved && x.effectiveFrom! > today) expect(statuses[i]).toBe('APPROVED');
        });
      }),
    );
  });

  it('approval refuses a date in the past or before an already approved version', () => {
    expect(approvalProblem('2026-11-22', '2026-11-23', [])).toMatch(/in the past/);
    expect(approvalProblem('2026-11-23', '2026-11-23', [])).toBeNull();
    expect(approvalProblem('2028-11-23', '2026-11-23', [])).toBeNull();
    expect(approvalProblem('2028-11-24', '2026-11-23', [])).toMatch(/2 years ahead/);
    expect(approvalProblem('9999-12-31', '2026-11-23', [])).toMatch(/2 years ahead/);
    expect(approvalProblem('2026-12-01', '2026-11-23', [v('x', 1, '2027-01-01')])).toMatch(
      /already approved/,
    );
    expect(approvalProblem('2027-01-01', '2026-11-23', [v('x', 1, '2027-01-01')])).toBeNull();
  });
});

describe('steps', () => {
  const step = (durationHours: number, role = 'HANDLER', name = 'Thẩm định') => ({
    name,
    role,
    durationHours,
  });

  it('fit within the days allowed × 8 working hours', () => {
    expect(stepsProblem([step(4), step(4)], 1)).toBeNull();
    expect(stepsProblem([step(4), step(4.5)], 1)).toMatchObject({
      field: 'steps',
      message: expect.stringMatching(/8.5.*8/),
    });
    expect(stepsProblem([step(4)], 0.5)).toBeNull();
  });

  it('name the field of the first bad step', () => {
    expect(stepsProblem([], 5)).toMatchObject({ field: 'steps' });
    expect(stepsProblem([step(1), step(0)], 5)).toMatchObject({ field: 'steps.1.durationHours' });
    expect(stepsProblem([step(-1)], 5)).toMatchObject({ field: 'steps.0.durationHours' });
    expect(stepsProblem([step(Number.NaN)], 5)).toMatchObject({ field: 'steps.0.durationHours' });
    expect(stepsProblem([step(1, 'HANDLER', '  ')], 5)).toMatchObject({ field: 'steps.0.name' });
    expect(stepsProblem([step(1, 'SYSTEM_ADMIN')], 5)).toMatchObject({ field: 'steps.0.role' });
  });

  it('the demo planner always fits the time it is given', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 180 }).map((n) => n / 2),
        (days) => {
          const steps = planSteps(days * 8);
          expect(stepsProblem(steps, days)).toBeNull();
        },
      ),
    );
  });
});

describe('who handles what', () => {
  const commune = { code: '00001', level: 'COMMUNE', kind: 'PEOPLES_COMMITTEE' } as const;
  const province = { code: '22', level: 'PROVINCE', kind: 'PEOPLES_COMMITTEE' } as const;
  const justice = { code: '22.STP', level: 'PROVINCE', kind: 'AGENCY' } as const;
  const ministry = { code: 'BTP', level: 'MINISTRY', kind: 'MINISTRY' } as const;

  it('each unit handles its level, agencies their authority', () => {
    expect(handledBy(commune)).toEqual({ level: 'COMMUNE' });
    expect(handledBy(province)).toEqual({ level: 'PROVINCE' });
    expect(handledBy(justice)).toEqual({ level: 'PROVINCE', authority: 'STP' });
    expect(handledBy(ministry)).toEqual({ level: 'MINISTRY', authority: 'BTP' });
    expect(handledBy({ code: 'VN', level: 'NATIONAL', kind: 'GOVERNMENT' })).toBeNull();
  });

  it('a province keeps templates for its units; a commune cannot own a province procedure', () => {
    expect(mayOwnProcess(province, { level: 'COMMUNE', authority: null })).toBe(true);
    expect(mayOwnProcess(commune, { level: 'PROVINCE', authority: 'STP' })).toBe(false);
    expect(mayOwnProcess(justice, { level: 'PROVINCE', authority: 'SXD' })).toBe(false);
    expect(mayOwnProcess(justice, { level: 'PROVINCE', authority: 'STP' })).toBe(true);
  });

  it('the nearest owner wins: the unit over its district over its province', () => {
    expect(pathPrefixes('/VN/22/144/02001/')).toEqual([
      '/VN/',
      '/VN/22/',
      '/VN/22/144/',
      '/VN/22/144/02001/',
    ]);
    const rows = [{ ownerPath: '/VN/22/' }, { ownerPath: '/VN/22/144/' }, { ownerPath: '/VN/24/' }];
    expect(nearestOwner('/VN/22/144/02001/', rows)).toEqual({ ownerPath: '/VN/22/144/' });
    expect(nearestOwner('/VN/22/150/03000/', rows)).toEqual({ ownerPath: '/VN/22/' });
    expect(nearestOwner('/VN/2/', rows)).toBeNull();
  });
});

describe('target times and legal reviews', () => {
  it('targets are positive half days no longer than the statutory time', () => {
    expect(targetProblem(2.5, 5)).toBeNull();
    expect(targetProblem(5, 5)).toBeNull();
    expect(targetProblem(5.5, 5)).toMatch(/exceeds/);
    expect(targetProblem(0, 5)).toMatch(/positive/);
    expect(targetProblem(1.25, 5)).toMatch(/half days/);
  });

  it('a review is due three calendar months after the change takes effect', () => {
    expect(reviewDueBy('2026-07-01')).toBe('2026-10-01');
    expect(reviewDueBy('2026-11-30')).toBe('2027-02-28');
  });
});
