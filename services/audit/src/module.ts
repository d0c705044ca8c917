/** The audit service as the `eiso` CLI and the test stack drive it. */
import { createLogger } from '@eiso/logging';
import { loadAuditConfig, loadAuditDatabaseConfig } from './config';
import { createAuditDataSource, migrateAudit } from './db/database';
import { computeRankings } from './jobs/rankings';
import { startAuditService } from './subgraph';
import { seedAuditIfEmpty } from './seed';

type Env = NodeJS.ProcessEnv;

export const auditModule = {
  name: 'audit',
  dir: 'services/audit',
  port: 4004,
  portVariable: 'AUDIT_PORT',
  urlVariable: 'AUDIT_URL',
  migrate: (env: Env) => migrateAudit(loadAuditDatabaseConfig(env)),
  /** QMS records, audits, reviews, nonconformities, risks and objectives in the ministry's proportions. */
  seed: (env: Env, options: { progress?: (message: string) => void } = {}) =>
    seedAuditIfEmpty(loadAuditConfig(env), options.progress ?? (() => undefined)),
  /** Its second entry point: late dossiers into nonconformities, the compliance snapshot, the nightly rankings. */
  worker: 'src/worker.ts',
  /** What `eiso run <task>` runs now, against the running services (their URLs from the environment). */
  tasks: {
    /** Every level's ranking for today (provisional until the night's run for the day). */
    rankings: async (env: Env, options: { progress?: (message: string) => void } = {}) => {
      const config = loadAuditConfig(env);
      const { dataSource } = createAuditDataSource(config, 2);
      await dataSource.initialize();
      try {
        const s = await computeRankings(
          dataSource,
          {
            catalogUrl: config.CATALOG_URL,
            dossierUrl: config.DOSSIER_URL,
            secret: config.GATEWAY_SIGNING_SECRET,
          },
          { progress: options.progress },
        );
        return `rankings of ${s.day} stored: ${s.lists} lists, ${s.entries.PROVINCE} provinces, ${s.entries.MINISTRY} ministries, ${s.entries.DISTRICT} districts, ${s.entries.COMMUNE} commune entries, in ${s.ms} ms`;
      } finally {
        await dataSource.destroy();
      }
    },
  },
  start: (env: Env) => {
    const config = loadAuditConfig(env);
    return startAuditService(config, createLogger('audit', config.LOG_LEVEL));
  },
};
