/**
 * Webhook delivery on real PostgreSQL and Redis, against local HTTP endpoints: which subscriptions
 * hear an event (the unit's subtree, the named types), retries with the same id and the same bytes
 * until a 2xx, DEAD after the last try, and a slow endpoint that holds nobody else's delivery.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@eiso/db';
import { createLogger } from '@eiso/logging';
import { createRedisConnection, type EisoEvent } from '@eiso/outbox';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import {
  createNotificationDataSource,
  fanOutWebhookEvents,
  fanOutWebhooks,
  loadNotificationConfig,
  migrateNotification,
  sealSecret,
  startDeliveryJobs,
  verifySignature,
  type DeliveryJobs,
  type NotificationConfig,
} from '../src';

let database: TestDatabase;
let db: DataSource;
let redis: Redis;
let config: NotificationConfig;
let jobs: DeliveryJobs;
const servers: Server[] = [];

interface Received {
  at: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local endpoint answering each request with `answer(n)` (n counts from 1); records what came. */
async function endpoint(
  answer: (n: number) => { status: number; delayMs?: number },
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const { status, delayMs } = answer(received.length);
      const reply = () => {
        if (!res.destroyed) res.writeHead(status).end('ok');
      };
      if (delayMs) setTimeout(reply, delayMs).unref();
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

async function subscribe(url: string, unitPath: string, events: string[]) {
  const secret = randomBytes(32).toString('base64url');
  const [row] = await db.query(
    `INSERT INTO webhook_subscription (unit_id, unit_path, url, events, secret_encrypted)
     VALUES (gen_random_uuid(), $1, $2, $3, $4) RETURNING id`,
    [unitPath, url, events, sealSecret(secret, config.GATEWAY_SIGNING_SECRET)],
  );
  return { id: row.id as string, secret };
}

const event = (type: string, unitPath: string): EisoEvent => {
  const id = randomUUID();
  const unitCode = unitPath.split('/').filter(Boolean).pop()!;
  return {
    id: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    unitPath,
    aggregateId: id,
    payload: { id, code: `${unitCode}-261123-0001`, unitCode, status: 'RECEIVED' },
  };
};

const fanOut = (e: EisoEvent) => db.transaction((m) => fanOutWebhooks(e, m));

const deliveryOf = async (subscriptionId: string, eventId: string) =>
  (
    await db.query(
      `SELECT status, attempts, last_status_code AS "lastStatusCode", last_error AS "lastError"
       FROM webhook_delivery WHERE subscription_id = $1 AND event_id = $2`,
      [subscriptionId, eventId],
    )
  )[0];

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  await migrateNotification({ DATABASE_URL: database.url });
  config = loadNotificationConfig({
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    WEBHOOK_MAX_ATTEMPTS: '4',
    WEBHOOK_BACKOFF_BASE_MS: '100',
    WEBHOOK_BACKOFF_MAX_MS: '300',
    WEBHOOK_TIMEOUT_MS: '1500',
    DELIVERY_RELAY_INTERVAL_MS: '50',
  });
  db = createNotificationDataSource(config, 4).dataSource;
  await db.initialize();
  redis = createRedisConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  jobs = await startDeliveryJobs({
    db,
    redis,
    prefix: `eiso-test-${randomBytes(4).toString('hex')}`,
    config,
    logger: createLogger('test', 'silent'),
  });
});

afterAll(async () => {
  await jobs?.stop();
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await redis?.quit();
  await db?.destroy();
  await database?.drop();
});

describe('fan-out', () => {
  it("reaches the subscriptions of the event's unit and the units above it, for the named types or *", async () => {
    const province = await subscribe('http://127.0.0.1:9/p', '/VN/22/', ['dossier.received']);
    const commune = await subscribe('http://127.0.0.1:9/c', '/VN/22/22001/00001/', ['*']);
    const sibling = await subscribe('http://127.0.0.1:9/s', '/VN/22/22004/', ['*']);
    const otherProvince = await subscribe('http://127.0.0.1:9/o', '/VN/96/', ['*']);
    const otherType = await subscribe('http://127.0.0.1:9/t', '/VN/22/', ['dossier.returned']);
    const inactive = await subscribe('http://127.0.0.1:9/i', '/VN/22/', ['*']);
    // A prefix of the code is not an ancestor: /VN/2/ is not above /VN/22/.
    const lookalike = await subscribe('http://127.0.0.1:9/l', '/VN/2/', ['*']);
    await db.query(`UPDATE webhook_subscription SET active = false WHERE id = $1`, [inactive.id]);

    const e = event('dossier.received', '/VN/22/22001/00001/');
    const heard = async () =>
      (await db.query(`SELECT subscription_id FROM webhook_delivery WHERE event_id = $1`, [e.id])).map(
        (r: { subscription_id: string }) => r.subscription_id,
      );
    // Fan out inside a transaction that is rolled back at the end, so the relay never sends them.
    await db
      .transaction(async (m) => {
        expect(await fanOutWebhooks(e, m)).toBe(2);
        // Replayed: nothing new (one delivery per subscription and event).
        expect(await fanOutWebhooks(e, m)).toBe(0);
        const ids = (
          await m.query(`SELECT subscription_id FROM webhook_delivery WHERE event_id = $1`, [e.id])
        ).map((r: { subscription_id: string }) => r.subscription_id);
        expect(ids.sort()).toEqual([province.id, commune.id].sort());
        // Internal events are not published, even to `*`.
        expect(await fanOutWebhooks(event('dossier.imported', '/VN/22/22001/00001/'), m)).toBe(0);
        // A run at once hears the same as one by one: the same subscriptions for the same events.
        const run = [
          event('dossier.received', '/VN/22/22001/00001/'),
          event('dossier.imported', '/VN/22/22001/00001/'),
          event('dossier.returned', '/VN/22/22002/'),
          event('dossier.received', '/VN/2/'),
          event('dossier.step_completed', '/VN/22/22001/'),
        ];
        const oneByOne = run.map((r) => ({ ...r, id: randomUUID() }));
        let single = 0;
        for (const r of oneByOne) single += await fanOutWebhooks(r, m);
        expect(await fanOutWebhookEvents(run, m)).toBe(single);
        const heardBy = async (events: EisoEvent[]) =>
          Promise.all(
            events.map(async (r) =>
              (
                await m.query(
                  `SELECT subscription_id FROM webhook_delivery WHERE event_id = $1 ORDER BY subscription_id`,
                  [r.id],
                )
              ).map((row: { subscription_id: string }) => row.subscription_id),
            ),
          );
        expect(await heardBy(run)).toEqual(await heardBy(oneByOne));
        throw new Error('rollback');
      })
      .catch((error: Error) => {
        if (error.message !== 'rollback') throw error;
      });
    expect(await heard()).toEqual([]);
    expect([sibling, otherProvince, otherType, lookalike].map((s) => s.id)).not.toContain(province.id);
  });
});

describe('delivery', () => {
  it('retries a failing endpoint with the same id and identical bytes until a 2xx, signed every time', async () => {
    const hook = await endpoint((n) => ({ status: n <= 2 ? 500 : 200 }));
    const sub = await subscribe(hook.url, '/VN/01/', ['dossier.received']);
    const e = event('dossier.received', '/VN/01/01001/');
    expect(await fanOut(e)).toBe(1);

    const done = await eventually(
      () => deliveryOf(sub.id, e.id),
      (d) => d.status !== 'PENDING',
    );
    expect(done).toMatchObject({ status: 'DELIVERED', attempts: 3, lastStatusCode: 200 });
    expect(hook.received).toHaveLength(3);
    const [first] = hook.received;
    for (const r of hook.received) {
      expect(r.body).toBe(first.body);
      expect(r.headers['x-eiso-delivery']).toBe(first.headers['x-eiso-delivery']);
      expect(r.headers['x-eiso-event']).toBe('dossier.received');
      expect(r.headers['content-type']).toBe('application/json');
      expect(verifySignature(r.body, sub.secret, r.headers['x-eiso-signature'] as string)).toBe(true);
    }
    expect(JSON.parse(first.body)).toEqual({
      id: e.id,
      type: 'dossier.received',
      occurredAt: e.occurredAt,
      data: e.payload,
    });
    // Another secret does not verify.
    expect(verifySignature(first.body, 'not-the-secret', first.headers['x-eiso-signature'] as string)).toBe(
      false,
    );
  });

  it('gives up after the last try: the delivery is DEAD, with what went wrong', async () => {
    const hook = await endpoint(() => ({ status: 503 }));
    const sub = await subscribe(hook.url, '/VN/02/', ['*']);
    const e = event('dossier.overdue', '/VN/02/');
    await fanOut(e);
    const dead = await eventually(
      () => deliveryOf(sub.id, e.id),
      (d) => d.status === 'DEAD',
    );
    expect(dead).toMatchObject({ status: 'DEAD', attempts: 4, lastStatusCode: 503, lastError: 'HTTP 503' });
    expect(hook.received).toHaveLength(4);
    // Nothing more comes once it is dead.
    await new Promise((r) => setTimeout(r, 500));
    expect(hook.received).toHaveLength(4);
  });

  it("never makes another subscription's delivery wait for a slow endpoint", async () => {
    const slow = await endpoint(() => ({ status: 200, delayMs: 5_000 }));
    const fast = await endpoint(() => ({ status: 204 }));
    const slowSub = await subscribe(slow.url, '/VN/04/', ['*']);
    // Many slow deliveries first, so they are ahead in the queue.
    const slowEvents = Array.from({ length: 5 }, () => event('dossier.received', '/VN/04/04001/'));
    for (const e of slowEvents) await fanOut(e);
    await jobs.relayNow();
    await eventually(
      async () => slow.received.length,
      (n) => n >= 5,
      5_000,
    );
    const fastSub = await subscribe(fast.url, '/VN/06/', ['*']);
    const e = event('dossier.received', '/VN/06/');
    const started = Date.now();
    await fanOut(e);
    const delivered = await eventually(
      () => deliveryOf(fastSub.id, e.id),
      (d) => d.status === 'DELIVERED',
      5_000,
    );
    expect(delivered.status).toBe('DELIVERED');
    expect(fast.received[0].at - started).toBeLessThan(1_000);
    // The slow ones were still waiting for their answers meanwhile; they time out and retry.
    const slowOne = await eventually(
      () => deliveryOf(slowSub.id, slowEvents[0].id),
      (d) => d.attempts >= 1,
      5_000,
    );
    expect(slowOne).toMatchObject({ status: 'PENDING', lastError: 'no answer within 1500 ms' });
    await db.query(`UPDATE webhook_subscription SET active = false WHERE id = $1`, [slowSub.id]);
  });
});
