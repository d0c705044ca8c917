import { CreateNotification1732800000000 } from './1732800000000-create-notification';
import { IndexOfficialsByUnit1732800100000 } from './1732800100000-index-officials-by-unit';

/** In order. Listed explicitly (no globbing) so that source and compiled runs see the same set. */
export const notificationMigrations = [CreateNotification1732800000000, IndexOfficialsByUnit1732800100000];
