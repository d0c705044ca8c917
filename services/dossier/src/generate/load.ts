/**
 * The load of a planned year: each day's COPY text, in day order, into three COPY streams on three
 * connections (dossiers, steps, events) while a fourth writes the day sequences, then the rollups.
 * Days come from this thread or from worker threads (days.ts); either way the rows are the same.
 */
import type { Client } from 'pg';
import { CopyWriter } from './copy';
import type { DaySource } from './days';
import type { NationalYearPlan } from './plan';
import { ROLLUP_COLUMNS } from './rollups';

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

export interface LoadCounts {
  dossiers: number;
  steps: number;
  events: number;
  sequences: number;
  rollups: number;
  open: number;
  inProgress: number;
}

export async function loadYear(
  plan: NationalYearPlan,
  source: DaySource,
  [dossierClient, stepClient, eventClient, sequenceClient]: Client[],
  admin: Client,
  progress: (message: string) => void,
  signal: AbortSignal | undefined,
  interrupted: () => Error,
): Promise<LoadCounts> {
  const dossiers = new CopyWriter(dossierClient, 'dossier', DOSSIER_COLUMNS);
  const steps = new CopyWriter(stepClient, 'dossier_step', STEP_COLUMNS);
  const events = new CopyWriter(eventClient, 'outbox', EVENT_COLUMNS);
  // Not on `admin`: a failed load must leave it free to restore the dropped indexes.
  const sequences = new CopyWriter(sequenceClient, 'dossier_sequence', ['unit_id', 'day', 'last']);
  let open = 0;
  let inProgress = 0;
  let written = 0;
  const started = Date.now();
  let reported = started;
  for (let d = 0; d < plan.workingDays.length; d++) {
    if (signal?.aborted) throw interrupted();
    const day = await source.day(d);
    dossiers.write(day.dossiers, day.count);
    steps.write(day.steps, day.stepRows);
    events.write(day.events, day.count);
    sequences.write(day.sequences, day.sequenceRows);
    open += day.open;
    inProgress += day.inProgress;
    written += day.count;
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
          `day ${plan.workingDays[d]}, ETA ${formatSeconds(eta)}`,
      );
    }
  }
  const [d, s, e, q] = await Promise.all([dossiers.end(), steps.end(), events.end(), sequences.end()]);
  const counted = await source.rollups();
  const rollups = new CopyWriter(admin, 'daily_stats', ROLLUP_COLUMNS);
  const days = Array.from({ length: counted.span }, (_, i) => plan.dateAt(i));
  for (let u = 0; u < plan.units.length; u += 500) {
    const { text, rows } = counted.text(plan.units, days, u, Math.min(plan.units.length, u + 500));
    rollups.write(text, rows);
    await rollups.drained();
  }
  const r = await rollups.end();
  progress(
    `generate: loaded ${d.toLocaleString('en')} dossiers in ${formatSeconds((Date.now() - started) / 1000)}`,
  );
  return { dossiers: d, steps: s, events: e, sequences: q, rollups: r, open, inProgress };
}

export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
