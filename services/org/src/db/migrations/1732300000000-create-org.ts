import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrg1732300000000 implements MigrationInterface {
  name = 'CreateOrg1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE administrative_unit (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code          varchar(32) NOT NULL,
        name          text NOT NULL,
        level         varchar(16) NOT NULL
                      CHECK (level IN ('NATIONAL','MINISTRY','PROVINCE','DISTRICT','COMMUNE')),
        kind          varchar(24) NOT NULL
                      CHECK (kind IN ('GOVERNMENT','MINISTRY','MINISTRY_AGENCY','PEOPLES_COMMITTEE','AGENCY')),
        province_code varchar(2),
        parent_id     uuid REFERENCES administrative_unit(id),
        path          text COLLATE "C" NOT NULL,
        valid_from    date NOT NULL,
        valid_to      date,
        CONSTRAINT administrative_unit_code_key UNIQUE (code),
        CONSTRAINT administrative_unit_path_key UNIQUE (path),
        CONSTRAINT administrative_unit_validity CHECK (valid_to IS NULL OR valid_to > valid_from),
        CONSTRAINT administrative_unit_root CHECK ((parent_id IS NULL) = (level = 'NATIONAL'))
      )`);
    // Listing a level in code order, optionally inside a subtree (path prefix).
    await q.query(`CREATE INDEX administrative_unit_level_code ON administrative_unit (level, code)`);
    await q.query(`CREATE INDEX administrative_unit_parent ON administrative_unit (parent_id, code)`);
    await q.query(`
      CREATE TABLE unit_succession (
        predecessor_id uuid NOT NULL REFERENCES administrative_unit(id),
        successor_id   uuid NOT NULL REFERENCES administrative_unit(id),
        effective_on   date NOT NULL,
        PRIMARY KEY (predecessor_id, successor_id),
        CHECK (predecessor_id <> successor_id)
      )`);
    await q.query(`CREATE INDEX unit_succession_successor ON unit_succession (successor_id)`);
    await q.query(`
      CREATE TABLE official (
        id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar(64) NOT NULL,
        name     text NOT NULL,
        unit_id  uuid NOT NULL REFERENCES administrative_unit(id),
        roles    text[] NOT NULL DEFAULT '{}',
        email    text,
        CONSTRAINT official_username_key UNIQUE (username)
      )`);
    await q.query(`CREATE INDEX official_unit ON official (unit_id, username)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE official`);
    await q.query(`DROP TABLE unit_succession`);
    await q.query(`DROP TABLE administrative_unit`);
  }
}
