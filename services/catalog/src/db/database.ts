import { createServiceDataSource, migrateService } from '@eiso/db';
import { catalogMigrations } from './migrations';

export const CATALOG_SCHEMA = 'catalog';
export const CATALOG_ROLE = 'eiso_catalog';

type Urls = { DATABASE_URL: string; CATALOG_DATABASE_URL?: string };

/** The catalog DataSource: its own login with CATALOG_DATABASE_URL, else DATABASE_URL as the eiso_catalog role. */
export function createCatalogDataSource(urls: Urls, poolSize?: number) {
  return createServiceDataSource({
    url: urls.CATALOG_DATABASE_URL ?? urls.DATABASE_URL,
    schema: CATALOG_SCHEMA,
    role: urls.CATALOG_DATABASE_URL ? undefined : CATALOG_ROLE,
    entities: [],
    migrations: catalogMigrations,
    poolSize,
  });
}

export function migrateCatalog(urls: Urls): Promise<string[]> {
  return migrateService(
    urls.DATABASE_URL,
    CATALOG_SCHEMA,
    CATALOG_ROLE,
    (poolSize) => createCatalogDataSource(urls, poolSize).dataSource,
  );
}
