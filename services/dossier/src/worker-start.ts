/**
 * The dossier worker (worker.ts runs it as a process; tests start it in theirs): relays dossier
 * events from the outbox, sweeps deadlines every minute, and — with WORKER_HEALTH_PORT — answers
 * `/live`, `/ready` and `/metrics` (its jobs and queue) on its health port.
 */
import { nationalCalendar } from '@eiso/calendar';
import { databaseChecks } from '@eiso/db';
import type { Logger } from '@eiso/logging';
import { createRedisConnection } from '@eiso/outbox';
import { Metrics, redisCheck, startWorkerHealthFromEnv, type RunningWorker } from '@eiso/server';
import type { DossierConfig } from './config';
import { createDossierDataSource } from './db/database';
import { startDossierJobs } from './jobs/worker-jobs';

export async function startDossierWorker(
  config: DossierConfig,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningWorker> {
  const { dataSource } = createDossierDataSource(config, 4);
  await dataSource.initialize();
  const redis = createRedisConnection(config.REDIS_URL, config.REDIS_CLUSTER_NODES);
  const metrics = new Metrics('dossier-worker');
  const jobs = await startDossierJobs({
    db: dataSource,
    redis,
    prefix: config.QUEUE_PREFIX,
    calendar: nationalCalendar,
    logger,
    sweepEveryMs: config.DEADLINE_SWEEP_INTERVAL_MS,
    eventsPerJob: config.OUTBOX_EVENTS_PER_JOB,
    metrics,
  });
  const health = await startWorkerHealthFromEnv({
    name: 'dossier-worker',
    host: config.HOST,
    checks: { ...databaseChecks(dataSource), redis: redisCheck(redis) },
    env,
    metrics,
    logger,
  });
  return {
    url: `${config.REDIS_URL} (queues ${config.QUEUE_PREFIX}:*)`,
    healthPort: health?.port,
    metrics,
    stop: async () => {
      await health?.stop();
      await jobs.stop();
      await metrics.close();
      await redis.quit();
      await dataSource.destroy();
    },
  };
}
