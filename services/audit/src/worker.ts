/**
 * The audit worker: turns dossiers that ended late into nonconformities, keeps the compliance
 * snapshot fresh and ranks every level each night (jobs/rankings.ts).
 */
import { createRedisConnection, startConsumer } from '@eiso/outbox';
import { databaseChecks } from '@eiso/db';
import { redisCheck, runServer, startWorkerHealthFromEnv } from '@eiso/server';
import { UnitDirectory, syncUnitDirectory } from '@eiso/directory';
import { loadAuditConfig } from './config';
import { createAuditDataSource } from './db/database';
import { LATE_DOSSIER_CONSUMER, recordLateDossier } from './jobs/late-dossiers';
import { keepComplianceFresh } from './jobs/compliance';
import { startAuditRelay } from './jobs/events';
import { RANKINGS_QUEUE, startRankingJobs } from './jobs/rankings';

runServer(
  'audit-worker',
  () => loadAuditConfig(),
  async (config, logger) => {
    const { dataSource } = createAuditDataSource(config, 4);
    await dataSource.initialize();
    await syncUnitDirectory(new UnitDirectory(dataSource), {
      orgUrl: config.ORG_URL,
      signingSecret: config.GATEWAY_SIGNING_SECRET,
    });
    const redis = createRedisConnection(config.REDIS_URL, config.REDIS_CLUSTER_NODES);
    const consumer = startConsumer({
      db: dataSource,
      consumer: LATE_DOSSIER_CONSUMER,
      queue: 'audit.dossier-events',
      connection: redis,
      prefix: config.QUEUE_PREFIX,
      handle: async (event, m) => {
        if (await recordLateDossier(event, m))
          logger.info({ dossier: event.aggregateId }, 'late dossier: nonconformity opened');
      },
    });
    consumer.on('failed', (job, error) =>
      logger.warn({ err: error, event: job?.data?.type, id: job?.id }, 'dossier event failed; will retry'),
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
    });
    const health = await startWorkerHealthFromEnv('audit-worker', config.HOST, {
      ...databaseChecks(dataSource),
      redis: redisCheck(redis),
    });
    if (health) logger.info({ port: health.port }, 'health port: /live, /ready');
    return {
      url: `queues ${config.QUEUE_PREFIX}:audit.dossier-events, ${config.QUEUE_PREFIX}:${RANKINGS_QUEUE}`,
      stop: async () => {
        await health?.stop();
        await rankings.stop();
        await stopCompliance();
        await consumer.close();
        await auditRelay.stop();
        await redis.quit();
        await dataSource.destroy();
      },
    };
  },
);
