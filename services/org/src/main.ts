/** The org subgraph (port 4001): the unit tree and its officials. */
import { runServer } from '@eiso/server';
import { loadOrgConfig } from './config';
import { startOrgService } from './subgraph';

runServer('org', () => loadOrgConfig(), startOrgService);
