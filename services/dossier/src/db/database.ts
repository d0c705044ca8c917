import { createServiceDataSource, migrateService } from '@eiso/db';
import { dossierMigrations } from './migrations';

export const DOSSIER_SCHEMA = 'dossier';
export const DOSSIER_ROLE = 'eiso_dossier';

type Urls = { DATABASE_URL: string; DOSSIER_DATABASE_URL?: string };

export function createDossierDataSource(urls: Urls, poolSize?: number) {
  return createServiceDataSource({
    url: urls.DOSSIER_DATABASE_URL ?? urls.DATABASE_URL,
    schema: DOSSIER_SCHEMA,
    role: urls.DOSSIER_DATABASE_URL ? undefined : DOSSIER_ROLE,
    entities: [],
    migrations: dossierMigrations,
    poolSize,
  });
}

export function migrateDossier(urls: Urls): Promise<string[]> {
  return migrateService(
    urls.DATABASE_URL,
    DOSSIER_SCHEMA,
    DOSSIER_ROLE,
    (poolSize) => createDossierDataSource(urls, poolSize).dataSource,
  );
}
