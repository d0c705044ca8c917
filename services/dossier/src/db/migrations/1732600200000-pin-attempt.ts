import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `pin_attempt`: wrong public PINs per dossier code (existing or not) and the lock they set — see
 * src/db/pin-lock.ts. Keyed by the code as typed (at most 64 characters), not by dossier, so an
 * unknown code is counted exactly like a known one.
 */
export class PinAttempt1732600200000 implements MigrationInterface {
  name = 'PinAttempt1732600200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pin_attempt (
        code varchar(64) PRIMARY KEY,
        failures integer NOT NULL,
        last_failure_at timestamptz NOT NULL,
        locked_until timestamptz
      )`);
    await q.query(`CREATE INDEX pin_attempt_last_failure ON pin_attempt (last_failure_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pin_attempt`);
  }
}
