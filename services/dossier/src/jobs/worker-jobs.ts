/**
 * The dossier worker's jobs: the outbox relay (dossier events to the queues of the services that
 * consume them), the deadline sweep every minute and the leaders' overdue digest every morning at
 * 08:00 Vietnam time (BullMQ job schedulers, upserted idempotently, so two workers never run the
 * same tick twice); and, at start and every night, the monthly dossier partitions of this month and
 * the next PARTITION_MONTHS_AHEAD (db/partitions.ts), so receipts never land in the DEFAULT one.
 */
import { Queue, Worker } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { WorkingCalendar } from '@eiso/calendar';
import type { Logger } from '@eiso/logging';
import {
  inJobTrace,
  OutboxRelay,
  queueConnection,
  startPeriodic,
  tracedProcessor,
  type RedisConnection,
  type Route,
} from '@eiso/outbox';
import type { Metrics } from '@eiso/server';
import { dateInVietnam } from '@eiso/calendar';
import { ensureMonthsAhead } from '../db/partitions';
import { emitOverdueDigest } from './digest';
import { sweepDeadlines } from './sweep';

/** Who receives dossier events: each consuming service owns its queue. */
export const DOSSIER_EVENT_ROUTES: Route[] = [
  { queue: 'audit.dossier-events', types: ['dossier.'] },
  { queue: 'notification.dossier-events', types: ['dossier.', 'unit.'] },
];

export const SWEEP_QUEUE = 'dossier.sweeps';
const RELAY_INTERVAL_MS = 1000;

export interface DossierJobs {
  stop(): Promise<void>;
}

export async function startDossierJobs(options: {
  db: DataSource;
  redis: RedisConnection;
  prefix: string;
  calendar: WorkingCalendar;
  logger: Logger;
  sweepEveryMs?: number;
  /** Events per relayed job (default 100). */
  eventsPerJob?: number;
  /** The worker's metrics: the sweeps' jobs and queue. */
  metrics?: Pick<Metrics, 'watchWorker'>;
}): Promise<DossierJobs> {
  const { db, redis, prefix, calendar, logger } = options;
  const relay = new OutboxRelay({
    db,
    connection: redis,
    prefix,
    routes: DOSSIER_EVENT_ROUTES,
    eventsPerJob: options.eventsPerJob,
  });
  const relaying = startPeriodic(
    async () => {
      const sent = await relay.drain();
      if (sent > 0) logger.debug({ sent }, 'relayed dossier events');
    },
    RELAY_INTERVAL_MS,
    (error) => logger.warn({ err: error }, 'outbox relay failed; will retry'),
  );

  const sweeps = new Queue(SWEEP_QUEUE, queueConnection(redis, prefix, SWEEP_QUEUE));
  await sweeps.upsertJobScheduler(
    'deadline-sweep',
    { every: options.sweepEveryMs ?? 60_000 },
    { name: 'sweep' },
  );
  // The leaders' daily digest of escalated dossiers, at the start of the office day.
  await sweeps.upsertJobScheduler(
    'overdue-digest',
    { pattern: '0 8 * * *', tz: 'Asia/Ho_Chi_Minh' },
    { name: 'digest', opts: { attempts: 5, backoff: { type: 'exponential', delay: 30_000 } } },
  );
  // Months ahead: nightly, and now (a worker started on a fresh or long-idle database).
  await sweeps.upsertJobScheduler(
    'dossier-partitions',
    { pattern: '30 1 * * *', tz: 'Asia/Ho_Chi_Minh' },
    { name: 'partitions', opts: { attempts: 5, backoff: { type: 'exponential', delay: 30_000 } } },
  );
  await ensureMonthsAhead(db, dateInVietnam(new Date()));
  // Each run in a trace of its own: the events a sweep writes carry it to the workers that apply them.
  const sweeper = new Worker(
    SWEEP_QUEUE,
    tracedProcessor(async (job) => {
      if (job.name === 'partitions') {
        const created = await ensureMonthsAhead(db, dateInVietnam(new Date()));
        if (created > 0) logger.info({ created }, 'dossier partitions created');
        return { created };
      }
      if (job.name === 'digest') {
        const digest = await emitOverdueDigest(db, calendar, new Date());
        logger.info(digest, 'overdue digest');
        return digest;
      }
      const result = await sweepDeadlines(db, calendar, new Date());
      if (Object.values(result).some((n) => n > 0)) logger.info(result, 'deadline sweep');
      return result;
    }),
    { ...queueConnection(redis, prefix, SWEEP_QUEUE), concurrency: 1 },
  );
  sweeper.on('failed', (job, error) =>
    inJobTrace(job, () => logger.warn({ err: error, job: job?.name }, 'deadline job failed')),
  );
  options.metrics?.watchWorker(sweeper);

  return {
    stop: async () => {
      await relaying.stop();
      await sweeper.close();
      await sweeps.close();
      await relay.close();
    },
  };
}
