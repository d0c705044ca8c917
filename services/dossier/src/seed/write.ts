/**
 * Writes the demo dossiers in one transaction, thousands of rows per statement: dossiers, their
 * steps, the day sequences their codes used, and the daily rollups they add up to. Seeded
 * dossiers all answer to the documented demo PIN, so the public look-up can be tried on them.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { dateInVietnam } from '@eiso/calendar';
import { dossierCode, hashPinSync } from '../domain/codes';
import { closedTimeliness } from '../domain/timeliness';
import { MonthPartitions } from '../db/partitions';
import type { SeedDossier } from './plan';

export const DEMO_PIN = '123456';
const CHUNK = 2000;

export async function isDossierSeeded(db: DataSource): Promise<boolean> {
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM dossier`);
  return n > 0;
}

export async function writeDemoDossiers(
  db: DataSource,
  dossiers: SeedDossier[],
  calendar: { workingHoursBetween(a: Date, b: Date): number },
  progress: (message: string) => void = () => undefined,
): Promise<number> {
  const pinHash = hashPinSync(DEMO_PIN);
  const sorted = [...dossiers].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  const sequences = new Map<string, number>();
  const rows = sorted.map((d) => {
    const key = `${d.unit.id}|${d.sequenceDay}`;
    const sequence = (sequences.get(key) ?? 0) + 1;
    sequences.set(key, sequence);
    return { ...d, id: randomUUID(), code: dossierCode(d.unit.code, d.receivedAt, sequence) };
  });
  // No DEFAULT partition: each receipt month must exist before the rows go in.
  await new MonthPartitions(db).ensure(rows.map((d) => d.sequenceDay));
  return db.transaction(async (m) => {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      await insertDossiers(m, chunk, pinHash);
      await insertSteps(m, chunk);
      progress(`dossier: seeding dossiers ${Math.min(i + CHUNK, rows.length)}/${rows.length}`);
    }
    await m.query(
      `INSERT INTO dossier_sequence (unit_id, day, last) SELECT * FROM unnest($1::uuid[], $2::date[], $3::int[])`,
      [
        [...sequences.keys()].map((k) => k.split('|')[0]),
        [...sequences.keys()].map((k) => k.split('|')[1]),
        [...sequences.values()],
      ],
    );
    await insertRollups(m, rows, calendar);
    return rows.length;
  });
}

type Row = SeedDossier & { id: string; code: string };

async function insertDossiers(m: EntityManager, rows: Row[], pinHash: string): Promise<void> {
  await m.query(
    `INSERT INTO dossier (id, code, unit_id, unit_path, procedure_id, process_id, channel, status, received_at, received_day,
       due_at, appointment_due_at, completed_at, returned_at, current_step, applicant_name, applicant_id_number, pin_hash,
       fee_due, paid_online, digitized, electronic_result, feedback_rating, feedback_at)
     SELECT id, code, unit_id, unit_path, procedure_id, process_id, channel, status, received_at, received_at_day,
       due_at, due_at, completed_at, returned_at, current_step, name, id_number, $18, fee, online, online, online AND completed_at IS NOT NULL,
       rating, CASE WHEN rating IS NULL THEN NULL ELSE returned_at END
     FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::text[], $9::timestamptz[],
                 $10::date[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::int[], $15::text[], $16::text[], $17::int[],
                 $19::text[], $20::boolean[])
       AS t(id, code, unit_id, unit_path, procedure_id, process_id, channel, status, received_at, received_at_day, due_at,
            completed_at, returned_at, current_step, name, id_number, rating, fee, online)`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.code),
      rows.map((r) => r.unit.id),
      rows.map((r) => r.unit.path),
      rows.map((r) => r.procedure.id),
      rows.map((r) => r.process.id),
      rows.map((r) => r.channel),
      rows.map((r) => r.status),
      rows.map((r) => r.receivedAt),
      rows.map((r) => r.sequenceDay),
      rows.map((r) => r.dueAt),
      rows.map((r) => r.completedAt),
      rows.map((r) => r.returnedAt),
      rows.map((r) => r.currentStep),
      rows.map((r) => r.applicantName),
      rows.map((r) => r.applicantIdNumber),
      rows.map((r) => r.rating),
      pinHash,
      rows.map((r) => r.procedure.fee),
      rows.map((r) => r.channel === 'ONLINE'),
    ],
  );
}

async function insertSteps(m: EntityManager, rows: Row[]): Promise<void> {
  const steps = rows.flatMap((r) => r.steps.map((s) => ({ ...s, dossierId: r.id, day: r.sequenceDay })));
  await m.query(
    `INSERT INTO dossier_step (dossier_id, received_day, step_order, name, role, duration_hours, assignee_id, started_at, due_at, completed_at, completed_by)
     SELECT d, y, o, n, r, h, a, s, u, c, CASE WHEN c IS NULL THEN NULL ELSE a END
     FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::numeric[], $6::uuid[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::date[])
       AS t(d, o, n, r, h, a, s, u, c, y)`,
    [
      steps.map((s) => s.dossierId),
      steps.map((s) => s.order),
      steps.map((s) => s.name),
      steps.map((s) => s.role),
      steps.map((s) => s.durationHours),
      steps.map((s) => s.assigneeId),
      steps.map((s) => s.startedAt ?? s.completedAt),
      steps.map((s) => s.dueAt),
      steps.map((s) => s.completedAt),
      // The step's partition key: its dossier's receipt day.
      steps.map((s) => s.day),
    ],
  );
}

async function insertRollups(
  m: EntityManager,
  rows: Row[],
  calendar: { workingHoursBetween(a: Date, b: Date): number },
): Promise<void> {
  const days = new Map<string, { unitId: string; unitPath: string; day: string; c: number[] }>();
  const add = (r: Row, day: string, index: number, value = 1) => {
    const key = `${r.unit.id}|${day}`;
    if (!days.has(key))
      days.set(key, { unitId: r.unit.id, unitPath: r.unit.path, day, c: [0, 0, 0, 0, 0, 0, 0, 0, 0] });
    days.get(key)!.c[index] += value;
  };
  for (const r of rows) {
    add(r, r.sequenceDay, 0);
    if (r.channel === 'ONLINE') add(r, r.sequenceDay, 1);
    if (r.completedAt) {
      const done = dateInVietnam(r.completedAt);
      const timeliness = closedTimeliness(r.completedAt, r.dueAt, 0);
      add(r, done, 2);
      add(r, done, timeliness === 'EARLY' ? 3 : timeliness === 'ON_TIME' ? 4 : 5);
      add(r, done, 6, calendar.workingHoursBetween(r.receivedAt, r.completedAt));
    }
    if (r.rating !== null && r.returnedAt) {
      add(r, dateInVietnam(r.returnedAt), 7);
      if (r.rating >= 4) add(r, dateInVietnam(r.returnedAt), 8);
    }
  }
  const all = [...days.values()];
  const column = (i: number) => all.map((d) => d.c[i]);
  await m.query(
    `INSERT INTO daily_stats (unit_id, unit_path, day, received, received_online, resolved, early, on_time, late, processing_hours, rated, satisfied)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[],
                          $10::numeric[], $11::int[], $12::int[])
     ON CONFLICT (unit_id, day) DO UPDATE SET received = daily_stats.received + excluded.received`,
    [
      all.map((d) => d.unitId),
      all.map((d) => d.unitPath),
      all.map((d) => d.day),
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map(column),
    ],
  );
}
