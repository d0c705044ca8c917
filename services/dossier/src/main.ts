/** The dossier subgraph (port 4003): dossiers through their unit's ISO process, measured against their deadlines. */
import { runServer } from '@eiso/server';
import { loadDossierConfig } from './config';
import { startDossierService } from './subgraph';

runServer('dossier', () => loadDossierConfig(), startDossierService);
