import { CreateNotification1732800000000 } from './1732800000000-create-notification';

/** In order. Listed explicitly (no globbing) so that source and compiled runs see the same set. */
export const notificationMigrations = [CreateNotification1732800000000];
