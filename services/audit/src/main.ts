/** The audit subgraph (port 4004): each unit's QMS, its audits, reviews and corrections. */
import { runServer } from '@eiso/server';
import { loadAuditConfig } from './config';
import { startAuditService } from './subgraph';

runServer('audit', () => loadAuditConfig(), startAuditService);
