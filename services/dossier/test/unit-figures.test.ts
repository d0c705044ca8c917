/**
 * unitFigures' fee figures, on dossiers made for them: dossiers with a fee and procedures with a
 * fee (each procedure once however many of its dossiers), paid online, free fees ("Không",
 * "Miễn phí") and blank ones not counted, dossiers outside the period not counted, and a unit with
 * no fee dossier at 0.
 */
import type { DataSource } from 'typeorm';
import { MonthPartitions } from '../src/db/partitions';
import { unitFigures } from '../src/db/queries';
import { migratedDossierDatabase, type TestDatabase } from './database';

let database: TestDatabase;
let db: DataSource;
const A = '00000000-0000-4000-8000-0000000000a1';
const B = '00000000-0000-4000-8000-0000000000b1';
const P = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;

beforeAll(async () => {
  ({ database, db } = await migratedDossierDatabase());
  // unit, procedure, receipt day, fee, paid online
  const rows: [string, string, string, string | null, boolean][] = [
    [A, P(1), '2026-03-02', '50.000 đồng', true],
    [A, P(1), '2026-03-03', '50.000 đồng', false],
    [A, P(1), '2026-04-01', '50.000 đồng', false],
    [A, P(2), '2026-03-04', '100.000 đồng', false],
    [A, P(3), '2026-03-05', 'Không', true],
    [A, P(4), '2026-03-06', '  miễn phí', false],
    [A, P(5), '2026-03-07', '   ', false],
    [A, P(6), '2026-03-08', null, false],
    // Before the period: not counted.
    [A, P(7), '2025-12-30', '20.000 đồng', true],
    [B, P(1), '2026-03-09', 'Không thu phí', false],
  ];
  await new MonthPartitions(db).ensure(rows.map((r) => r[2]));
  await db.query(
    `INSERT INTO dossier (code, unit_id, unit_path, procedure_id, channel, status, received_at, received_day, due_at,
       appointment_due_at, applicant_name, applicant_id_number, pin_hash, fee_due, paid_online)
     SELECT 'F-' || n, u, '/VN/22/', p, 'ONLINE', 'RECEIVED', day + time '09:00', day, day + 5, day + 5, 'A', '1', 'x', fee, paid
     FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::date[], $5::text[], $6::boolean[]) AS r(n, u, p, day, fee, paid)`,
    [rows.map((_, i) => i), ...[0, 1, 2, 3, 4].map((c) => rows.map((r) => r[c]))],
  );
}, 60_000);

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

it('counts dossiers with a fee, and each procedure with a fee once', async () => {
  const figures = await unitFigures(db, '2026-01-01', '2026-12-31', new Date('2026-06-01T00:00:00Z'));
  const of = (unit: string) => figures.find((f) => f.unitId === unit);
  expect(of(A)).toMatchObject({
    received: 8,
    feeDue: 4,
    paidOnline: 1,
    proceduresWithFee: 2,
    proceduresPaidOnline: 1,
  });
  expect(of(B)).toMatchObject({
    received: 1,
    feeDue: 0,
    paidOnline: 0,
    proceduresWithFee: 0,
    proceduresPaidOnline: 0,
  });
});
