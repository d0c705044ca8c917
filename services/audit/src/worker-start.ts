/**
 * The audit worker (worker.ts runs it as a process; tests start it in theirs): turns dossiers that
 * ended late into nonconformities, relays the audit events, keeps the compliance snapshot fresh and
 * ranks every level each night (jobs/rankings.ts); with WORKER_HEALTH_PORT, `/live`, `/ready` and
 * `/metrics` (its jobs and queues) on its health port.
 */
import { databaseChecks } from '@eiso/db';
import { UnitDirectory, syncUnitDirectory } from '@eiso/directory';
import type { Logger } from '@eiso/logging';
import { createRedisConnection, inJobTrace, startConsumer } from '@eiso/outbox';
import { Metrics, redisCheck, startWorkerHealthFromEnv, type RunningWorker } from '@eiso/server';
import type { AuditConfig } from './config';
import { createAuditDataSource } from './db/database';
import { LATE_DOSSIER_CONSUMER, recordLateDossier } from './jobs/late-dossiers';
import { keepComplianceFresh } from './jobs/compliance';
import { startAuditRelay } from './jobs/events';
import { RANKINGS_QUEUE, startRankingJobs } from './jobs/rankings';

export async function startAuditWorker(
  config: AuditConfig,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningWorker> {
  const { dataSource } = createAuditDataSource(config, 4);
  await dataSource.initialize();
  await syncUnitDirectory(new UnitDirectory(dataSource), {
    orgUrl: config.ORG_URL,
    signingSecret: config.GATEWAY_SIGNING_SECRET,
  });
  const redis = createRedisConnection(config.REDIS_URL, config.REDIS_CLUSTER_NODES);
  const metrics = new Metrics('audit-worker');
  const consumer = startConsumer({
    db: dataSource,
    consumer: LATE_DOSSIER_CONSUMER,
    queue: 'audit.dossier-events',
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    logger,
    metrics,
    handle: async (event, m) => {
      if (await recordLateDossier(event, m))
        logger.info({ dossier: event.aggregateId }, 'late dossier: nonconformity opened');
    },
  });
  consumer.on('failed', (job, error) =>
    inJobTrace(job, () =>
      logger.warn({ err: error, event: job?.data?.type, id: job?.id }, 'dossier event failed; will retry'),
    ),
  );
  const sources = {
    catalogUrl: config.CATALOG_URL,
    dossierUrl: config.DOSSIER_URL,
    secret: config.GATEWAY_SIGNING_SECRET,
  };
  // The audit events (qms.*, nonconformity.*) from the outbox to the consuming services' queues.
  const auditRelay = startAuditRelay({ db: dataSource, redis, prefix: config.QUEUE_PREFIX, logger });
  const stopCompliance = keepComplianceFresh(dataSource, sources, (message, error) =>
    error ? logger.warn({ err: error }, message) : logger.debug(message),
  );
  const rankings = await startRankingJobs({
    db: dataSource,
    redis,
    prefix: config.QUEUE_PREFIX,
    sources,
    logger,
    metrics,
  });
  const health = await startWorkerHealthFromEnv({
    name: 'audit-worker',
    host: config.HOST,
    checks: { ...databaseChecks(dataSource), redis: redisCheck(redis) },
    env,
    metrics,
    logger,
  });
  return {
    url: `queues ${config.QUEUE_PREFIX}:audit.dossier-events, ${config.QUEUE_PREFIX}:${RANKINGS_QUEUE}`,
    healthPort: health?.port,
    metrics,
    stop: async () => {
      await health?.stop();
      await rankings.stop();
      await stopCompliance();
      await consumer.close();
      await auditRelay.stop();
      await metrics.close();
      await redis.quit();
      await dataSource.destroy();
    },
  };
}
