/**
 * `eiso generate`: a national year of dossiers written straight into the dossier service's own
 * tables with COPY (docs/scaling.md, "Generating a national year").
 *
 * It needs a seeded database (org and catalog seeded, so the dossier service's unit, official and
 * catalog replicas are full) and replaces the dossier data in it: dossiers, their steps, day
 * sequences, daily rollups and one outbox event per dossier (its latest, marked sent). The plan is
 * made day by day (on worker threads, `workers`) as binary COPY rows and streamed into three COPY
 * streams on three connections (dossiers, steps, events), so node plans while PostgreSQL ingests;
 * the rollups and day sequences are counted meanwhile and copied at the end. The secondary indexes
 * and the foreign keys to and from the dossiers are dropped before the load and rebuilt (the keys
 * validated) after it.
 */
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { quoteIdent } from '@eiso/db';
import type { DirectoryUnit } from '@eiso/directory';
import { hashPinSync } from '../domain/codes';
import { DOSSIER_ROLE, DOSSIER_SCHEMA } from '../db/database';
import { ensureDossierPartitions } from '../db/partitions';
import { seedProcedures } from '../seed';
import { DEMO_PIN } from '../seed/write';
import type { UnitOfficials } from '../seed/plan';
import { inProcess, inWorkers, planCalendar, type DaySource } from './days';
import { addForeignKeys, buildIndexes, droppedCount, dropIndexes, type Dropped } from './indexes';
import { loadYear, partitionsOf } from './load';
import { NationalYearPlan, yearWindow, type PlanInput, type YearWindow } from './plan';

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
   * Load with the keys and indexes in place (to compare; slower at scale, see docs/scaling.md). The
   * foreign keys from and to the dossiers are dropped all the same: the load's COPY transactions
   * cannot satisfy them row by row, and it empties the partitions it fills (copy.ts).
   */
  keepIndexes?: boolean;
  /**
   * Worker threads planning the days (0: plan on this thread, between writes). The rows are the
   * same whatever the number; the command line uses all cores but two.
   */
  workers?: number;
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
  /**
   * The phases (load, indexes, foreign keys) add up to the total; `indexes` includes the tables'
   * ANALYZE, run beside the other tables' index builds, whose own time `analyze` adds up.
   */
  seconds: { total: number; load: number; indexes: number; analyze: number; foreignKeys: number };
}

/** A refusal the command line shows as it is (not seeded, dossiers present, bad arguments). */
export class GenerateError extends Error {}

/** The tables the load fills. */
const TABLES = ['dossier', 'dossier_step', 'outbox', 'daily_stats', 'dossier_sequence'].map(
  (t) => `${DOSSIER_SCHEMA}.${t}`,
);

export async function generateNationalYear(options: GenerateOptions): Promise<GenerateResult> {
  const progress = options.progress ?? (() => undefined);
  if (!Number.isInteger(options.dossiers) || options.dossiers < 1)
    throw new GenerateError('--dossiers must be a positive integer');
  const started = Date.now();
  const window = yearWindowOrRefuse(options.now ?? new Date(), options.year);
  const admin = await connect(options);
  const loaders: Client[] = [];
  let dropped: Dropped | null = null;
  let source: DaySource | null = null;
  try {
    await requireSeeded(admin, options.replace ?? false);
    const input: PlanInput = {
      ...(await readReplicas(admin, window)),
      window,
      count: options.dossiers,
      seed: options.seed,
      pinHash: hashPinSync(DEMO_PIN),
    };
    const plan = new NationalYearPlan(input, planCalendar(input));
    // The workers make their own copy of the plan while the tables are emptied.
    const workers = options.workers ?? 0;
    source = workers > 0 ? inWorkers(plan, input, workers) : inProcess(plan);
    progress(
      `generate: ${options.dossiers.toLocaleString('en')} dossiers over ${plan.units.length} units, ` +
        `${window.from} to ${window.to} (${plan.workingDays.length} working days), seed ${options.seed}, ` +
        (workers > 0
          ? `planned on ${workers} worker thread${workers > 1 ? 's' : ''}`
          : 'planned on this thread'),
    );
    await admin.query(
      `TRUNCATE dossier_step, dossier_pause, dossier_apology, deadline_notice, dossier_external_id, dossier_idempotency_key,
         dossier, dossier_sequence, daily_stats, outbox, pin_attempt`,
    );
    // Every month of the window has its partition (there is no DEFAULT one: a row without its month is refused).
    await ensureDossierPartitions(admin, window.from, window.to);
    dropped = await dropIndexes(admin, TABLES, options.keepIndexes ?? false);
    const partitions = {
      dossiers: await partitionsOf(admin, 'dossier'),
      steps: await partitionsOf(admin, 'dossier_step'),
    };
    // Dossiers, steps and events each stream on their own connection (the rollups and sequences
    // at the end on the events' and a fourth).
    for (let i = 0; i < 4; i++) loaders.push(await connect(options));
    const [dossiers, steps, events, sequences] = loaders;
    const load = await loadYear(
      plan,
      source,
      { dossiers, steps, events, sequences, partitions },
      admin,
      progress,
      options.signal,
      () => new GenerateError('interrupted'),
    );
    const loaded = Date.now();
    progress(`generate: rebuilding ${droppedCount(dropped)} keys and indexes, analyzing`);
    await admin.query(`SELECT setval(pg_get_serial_sequence('outbox', 'sequence'), $1)`, [
      Math.max(1, load.events),
    ]);
    // No VACUUM: the load wrote every page frozen and all-visible (COPY FREEZE), which is what it
    // was for (without the visibility map, counts and index-only scans read the heap: a province's
    // count took ~2 s at 10 M). deadline_notice is analyzed empty, so the sweep's anti-join is
    // planned on its index from the first notice on.
    await admin.query(`ANALYZE deadline_notice`);
    const analyzing = await buildIndexes([admin, loaders[0]], dropped, true);
    const indexed = Date.now();
    await addForeignKeys(admin, dropped);
    dropped = null;
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
        analyze: analyzing,
        foreignKeys: (done - indexed) / 1000,
      },
    };
  } finally {
    await source?.close().catch(() => undefined);
    for (const c of loaders) await c.end().catch(() => undefined);
    if (dropped) {
      const restore = dropped;
      progress(
        'generate: stopped; restoring the dropped keys and indexes (the dossier tables are left partly filled)',
      );
      await buildIndexes([admin], restore)
        .then(() => addForeignKeys(admin, restore))
        .catch((error: unknown) =>
          progress(`generate: could not restore the keys and indexes: ${String(error)}`),
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
