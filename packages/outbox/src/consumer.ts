/**
 * Consuming events once: each consumer records the ids it has applied in the same transaction as
 * the effect, so a replayed or re-sent event changes nothing.
 */
import { Worker } from 'bullmq';
import type { DataSource, EntityManager } from 'typeorm';
import type { EisoEvent } from './event';
import { queueConnection, type RedisConnection } from './redis';

export type EventHandler = (event: EisoEvent, manager: EntityManager) => Promise<void>;

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

export interface ConsumerOptions {
  db: DataSource;
  consumer: string;
  queue: string;
  connection: RedisConnection;
  prefix: string;
  handle: EventHandler;
  /** One at a time keeps the queue's order (the relay's order, per aggregate too). */
  concurrency?: number;
}

export function startConsumer(options: ConsumerOptions): Worker {
  return new Worker(
    options.queue,
    async (job) => applyOnce(options.db, options.consumer, job.data as EisoEvent, options.handle),
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
