import { CreateAudit1732700000000 } from './1732700000000-create-audit';

/** In order. Listed explicitly (no globbing) so that source and compiled runs see the same set. */
export const auditMigrations = [CreateAudit1732700000000];
