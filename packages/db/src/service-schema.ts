/**
 * Prepares a service's corner of the database: its role and its schema, owned by that role.
 * Runs with the administrative connection before the service's own migrations, and is idempotent.
 */
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { quoteIdent } from './data-source';

export async function prepareServiceSchema(adminUrl: string, schema: string, role: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Roles are cluster-wide; two processes may race to create one, so lock first.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`eiso-role-${role}`]);
    await client.query(
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${quoteIdent(role)}') THEN
           CREATE ROLE ${quoteIdent(role)} NOLOGIN;
         END IF;
       END $$`,
    );
    await client.query(`GRANT ${quoteIdent(role)} TO CURRENT_USER`).catch(() => undefined);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)} AUTHORIZATION ${quoteIdent(role)}`);
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`eiso-role-${role}`]);
  } finally {
    await client.end();
  }
}

/**
 * Runs pending migrations under an advisory lock, so replicas starting together migrate once.
 * Returns the names of the migrations applied.
 */
export async function migrateWithLock(dataSource: DataSource, lockName: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [lockName]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * A service's whole migration step: its schema and role prepared with the admin URL, then its
 * migrations run under the advisory lock `eiso-migrate-<schema>`. `open(2)` makes the service's
 * DataSource with two connections: one holds the lock while the other migrates.
 */
export async function migrateService(
  adminUrl: string,
  schema: string,
  role: string,
  open: (poolSize: number) => DataSource,
): Promise<string[]> {
  await prepareServiceSchema(adminUrl, schema, role);
  const dataSource = open(2);
  await dataSource.initialize();
  try {
    return await migrateWithLock(dataSource, `eiso-migrate-${schema}`);
  } finally {
    await dataSource.destroy();
  }
}
