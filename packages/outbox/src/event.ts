/**
 * Events between eiso services (DESIGN.md): written in the same transaction as the change they
 * describe (a transactional outbox), relayed to BullMQ at least once, applied once by each consumer.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { currentTraceparent } from '@eiso/logging';

export interface EisoEvent<P = Record<string, unknown>> {
  id: string;
  /** e.g. `dossier.received` */
  type: string;
  occurredAt: string;
  /** Materialized path of the unit the event belongs to, for subtree routing and scope. */
  unitPath: string;
  aggregateId: string;
  payload: P;
  /**
   * The W3C `traceparent` of the request or job that wrote the event, when there was one: the
   * worker that applies it logs under the same trace id. Internal: never part of a webhook's body.
   */
  traceparent?: string;
}

export type NewEvent<P = Record<string, unknown>> = Omit<EisoEvent<P>, 'id' | 'occurredAt'> & {
  id?: string;
  occurredAt?: Date;
};

/**
 * Appends events to the outbox inside the caller's transaction: they exist exactly when the change
 * does. Each records the active trace (the request's or job's) unless it names its own.
 */
export async function appendEvents(manager: EntityManager, events: NewEvent[]): Promise<EisoEvent[]> {
  if (events.length === 0) return [];
  const traceparent = currentTraceparent();
  const full = events.map((e) => ({
    ...e,
    id: e.id ?? randomUUID(),
    occurredAt: (e.occurredAt ?? new Date()).toISOString(),
    traceparent: e.traceparent ?? traceparent,
  }));
  await manager.query(
    `INSERT INTO outbox (id, type, occurred_at, unit_path, aggregate_id, payload, traceparent)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::jsonb[], $7::text[])`,
    [
      full.map((e) => e.id),
      full.map((e) => e.type),
      full.map((e) => e.occurredAt),
      full.map((e) => e.unitPath),
      full.map((e) => e.aggregateId),
      full.map((e) => JSON.stringify(e.payload)),
      full.map((e) => e.traceparent ?? null),
    ],
  );
  return full;
}
