import { createServiceDataSource, migrateService } from '@eiso/db';
import { notificationMigrations } from './migrations';

export const NOTIFICATION_SCHEMA = 'notification';
export const NOTIFICATION_ROLE = 'eiso_notification';

type Urls = { DATABASE_URL: string; NOTIFICATION_DATABASE_URL?: string };

export function createNotificationDataSource(urls: Urls, poolSize?: number) {
  return createServiceDataSource({
    url: urls.NOTIFICATION_DATABASE_URL ?? urls.DATABASE_URL,
    schema: NOTIFICATION_SCHEMA,
    role: urls.NOTIFICATION_DATABASE_URL ? undefined : NOTIFICATION_ROLE,
    entities: [],
    migrations: notificationMigrations,
    poolSize,
  });
}

export function migrateNotification(urls: Urls): Promise<string[]> {
  return migrateService(
    urls.DATABASE_URL,
    NOTIFICATION_SCHEMA,
    NOTIFICATION_ROLE,
    (poolSize) => createNotificationDataSource(urls, poolSize).dataSource,
  );
}
