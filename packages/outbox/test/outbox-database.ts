import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@eiso/db';
import { addOutboxTraceparent, createAppliedEventTable, createOutboxTable } from '../src';

/** A fresh database with the outbox and applied_event tables, as a service's migrations make them. */
export async function outboxTestDatabase(): Promise<{ database: TestDatabase; db: DataSource }> {
  const database = await createTestDatabase();
  const db = new DataSource({ type: 'postgres', url: database.url, poolSize: 4 });
  await db.initialize();
  const runner = db.createQueryRunner();
  await createOutboxTable(runner);
  await addOutboxTraceparent(runner);
  await createAppliedEventTable(runner);
  await runner.release();
  return { database, db };
}
