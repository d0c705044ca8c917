/** The generator's shortcuts: the tabled calendar and the COPY formatting answer exactly as what they replace. */
import { nationalCalendar } from '@eiso/calendar';
import { seededRandom } from '@eiso/demo';
import { TabledCalendar } from '../src/generate/calendar';
import { copyField, isoInstant } from '../src/generate/copy';

const calendar = new TabledCalendar('2025-01-01', '2026-12-31');
const random = seededRandom(9);
const from = Date.parse('2025-01-02T00:00:00+07:00');
const span = Date.parse('2026-10-01T00:00:00+07:00') - from;
const instant = () => new Date(from + Math.floor(random() * span));

describe('TabledCalendar', () => {
  it('agrees with the national calendar on 2,000 random questions', () => {
    for (let i = 0; i < 2000; i++) {
      const a = instant();
      const b = new Date(a.getTime() + Math.floor(random() * 90 * 86_400_000));
      const hours = Math.round(random() * 400) / 4;
      const days = [0, 0.5, 1, 1.5, 3, 5, 7, 10, 15, 20, 30][i % 11];
      expect(calendar.nextWorkingMoment(a)).toEqual(nationalCalendar.nextWorkingMoment(a));
      expect(calendar.addWorkingHours(a, hours)).toEqual(nationalCalendar.addWorkingHours(a, hours));
      expect(calendar.workingHoursBetween(a, b)).toBeCloseTo(nationalCalendar.workingHoursBetween(a, b), 9);
      expect(calendar.procedureDeadline(a, days)).toEqual(nationalCalendar.procedureDeadline(a, days));
    }
  });

  it('defers to the national calendar outside its table', () => {
    const late = new Date('2027-06-01T09:00:00+07:00');
    expect(calendar.procedureDeadline(late, 10)).toEqual(nationalCalendar.procedureDeadline(late, 10));
  });
});

describe('COPY text', () => {
  it('formats instants exactly as toISOString', () => {
    for (let i = 0; i < 2000; i++) {
      const t = from + Math.floor(random() * span);
      expect(isoInstant(t)).toBe(new Date(t).toISOString());
    }
  });

  it('escapes what COPY text treats specially', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(copyField('Nguyễn Văn An')).toBe('Nguyễn Văn An');
    expect(copyField(false)).toBe('false');
  });
});
