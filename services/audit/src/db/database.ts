import { createServiceDataSource, migrateWithLock, prepareServiceSchema } from '@eiso/db';
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

export async function migrateAudit(urls: Urls): Promise<string[]> {
  await prepareServiceSchema(urls.DATABASE_URL, AUDIT_SCHEMA, AUDIT_ROLE);
  const { dataSource } = createAuditDataSource(urls, 2);
  await dataSource.initialize();
  try {
    return await migrateWithLock(dataSource, 'eiso-migrate-audit');
  } finally {
    await dataSource.destroy();
  }
}
