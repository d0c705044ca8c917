import { scalarResolvers } from '../src';

describe('the Date scalar', () => {
  const { Date: DateScalar } = scalarResolvers;

  it('keeps calendar dates as YYYY-MM-DD strings both ways', () => {
    expect(DateScalar.parseValue('2026-11-23')).toBe('2026-11-23');
    expect(DateScalar.serialize('2024-02-29')).toBe('2024-02-29');
  });

  it('refuses what is not a real calendar date', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '23/11/2026', '2026-11-23T00:00:00Z', 20261123]) {
      expect(() => DateScalar.parseValue(bad)).toThrow();
    }
  });
});
