import type { QueryRunner } from 'typeorm';

/**
 * The unit directory table, created by each service's own migration in its own schema: a read
 * replica of the org tree (code, level, kind, path, validity) that lets a service check scope and
 * list what a unit handles without reading org's tables.
 */
export async function createUnitDirectoryTable(q: QueryRunner): Promise<void> {
  await q.query(`
    CREATE TABLE unit_directory (
      id            uuid PRIMARY KEY,
      code          varchar(32) NOT NULL UNIQUE,
      name          text NOT NULL,
      level         varchar(16) NOT NULL,
      kind          varchar(24) NOT NULL,
      province_code varchar(2),
      parent_id     uuid,
      path          text COLLATE "C" NOT NULL,
      valid_from    date NOT NULL,
      valid_to      date,
      synced_at     timestamptz NOT NULL DEFAULT now()
    )`);
  await q.query(`CREATE INDEX unit_directory_path ON unit_directory (path)`);
}

export async function dropUnitDirectoryTable(q: QueryRunner): Promise<void> {
  await q.query(`DROP TABLE unit_directory`);
}
