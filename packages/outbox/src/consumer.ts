/**
 * Consuming events once: each consumer records the ids it has applied in the same transaction as
 * the effect, so a replayed or re-sent event changes nothing. A job's run of events (relay.ts) is
 * applied in one transaction; should one of them fail, the run is applied again event by event, so
 * a bad event holds back only itself (its job retried, the others already recorded as applied).
 */
import { Worker } from 'bullmq';
import type { DataSource, EntityManager } from 'typeorm';
import type { EisoEvent } from './event';
import { queueConnection, type RedisConnection } from './redis';
import { eventsOf, type EventBatch } from './relay';

export type EventHandler = (event: EisoEvent, manager: EntityManager) => Promise<void>;
/** Applies a run of events in order, in the caller's transaction (set-wise writes: one statement a run). */
export type BatchHandler = (events: EisoEvent[], manager: EntityManager) => Promise<void>;

/** Applies one event once for `consumer`; returns false when it had already been applied. */
export async function applyOnce(
  db: DataSource,
  consumer: string,
  event: EisoEvent,
  handle: EventHandler,
): Promise<boolean> {
  return db.transaction(async (m) => {
    const inserted = await m.query(
      `INSERT INTO applied_event (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [consumer, event.id],
    );
    if (inserted.length === 0) return false;
    await handle(event, m);
    return true;
  });
}

/**
 * Applies a run of events once each for `consumer`, in order, in one transaction; returns how many
 * were new. Events already applied (a re-sent run) are skipped.
 */
export async function applyBatchOnce(
  db: DataSource,
  consumer: string,
  events: EisoEvent[],
  handle: EventHandler,
  handleBatch?: BatchHandler,
): Promise<number> {
  if (events.length === 1) return (await applyOnce(db, consumer, events[0], handle)) ? 1 : 0;
  return db.transaction(async (m) => {
    const inserted: { event_id: string }[] = await m.query(
      `INSERT INTO applied_event (consumer, event_id) SELECT $1, unnest($2::uuid[])
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, events.map((e) => e.id)],
    );
    const fresh = new Set(inserted.map((r) => r.event_id));
    const toApply = events.filter((e) => fresh.has(e.id));
    if (handleBatch) await handleBatch(toApply, m);
    else for (const event of toApply) await handle(event, m);
    return fresh.size;
  });
}

/** A run that failed whole is retried one event at a time; the first failure is rethrown. */
async function applyRun(
  db: DataSource,
  consumer: string,
  events: EisoEvent[],
  handle: EventHandler,
  handleBatch?: BatchHandler,
) {
  try {
    return await applyBatchOnce(db, consumer, events, handle, handleBatch);
  } catch (error) {
    if (events.length === 1) throw error;
    let applied = 0;
    let failure: unknown = null;
    for (const event of events) {
      try {
        if (await applyOnce(db, consumer, event, handle)) applied++;
      } catch (eventError) {
        failure ??= eventError;
      }
    }
    if (failure) throw failure;
    return applied;
  }
}

export interface ConsumerOptions {
  db: DataSource;
  consumer: string;
  queue: string;
  connection: RedisConnection;
  prefix: string;
  handle: EventHandler;
  /** The same effect for a run of events at once (faster); `handle` serves single events. */
  handleBatch?: BatchHandler;
  /** One at a time keeps the queue's order (the relay's order, per aggregate too). */
  concurrency?: number;
}

export function startConsumer(options: ConsumerOptions): Worker {
  return new Worker(
    options.queue,
    async (job) =>
      applyRun(
        options.db,
        options.consumer,
        eventsOf(job.data as EventBatch | EisoEvent),
        options.handle,
        options.handleBatch,
      ),
    {
      ...queueConnection(options.connection, options.prefix, options.queue),
      concurrency: options.concurrency ?? 1,
      // A job whose worker died (SIGKILL, a lost node) is taken up again once its lock lapses. An
      // event is applied in one transaction with its applied_event row, so a retried job is safe;
      // BullMQ's default (fail after one stall) would lose an event to a second crash.
      maxStalledCount: 100,
    },
  );
}
