import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addOutboxTraceparent, dropOutboxTraceparent } from '@eiso/outbox';

/**
 * `outbox.traceparent`: the trace of the request or job that wrote each event, so the worker that
 * applies it logs the same trace id (issue 10; @eiso/outbox event.ts). Nullable: no table rewrite.
 */
export class OutboxTraceparent1732700400000 implements MigrationInterface {
  name = 'OutboxTraceparent1732700400000';

  async up(q: QueryRunner): Promise<void> {
    await addOutboxTraceparent(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropOutboxTraceparent(q);
  }
}
