import type { DataSource } from 'typeorm';

/**
 * A service's database checks for `/health` and `/ready`: the database answers, and every
 * migration the code knows is applied (a service started while `eiso migrate` is still running, or
 * before it ran, is not ready). Once none is pending the answer is kept: a running process's
 * migrations cannot become pending again.
 */
export function databaseChecks(dataSource: DataSource): Record<string, () => Promise<boolean>> {
  let migrated = false;
  return {
    database: async () => (await dataSource.query('SELECT 1')).length === 1,
    migrations: async () => (migrated ||= !(await dataSource.showMigrations())),
  };
}
