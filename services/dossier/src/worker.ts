/** The dossier worker: relays dossier events from the outbox, and sweeps deadlines every minute. */
import { runServer } from '@eiso/server';
import { loadDossierConfig } from './config';
import { startDossierWorker } from './worker-start';

runServer(
  'dossier-worker',
  () => loadDossierConfig(),
  (config, logger) => startDossierWorker(config, logger),
);
