import { createServiceDataSource, migrateService } from '@eiso/db';
import { orgEntities } from './entities';
import { orgMigrations } from './migrations';

export const ORG_SCHEMA = 'org';
export const ORG_ROLE = 'eiso_org';

/**
 * The org DataSource. With ORG_DATABASE_URL the service logs in as its own role; otherwise it
 * shares DATABASE_URL and takes the `eiso_org` role at session start.
 */
export function createOrgDataSource(
  urls: { DATABASE_URL: string; ORG_DATABASE_URL?: string },
  poolSize?: number,
) {
  return createServiceDataSource({
    url: urls.ORG_DATABASE_URL ?? urls.DATABASE_URL,
    schema: ORG_SCHEMA,
    role: urls.ORG_DATABASE_URL ? undefined : ORG_ROLE,
    entities: orgEntities,
    migrations: orgMigrations,
    poolSize,
  });
}

/** Creates the schema and role when missing, then applies pending migrations. */
export function migrateOrg(urls: { DATABASE_URL: string; ORG_DATABASE_URL?: string }): Promise<string[]> {
  return migrateService(
    urls.DATABASE_URL,
    ORG_SCHEMA,
    ORG_ROLE,
    (poolSize) => createOrgDataSource(urls, poolSize).dataSource,
  );
}
