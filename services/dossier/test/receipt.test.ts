import fc from 'fast-check';
import { nationalCalendar } from '@eiso/calendar';
import { daysAllowed, planReceipt, processInForce, type ProcessVersion } from '../src';

const steps = [
  { order: 1, name: 'Tiếp nhận', role: 'RECEIVER', durationHours: 1 },
  { order: 2, name: 'Thẩm định', role: 'HANDLER', durationHours: 10 },
  { order: 3, name: 'Ký duyệt', role: 'LEADER', durationHours: 4 },
  { order: 4, name: 'Trả kết quả', role: 'RECEIVER', durationHours: 1 },
];
const version = (id: string, ownerPath: string, n: number, effectiveFrom: string): ProcessVersion => ({
  id,
  ownerPath,
  version: n,
  effectiveFrom,
  steps,
});

describe('the process a receipt follows', () => {
  const versions = [
    version('province-1', '/VN/22/', 1, '2024-01-01'),
    version('province-2', '/VN/22/', 2, '2025-07-01'),
    version('commune-1', '/VN/22/144/02001/', 1, '2025-03-01'),
    version('future', '/VN/22/', 3, '2027-01-01'),
  ];

  it('is the unit’s own version in force, else its province’s', () => {
    expect(processInForce('/VN/22/144/02001/', '2026-11-23', versions)?.id).toBe('commune-1');
    expect(processInForce('/VN/22/144/02002/', '2026-11-23', versions)?.id).toBe('province-2');
    expect(processInForce('/VN/22/144/02001/', '2025-01-01', versions)?.id).toBe('province-1');
    expect(processInForce('/VN/24/001/00010/', '2026-11-23', versions)).toBeNull();
    // A version approved for a later date is not yet in force.
    expect(processInForce('/VN/22/144/02002/', '2027-01-01', versions)?.id).toBe('future');
  });

  it('runs on the nearest target time, else the statutory time', () => {
    const targets = [
      { ownerPath: '/VN/22/', targetDays: 3 },
      { ownerPath: '/VN/22/144/02001/', targetDays: 2 },
    ];
    expect(daysAllowed('/VN/22/144/02001/', 5, targets)).toBe(2);
    expect(daysAllowed('/VN/22/144/02002/', 5, targets)).toBe(3);
    expect(daysAllowed('/VN/96/', 5, targets)).toBe(5);
  });
});

describe('a receipt plan', () => {
  const vn = (iso: string) => new Date(`${iso}+07:00`);

  it('is due at 17:00 of the Nth working day after the receipt day, skipping weekends and holidays', () => {
    // Friday 24 April 2026, 16:00; Monday 27 April is the Hùng Kings compensatory day.
    const plan = planReceipt(nationalCalendar, vn('2026-04-24T16:00:00'), 2, steps);
    expect(plan.dueAt).toEqual(vn('2026-04-29T17:00:00'));
    expect(plan.steps[0].startedAt).toEqual(vn('2026-04-24T16:00:00'));
    expect(plan.steps[0].dueAt).toEqual(vn('2026-04-24T17:00:00'));
    expect(plan.steps.slice(1).every((s) => s.startedAt === null && s.dueAt === null)).toBe(true);
  });

  it('received after hours starts its first step the next working morning', () => {
    const plan = planReceipt(nationalCalendar, vn('2026-11-20T18:30:00'), 1, steps); // a Friday evening
    expect(plan.steps[0].startedAt).toEqual(vn('2026-11-23T08:00:00'));
    expect(plan.dueAt).toEqual(vn('2026-11-24T17:00:00'));
  });

  it('the first step is always due inside working time, never after the dossier', () => {
    const instant = fc.date({
      min: new Date('2025-01-01'),
      max: new Date('2027-12-31'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 30 }), (receivedAt, days) => {
        const plan = planReceipt(nationalCalendar, receivedAt, days, steps);
        expect(plan.steps[0].dueAt!.getTime()).toBeLessThanOrEqual(plan.dueAt.getTime());
        expect(plan.steps[0].startedAt!.getTime()).toBeGreaterThanOrEqual(receivedAt.getTime());
      }),
    );
  });
});
