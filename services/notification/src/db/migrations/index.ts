import { CreateNotification1732800000000 } from './1732800000000-create-notification';
import { IndexOfficialsByUnit1732800100000 } from './1732800100000-index-officials-by-unit';
import { NotificationThresholds1732800200000 } from './1732800200000-notification-thresholds';
import { Delivery1732800300000 } from './1732800300000-delivery';
import { IndexOfficialsByUnitId1732800400000 } from './1732800400000-index-officials-by-unit-id';
import { AuditTrail1732800500000 } from './1732800500000-audit-trail';

/** In order. Listed explicitly (no globbing) so that source and compiled runs see the same set. */
export const notificationMigrations = [
  CreateNotification1732800000000,
  IndexOfficialsByUnit1732800100000,
  NotificationThresholds1732800200000,
  Delivery1732800300000,
  IndexOfficialsByUnitId1732800400000,
  AuditTrail1732800500000,
];
