import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The review reminders find a process owner's ISO secretaries by the owner's unit id. */
export class IndexOfficialsByUnitId1732800400000 implements MigrationInterface {
  name = 'IndexOfficialsByUnitId1732800400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX official_directory_unit_id ON official_directory (unit_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX official_directory_unit_id`);
  }
}
