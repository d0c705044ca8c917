/**
 * The dossier service's own database for its integration tests: a fresh PostgreSQL database (made
 * and dropped by the test) with the dossier schema and role, and data sources on it with any
 * prefix of the migrations (the partitioning test walks them one at a time).
 */
import type { DataSource } from 'typeorm';
import {
  createServiceDataSource,
  createTestDatabase,
  prepareServiceSchema,
  type TestDatabase,
} from '@eiso/db';
import { DOSSIER_ROLE, DOSSIER_SCHEMA } from '../src/db/database';
import { dossierMigrations } from '../src/db/migrations';

export type { TestDatabase };

/** A fresh database with the dossier schema and its role; nothing migrated yet. */
export async function freshDossierDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  await prepareServiceSchema(database.url, DOSSIER_SCHEMA, DOSSIER_ROLE);
  return database;
}

/** A data source (not yet initialized) on the dossier schema, with `migrations`. */
export function dossierDataSource(
  database: TestDatabase,
  migrations: (typeof dossierMigrations)[number][] = dossierMigrations,
): DataSource {
  return createServiceDataSource({
    url: database.url,
    schema: DOSSIER_SCHEMA,
    role: DOSSIER_ROLE,
    entities: [],
    migrations,
    poolSize: 2,
  }).dataSource;
}

/** A data source on a fresh database with every migration run. */
export async function migratedDossierDatabase(): Promise<{ database: TestDatabase; db: DataSource }> {
  const database = await freshDossierDatabase();
  const db = dossierDataSource(database);
  await db.initialize();
  await db.runMigrations({ transaction: 'each' });
  return { database, db };
}
