/** The audit schema on real PostgreSQL: it migrates once, as its own role, and keeps its rules. */
import { createTestDatabase, type TestDatabase } from '@eiso/db';
import type { DataSource } from 'typeorm';
import { createAuditDataSource, migrateAudit } from '../src';

let database: TestDatabase;
let db: DataSource;

beforeAll(async () => {
  database = await createTestDatabase();
  await migrateAudit({ DATABASE_URL: database.url });
  db = createAuditDataSource({ DATABASE_URL: database.url }, 1).dataSource;
  await db.initialize();
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

describe('the audit schema', () => {
  it('migrates once, owned by eiso_audit', async () => {
    expect(await migrateAudit({ DATABASE_URL: database.url })).toEqual([]);
    const owners = await db.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'audit'`);
    expect(owners).toEqual([{ tableowner: 'eiso_audit' }]);
  });

  it('opens one nonconformity per late dossier, however often its event arrives', async () => {
    const dossierId = '11111111-1111-4111-8111-111111111111';
    const open = () =>
      db.query(
        `INSERT INTO nonconformity (unit_id, unit_path, source, description, dossier_id)
         VALUES (gen_random_uuid(), '/VN/22/', 'LATE_DOSSIER', 'Hồ sơ trễ hạn', $1) ON CONFLICT DO NOTHING RETURNING id`,
        [dossierId],
      );
    expect(await open()).toHaveLength(1);
    expect(await open()).toHaveLength(0);
  });

  it('refuses an announced QMS without its standard, decision and date', async () => {
    await expect(
      db.query(
        `INSERT INTO qms (unit_id, unit_path, status) VALUES (gen_random_uuid(), '/VN/22/', 'ANNOUNCED')`,
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
