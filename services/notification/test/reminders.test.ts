/** The reminder thresholds: unit and property tests (fast-check). */
import fc from 'fast-check';
import { addDays } from '@eiso/calendar';
import { actionThreshold, auditRemindersOpen, daysUntil, reviewThreshold } from '../src/domain/reminders';

const day = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const order = [null, '60d', '30d', '7d', 'overdue'];

describe('PROCESS_REVIEW_DUE thresholds', () => {
  it('fall on 60, 30 and 7 days before the date, and after it', () => {
    const dueBy = '2026-03-31';
    expect(reviewThreshold(addDays(dueBy, -61), dueBy)).toBeNull();
    expect(reviewThreshold(addDays(dueBy, -60), dueBy)).toBe('60d');
    expect(reviewThreshold(addDays(dueBy, -31), dueBy)).toBe('60d');
    expect(reviewThreshold(addDays(dueBy, -30), dueBy)).toBe('30d');
    expect(reviewThreshold(addDays(dueBy, -8), dueBy)).toBe('30d');
    expect(reviewThreshold(addDays(dueBy, -7), dueBy)).toBe('7d');
    expect(reviewThreshold(dueBy, dueBy)).toBe('7d');
    expect(reviewThreshold(addDays(dueBy, 1), dueBy)).toBe('overdue');
  });

  it('only tighten as the date comes closer (a later day never goes back to a looser threshold)', () => {
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: -100, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (dueBy, offset, step) => {
          const earlier = addDays(dueBy, offset);
          const later = addDays(earlier, step);
          return (
            order.indexOf(reviewThreshold(later, dueBy)) >= order.indexOf(reviewThreshold(earlier, dueBy))
          );
        },
      ),
    );
  });
});

describe('CORRECTIVE_ACTION_DUE thresholds', () => {
  it('are "before" within the last week, "after" once the date has passed, else none', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -400, max: 400 }), (dueOn, offset) => {
        const today = addDays(dueOn, offset);
        const expected = offset > 0 ? 'after' : offset >= -7 ? 'before' : null;
        return actionThreshold(today, dueOn) === expected;
      }),
    );
  });
});

describe('AUDIT_DUE', () => {
  it('is open from 1 October to the end of the year', () => {
    expect(auditRemindersOpen('2026-09-30')).toBe(false);
    expect(auditRemindersOpen('2026-10-01')).toBe(true);
    expect(auditRemindersOpen('2026-12-31')).toBe(true);
    expect(auditRemindersOpen('2027-01-01')).toBe(false);
  });

  it('counts days across months and years', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -1000, max: 1000 }), (d, n) => daysUntil(d, addDays(d, n)) === n),
    );
  });
});
