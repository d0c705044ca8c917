/**
 * The audit worker: turns dossiers that ended late into nonconformities, keeps the compliance
 * snapshot fresh and ranks every level each night (jobs/rankings.ts). See worker-start.ts.
 */
import { runServer } from '@eiso/server';
import { loadAuditConfig } from './config';
import { startAuditWorker } from './worker-start';

runServer(
  'audit-worker',
  () => loadAuditConfig(),
  (config, logger) => startAuditWorker(config, logger),
);
