import { createServiceDataSource, migrateService } from '@eiso/db';
import { auditMigrations } from './migrations';

export const AUDIT_SCHEMA = 'audit';
export const AUDIT_ROLE = 'eiso_audit';

type Urls = { DATABASE_URL: string; AUDIT_DATABASE_URL?: string };

export function createAuditDataSource(urls: Urls, poolSize?: number) {
  return createServiceDataSource({
    url: urls.AUDIT_DATABASE_URL ?? urls.DATABASE_URL,
    schema: AUDIT_SCHEMA,
    role: urls.AUDIT_DATABASE_URL ? undefined : AUDIT_ROLE,
    entities: [],
    migrations: auditMigrations,
    poolSize,
  });
}

export function migrateAudit(urls: Urls): Promise<string[]> {
  return migrateService(
    urls.DATABASE_URL,
    AUDIT_SCHEMA,
    AUDIT_ROLE,
    (poolSize) => createAuditDataSource(urls, poolSize).dataSource,
  );
}
