import { CreateAudit1732700000000 } from './1732700000000-create-audit';
import { AuditTrail1732700300000 } from './1732700300000-audit-trail';
import { OutboxTraceparent1732700400000 } from './1732700400000-outbox-traceparent';

/** In order. Listed explicitly (no globbing) so that source and compiled runs see the same set. */
export const auditMigrations = [
  CreateAudit1732700000000,
  AuditTrail1732700300000,
  OutboxTraceparent1732700400000,
];
