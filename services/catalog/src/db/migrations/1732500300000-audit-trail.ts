import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createAuditTrailTable, dropAuditTrailTable } from '@eiso/server';

/** `audit_trail`: one row per mutation this service received (who, unit, when, what, outcome); see @eiso/server audit-trail.ts. */
export class AuditTrail1732500300000 implements MigrationInterface {
  name = 'AuditTrail1732500300000';

  async up(q: QueryRunner): Promise<void> {
    await createAuditTrailTable(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropAuditTrailTable(q);
  }
}
