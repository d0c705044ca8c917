/** The dossier worker: relays dossier events from the outbox, and sweeps deadlines every minute. */
import { nationalCalendar } from '@eiso/calendar';
import { createRedisConnection } from '@eiso/outbox';
import { databaseChecks } from '@eiso/db';
import { redisCheck, runServer, startWorkerHealthFromEnv } from '@eiso/server';
import { loadDossierConfig } from './config';
import { createDossierDataSource } from './db/database';
import { startDossierJobs } from './jobs/worker-jobs';

runServer(
  'dossier-worker',
  () => loadDossierConfig(),
  async (config, logger) => {
    const { dataSource } = createDossierDataSource(config, 4);
    await dataSource.initialize();
    const redis = createRedisConnection(config.REDIS_URL, config.REDIS_CLUSTER_NODES);
    const jobs = await startDossierJobs({
      db: dataSource,
      redis,
      prefix: config.QUEUE_PREFIX,
      calendar: nationalCalendar,
      logger,
      sweepEveryMs: config.DEADLINE_SWEEP_INTERVAL_MS,
      eventsPerJob: config.OUTBOX_EVENTS_PER_JOB,
    });
    const health = await startWorkerHealthFromEnv('dossier-worker', config.HOST, {
      ...databaseChecks(dataSource),
      redis: redisCheck(redis),
    });
    if (health) logger.info({ port: health.port }, 'health port: /live, /ready');
    return {
      url: `${config.REDIS_URL} (queues ${config.QUEUE_PREFIX}:*)`,
      stop: async () => {
        await health?.stop();
        await jobs.stop();
        await redis.quit();
        await dataSource.destroy();
      },
    };
  },
);
