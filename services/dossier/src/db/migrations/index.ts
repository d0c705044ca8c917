import { CreateDossier1732600000000 } from './1732600000000-create-dossier';
import { DeadlineNotice1732600100000 } from './1732600100000-deadline-notice';
import { PinAttempt1732600200000 } from './1732600200000-pin-attempt';
import { AuditTrail1732600300000 } from './1732600300000-audit-trail';
import { PartitionByReceiptMonth1732600400000 } from './1732600400000-partition-by-receipt-month';
import { ListInMonthOrder1732600500000 } from './1732600500000-list-in-month-order';
import { OutboxTraceparent1732600600000 } from './1732600600000-outbox-traceparent';

/** In order. Listed explicitly (no globbing) so that source and compiled runs see the same set. */
export const dossierMigrations = [
  CreateDossier1732600000000,
  DeadlineNotice1732600100000,
  PinAttempt1732600200000,
  AuditTrail1732600300000,
  PartitionByReceiptMonth1732600400000,
  ListInMonthOrder1732600500000,
  OutboxTraceparent1732600600000,
];
