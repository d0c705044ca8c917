/**
 * The generator's fast path: `planLife` plans the same dossier as the demo seed's `planDossier`
 * from the same random numbers, and a national year's days come out the same whichever thread
 * plans them, in whatever order (each day has its own random stream; rollups add up).
 */
import fc from 'fast-check';
import { nationalCalendar } from '@eiso/calendar';
import { seededRandom } from '@eiso/demo';
import type { DirectoryUnit } from '@eiso/directory';
import type { ProcessVersion } from '../src/domain/receipt';
import { FAMILY, GIVEN, planDossier, type SeedProcedure } from '../src/seed/plan';
import { TabledCalendar } from '../src/generate/calendar';
import { CHANNEL, Life, planLife, roleCode, STATUS } from '../src/generate/life';
import { BufferPool } from '../src/generate/binary';
import { DOSSIER_COLUMNS, EVENT_COLUMNS, STEP_COLUMNS } from '../src/generate/load';
import { NationalYearPlan, receiptOrder, yearWindow, type PlanInput } from '../src/generate/plan';
import { Rollups } from '../src/generate/rollups';
import { boolOf, dateOf, decodeRows, instantOf, intOf, jsonOf, numericOf, textOf, uuidOf } from './copy-rows';

const calendar = new TabledCalendar('2024-12-01', '2026-12-31');
const ROLES = ['RECEIVER', 'HANDLER', 'LEADER'];

const unit = (i: number, province: string): DirectoryUnit => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  code: `${province}${String(i).padStart(3, '0')}`,
  name: `Xã ${i}`,
  level: 'COMMUNE',
  kind: 'COMMITTEE',
  provinceCode: province,
  parentId: null,
  path: `/VN/${province}/${i}/`,
  validFrom: '2020-01-01',
  validTo: null,
});

const process = (
  id: number,
  steps: number[],
  effectiveFrom = '2020-01-01',
  ownerPath = '/VN/',
): ProcessVersion => ({
  id: `00000000-0000-4000-9000-${String(id).padStart(12, '0')}`,
  ownerPath,
  version: 1,
  effectiveFrom,
  steps: steps.map((hours, i) => ({
    order: i + 1,
    name: `Bước\t${i + 1}`,
    role: ROLES[i % 3],
    durationHours: hours,
  })),
});

const official = (role: number, i: number) => `00000000-0000-4000-b00${role}-${String(i).padStart(12, '0')}`;

const procedure = (id: number, statutoryDays: number, versions: ProcessVersion[]): SeedProcedure => ({
  id: `00000000-0000-4000-a000-${String(id).padStart(12, '0')}`,
  code: `P${String(id).padStart(4, '0')}`,
  level: 'COMMUNE',
  authority: null,
  statutoryDays,
  fee: id % 2 ? null : 'Không',
  versions,
  targets: id % 3 ? [] : [{ ownerPath: '/VN/22/', targetDays: Math.max(1, statutoryDays - 2) }],
});

describe('planLife', () => {
  it('plans what planDossier plans from the same random numbers', () => {
    const u = unit(1, '22');
    const officials = new Map([[u.id, { receiver: 'r', handler: 'h', leader: null }]]);
    const from = Date.parse('2025-01-02T00:00:00+07:00');
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 0, max: 600 * 86_400 }),
        fc.constantFrom(0.5, 1, 3, 5, 7, 10, 15, 20, 30),
        fc.array(fc.constantFrom(0.5, 1, 2, 4, 8, 12, 16), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 500 * 86_400 }),
        (seed, at, days, hours, nowOffset) => {
          const receivedAt = from + at * 1000;
          const now = receivedAt + nowOffset * 1000;
          const p = process(1, hours);
          const expected = planDossier(
            seededRandom(seed),
            { officials, calendar: nationalCalendar, now: new Date(now) },
            u,
            procedure(1, days, [p]),
            p,
            new Date(receivedAt),
            days,
          );
          const life = new Life(8);
          const template = {
            orders: Int32Array.from(p.steps, (s) => s.order),
            durationHours: Float64Array.from(p.steps, (s) => s.durationHours),
            roles: Uint8Array.from(p.steps, (s) => roleCode(s.role)),
          };
          planLife(
            life,
            seededRandom(seed),
            calendar,
            now,
            template,
            receivedAt,
            days,
            FAMILY.length,
            GIVEN.length,
          );
          const time = (t: number) => (t === t ? new Date(t) : null);
          expect({
            dueAt: new Date(life.dueAt),
            completedAt: time(life.completedAt),
            returnedAt: time(life.returnedAt),
            status: STATUS[life.status],
            channel: CHANNEL[life.channel],
            rating: life.rating || null,
            currentStep: life.current === -1 ? null : template.orders[life.current],
            steps: p.steps.map((_, i) => ({
              startedAt: time(life.stepStarted[i]),
              dueAt: time(life.stepDue[i]),
              completedAt: time(life.stepCompleted[i]),
            })),
            applicantName: `${FAMILY[life.family]} ${GIVEN[life.given1]} ${GIVEN[life.given2]}`,
            applicantIdNumber:
              String(life.idProvince).padStart(3, '0') + String(life.idSerial).padStart(9, '0'),
          }).toEqual({
            dueAt: expected.dueAt,
            completedAt: expected.completedAt,
            returnedAt: expected.returnedAt,
            status: expected.status,
            channel: expected.channel,
            rating: expected.rating,
            currentStep: expected.currentStep,
            steps: expected.steps.map((s) => ({
              startedAt: s.startedAt,
              dueAt: s.dueAt,
              completedAt: s.completedAt,
            })),
            applicantName: expected.applicantName,
            applicantIdNumber: expected.applicantIdNumber,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('TabledCalendar in milliseconds', () => {
  it('counts working time as the national calendar does, in whole milliseconds', () => {
    const from = Date.parse('2025-01-02T00:00:00+07:00');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 * 86_400 }),
        fc.integer({ min: -86_400, max: 90 * 86_400 }),
        (a, span) => {
          const t = from + a * 1000 + (a % 1000);
          const u = t + span * 1000;
          expect(calendar.workingMsBetweenAt(t, u)).toBe(
            Math.round(nationalCalendar.workingHoursBetween(new Date(t), new Date(u)) * 3_600_000),
          );
        },
      ),
    );
  });
});

describe('receiptOrder', () => {
  it('sorts by second, ties in drawing order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 * 3600 - 1 }), { maxLength: 300 }), (seconds) => {
        const order = Array.from(receiptOrder(Int32Array.from(seconds)));
        const expected = seconds.map((_, i) => i).sort((a, b) => seconds[a] - seconds[b] || a - b);
        expect(order).toEqual(expected);
      }),
    );
  });
});

describe('NationalYearPlan', () => {
  const units = Array.from({ length: 12 }, (_, i) => unit(i + 1, i % 2 ? '22' : '79'));
  const procedures = Array.from({ length: 6 }, (_, i) =>
    procedure(i + 1, [1, 3, 5, 7, 10, 15][i], [
      process(10 * i + 1, [2, 8, 4]),
      // A later version in force from mid-year, and one of a province's own.
      process(10 * i + 2, [1, 12, 4, 2], '2026-06-01'),
      process(10 * i + 3, [4, 4], '2026-03-01', '/VN/22/'),
    ]),
  );
  const input: PlanInput = {
    units,
    procedures,
    officials: new Map(
      units.map((u, i) => [
        u.id,
        { receiver: official(1, i), handler: official(2, i), leader: i % 4 ? official(3, i) : null },
      ]),
    ),
    window: yearWindow(new Date('2026-11-20T03:00:00Z')),
    count: 3000,
    seed: 7,
    pinHash: 'hash',
  };
  const plan = () => new NationalYearPlan(input, new TabledCalendar('2025-11-01', '2027-12-31'));
  const sequential = plan();
  const all = sequential.rollups();
  const days = sequential.workingDays.map((_, d) => sequential.planDay(d, all));

  it('plans N dossiers with ids counting up in day order', () => {
    expect(days.reduce((n, d) => n + d.count, 0)).toBe(3000);
    const ids = days.flatMap((d) => decodeRows(d.dossiers).map((row) => uuidOf(row[0]!)));
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(3000);
    // About a tenth not yet returned (the window ends at the as-of moment).
    const open = days.reduce((n, d) => n + d.open, 0);
    expect(open / 3000).toBeGreaterThan(0.03);
    expect(open / 3000).toBeLessThan(0.2);
  });

  it('gives the same days and rollups whatever the threads and the order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.shuffledSubarray(
          sequential.workingDays.map((_, d) => d),
          { minLength: sequential.workingDays.length },
        ),
        (threads, order) => {
          // Each "thread" has its own plan and rollups and takes the days dealt to it.
          const plans = Array.from({ length: threads }, () => plan());
          const parts = plans.map((p) => p.rollups());
          const out = new Array<unknown>(order.length);
          order.forEach((d, i) => (out[d] = plans[i % threads].planDay(d, parts[i % threads])));
          expect(out).toEqual(days);
          const merged = new Rollups(all.units, all.span);
          for (const part of parts) merged.merge(part);
          expect(merged.counters).toEqual(all.counters);
          expect(merged.worked).toEqual(all.worked);
        },
      ),
      { numRuns: 5 },
    );
  });

  it('writes each dossier as its row, its steps and its latest event', () => {
    const unitsById = new Map(units.map((u) => [u.id, u]));
    for (const day of days.slice(0, 20)) {
      const date = sequential.workingDays[day.day];
      const dossiers = decodeRows(day.dossiers);
      const steps = decodeRows(day.steps);
      const events = decodeRows(day.events);
      expect(dossiers.every((r) => r.length === DOSSIER_COLUMNS.length)).toBe(true);
      expect(steps.every((r) => r.length === STEP_COLUMNS.length)).toBe(true);
      expect(events.every((r) => r.length === EVENT_COLUMNS.length)).toBe(true);
      expect([dossiers.length, steps.length, events.length]).toEqual([day.count, day.stepRows, day.count]);
      const field = (row: (Buffer | null)[], column: string) => row[DOSSIER_COLUMNS.indexOf(column)];
      dossiers.forEach((row, i) => {
        const id = uuidOf(row[0]!);
        const unit = unitsById.get(uuidOf(field(row, 'unit_id')!))!;
        const code = textOf(field(row, 'code')!);
        expect(code).toMatch(new RegExp(`^${unit.code}-${date.slice(2).replace(/-/g, '')}-\\d{4}$`));
        expect(textOf(field(row, 'unit_path')!)).toBe(unit.path);
        expect(dateOf(field(row, 'received_day')!)).toBe(date);
        const receivedAt = instantOf(field(row, 'received_at')!);
        expect(receivedAt.getTime() - Date.parse(`${date}T08:00:00+07:00`)).toBeLessThan(9 * 3_600_000);
        expect(instantOf(field(row, 'due_at')!).getTime()).toBeGreaterThan(receivedAt.getTime());
        expect(boolOf(field(row, 'paid_online')!)).toBe(textOf(field(row, 'channel')!) === 'ONLINE');
        expect(textOf(field(row, 'applicant_id_number')!)).toMatch(/^0\d{11}$/);
        const own = steps.filter((s) => uuidOf(s[0]!) === id);
        expect(own.map((s) => intOf(s[1]!))).toEqual(own.map((_, k) => k + 1));
        expect(own.every((s) => dateOf(s[STEP_COLUMNS.indexOf('received_day')]!) === date)).toBe(true);
        expect(own.every((s) => numericOf(s[STEP_COLUMNS.indexOf('duration_hours')]!) > 0)).toBe(true);
        const event = events[i];
        expect(intOf(event[0]!)).toBe(parseInt(id.slice(-12), 16) + 1);
        expect(textOf(event[EVENT_COLUMNS.indexOf('aggregate_id')]!)).toBe(id);
        const payload = jsonOf(event[EVENT_COLUMNS.indexOf('payload')]!) as Record<string, unknown>;
        expect(payload).toMatchObject({ id, code, unitCode: unit.code });
        const status = textOf(field(row, 'status')!);
        expect(payload.status).toBe(
          status === 'IN_PROGRESS' && payload.status === 'RECEIVED' ? 'RECEIVED' : status,
        );
      });
    }
  });

  it('cuts a day into parts of the same rows', () => {
    const whole = days.reduce((a, b) => (b.count > a.count ? b : a));
    const cut = plan();
    const parts = [...cut.planDayParts(whole.day, cut.rollups(), new BufferPool(), 4)];
    expect(parts.length).toBe(Math.ceil(whole.count / 4));
    const rows = (key: 'dossiers' | 'steps' | 'events') =>
      parts.flatMap((p) => decodeRows(p[key]).map((r) => r.map((f) => f?.toString('hex'))));
    for (const key of ['dossiers', 'steps', 'events'] as const)
      expect(rows(key)).toEqual(decodeRows(whole[key]).map((r) => r.map((f) => f?.toString('hex'))));
    expect(parts.reduce((n, p) => n + p.count, 0)).toBe(whole.count);
    expect(parts.reduce((n, p) => n + p.open, 0)).toBe(whole.open);
  });

  it('differs with the seed', () => {
    const other = new NationalYearPlan({ ...input, seed: 8 }, new TabledCalendar('2025-11-01', '2027-12-31'));
    expect(other.planDay(0, other.rollups()).dossiers).not.toEqual(days[0].dossiers);
  });
});
