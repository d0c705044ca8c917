/**
 * The load of a planned year: each day's rows, in day order, into three COPY streams on three
 * connections (dossiers, steps, events), then the rollups and the day sequences, both counted
 * while planning. Days come from this thread or from worker threads (days.ts); either way the rows
 * are the same.
 */
import type { Client } from 'pg';
import { BinaryRows, BufferPool } from './binary';
import { CopyWriter } from './copy';
import type { DaySource } from './days';
import type { NationalYearPlan } from './plan';
import { idOrder, ROLLUP_COLUMNS } from './rollups';

export const DOSSIER_COLUMNS = [
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
/** The steps' columns; `received_day` is appended when the table has it (partitioned by it). */
export const STEP_COLUMNS = [
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
  // The dossier's receipt day, the column dossier_step is partitioned by.
  'received_day',
];
export const EVENT_COLUMNS = [
  'sequence',
  'id',
  'type',
  'occurred_at',
  'unit_path',
  'aggregate_id',
  'payload',
  'sent_at',
];

export const SEQUENCE_COLUMNS = ['unit_id', 'day', 'last'];

export interface LoadCounts {
  dossiers: number;
  steps: number;
  events: number;
  sequences: number;
  rollups: number;
  open: number;
  inProgress: number;
}

/** A month partition of a partitioned table: its name and its days, [from, to). */
export interface Partition {
  name: string;
  from: string;
  to: string;
}

/** The partitions of `table` with a range of days (a DEFAULT partition has none). */
export async function partitionsOf(db: Client, table: string): Promise<Partition[]> {
  const { rows } = await db.query<{ name: string; bound: string }>(
    `SELECT c.oid::regclass::text AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass`,
    [table],
  );
  const partitions: Partition[] = [];
  for (const { name, bound } of rows) {
    const range = /FROM \('(\d{4}-\d{2}-\d{2})'\) TO \('(\d{4}-\d{2}-\d{2})'\)/.exec(bound);
    if (range) partitions.push({ name, from: range[1], to: range[2] });
  }
  return partitions;
}

/**
 * COPY into a partitioned table's month partitions one after the other (days come in order),
 * each month its own transaction: COPY FREEZE needs the table it fills (a partition) emptied in
 * the same transaction, and PostgreSQL skips routing each row.
 */
class MonthlyCopy {
  private ended = 0;
  private writer: CopyWriter | null = null;
  private month: Partition | null = null;

  constructor(
    private readonly client: Client,
    private readonly partitions: Partition[],
    private readonly columns: readonly string[],
  ) {}

  get rows(): number {
    return this.ended + (this.writer?.rows ?? 0);
  }

  /** The writer of `date`'s partition (YYYY-MM-DD), ending the month before. */
  async at(date: string): Promise<CopyWriter> {
    if (this.writer && date >= this.month!.from && date < this.month!.to) return this.writer;
    await this.end();
    this.month = this.partitions.find((p) => date >= p.from && date < p.to) ?? null;
    if (!this.month) throw new Error(`no partition holds ${date}`);
    this.writer = await CopyWriter.open(this.client, this.month.name, this.columns);
    return this.writer;
  }

  async end(): Promise<number> {
    if (this.writer) this.ended += await this.writer.end();
    this.writer = null;
    return this.ended;
  }
}

export interface Loaders {
  dossiers: Client;
  steps: Client;
  events: Client;
  /** The day sequences, at the end (the rollups go on `events`). */
  sequences: Client;
  /** Month partitions of dossier and dossier_step. */
  partitions: { dossiers: Partition[]; steps: Partition[] };
}

export async function loadYear(
  plan: NationalYearPlan,
  source: DaySource,
  loaders: Loaders,
  admin: Client,
  progress: (message: string) => void,
  signal: AbortSignal | undefined,
  interrupted: () => Error,
): Promise<LoadCounts> {
  const dossiers = new MonthlyCopy(loaders.dossiers, loaders.partitions.dossiers, DOSSIER_COLUMNS);
  const steps = new MonthlyCopy(loaders.steps, loaders.partitions.steps, STEP_COLUMNS);
  const events = await CopyWriter.open(loaders.events, 'outbox', EVENT_COLUMNS);
  let open = 0;
  let inProgress = 0;
  let written = 0;
  const started = Date.now();
  let reported = started;
  for (let d = 0; d < plan.workingDays.length; d++) {
    if (signal?.aborted) throw interrupted();
    const date = plan.workingDays[d];
    const writers = [await dossiers.at(date), await steps.at(date), events];
    for await (const rows of source.day(d)) {
      writers[0].write(rows.dossiers, rows.count);
      writers[1].write(rows.steps, rows.stepRows);
      events.write(rows.events, rows.count);
      // Its buffers go back to the planner once written out (a failed write surfaces below).
      Promise.all(writers.map((w) => w.flushed())).then(
        () => source.release(rows),
        () => undefined,
      );
      open += rows.open;
      inProgress += rows.inProgress;
      written += rows.count;
      await Promise.all(writers.map((w) => w.drained()));
    }
    const now = Date.now();
    if (now - reported >= 2000) {
      reported = now;
      const seconds = (now - started) / 1000;
      const rows = dossiers.rows + steps.rows + events.rows;
      const rate = written / seconds;
      const eta = (plan.total - written) / rate;
      progress(
        `generate: ${written.toLocaleString('en')} dossiers, ${rows.toLocaleString('en')} rows ` +
          `(${Math.round(rate).toLocaleString('en')} dossiers/s, ${Math.round(rows / seconds).toLocaleString('en')} rows/s), ` +
          `day ${date}, ETA ${formatSeconds(eta)}`,
      );
    }
  }
  const [d, s, e] = await Promise.all([dossiers.end(), steps.end(), events.end()]);
  const counted = await source.rollups();
  const order = idOrder(plan.units);
  const firstDay = plan.dayNumberAt(0);
  // Not on `admin`: a failed load must leave it free to restore the dropped indexes.
  const [r, q] = await Promise.all([
    writeRollups(loaders.events, 'daily_stats', ROLLUP_COLUMNS, order.length, (rows, from, to) =>
      counted.writeStats(rows, plan.units, order, firstDay, from, to),
    ),
    writeRollups(loaders.sequences, 'dossier_sequence', SEQUENCE_COLUMNS, order.length, (rows, from, to) =>
      counted.writeSequences(rows, plan.units, order, firstDay, from, to),
    ),
  ]);
  progress(
    `generate: loaded ${d.toLocaleString('en')} dossiers in ${formatSeconds((Date.now() - started) / 1000)}`,
  );
  return { dossiers: d, steps: s, events: e, sequences: q, rollups: r, open, inProgress };
}

/** Rows made from the rollups (`make`), 100 of the `units` at a time, in reused buffers. */
async function writeRollups(
  client: Client,
  table: string,
  columns: readonly string[],
  units: number,
  make: (rows: BinaryRows, from: number, to: number) => void,
): Promise<number> {
  const copy = await CopyWriter.open(client, table, columns);
  const pool = new BufferPool();
  for (let from = 0; from < units; from += 100) {
    const rows = new BinaryRows(4 << 20, pool);
    make(rows, from, Math.min(units, from + 100));
    copy.write(rows.bytes(), rows.rows);
    const buffer = rows.bytes().buffer as ArrayBuffer;
    copy.flushed().then(
      () => pool.give(buffer),
      () => undefined,
    );
    await copy.drained();
  }
  return copy.end();
}

export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
