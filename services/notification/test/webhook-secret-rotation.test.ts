/**
 * Rotating the key that seals webhook signing secrets (docs/operations.md, "Rotating keys"): the
 * opening keys during a rotation, and re-sealing on real PostgreSQL — every secret the previous key
 * sealed is sealed again with the current one, unchanged, so the previous key can go; a secret no
 * key opens is counted, not touched. The worker does it when it starts, and so does the command.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@eiso/db';
import { createLogger } from '@eiso/logging';
import type { DataSource } from 'typeorm';
import {
  createNotificationDataSource,
  loadNotificationConfig,
  migrateNotification,
  notificationModule,
  openSecret,
  resealWebhookSecrets,
  sealSecret,
  startNotificationWorker,
  webhookOpeningKeys,
} from '../src';

const key = () => randomBytes(32).toString('hex');

describe('the keys a webhook secret is opened with', () => {
  const [gatewayOld, gatewayNew, sealingOld, sealingNew] = [key(), key(), key(), key()];

  it('derived from the gateway signing secret: the current one, then GATEWAY_SIGNING_SECRET_PREVIOUS', () => {
    const config = loadNotificationConfig({
      GATEWAY_SIGNING_SECRET: gatewayNew,
      GATEWAY_SIGNING_SECRET_PREVIOUS: gatewayOld,
    });
    expect(webhookOpeningKeys(config)).toEqual([gatewayNew, gatewayOld]);
  });

  it('with WEBHOOK_SECRET_KEY: it, then WEBHOOK_SECRET_KEY_PREVIOUS — the gateway secrets play no part', () => {
    const config = loadNotificationConfig({
      GATEWAY_SIGNING_SECRET: gatewayNew,
      GATEWAY_SIGNING_SECRET_PREVIOUS: gatewayOld,
      WEBHOOK_SECRET_KEY: sealingNew,
      WEBHOOK_SECRET_KEY_PREVIOUS: sealingOld,
    });
    expect(webhookOpeningKeys(config)).toEqual([sealingNew, sealingOld]);
    expect(webhookOpeningKeys({ ...config, WEBHOOK_SECRET_KEY_PREVIOUS: undefined })).toEqual([sealingNew]);
  });

  it('refuses a short previous key', () => {
    expect(() => loadNotificationConfig({ WEBHOOK_SECRET_KEY_PREVIOUS: 'short' })).toThrow(
      /WEBHOOK_SECRET_KEY_PREVIOUS/,
    );
  });

  it('opens a box sealed with any of the keys, and none sealed with another', () => {
    const sealed = sealSecret('hook-secret', sealingOld);
    expect(openSecret(sealed, [sealingNew, sealingOld])).toBe('hook-secret');
    expect(() => openSecret(sealed, [sealingNew])).toThrow();
    expect(() => openSecret(sealed, [])).toThrow();
  });
});

describe('re-sealing the webhook secrets on PostgreSQL', () => {
  let database: TestDatabase;
  let db: DataSource;
  const OLD = key();
  const NEW = key();

  const subscribe = async (secret: string, sealingKey: string) => {
    const [row] = await db.query(
      `INSERT INTO webhook_subscription (unit_id, unit_path, url, events, secret_encrypted)
       VALUES (gen_random_uuid(), '/VN/22/', 'https://hooks.example.vn/eiso', '{*}', $1) RETURNING id`,
      [sealSecret(secret, sealingKey)],
    );
    return row.id as string;
  };
  const sealedOf = async (id: string): Promise<string> =>
    (await db.query(`SELECT secret_encrypted AS s FROM webhook_subscription WHERE id = $1`, [id]))[0].s;

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateNotification({ DATABASE_URL: database.url });
    db = createNotificationDataSource({ DATABASE_URL: database.url }, 2).dataSource;
    await db.initialize();
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('seals again with the current key what the previous one sealed, keeping each secret', async () => {
    const secrets = ['secret-a', 'secret-b', 'secret-c'];
    const byOld = await Promise.all(secrets.slice(0, 2).map((s) => subscribe(s, OLD)));
    const byNew = await subscribe(secrets[2], NEW);
    const lost = await subscribe('secret-lost', key());
    const untouched = await sealedOf(byNew);

    expect(await resealWebhookSecrets(db, [NEW, OLD])).toEqual({ current: 1, resealed: 2, unreadable: 1 });
    for (const [i, id] of [...byOld, byNew].entries())
      expect(openSecret(await sealedOf(id), [NEW])).toBe(secrets[i]);
    expect(await sealedOf(byNew)).toBe(untouched);
    const lostBox = await sealedOf(lost);
    expect(() => openSecret(lostBox, [NEW, OLD])).toThrow();

    // Again, or from a second process: nothing left to do.
    expect(await resealWebhookSecrets(db, [NEW, OLD])).toEqual({ current: 3, resealed: 0, unreadable: 1 });
  });

  it('is done by the notification worker when it starts during a rotation', async () => {
    const id = await subscribe('secret-w', OLD);
    // org's official directory, empty: all the worker asks of org before it runs.
    const org: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { officialDirectory: { next: null, entries: [] } } }));
    });
    await new Promise<void>((resolve) => org.listen(0, '127.0.0.1', resolve));
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `eiso-test-${randomBytes(4).toString('hex')}`,
      ORG_URL: `http://127.0.0.1:${(org.address() as AddressInfo).port}/graphql`,
      GATEWAY_SIGNING_SECRET: NEW,
      GATEWAY_SIGNING_SECRET_PREVIOUS: OLD,
    };
    try {
      const worker = await startNotificationWorker(
        loadNotificationConfig(env),
        createLogger('test', 'silent'),
        env,
      );
      await worker.stop();
    } finally {
      org.closeAllConnections();
      await new Promise((resolve) => org.close(resolve));
    }
    expect(openSecret(await sealedOf(id), [NEW])).toBe('secret-w');
  });

  it('is what `eiso run reseal-webhook-secrets` runs, from the environment', async () => {
    const id = await subscribe('secret-d', OLD);
    const summary = await notificationModule.tasks['reseal-webhook-secrets']({
      DATABASE_URL: database.url,
      LOG_LEVEL: 'silent',
      GATEWAY_SIGNING_SECRET: NEW,
      GATEWAY_SIGNING_SECRET_PREVIOUS: OLD,
    });
    expect(summary).toMatch(/1 re-sealed with the current key, 4 already current, 1 unreadable/);
    expect(openSecret(await sealedOf(id), NEW)).toBe('secret-d');
  });
});
