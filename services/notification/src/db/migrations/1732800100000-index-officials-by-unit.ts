import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consumer finds a unit's handlers or leaders for every unassigned or overdue dossier event:
 * an index on the replica's unit path keeps that off a scan of ~48,000 officials.
 */
export class IndexOfficialsByUnit1732800100000 implements MigrationInterface {
  name = 'IndexOfficialsByUnit1732800100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX official_directory_unit_path ON official_directory (unit_path)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX official_directory_unit_path`);
  }
}
