import { CreateOrg1732300000000 } from './1732300000000-create-org';
import { AuditTrail1732300300000 } from './1732300300000-audit-trail';

/** In order. Listed explicitly (no globbing) so that source and compiled runs see the same set. */
export const orgMigrations = [CreateOrg1732300000000, AuditTrail1732300300000];
