/**
 * Trace ids through the outbox, on real PostgreSQL and Redis: an event records the trace of the
 * request that wrote it, the relay carries it into the job, and the consumer applies the job in
 * that trace, so the worker's log lines carry the request's trace id.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { TestDatabase } from '@eiso/db';
import {
  createLogger,
  currentTraceparent,
  parseTraceparent,
  runInContext,
  traceContextFrom,
} from '@eiso/logging';
import { waitFor } from '@eiso/testing';
import {
  appendEvents,
  createRedisConnection,
  inJobTrace,
  jobTraceContext,
  OutboxRelay,
  startConsumer,
  type EisoEvent,
  type RedisConnection,
} from '../src';
import { outboxTestDatabase } from './outbox-database';
import { trace } from '@opentelemetry/api';

let database: TestDatabase;
let db: DataSource;
let redis: RedisConnection;
const prefix = `eiso-test-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  ({ database, db } = await outboxTestDatabase());
  await db.query(`CREATE TABLE applied_note (event_id uuid PRIMARY KEY)`);
  redis = createRedisConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await db.destroy();
  await database.drop();
});

const TRACE_A = '0af7651916cd43dd8448eb211c80319c';
const TRACE_B = '4bf92f3577b34da6a3ce929d0e0e4736';
const parent = (traceId: string) => `00-${traceId}-b7ad6b7169203331-01`;

const event = (aggregateId: string) => ({
  type: 'dossier.received',
  unitPath: '/VN/22/',
  aggregateId,
  payload: { code: aggregateId },
});

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: createLogger('worker', 'debug', { destination }), lines };
}

describe('trace ids through the outbox', () => {
  it('go from the request that wrote an event to the log lines of the job that applies it', async () => {
    // Two requests, each in its own trace; an event written outside any trace has none.
    for (const [traceId, id] of [
      [TRACE_A, 'a'],
      [TRACE_B, 'b'],
    ])
      await runInContext(traceContextFrom(parent(traceId)), () =>
        db.transaction((m) => appendEvents(m, [event(id)])),
      );
    await db.transaction((m) => appendEvents(m, [event('untraced')]));
    const stored: { aggregate_id: string; traceparent: string | null }[] = await db.query(
      `SELECT aggregate_id, traceparent FROM outbox ORDER BY sequence`,
    );
    expect(stored.map((r) => [r.aggregate_id, parseTraceparent(r.traceparent)?.traceId ?? null])).toEqual([
      ['a', TRACE_A],
      ['b', TRACE_B],
      ['untraced', null],
    ]);

    const queue = 'trace.events';
    // One event a job: each job runs in its own event's trace.
    const relay = new OutboxRelay({
      db,
      connection: redis,
      prefix,
      routes: [{ queue, types: ['*'] }],
      eventsPerJob: 1,
    });
    await relay.drain();
    await relay.close();
    const { logger, lines } = capture();
    const handled: { id: string; traceId?: string }[] = [];
    const worker = startConsumer({
      db,
      consumer: 'trace-test',
      queue,
      connection: redis,
      prefix,
      logger,
      handle: async (e: EisoEvent, m) => {
        handled.push({ id: e.aggregateId, traceId: parseTraceparent(currentTraceparent())?.traceId });
        logger.info({ event: e.aggregateId }, 'handled');
        await m.query(`INSERT INTO applied_note (event_id) VALUES ($1)`, [e.id]);
      },
    });
    try {
      await waitFor(
        () => lines.filter((l) => l.msg === 'events applied').length,
        (n) => n >= 3,
      );
    } finally {
      await worker.close();
    }
    const byEvent = new Map(lines.filter((l) => l.msg === 'handled').map((l) => [l.event, l]));
    expect(byEvent.get('a')).toMatchObject({ trace_id: TRACE_A });
    expect(byEvent.get('b')).toMatchObject({ trace_id: TRACE_B });
    // An untraced event's job gets a trace of its own, so its lines still hang together.
    const untraced = byEvent.get('untraced')!.trace_id as string;
    expect(untraced).toMatch(/^[0-9a-f]{32}$/);
    expect([TRACE_A, TRACE_B]).not.toContain(untraced);
    // The job's own line is in the same trace as its handler's.
    const applied = lines.filter((l) => l.msg === 'events applied').map((l) => l.trace_id);
    expect(applied.sort()).toEqual([TRACE_A, TRACE_B, untraced].sort());
    expect(handled.map((h) => h.traceId).sort()).toEqual([TRACE_A, TRACE_B, untraced].sort());
  });

  it("reach a worker's failed listener, which BullMQ calls outside the job", async () => {
    await runInContext(traceContextFrom(parent(TRACE_B)), () =>
      db.transaction((m) => appendEvents(m, [event('fails')])),
    );
    const queue = 'trace.failing';
    const relay = new OutboxRelay({ db, connection: redis, prefix, routes: [{ queue, types: ['*'] }] });
    await relay.drain();
    await relay.close();
    const { logger, lines } = capture();
    const worker = startConsumer({
      db,
      consumer: 'trace-test-failing',
      queue,
      connection: redis,
      prefix,
      handle: async () => {
        throw new Error('the handler failed');
      },
    });
    worker.on('failed', (job, error) => inJobTrace(job, () => logger.warn({ err: error }, 'job failed')));
    try {
      await waitFor(
        () => lines.length,
        (n) => n >= 1,
      );
    } finally {
      await worker.close();
    }
    expect(lines[0]).toMatchObject({ msg: 'job failed', trace_id: TRACE_B });
  });

  it('run a job of several traces in the first, naming them all', () => {
    const ctx = jobTraceContext({
      events: [
        { traceparent: parent(TRACE_A) },
        {},
        { traceparent: 'garbage' },
        { traceparent: parent(TRACE_B) },
      ],
    });
    expect(trace.getSpanContext(ctx)?.traceId).toBe(TRACE_A);
    const { logger, lines } = capture();
    runInContext(ctx, () => logger.info('run'));
    expect(lines[0]).toMatchObject({ trace_id: TRACE_A, trace_ids: [TRACE_A, TRACE_B] });
    // Hostile job data never throws: a fresh trace.
    for (const data of [null, 7, 'x', { events: 'no' }, { events: [null, 3] }, { traceparent: { a: 1 } }])
      expect(trace.getSpanContext(jobTraceContext(data))?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});
