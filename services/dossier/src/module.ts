/** The dossier service as the `eiso` CLI and the test stack drive it. */
import { createLogger } from '@eiso/logging';
import { loadDossierConfig, loadDossierDatabaseConfig } from './config';
import { migrateDossier } from './db/database';
import { startDossierService } from './subgraph';
import { DEFAULT_SEED_DOSSIERS, seedDossiersIfEmpty } from './seed';

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
  /** A year of demo dossiers (EISO_SEED_DOSSIERS, default 10,000); org and catalog must be running. */
  seed: (env: Env, options: { progress?: (message: string) => void } = {}) =>
    seedDossiersIfEmpty(
      loadDossierConfig(env),
      Number(env.EISO_SEED_DOSSIERS ?? DEFAULT_SEED_DOSSIERS),
      options.progress ?? (() => undefined),
    ),
  start: (env: Env) => {
    const config = loadDossierConfig(env);
    return startDossierService(config, createLogger('dossier', config.LOG_LEVEL));
  },
};
