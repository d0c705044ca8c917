/**
 * In-app notification delivery end to end (issue 9, #7): notifications per second from dossier
 * events in the dossier service's outbox to rows of the notification service's `notification`
 * table, through the running system's own path — the dossier worker's outbox relay, BullMQ's
 * `notification.dossier-events` queue, the notification worker's consumer (one transaction per
 * event: its applied_event row, the recipients, the insert).
 *
 * The events are what the service writes when a step is handed on (`dossier.step_completed` with
 * `nextStep` and `assigneeId`: one STEP_ASSIGNED notification each), appended with
 * `@eiso/outbox`'s appendEvents as the service does, 500 to a transaction, about made-up dossiers
 * (random ids, codes `BENCH<run>-<n>`) assigned round-robin to 100 handlers of units no webhook
 * subscription hears (so nothing leaves the machine). A warm-up batch is delivered first and not
 * counted; then the whole measured batch is appended at once and the notifications counted every
 * 250 ms until all are there.
 *
 * Cleanup: once the audit service's consumer (which hears the same events) has applied them too,
 * the notifications (their e-mail rows cascade), both consumers' applied_event rows and the outbox
 * rows are deleted. The BullMQ jobs stay in Redis as every relayed event's do, until the queues'
 * removeOnComplete (7 days or 100,000 jobs) drops them.
 *
 *   pnpm bench notifications.ts [--quick]   # DATABASE_URL of the running system
 */
import { randomUUID } from 'node:crypto';
import { LATE_DOSSIER_CONSUMER, createAuditDataSource, loadAuditDatabaseConfig } from '@eiso/audit';
import { createDossierDataSource, loadDossierDatabaseConfig } from '@eiso/dossier';
import {
  DOSSIER_NOTIFICATIONS_CONSUMER,
  createNotificationDataSource,
  loadNotificationDatabaseConfig,
} from '@eiso/notification';
import { appendEvents, type NewEvent } from '@eiso/outbox';
import {
  DATASET,
  QUICK,
  load,
  loadNote,
  machine,
  postgresVersion,
  rowContext,
  saveResult,
  sleep,
} from './support';

const TARGET_PER_SECOND = 5000;
const WARMUP = QUICK ? 300 : 1000;
const EVENTS = Number(process.env.BENCH_NOTIFICATIONS ?? (QUICK ? 3000 : 30_000));
const BATCH = 500;
const RECIPIENTS = 100;
/**
 * Give up waiting when none of the run's notifications arrived for this long; the warm-up waits
 * longer, behind whatever backlog the queue already held (after writes.ts, thousands of events).
 */
const STALL_MS = 60_000;
const WARMUP_STALL_MS = 600_000;

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Official {
  id: string;
  unitPath: string;
}

async function main(): Promise<void> {
  const started = load();
  const env = process.env;
  const { dataSource: dossierDb } = createDossierDataSource(loadDossierDatabaseConfig(env), 2);
  const { dataSource: notificationDb } = createNotificationDataSource(loadNotificationDatabaseConfig(env), 2);
  const { dataSource: auditDb } = createAuditDataSource(loadAuditDatabaseConfig(env), 1);
  await Promise.all([dossierDb.initialize(), notificationDb.initialize(), auditDb.initialize()]);

  const run = Date.now().toString(36).toUpperCase();
  const marker = `BENCH${run}-`;
  const officials: Official[] = await notificationDb.query(
    `SELECT o.id, o.unit_path AS "unitPath" FROM official_directory o
     WHERE 'HANDLER' = ANY(o.roles)
       AND NOT EXISTS (SELECT 1 FROM webhook_subscription s WHERE starts_with(o.unit_path, s.unit_path))
     ORDER BY o.id LIMIT $1`,
    [RECIPIENTS],
  );
  if (officials.length === 0)
    throw new Error('no handler in the notification service: is the system seeded?');
  const officialIds = officials.map((o) => o.id);
  const eventIds: string[] = [];
  const since = new Date();

  const append = async (from: number, count: number) => {
    for (let i = from; i < from + count; i += BATCH) {
      const events: NewEvent[] = [];
      for (let n = i; n < Math.min(i + BATCH, from + count); n++) {
        const official = officials[n % officials.length];
        const dossierId = randomUUID();
        const id = randomUUID();
        eventIds.push(id);
        const code = `${marker}${n}`;
        events.push({
          id,
          type: 'dossier.step_completed',
          unitPath: official.unitPath,
          aggregateId: dossierId,
          payload: {
            id: dossierId,
            code,
            unitCode: official.unitPath.split('/').filter(Boolean).pop(),
            status: 'IN_PROGRESS',
            step: 1,
            nextStep: 2,
            assigneeId: official.id,
          },
        });
      }
      await dossierDb.transaction((m) => appendEvents(m, events));
    }
  };
  // Ours: the run's code in the title, for the run's recipients since it began (their inbox index).
  const delivered = async (): Promise<number> => {
    const [{ n }] = await notificationDb.query(
      `SELECT count(*)::int AS n FROM notification
       WHERE official_id = ANY($1::uuid[]) AND created_at >= $2 AND kind = 'STEP_ASSIGNED' AND title LIKE $3`,
      [officialIds, since, `%${marker}%`],
    );
    return n;
  };
  const waitFor = async (
    count: number,
    samples?: { ms: number; delivered: number }[],
    t0 = Date.now(),
    stallMs = STALL_MS,
  ) => {
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const n = await delivered();
      samples?.push({ ms: Date.now() - t0, delivered: n });
      if (n !== last) [last, lastChange] = [n, Date.now()];
      if (n >= count) return { n, ms: Date.now() - t0 };
      if (Date.now() - lastChange > stallMs) return { n, ms: Date.now() - t0, stalled: true };
      await sleep(250);
    }
  };

  try {
    // Warm-up: the relay, queue and consumer running, caches and plans warm; not counted.
    const w0 = Date.now();
    await append(0, WARMUP);
    const warm = await waitFor(WARMUP, undefined, w0, WARMUP_STALL_MS);
    console.error(`warm-up: ${warm.n}/${WARMUP} notifications in ${warm.ms} ms`);
    if (warm.stalled) throw new Error('the warm-up notifications stopped arriving: are the workers running?');

    const samples: { ms: number; delivered: number }[] = [];
    const t0 = Date.now();
    await append(WARMUP, EVENTS);
    const appendMs = Date.now() - t0;
    const done = await waitFor(WARMUP + EVENTS, samples, t0);
    const finished = load();
    const measured = done.n - WARMUP;
    const perSecond = round(measured / (done.ms / 1000));
    // The sustained rate, between a tenth and nine tenths delivered (start-up and tail left out).
    const at = (share: number) => samples.find((s) => s.delivered - WARMUP >= share * EVENTS);
    const [a, b] = [at(0.1), at(0.9)];
    const sustained =
      a && b && b.ms > a.ms ? round((b.delivered - a.delivered) / ((b.ms - a.ms) / 1000)) : null;
    console.error(
      `${measured}/${EVENTS} notifications in ${done.ms} ms (appended in ${appendMs} ms): ${perSecond}/s end to end, ${sustained ?? '?'}/s sustained (target ≥ ${TARGET_PER_SECOND}/s)`,
    );

    const verdict = `${perSecond}/s (target ≥ ${TARGET_PER_SECOND}/s): ${perSecond >= TARGET_PER_SECOND ? 'met' : `missed (${round((perSecond / TARGET_PER_SECOND) * 100, 0)}% of the target)`}`;
    const m = machine();
    m.postgres = await postgresVersion();
    const note = loadNote(started, finished);
    const result = {
      benchmark:
        'In-app notifications end to end: dossier outbox → relay → BullMQ → notification worker → notification rows',
      mode: QUICK ? 'quick' : 'full',
      date: new Date().toISOString(),
      machine: m,
      dataset: DATASET,
      load: { started, finished, note },
      method: `dossier.step_completed events (one STEP_ASSIGNED notification each) appended with appendEvents in transactions of ${BATCH}, to ${officials.length} handlers; ${WARMUP} warm-up events delivered first, then ${EVENTS} appended at once and the rows counted every 250 ms`,
      events: EVENTS,
      delivered: measured,
      stalled: done.stalled ?? false,
      appendMs,
      ms: done.ms,
      perSecond,
      sustainedPerSecond: sustained,
      samples: samples.filter((_, i) => i % 4 === 0),
      target: { atLeastPerSecond: TARGET_PER_SECOND },
      verdict,
    };
    saveResult('notifications', result, {
      figures: `${perSecond} notifications/s end to end (${measured} in ${round(done.ms / 1000)} s; sustained ${sustained ?? '?'}/s)${done.stalled ? ', STALLED' : ''}`,
      target: `≥ ${TARGET_PER_SECOND.toLocaleString('en')}/s: ${perSecond >= TARGET_PER_SECOND ? 'met' : `missed (${round((perSecond / TARGET_PER_SECOND) * 100, 0)}%)`}`,
      ...rowContext(m, result.date, started, finished),
    });
  } finally {
    await cleanUp();
  }

  async function cleanUp(): Promise<void> {
    // The audit service hears the same events: let it finish (while it makes progress), or its
    // applied_event rows would appear after the cleanup.
    let [applied, lastChange] = [-1, Date.now()];
    for (;;) {
      const [{ n }] = await auditDb.query(
        `SELECT count(*)::int AS n FROM applied_event WHERE consumer = $1 AND event_id = ANY($2::uuid[])`,
        [LATE_DOSSIER_CONSUMER, eventIds],
      );
      if (n !== applied) [applied, lastChange] = [n, Date.now()];
      if (n >= eventIds.length) break;
      if (Date.now() - lastChange > STALL_MS) {
        console.error(
          `the audit consumer applied ${n} of ${eventIds.length} events; the rest stay in its applied_event`,
        );
        break;
      }
      await sleep(500);
    }
    const notifications = await notificationDb.query(
      `DELETE FROM notification
       WHERE official_id = ANY($1::uuid[]) AND created_at >= $2 AND kind = 'STEP_ASSIGNED' AND title LIKE $3`,
      [officialIds, since, `%${marker}%`],
    );
    await notificationDb.query(
      `DELETE FROM applied_event WHERE consumer = $1 AND event_id = ANY($2::uuid[])`,
      [DOSSIER_NOTIFICATIONS_CONSUMER, eventIds],
    );
    await auditDb.query(`DELETE FROM applied_event WHERE consumer = $1 AND event_id = ANY($2::uuid[])`, [
      LATE_DOSSIER_CONSUMER,
      eventIds,
    ]);
    await dossierDb.query(`DELETE FROM outbox WHERE id = ANY($1::uuid[])`, [eventIds]);
    console.error(`cleaned up: ${eventIds.length} events, ${notifications[1] ?? '?'} notifications`);
    await Promise.all([dossierDb.destroy(), notificationDb.destroy(), auditDb.destroy()]);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
