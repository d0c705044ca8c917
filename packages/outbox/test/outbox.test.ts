/**
 * The outbox on real PostgreSQL and real Redis: events exist exactly when their transaction
 * commits, reach every subscribed queue in order, at least once, and are applied once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { TestDatabase } from '@eiso/db';
import { waitFor } from '@eiso/testing';
import {
  appendEvents,
  applyBatchOnce,
  applyOnce,
  createRedisConnection,
  eventsOf,
  OutboxRelay,
  startConsumer,
  type EisoEvent,
  type RedisConnection,
} from '../src';
import { outboxTestDatabase } from './outbox-database';

let database: TestDatabase;
let db: DataSource;
let redis: RedisConnection;
const prefix = `eiso-test-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  ({ database, db } = await outboxTestDatabase());
  redis = createRedisConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await db.destroy();
  await database.drop();
});

const event = (aggregateId: string, type = 'dossier.received') => ({
  type,
  unitPath: '/VN/22/',
  aggregateId,
  payload: { code: aggregateId },
});

async function jobsIn(queue: string): Promise<EisoEvent[]> {
  const q = new Queue(queue, { connection: redis, prefix });
  const jobs = await q.getJobs(['waiting', 'active', 'completed', 'delayed'], 0, -1, true);
  await q.close();
  return jobs.flatMap((j) => eventsOf(j.data));
}

describe('the outbox', () => {
  it('keeps only events whose transaction committed', async () => {
    await db.transaction((m) => appendEvents(m, [event('kept')]));
    await expect(
      db.transaction(async (m) => {
        await appendEvents(m, [event('rolled-back')]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const rows = await db.query(`SELECT aggregate_id FROM outbox`);
    expect(rows.map((r: { aggregate_id: string }) => r.aggregate_id)).toEqual(['kept']);
  });

  it('relays in order to every subscribed queue, once, and marks what it sent', async () => {
    await db.transaction((m) =>
      appendEvents(
        m,
        ['a', 'b', 'c'].map((id) => event(id)),
      ),
    );
    await db.transaction((m) => appendEvents(m, [event('q', 'qms.announced')]));
    const relay = new OutboxRelay({
      db,
      connection: redis,
      prefix,
      routes: [
        { queue: 'audit', types: ['dossier.', 'qms.announced'] },
        { queue: 'notification', types: ['dossier.received'] },
      ],
    });
    expect(await relay.drain()).toBe(5);
    expect(await relay.relayOnce()).toBe(0);
    expect((await jobsIn('audit')).map((e) => e.aggregateId)).toEqual(['kept', 'a', 'b', 'c', 'q']);
    expect((await jobsIn('notification')).map((e) => e.aggregateId)).toEqual(['kept', 'a', 'b', 'c']);

    // A crash between adding the jobs and marking them sent re-sends them: still one job each.
    await db.query(`UPDATE outbox SET sent_at = NULL`);
    expect(await relay.drain()).toBe(5);
    expect((await jobsIn('audit')).map((e) => e.aggregateId)).toEqual(['kept', 'a', 'b', 'c', 'q']);
    await relay.close();
  });

  it('a consumer applies each event once, even delivered twice', async () => {
    const applied: string[] = [];
    const record = async (e: EisoEvent) => {
      applied.push(e.aggregateId);
    };
    const sample: EisoEvent = { id: randomUUID(), occurredAt: new Date().toISOString(), ...event('x') };
    expect(await applyOnce(db, 'test', sample, record)).toBe(true);
    expect(await applyOnce(db, 'test', sample, record)).toBe(false);
    expect(await applyOnce(db, 'other-consumer', sample, record)).toBe(true);
    expect(applied).toEqual(['x', 'x']);
  });

  it('a failing effect leaves the event unapplied, to be retried', async () => {
    const sample: EisoEvent = { id: randomUUID(), occurredAt: new Date().toISOString(), ...event('y') };
    await expect(
      applyOnce(db, 'test', sample, async () => Promise.reject(new Error('down'))),
    ).rejects.toThrow('down');
    expect(await applyOnce(db, 'test', sample, async () => undefined)).toBe(true);
  });

  it('applies a run of events in order, once each, skipping those already applied', async () => {
    const run: EisoEvent[] = ['r1', 'r2', 'r3'].map((id) => ({
      id: randomUUID(),
      occurredAt: new Date().toISOString(),
      ...event(id),
    }));
    const applied: string[] = [];
    const record = async (e: EisoEvent) => void applied.push(e.aggregateId);
    expect(await applyOnce(db, 'batch-test', run[1], record)).toBe(true);
    expect(await applyBatchOnce(db, 'batch-test', run, record)).toBe(2);
    expect(await applyBatchOnce(db, 'batch-test', run, record)).toBe(0);
    expect(applied).toEqual(['r2', 'r1', 'r3']);
  });

  it('a bad event in a run holds back only itself', async () => {
    // The effects are rows written in the consumer's transaction, as real consumers' are: a run
    // rolled back leaves none of them.
    await db.query(`CREATE TABLE poison_effect (aggregate_id text PRIMARY KEY)`);
    await db.transaction((m) =>
      appendEvents(
        m,
        ['good-1', 'bad', 'good-2'].map((id) => event(id, 'poison.test')),
      ),
    );
    const relay = new OutboxRelay({
      db,
      connection: redis,
      prefix,
      routes: [{ queue: 'poison', types: ['poison.'] }],
    });
    await relay.drain();
    await relay.close();
    const effects = async () =>
      (await db.query(`SELECT aggregate_id FROM poison_effect ORDER BY aggregate_id`)).map(
        (r: { aggregate_id: string }) => r.aggregate_id,
      );
    const worker = startConsumer({
      db,
      consumer: 'poison-test',
      queue: 'poison',
      connection: redis,
      prefix,
      handle: async (e, m) => {
        if (e.aggregateId === 'bad') throw new Error('cannot apply');
        await m.query(`INSERT INTO poison_effect VALUES ($1)`, [e.aggregateId]);
      },
    });
    try {
      await waitFor(effects, (rows) => rows.length >= 2);
    } finally {
      await worker.close();
    }
    expect(await effects()).toEqual(['good-1', 'good-2']);
    const rows = await db.query(
      `SELECT count(*)::int AS n FROM applied_event WHERE consumer = 'poison-test'`,
    );
    expect(rows[0].n).toBe(2);
  });

  it('a worker consumes the relayed queue in order', async () => {
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      const worker = startConsumer({
        db,
        consumer: 'notification-test',
        queue: 'notification',
        connection: redis,
        prefix,
        handle: async (e) => {
          seen.push(e.aggregateId);
          if (seen.length === 4) setImmediate(() => void worker.close().then(resolve));
        },
      });
    });
    await done;
    expect(seen).toEqual(['kept', 'a', 'b', 'c']);
  });
});
