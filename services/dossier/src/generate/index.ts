/**
 * `eiso generate`: a national year of dossiers written straight into the dossier service's own
 * tables with COPY (docs/scaling.md, "Generating a national year").
 *
 * It needs a seeded database (org and catalog seeded, so the dossier service's unit, official and
 * catalog replicas are full) and replaces the dossier data in it: dossiers, their steps, day
 * sequences, daily rollups and one outbox event per dossier (its latest, marked sent). The plan is
 * streamed day by day into three COPY streams on three connections (dossiers, steps, events), so
 * node plans while PostgreSQL ingests; the secondary indexes and the step → dossier foreign key
 * are dropped before the load and rebuilt (and the key validated) after it.
 */
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { dateInVietnam } from '@eiso/calendar';
import { quoteIdent } from '@eiso/db';
import type { DirectoryUnit } from '@eiso/directory';
import { hashPin } from '../domain/codes';
import type { Timeliness } from '../domain/timeliness';
import { STAT_COLUMNS } from '../db/commands';
import { DOSSIER_ROLE, DOSSIER_SCHEMA } from '../db/database';
import { ensureDossierPartitions } from '../db/partitions';
import { seedProcedures } from '../seed';
import { DEMO_PIN } from '../seed/write';
import type { UnitOfficials } from '../seed/plan';
import { TabledCalendar } from './calendar';
import { CopyWriter } from './copy';
import { generatedId, NationalYearPlan, yearWindow, type PlannedDossier, type YearWindow } from './plan';

export { yearWindow, NationalYearPlan } from './plan';
export const DEFAULT_GENERATE_DOSSIERS = 10_000_000;

export interface GenerateOptions {
  DATABASE_URL: string;
  DOSSIER_DATABASE_URL?: string;
  dossiers: number;
  seed: number;
  year?: number;
  /** Default: the clock. */
  now?: Date;
  /** Replace dossiers already in the database (otherwise refused). */
  replace?: boolean;
  progress?: (message: string) => void;
  /**
   * Load with the indexes in place (to compare; slower at scale, see docs/scaling.md). The step →
   * dossier key is dropped all the same: the three COPY transactions cannot satisfy it row by row.
   */
  keepIndexes?: boolean;
  /** Stops the load between two days; the dropped indexes are rebuilt before it returns. */
  signal?: AbortSignal;
}

export interface GenerateResult {
  window: { from: string; to: string; asOf: string };
  units: number;
  dossiers: number;
  steps: number;
  events: number;
  sequences: number;
  rollups: number;
  rows: number;
  /** Dossiers not yet returned to the applicant, and those still being processed. */
  open: number;
  inProgress: number;
  seconds: { total: number; load: number; indexes: number; analyze: number };
}

/** A refusal the command line shows as it is (not seeded, dossiers present, bad arguments). */
export class GenerateError extends Error {}

const TABLES = ['dossier', 'dossier_step', 'outbox'];
const DOSSIER_COLUMNS = [
  'id',
  'code',
  'unit_id',
  'unit_path',
  'procedure_id',
  'process_id',
  'channel',
  'status',
  'received_at',
  'received_day',
  'due_at',
  'appointment_due_at',
  'completed_at',
  'returned_at',
  'current_step',
  'applicant_name',
  'applicant_id_number',
  'pin_hash',
  'fee_due',
  'paid_online',
  'digitized',
  'electronic_result',
  'feedback_rating',
  'feedback_at',
  'received_by',
];
const STEP_COLUMNS = [
  'dossier_id',
  'step_order',
  'name',
  'role',
  'duration_hours',
  'assignee_id',
  'started_at',
  'due_at',
  'completed_at',
  'completed_by',
  'received_day',
];
const EVENT_COLUMNS = [
  'sequence',
  'id',
  'type',
  'occurred_at',
  'unit_path',
  'aggregate_id',
  'payload',
  'sent_at',
];

export async function generateNationalYear(options: GenerateOptions): Promise<GenerateResult> {
  const progress = options.progress ?? (() => undefined);
  if (!Number.isInteger(options.dossiers) || options.dossiers < 1)
    throw new GenerateError('--dossiers must be a positive integer');
  const started = Date.now();
  const window = yearWindowOrRefuse(options.now ?? new Date(), options.year);
  const admin = await connect(options);
  const loaders: Client[] = [];
  let indexes: string[] | null = null;
  try {
    await requireSeeded(admin, options.replace ?? false);
    const calendar = new TabledCalendar(
      addDaysTo(window.from, -7),
      addDaysTo(dateInVietnam(window.asOf), 400),
    );
    const plan = new NationalYearPlan({
      ...(await readReplicas(admin, window)),
      calendar,
      window,
      count: options.dossiers,
      seed: options.seed,
    });
    progress(
      `generate: ${options.dossiers.toLocaleString('en')} dossiers over ${plan.units.length} units, ` +
        `${window.from} to ${window.to} (${plan.workingDays.length} working days), seed ${options.seed}`,
    );
    await admin.query(
      `TRUNCATE dossier_step, dossier_pause, dossier_apology, deadline_notice, dossier_external_id, dossier_idempotency_key,
         dossier, dossier_sequence, daily_stats, outbox, pin_attempt`,
    );
    // Every month of the window has its partition (the DEFAULT one is a safety net, not a home).
    await ensureDossierPartitions(admin, window.from, window.to);
    indexes = await dropSecondaryIndexes(admin, options.keepIndexes ?? false);
    for (let i = 0; i < 3; i++) loaders.push(await connect(options));
    const load = await loadYear(plan, calendar, window, loaders, admin, progress, options.signal);
    const loaded = Date.now();
    progress(`generate: rebuilding ${indexes.length} indexes and constraints`);
    await recreate(admin, indexes);
    indexes = null;
    const indexed = Date.now();
    await admin.query(`SELECT setval(pg_get_serial_sequence('outbox', 'sequence'), $1)`, [
      Math.max(1, load.events),
    ]);
    await admin.query(`ANALYZE dossier, dossier_step, outbox, daily_stats, dossier_sequence`);
    const done = Date.now();
    return {
      window: { from: window.from, to: window.to, asOf: window.asOf.toISOString() },
      units: plan.units.length,
      ...load,
      rows: load.dossiers + load.steps + load.events + load.sequences + load.rollups,
      seconds: {
        total: (done - started) / 1000,
        load: (loaded - started) / 1000,
        indexes: (indexed - loaded) / 1000,
        analyze: (done - indexed) / 1000,
      },
    };
  } finally {
    for (const c of loaders) await c.end().catch(() => undefined);
    if (indexes) {
      progress(
        'generate: stopped; restoring the dropped indexes (the dossier tables are left partly filled)',
      );
      await recreate(admin, indexes).catch((error: unknown) =>
        progress(`generate: could not restore ${indexes!.join('; ')}: ${String(error)}`),
      );
    }
    await admin.end().catch(() => undefined);
  }
}

function yearWindowOrRefuse(now: Date, year: number | undefined): YearWindow {
  try {
    return yearWindow(now, year);
  } catch (error) {
    throw new GenerateError((error as Error).message);
  }
}

async function connect(options: GenerateOptions): Promise<Client> {
  const startup = [`-c search_path=${quoteIdent(DOSSIER_SCHEMA)},public`, '-c synchronous_commit=off'];
  if (!options.DOSSIER_DATABASE_URL) startup.push(`-c role=${quoteIdent(DOSSIER_ROLE)}`);
  const client = new Client({
    connectionString: options.DOSSIER_DATABASE_URL ?? options.DATABASE_URL,
    options: startup.join(' '),
  });
  await client.connect();
  return client;
}

async function requireSeeded(db: Client, replace: boolean): Promise<void> {
  const notSeeded =
    'the database is not seeded: run `pnpm eiso seed` first (org and catalog fill the dossier service’s unit, official and catalog replicas)';
  let counts: { units: number; officials: number; procedures: number; dossiers: number };
  try {
    [counts] = (
      await db.query(`SELECT (SELECT count(*) FROM unit_directory)::int AS units,
        (SELECT count(*) FROM official_directory)::int AS officials,
        (SELECT count(*) FROM catalog_procedure)::int AS procedures,
        (SELECT count(*) FROM (SELECT 1 FROM dossier LIMIT 1) d)::int AS dossiers`)
    ).rows;
  } catch (error) {
    if ((error as { code?: string }).code === '42P01' || (error as { code?: string }).code === '22023')
      throw new GenerateError(notSeeded);
    throw error;
  }
  if (!counts.units || !counts.officials || !counts.procedures) throw new GenerateError(notSeeded);
  if (counts.dossiers && !replace)
    throw new GenerateError('the database already holds dossiers: add --replace to replace them');
}

async function readReplicas(db: Client, window: YearWindow) {
  const units = (
    await db.query<DirectoryUnit>(
      `SELECT id, code, name, level, kind, province_code AS "provinceCode", parent_id AS "parentId", path,
              valid_from::text AS "validFrom", valid_to::text AS "validTo"
       FROM unit_directory WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to >= $2)`,
      [window.from, window.to],
    )
  ).rows;
  const officials = new Map<string, UnitOfficials>();
  const rows = (
    await db.query<{ id: string; unitId: string; roles: string[] }>(
      `SELECT id, unit_id AS "unitId", roles FROM official_directory ORDER BY username`,
    )
  ).rows;
  for (const o of rows) {
    const entry = officials.get(o.unitId) ?? { receiver: null, handler: null, leader: null };
    if (o.roles.includes('RECEIVER')) entry.receiver ??= o.id;
    if (o.roles.includes('HANDLER')) entry.handler ??= o.id;
    if (o.roles.includes('LEADER')) entry.leader ??= o.id;
    officials.set(o.unitId, entry);
  }
  for (const [unitId, entry] of officials) if (!entry.receiver || !entry.handler) officials.delete(unitId);
  const query = async (sql: string) => (await db.query(sql)).rows;
  const procedures = await seedProcedures({ query: query as DataSource['query'] });
  return { units, officials, procedures };
}

/** Unique and foreign-key constraints and plain indexes of the loaded tables (primary keys stay). */
async function dropSecondaryIndexes(db: Client, foreignKeysOnly: boolean): Promise<string[]> {
  const tables = TABLES.map((t) => `${DOSSIER_SCHEMA}.${t}`);
  const { rows: constraints } = await db.query<{ table: string; name: string; def: string }>(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS def
     FROM pg_constraint WHERE conrelid = ANY($1::regclass[]) AND contype = ANY($2)
       -- the parents' constraints only: a key to a partitioned table has a child row per partition
       AND conparentid = 0
     ORDER BY contype DESC, conname`,
    [tables, foreignKeysOnly ? ['f'] : ['u', 'f']],
  );
  const { rows: plain } = await db.query<{ name: string; def: string }>(
    // A partitioned table's index is defined `ON ONLY` the parent; rebuilt on every partition.
    `SELECT indexrelid::regclass::text AS name, replace(pg_get_indexdef(indexrelid), ' ON ONLY ', ' ON ') AS def
     FROM pg_index i WHERE indrelid = ANY($1::regclass[]) AND NOT indisprimary
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
     ORDER BY 1`,
    [tables],
  );
  for (const c of constraints) await db.query(`ALTER TABLE ${c.table} DROP CONSTRAINT ${quoteIdent(c.name)}`);
  if (foreignKeysOnly) plain.length = 0;
  for (const i of plain) await db.query(`DROP INDEX ${i.name}`);
  // Recreated in this order: indexes, then unique constraints, then the foreign keys they back.
  return [
    ...plain.map((i) => i.def),
    ...constraints.map((c) => `ALTER TABLE ${c.table} ADD CONSTRAINT ${quoteIdent(c.name)} ${c.def}`),
  ];
}

async function recreate(db: Client, statements: string[]): Promise<void> {
  await db.query(`SET maintenance_work_mem = '256MB'`);
  for (const statement of statements) await db.query(statement);
}

const ROLLUP_COUNTERS = 8; // received, online, resolved, early, on_time, late, rated, satisfied

async function loadYear(
  plan: NationalYearPlan,
  calendar: TabledCalendar,
  window: YearWindow,
  [dossierClient, stepClient, eventClient]: Client[],
  admin: Client,
  progress: (message: string) => void,
  signal: AbortSignal | undefined,
) {
  const pinHash = hashPin(DEMO_PIN);
  const dossiers = new CopyWriter(dossierClient, 'dossier', DOSSIER_COLUMNS);
  const steps = new CopyWriter(stepClient, 'dossier_step', STEP_COLUMNS);
  const events = new CopyWriter(eventClient, 'outbox', EVENT_COLUMNS);
  const sequences = new CopyWriter(admin, 'dossier_sequence', ['unit_id', 'day', 'last']);
  const span = plan.spanDays;
  const counters = new Int32Array(plan.units.length * span * ROLLUP_COUNTERS);
  const hours = new Float64Array(plan.units.length * span);
  const bump = (unitIndex: number, day: number, counter: number) => {
    if (day >= 0 && day < span) counters[(unitIndex * span + day) * ROLLUP_COUNTERS + counter]++;
  };
  let open = 0;
  let inProgress = 0;
  let written = 0;
  const started = Date.now();
  let reported = started;
  let count = 0;
  for (const { day, dossiers: planned } of plan.days()) {
    if (signal?.aborted) throw new GenerateError('interrupted');
    const last = new Map<number, number>();
    for (const d of planned) {
      writeDossier(d, pinHash, dossiers, steps, events, ++count);
      last.set(d.unitIndex, (last.get(d.unitIndex) ?? 0) + 1);
      if (d.status !== 'RETURNED') open++;
      if (d.completedAt === null) inProgress++;
      bump(d.unitIndex, d.receivedDayIndex, 0);
      if (d.channel === 'ONLINE') bump(d.unitIndex, d.receivedDayIndex, 1);
      if (d.completedAt) {
        const doneDay = plan.dayIndex(d.completedAt);
        const timeliness = timelinessOf(d.completedAt, d.dueAt);
        bump(d.unitIndex, doneDay, 2);
        bump(d.unitIndex, doneDay, timeliness === 'EARLY' ? 3 : timeliness === 'ON_TIME' ? 4 : 5);
        if (doneDay >= 0 && doneDay < span)
          hours[d.unitIndex * span + doneDay] += calendar.workingHoursBetween(d.receivedAt, d.completedAt);
      }
      if (d.rating !== null && d.returnedAt) {
        const ratedDay = plan.dayIndex(d.returnedAt);
        bump(d.unitIndex, ratedDay, 6);
        if (d.rating >= 4) bump(d.unitIndex, ratedDay, 7);
      }
    }
    for (const [unitIndex, n] of last) sequences.row([plan.units[unitIndex].unit.id, day, n]);
    written += planned.length;
    await Promise.all([dossiers.drained(), steps.drained(), events.drained(), sequences.drained()]);
    const now = Date.now();
    if (now - reported >= 2000) {
      reported = now;
      const seconds = (now - started) / 1000;
      const rows = dossiers.rows + steps.rows + events.rows + sequences.rows;
      const rate = written / seconds;
      const eta = (plan.total - written) / rate;
      progress(
        `generate: ${written.toLocaleString('en')} dossiers, ${rows.toLocaleString('en')} rows ` +
          `(${Math.round(rate).toLocaleString('en')} dossiers/s, ${Math.round(rows / seconds).toLocaleString('en')} rows/s), ` +
          `day ${day}, ETA ${formatSeconds(eta)}`,
      );
    }
  }
  const [d, s, e, q] = await Promise.all([dossiers.end(), steps.end(), events.end(), sequences.end()]);
  const rollups = new CopyWriter(admin, 'daily_stats', ['unit_id', 'unit_path', 'day', ...STAT_COLUMNS]);
  const days = Array.from({ length: span }, (_, i) => addDaysTo(window.from, i));
  for (let u = 0; u < plan.units.length; u++) {
    const unit = plan.units[u].unit;
    for (let day = 0; day < span; day++) {
      const base = (u * span + day) * ROLLUP_COUNTERS;
      let any = false;
      for (let c = 0; c < ROLLUP_COUNTERS; c++) if (counters[base + c] !== 0) any = true;
      if (!any) continue;
      rollups.row([
        unit.id,
        unit.path,
        days[day],
        counters[base],
        counters[base + 1],
        counters[base + 2],
        counters[base + 3],
        counters[base + 4],
        counters[base + 5],
        hours[u * span + day].toFixed(2),
        counters[base + 6],
        counters[base + 7],
      ]);
    }
    if (u % 500 === 0) await rollups.drained();
  }
  const r = await rollups.end();
  progress(
    `generate: loaded ${d.toLocaleString('en')} dossiers in ${formatSeconds((Date.now() - started) / 1000)}`,
  );
  return { dossiers: d, steps: s, events: e, sequences: q, rollups: r, open, inProgress };
}

function writeDossier(
  d: PlannedDossier,
  pinHash: string,
  dossiers: CopyWriter,
  steps: CopyWriter,
  events: CopyWriter,
  sequence: number,
): void {
  const online = d.channel === 'ONLINE';
  dossiers.row([
    d.id,
    d.code,
    d.unit.id,
    d.unit.path,
    d.procedure.id,
    d.process.id,
    d.channel,
    d.status,
    d.receivedAt,
    d.sequenceDay,
    d.dueAt,
    d.dueAt,
    d.completedAt,
    d.returnedAt,
    d.currentStep,
    d.applicantName,
    d.applicantIdNumber,
    pinHash,
    d.procedure.fee,
    online,
    online,
    online && d.completedAt !== null,
    d.rating,
    d.rating === null ? null : d.returnedAt,
    d.steps[0]?.assigneeId ?? null,
  ]);
  for (const s of d.steps)
    steps.row([
      d.id,
      s.order,
      s.name,
      s.role,
      s.durationHours,
      s.assigneeId,
      s.startedAt ?? s.completedAt,
      s.dueAt,
      s.completedAt,
      s.completedAt ? s.assigneeId : null,
      d.sequenceDay,
    ]);
  const event = latestEvent(d);
  events.row([
    sequence,
    generatedId(1, sequence),
    event.type,
    event.at,
    d.unit.path,
    d.id,
    JSON.stringify({ id: d.id, code: d.code, unitCode: d.unit.code, status: event.status, ...event.extra }),
    event.at,
  ]);
}

/** The dossier's latest event, as the live service would have written it. */
function latestEvent(d: PlannedDossier): { type: string; at: Date; status: string; extra: object } {
  const timeliness = () => timelinessOf(d.completedAt!, d.dueAt);
  if (d.status === 'RETURNED')
    return {
      type: 'dossier.returned',
      at: d.returnedAt!,
      status: d.status,
      extra: { timeliness: timeliness() },
    };
  const lastStep = d.steps[d.steps.length - 1];
  if (d.status === 'RESULT_READY')
    return {
      type: 'dossier.step_completed',
      at: d.completedAt!,
      status: d.status,
      extra: { step: lastStep.order, resultReady: true, timeliness: timeliness() },
    };
  const previous = d.steps.find((s) => s.order === (d.currentStep ?? 0) - 1);
  if (previous?.completedAt)
    return {
      type: 'dossier.step_completed',
      at: previous.completedAt,
      status: 'IN_PROGRESS',
      extra: { step: previous.order, nextStep: d.currentStep, assigneeId: null },
    };
  return {
    type: 'dossier.received',
    at: d.receivedAt,
    status: 'RECEIVED',
    extra: { procedureId: d.procedure.id, dueAt: d.dueAt.toISOString() },
  };
}

/** closedTimeliness with no supplement requests, by day numbers instead of date strings. */
function timelinessOf(completedAt: Date, dueAt: Date): Timeliness {
  const done = Math.floor((completedAt.getTime() + 7 * 3_600_000) / 86_400_000);
  const due = Math.floor((dueAt.getTime() + 7 * 3_600_000) / 86_400_000);
  return done < due ? 'EARLY' : done === due ? 'ON_TIME' : 'LATE';
}

function addDaysTo(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
