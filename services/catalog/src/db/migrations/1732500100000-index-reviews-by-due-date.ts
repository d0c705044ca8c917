import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notification worker's reminder sweep pages through the open reviews of the whole country
 * that fall due within 60 days, soonest first: an index on exactly that order.
 */
export class IndexReviewsByDueDate1732500100000 implements MigrationInterface {
  name = 'IndexReviewsByDueDate1732500100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX process_review_open_due ON process_review (due_by, id) WHERE cleared_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX process_review_open_due`);
  }
}
