/**
 * The outbox relay: takes unsent events in order, adds them to every queue that subscribes to
 * their type, and marks them sent — all inside one database transaction, so a crash before the
 * mark re-sends them (at least once).
 *
 * A job carries a run of events (`{ events }`, up to `eventsPerJob`), not one: a consumer then applies
 * the run in one transaction, one commit for a hundred events instead of a hundred commits (the
 * in-app notifications went from ~100/s to thousands/s; bench/README.md). A job's id names its run
 * (first and last event id and the count), so adding the same run twice keeps one job; a re-sent run
 * cut differently is a different job, whose events the consumers skip as already applied.
 */
import { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { EisoEvent } from './event';
import { queueConnection, type RedisConnection } from './redis';

export interface Route {
  queue: string;
  /** Event types this queue receives; `*` for all, or a prefix ending in `.` such as `dossier.`. */
  types: string[];
}

export interface RelayOptions {
  db: DataSource;
  connection: RedisConnection;
  routes: Route[];
  prefix: string;
  batchSize?: number;
  /** Events per job (default 100). */
  eventsPerJob?: number;
}

/** What a relayed job holds: a run of events, in outbox order. */
export interface EventBatch {
  events: EisoEvent[];
}

/** The events of a job: a batch, or (a job queued before batches) one event. */
export function eventsOf(data: EventBatch | EisoEvent): EisoEvent[] {
  return 'events' in data && Array.isArray(data.events) ? data.events : [data as EisoEvent];
}

interface OutboxRow {
  id: string;
  type: string;
  occurredAt: Date;
  unitPath: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  traceparent: string | null;
}

export class OutboxRelay {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly options: RelayOptions) {
    for (const route of options.routes) {
      this.queues.set(
        route.queue,
        new Queue(route.queue, queueConnection(options.connection, options.prefix, route.queue)),
      );
    }
  }

  /** Relays one batch; returns how many events it sent. */
  async relayOnce(): Promise<number> {
    return this.options.db.transaction(async (m) => {
      const rows: OutboxRow[] = await m.query(
        `SELECT id, type, occurred_at AS "occurredAt", unit_path AS "unitPath", aggregate_id AS "aggregateId", payload,
                traceparent
         FROM outbox WHERE sent_at IS NULL ORDER BY sequence LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize ?? 500],
      );
      if (rows.length === 0) return 0;
      // Each event keeps the trace of the request that wrote it (the consumer continues it).
      const events: EisoEvent[] = rows.map(({ traceparent, ...r }) => ({
        ...r,
        occurredAt: new Date(r.occurredAt).toISOString(),
        ...(traceparent ? { traceparent } : {}),
      }));
      for (const route of this.options.routes) {
        const routed = events.filter((e) => matches(route.types, e.type));
        if (routed.length === 0) continue;
        await this.queues.get(route.queue)!.addBulk(
          chunks(routed, this.options.eventsPerJob ?? 100).map((run) => ({
            name: 'events',
            data: { events: run } satisfies EventBatch,
            opts: {
              jobId: `${run[0].id}.${run[run.length - 1].id}.${run.length}`,
              attempts: 10,
              backoff: { type: 'exponential', delay: 1000 },
              removeOnComplete: { age: 7 * 24 * 3600, count: 100_000 },
              removeOnFail: false,
            },
          })),
        );
      }
      await m.query(`UPDATE outbox SET sent_at = now() WHERE id = ANY($1)`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  /** Relays until the outbox is empty. */
  async drain(): Promise<number> {
    let total = 0;
    for (let sent = await this.relayOnce(); sent > 0; sent = await this.relayOnce()) total += sent;
    return total;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

export function matches(types: string[], type: string): boolean {
  return types.some((t) => t === '*' || t === type || (t.endsWith('.') && type.startsWith(t)));
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
