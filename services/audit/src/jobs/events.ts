/**
 * The audit events the contract names for webhooks — `qms.announced`, `nonconformity.opened`,
 * `nonconformity.closed` — written to the audit outbox in the transaction of the change (so they
 * exist exactly when it does), and the worker's relay that sends them to the queues of the
 * services that consume them.
 *
 * `data` holds the record's id, a code and the unit's code, as the contract asks. A QMS record's
 * code is its announcement decision's number. A nonconformity has no code of its own: its `code`
 * is `NC-<unit>-<first 8 hex of its id>`, a stable display reference (the id identifies it),
 * and a late dossier's nonconformity also carries the dossier's code.
 */
import type { DataSource } from 'typeorm';
import type { Logger } from '@eiso/logging';
import { OutboxRelay, startPeriodic, type NewEvent, type RedisConnection, type Route } from '@eiso/outbox';

/** Who receives audit events: each consuming service owns its queue. */
export const AUDIT_EVENT_ROUTES: Route[] = [
  { queue: 'notification.audit-events', types: ['qms.', 'nonconformity.'] },
];

export function unitCodeOf(unitPath: string): string {
  const parts = unitPath.split('/').filter(Boolean);
  return parts[parts.length - 1];
}

export function nonconformityCode(id: string, unitPath: string): string {
  return `NC-${unitCodeOf(unitPath)}-${id.slice(0, 8).toUpperCase()}`;
}

export function qmsAnnounced(
  unit: { id: string; path: string },
  qms: { standard: string; decisionNumber: string; announcedOn: string },
): NewEvent {
  return {
    type: 'qms.announced',
    unitPath: unit.path,
    aggregateId: unit.id,
    payload: {
      id: unit.id,
      code: qms.decisionNumber,
      unitCode: unitCodeOf(unit.path),
      decisionNumber: qms.decisionNumber,
      standard: qms.standard,
      announcedOn: qms.announcedOn,
    },
  };
}

export function nonconformityEvent(
  type: 'nonconformity.opened' | 'nonconformity.closed',
  nc: { id: string; unitPath: string; source: string; dossierId?: string | null; dossierCode?: string },
): NewEvent {
  return {
    type,
    unitPath: nc.unitPath,
    aggregateId: nc.id,
    payload: {
      id: nc.id,
      code: nonconformityCode(nc.id, nc.unitPath),
      unitCode: unitCodeOf(nc.unitPath),
      source: nc.source,
      ...(nc.dossierId ? { dossierId: nc.dossierId } : {}),
      ...(nc.dossierCode ? { dossierCode: nc.dossierCode } : {}),
    },
  };
}

const RELAY_INTERVAL_MS = 1000;

/** The audit outbox relay, every second; `stop` waits for the batch in flight. */
export function startAuditRelay(options: {
  db: DataSource;
  redis: RedisConnection;
  prefix: string;
  logger: Logger;
  intervalMs?: number;
}): { stop(): Promise<void> } {
  const { db, redis, prefix, logger } = options;
  const relay = new OutboxRelay({ db, connection: redis, prefix, routes: AUDIT_EVENT_ROUTES });
  const relaying = startPeriodic(
    async () => {
      const sent = await relay.drain();
      if (sent > 0) logger.debug({ sent }, 'relayed audit events');
    },
    options.intervalMs ?? RELAY_INTERVAL_MS,
    (error) => logger.warn({ err: error }, 'audit outbox relay failed; will retry'),
  );
  return {
    stop: async () => {
      await relaying.stop();
      await relay.close();
    },
  };
}
