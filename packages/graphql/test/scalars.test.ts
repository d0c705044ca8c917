import { scalarResolvers } from '../src';

describe('the Date scalar', () => {
  const { Date: DateScalar } = scalarResolvers;

  it('keeps calendar dates as YYYY-MM-DD strings both ways', () => {
    expect(DateScalar.parseValue('2026-11-23')).toBe('2026-11-23');
    expect(DateScalar.serialize('2024-02-29')).toBe('2024-02-29');
  });

  it('refuses what is not a real calendar date', () => {
    for (const bad of [
      '2026-02-30',
      '2026-13-01',
      '23/11/2026',
      '2026-11-23T00:00:00Z',
      20261123,
      '0000-01-01',
    ]) {
      expect(() => DateScalar.parseValue(bad)).toThrow();
    }
  });
});

describe('the DateTime scalar', () => {
  const { DateTime } = scalarResolvers;

  it('takes instants with an offset from year 1 to 9999, not year 0 (PostgreSQL has none)', () => {
    expect((DateTime.parseValue('2026-11-23T09:00:00+07:00') as Date).toISOString()).toBe(
      '2026-11-23T02:00:00.000Z',
    );
    expect(() => DateTime.parseValue('0000-01-01T08:00:00Z')).toThrow(/0001 to 9999/);
    expect(() => DateTime.parseValue('2026-11-23T09:00:00')).toThrow();
  });
});
