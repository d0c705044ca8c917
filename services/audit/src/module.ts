/** The audit service as the `eiso` CLI and the test stack drive it (not yet in the graph: issue 6). */
import { createLogger } from '@eiso/logging';
import { loadAuditConfig, loadAuditDatabaseConfig } from './config';
import { migrateAudit } from './db/database';
import { startAuditService } from './subgraph';

type Env = NodeJS.ProcessEnv;

export const auditModule = {
  name: 'audit',
  dir: 'services/audit',
  port: 4004,
  portVariable: 'AUDIT_PORT',
  urlVariable: 'AUDIT_URL',
  migrate: (env: Env) => migrateAudit(loadAuditDatabaseConfig(env)),
  start: (env: Env) => {
    const config = loadAuditConfig(env);
    return startAuditService(config, createLogger('audit', config.LOG_LEVEL));
  },
};
