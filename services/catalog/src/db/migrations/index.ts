import { CreateCatalog1732400000000 } from './1732400000000-create-catalog';
import { ChangeFeed1732500000000 } from './1732500000000-change-feed';
import { IndexReviewsByDueDate1732500100000 } from './1732500100000-index-reviews-by-due-date';
import { AuditTrail1732500300000 } from './1732500300000-audit-trail';

/** In order. Listed explicitly (no globbing) so that source and compiled runs see the same set. */
export const catalogMigrations = [
  CreateCatalog1732400000000,
  ChangeFeed1732500000000,
  IndexReviewsByDueDate1732500100000,
  AuditTrail1732500300000,
];
