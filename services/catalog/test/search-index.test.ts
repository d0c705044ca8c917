/**
 * Search on the full national catalog goes through the GIN index on the folded text, not a scan
 * of every procedure.
 */
import { createTestDatabase, type TestDatabase } from '@eiso/db';
import { testEnv } from '@eiso/testing';
import type { DataSource } from 'typeorm';
import {
  catalogModule,
  createCatalogDataSource,
  generateDemoCatalog,
  prefixQuery,
  readCatalogData,
} from '../src';
import { writeDemoCatalog } from '../src/seed/write';

let database: TestDatabase;
let db: DataSource;

beforeAll(async () => {
  database = await createTestDatabase();
  const env = testEnv(database.url);
  await catalogModule.migrate(env);
  db = createCatalogDataSource(env, 1).dataSource;
  await db.initialize();
  await writeDemoCatalog(db, generateDemoCatalog({ ...readCatalogData(), units: [], today: '2026-11-23' }));
  await db.query('ANALYZE procedure');
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

async function plan(search: string): Promise<string> {
  const rows: { 'QUERY PLAN': string }[] = await db.query(
    `EXPLAIN SELECT id FROM procedure p WHERE p.search_vector @@ to_tsquery('simple', $1)`,
    [prefixQuery(search)],
  );
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

describe('catalog search', () => {
  it('holds the whole national catalog', async () => {
    const [{ count }] = await db.query('SELECT count(*)::int AS count FROM procedure');
    expect(count).toBeGreaterThan(1300);
  });

  it('goes through the GIN index for what users type', async () => {
    for (const search of ['đăng ký khai sinh', 'giay phep xay dung', 'chứng thực']) {
      expect(await plan(search)).toContain('procedure_search');
    }
  });

  it('still does at ten times the demo catalog', async () => {
    await db.query(`
      INSERT INTO procedure (code, name, field, level, statutory_days, search_vector)
      SELECT '9.' || lpad(n::text, 6, '0'), 'Thủ tục mẫu ' || n, 'Mẫu', 'PROVINCE', 5,
             to_tsvector('simple', 'thu tuc mau ' || n || ' linh vuc ' || (n % 97) || ' nhom ' || (n % 13))
      FROM generate_series(1, 14000) AS n`);
    await db.query('ANALYZE procedure');
    for (const search of ['đăng ký khai sinh', 'giay phep xay dung']) {
      expect(await plan(search)).toContain('procedure_search');
    }
  });

  it('finds the same rows with and without diacritics', async () => {
    const find = (search: string) =>
      db.query(
        `SELECT code FROM procedure p WHERE p.search_vector @@ to_tsquery('simple', $1) ORDER BY code`,
        [prefixQuery(search)],
      );
    const accented = await find('cấp giấy phép xây dựng');
    expect(accented.length).toBeGreaterThan(0);
    expect(await find('cap giay phep xay dung')).toEqual(accented);
  });
});
