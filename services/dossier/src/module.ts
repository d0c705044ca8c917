/** The dossier service as the `eiso` CLI and the test stack drive it. */
import { createLogger } from '@eiso/logging';
import { loadDossierConfig, loadDossierDatabaseConfig } from './config';
import { migrateDossier } from './db/database';
import { startDossierService } from './subgraph';

type Env = NodeJS.ProcessEnv;

export const dossierModule = {
  name: 'dossier',
  dir: 'services/dossier',
  port: 4003,
  portVariable: 'DOSSIER_PORT',
  urlVariable: 'DOSSIER_URL',
  /** Its second entry point: the outbox relay and the deadline sweep. */
  worker: 'src/worker.ts',
  migrate: (env: Env) => migrateDossier(loadDossierDatabaseConfig(env)),
  start: (env: Env) => {
    const config = loadDossierConfig(env);
    return startDossierService(config, createLogger('dossier', config.LOG_LEVEL));
  },
};
