/**
 * The list page read month by month (DossierQueries.listDossiers): for any scope, period, status
 * filter, page size and "today", walking the pages with their cursors yields exactly the dossiers
 * a plain `ORDER BY received_at DESC, id DESC` over the whole table yields, and totalCount — from
 * the rollups or from the dossiers — is their number. The dossiers are spread over sparse months
 * years apart (empty months between), with ties on received_at, so every branch of the month walk
 * runs: one month, several, the rest at once, a cursor's month, receivedFrom and receivedTo.
 */
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { addDays } from '@eiso/calendar';
import { MonthPartitions } from '../src/db/partitions';
import { DossierQueries, type DossierListQuery } from '../src/db/queries';
import { migratedDossierDatabase, type TestDatabase } from './database';

let database: TestDatabase;
let db: DataSource;
let queries: DossierQueries;

const units = [
  { id: '00000000-0000-4000-8000-00000000000a', path: '/VN/22/' },
  { id: '00000000-0000-4000-8000-00000000000b', path: '/VN/22/22.A/' },
  { id: '00000000-0000-4000-8000-00000000000c', path: '/VN/22/22.A/22.A.1/' },
  { id: '00000000-0000-4000-8000-00000000000d', path: '/VN/01/' },
];
const STATUSES = ['RECEIVED', 'IN_PROGRESS', 'RETURNED', 'REJECTED'];
/** Months that hold dossiers: a busy run, then gaps of months and years. */
const MONTHS = ['2023-03', '2025-06', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-04'];

interface Seeded {
  id: string;
  unit: number;
  receivedAt: Date;
  day: string;
  status: string;
}
let seeded: Seeded[] = [];

/** A deterministic spread: about 60 dossiers a month, some sharing their second with another. */
function plan(): Omit<Seeded, 'id'>[] {
  const rows: Omit<Seeded, 'id'>[] = [];
  let n = 0;
  for (const month of MONTHS)
    for (let i = 0; i < 60; i++) {
      n++;
      const day = `${month}-${String(1 + ((n * 7) % 28)).padStart(2, '0')}`;
      // 01:00–09:59 UTC is the same date in Vietnam; every fifth shares the previous one's instant.
      const minute = n % 5 === 0 ? (n - 1) % 540 : n % 540;
      const receivedAt = new Date(`${day}T00:00:00Z`);
      receivedAt.setUTCMinutes(60 + minute);
      rows.push({ unit: n % units.length, receivedAt, day, status: STATUSES[(n * 3) % STATUSES.length] });
    }
  return rows;
}

beforeAll(async () => {
  ({ database, db } = await migratedDossierDatabase());
  const rows = plan();
  await new MonthPartitions(db).ensure(rows.map((r) => r.day));
  const inserted: { id: string }[] = await db.query(
    `INSERT INTO dossier (code, unit_id, unit_path, procedure_id, channel, status, received_at, received_day, due_at,
       appointment_due_at, applicant_name, applicant_id_number, pin_hash)
     SELECT 'T-' || n, u, p, u, 'COUNTER', s, at, day, at + interval '5 days', at + interval '5 days', 'A', '1', 'x'
     FROM unnest($1::int[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::date[]) AS r(n, u, p, s, at, day)
     ORDER BY n
     RETURNING id`,
    [
      rows.map((_, i) => i),
      rows.map((r) => units[r.unit].id),
      rows.map((r) => units[r.unit].path),
      rows.map((r) => r.status),
      rows.map((r) => r.receivedAt),
      rows.map((r) => r.day),
    ],
  );
  seeded = rows.map((r, i) => ({ ...r, id: inserted[i].id }));
  // The rollups the receipts would have kept: one `received` per dossier, by unit and day.
  await db.query(
    `INSERT INTO daily_stats (unit_id, unit_path, day, received)
     SELECT unit_id, unit_path, received_day, count(*) FROM dossier GROUP BY 1, 2, 3`,
  );
  queries = new DossierQueries(db);
}, 60_000);

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

/** The expected list: every matching dossier, newest first, ties by id descending. */
function expected(q: DossierListQuery): string[] {
  return seeded
    .filter((d) => (q.unitId ? units[d.unit].id === q.unitId : units[d.unit].path.startsWith(q.pathPrefix!)))
    .filter((d) => !q.receivedFrom || d.day >= q.receivedFrom)
    .filter((d) => !q.receivedTo || d.day <= q.receivedTo)
    .filter((d) => !q.statuses || q.statuses.includes(d.status))
    .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || (a.id < b.id ? 1 : -1))
    .map((d) => d.id);
}

/** Every page of the list, following each page's last row as the cursor. */
async function walk(q: DossierListQuery): Promise<{ ids: string[]; totals: Set<number>; pages: number }> {
  const ids: string[] = [];
  const totals = new Set<number>();
  let after: DossierListQuery['after'];
  for (let pages = 1; pages < 1000; pages++) {
    const { rows, total } = await queries.listDossiers({ ...q, after });
    totals.add(total);
    ids.push(...rows.map((r) => r.id));
    if (rows.length < q.limit) return { ids, totals, pages };
    const last = rows[rows.length - 1];
    after = { receivedAt: new Date(last.receivedAt).toISOString(), id: last.id };
  }
  throw new Error('the pages never end');
}

/** A day from before the first dossier to after the last. */
const day = fc.integer({ min: 0, max: 1400 }).map((n) => addDays('2022-12-01', n));

describe('a list read month by month', () => {
  it('pages through exactly the matching dossiers, newest first, totalCount their number', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          scope: fc.constantFrom(
            { pathPrefix: '/VN/22/' },
            { pathPrefix: '/VN/22/22.A/' },
            { pathPrefix: '/VN/' },
            { unitId: units[1].id },
            { unitId: units[3].id },
          ),
          receivedFrom: fc.option(day, { nil: undefined }),
          receivedTo: fc.option(day, { nil: undefined }),
          statuses: fc.option(fc.subarray(STATUSES, { minLength: 1 }), { nil: undefined }),
          limit: fc.integer({ min: 1, max: 90 }),
          today: day,
        }),
        async ({ scope, ...rest }) => {
          const q: DossierListQuery = { ...scope, ...rest };
          const want = expected(q);
          const { ids, totals } = await walk(q);
          expect(ids).toEqual(want);
          expect([...totals]).toEqual([want.length]);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);

  it('fills a page from one month when the newest month holds enough', async () => {
    const spy = jest.spyOn(db, 'query');
    try {
      await queries.listDossiers({ pathPrefix: '/VN/', limit: 20, today: '2026-04-30' });
      // One rollup sum for totalCount, one window for the page.
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });
});
