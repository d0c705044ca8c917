/**
 * Consuming events once: each consumer records the ids it has applied in the same transaction as
 * the effect, so a replayed or re-sent event changes nothing. A job's run of events (relay.ts) is
 * applied in one transaction; should one of them fail, the run is applied again event by event, so
 * a bad event holds back only itself (its job retried, the others already recorded as applied).
 */
import { Worker, type Job } from 'bullmq';
import type { DataSource, EntityManager } from 'typeorm';
import {
  parseTraceparent,
  runInContext,
  traceContextFrom,
  withLinkedTraces,
  type Logger,
} from '@eiso/logging';
import type { Context } from '@opentelemetry/api';
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
  /** Each job's run is logged (debug) under its events' trace. */
  logger?: Logger;
  /** The process's metrics (`Metrics` of @eiso/server): the queue's jobs and depth. */
  metrics?: { watchWorker(worker: Worker): void };
}

export function startConsumer(options: ConsumerOptions): Worker {
  const worker = new Worker(
    options.queue,
    tracedProcessor(async (job) => {
      const events = eventsOf(job.data as EventBatch | EisoEvent);
      const applied = await applyRun(
        options.db,
        options.consumer,
        events,
        options.handle,
        options.handleBatch,
      );
      options.logger?.debug(
        { queue: options.queue, job: job.id, events: events.length, applied },
        'events applied',
      );
      return applied;
    }),
    {
      ...queueConnection(options.connection, options.prefix, options.queue),
      concurrency: options.concurrency ?? 1,
      // A job whose worker died (SIGKILL, a lost node) is taken up again once its lock lapses. An
      // event is applied in one transaction with its applied_event row, so a retried job is safe;
      // BullMQ's default (fail after one stall) would lose an event to a second crash.
      maxStalledCount: 100,
    },
  );
  options.metrics?.watchWorker(worker);
  return worker;
}

/**
 * The trace a job runs in: its events' (a relayed run: the first traced event's, every other
 * trace listed on its log lines as `trace_ids`), or the `traceparent` its data names, or else a
 * trace of its own (a scheduled sweep, say), which the events it writes then carry on.
 */
export function jobTraceContext(data: unknown): Context {
  const traces: string[] = [];
  let first: string | undefined;
  const record = (traceparent: unknown) => {
    const span = parseTraceparent(traceparent);
    if (!span) return;
    first ??= traceparent as string;
    traces.push(span.traceId);
  };
  if (data && typeof data === 'object') {
    const { events, traceparent } = data as { events?: unknown; traceparent?: unknown };
    if (Array.isArray(events))
      for (const event of events) record((event as { traceparent?: unknown } | null)?.traceparent);
    else record(traceparent);
  }
  return withLinkedTraces(traceContextFrom(first), traces);
}

const jobContexts = new WeakMap<object, Context>();

/** A BullMQ processor that runs each job in its trace (jobTraceContext): its log lines carry the trace id. */
export function tracedProcessor<D, R>(processor: (job: Job<D, R>) => Promise<R>) {
  return (job: Job<D, R>): Promise<R> => {
    const ctx = jobTraceContext(job.data);
    jobContexts.set(job, ctx);
    return runInContext(ctx, () => processor(job));
  };
}

/**
 * Runs `fn` in the trace a job ran in (a worker's `completed` and `failed` listeners, which BullMQ
 * calls outside the processor): their log lines carry the job's trace id too.
 */
export function inJobTrace<T>(job: object | undefined, fn: () => T): T {
  const ctx = job ? jobContexts.get(job) : undefined;
  return ctx ? runInContext(ctx, fn) : fn();
}
