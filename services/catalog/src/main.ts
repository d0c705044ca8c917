/** The catalog subgraph (port 4002): procedures and their ISO processes under document control. */
import { runServer } from '@eiso/server';
import { loadCatalogConfig } from './config';
import { startCatalogService } from './subgraph';

runServer('catalog', () => loadCatalogConfig(), startCatalogService);
