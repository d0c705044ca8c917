/** The audit service as the `eiso` CLI and the test stack drive it. */
import { createLogger } from '@eiso/logging';
import { loadAuditConfig, loadAuditDatabaseConfig } from './config';
import { migrateAudit } from './db/database';
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
  /** Its second entry point: late dossiers into nonconformities, the compliance snapshot. */
  worker: 'src/worker.ts',
  start: (env: Env) => {
    const config = loadAuditConfig(env);
    return startAuditService(config, createLogger('audit', config.LOG_LEVEL));
  },
};
