/**
 * Webhooks through the real gateway, all real: a province front-end's local endpoint subscribes
 * with the contract's CreateWebhookSubscription, a dossier is received (dossier outbox → BullMQ →
 * the notification consumer's fan-out → the delivery relay and worker → HTTP POST), and the body's
 * signature verifies with the secret shown at subscription. A QMS announcement reaches its
 * subscriber through the audit outbox; another province hears nothing; an endpoint that always
 * fails ends DEAD, visible to the unit's leader; officials read and change their own channels.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuditDataSource, startAuditRelay } from '@eiso/audit';
import { nationalCalendar, todayInVietnam } from '@eiso/calendar';
import { operation } from '@eiso/contract';
import { syncOfficialDirectory } from '@eiso/directory';
import { createDossierDataSource, startDossierJobs } from '@eiso/dossier';
import { createLogger } from '@eiso/logging';
import {
  createNotificationDataSource,
  DOSSIER_NOTIFICATIONS_CONSUMER,
  fanOutWebhooks,
  loadNotificationConfig,
  notifyFromDossierEvent,
  startDeliveryJobs,
  verifySignature,
} from '@eiso/notification';
import { createRedisConnection, startConsumer } from '@eiso/outbox';
import { bearer, errorCodes, postGraphQL, waitFor, type Stack } from '@eiso/testing';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { startEisoStack, tokenFor } from './support';

let stack: Stack;
let commune: string;
let procedureCode: string;
const tokens: Record<string, string> = {};
const dbs: DataSource[] = [];
let redis: Redis;
const stops: (() => Promise<unknown>)[] = [];
const servers: Server[] = [];

const gql = (query: string, variables: Record<string, unknown> = {}, as?: string): Promise<any> =>
  postGraphQL(stack.gatewayUrl, query, variables, as ? bearer(tokens[as]) : {});

interface Hook {
  url: string;
  received: { headers: IncomingMessage['headers']; body: string }[];
}

async function endpoint(status: number): Promise<Hook> {
  const received: Hook['received'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/eiso`, received };
}

const eventually = <T>(read: () => T | Promise<T>, ok: (v: T) => boolean, ms = 20_000) =>
  waitFor(read, ok, ms, 200);

beforeAll(async () => {
  stack = await startEisoStack({
    provinceCodes: ['22', '96'],
    services: ['org', 'catalog', 'dossier', 'audit', 'notification'],
  });
  const communes = await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 1 });
  commune = communes.data.units.edges[0].node.code;
  for (const u of [
    `receiver.${commune}`,
    `leader.${commune}`,
    `handler.${commune}`,
    'leader.22',
    'leader.96',
    'iso.22.STP',
  ])
    tokens[u] = await tokenFor(stack, u);
  const list = await gql(operation('UnitProcedures'), {
    unitCode: commune,
    search: 'đăng ký khai sinh',
    first: 1,
  });
  procedureCode = list.data.unit.procedures.edges[0].node.code;

  // The workers' jobs, in this process, on the stack's own queues: the dossier and audit relays,
  // the notification consumer (in-app + fan-out, as src/worker.ts) and the delivery jobs.
  const dossierDb = createDossierDataSource(stack.env, 4).dataSource;
  const auditDb = createAuditDataSource(stack.env, 4).dataSource;
  const notificationDb = createNotificationDataSource(stack.env, 4).dataSource;
  dbs.push(dossierDb, auditDb, notificationDb);
  await Promise.all(dbs.map((db) => db.initialize()));
  const source = { orgUrl: stack.env.ORG_URL, signingSecret: stack.env.GATEWAY_SIGNING_SECRET };
  await syncOfficialDirectory(notificationDb, source, { email: true });
  redis = createRedisConnection(stack.env.REDIS_URL);
  const prefix = stack.env.QUEUE_PREFIX;
  const logger = createLogger('test', 'silent');
  const dossierJobs = await startDossierJobs({
    db: dossierDb,
    redis,
    prefix,
    calendar: nationalCalendar,
    logger,
  });
  const auditRelay = startAuditRelay({ db: auditDb, redis, prefix, logger, intervalMs: 200 });
  const consumer = startConsumer({
    db: notificationDb,
    consumer: DOSSIER_NOTIFICATIONS_CONSUMER,
    queue: 'notification.dossier-events',
    connection: redis,
    prefix,
    handle: async (event, m) => {
      await notifyFromDossierEvent(event, m);
      await fanOutWebhooks(event, m);
    },
  });
  const config = loadNotificationConfig({
    ...stack.env,
    WEBHOOK_MAX_ATTEMPTS: '3',
    WEBHOOK_BACKOFF_BASE_MS: '100',
    WEBHOOK_BACKOFF_MAX_MS: '200',
    DELIVERY_RELAY_INTERVAL_MS: '100',
  });
  const delivery = await startDeliveryJobs({ db: notificationDb, redis, prefix, config, logger });
  stops.push(
    () => delivery.stop(),
    () => consumer.close(),
    () => auditRelay.stop(),
    () => dossierJobs.stop(),
  );
}, 300_000);

afterAll(async () => {
  for (const stop of stops) await stop();
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  const keys = redis ? await redis.keys(`${stack.env.QUEUE_PREFIX}:*`) : [];
  if (keys.length) await redis.del(...keys);
  await redis?.quit();
  await Promise.all(dbs.map((db) => db.destroy()));
  await stack?.stop();
});

const subscribe = async (as: string, unitCode: string, url: string, events: string[]) => {
  const { data, errors } = await gql(
    operation('CreateWebhookSubscription'),
    { input: { unitCode, url, events } },
    as,
  );
  expect(errors).toBeUndefined();
  return data.createWebhookSubscription as { subscription: { id: string }; secret: string };
};

const receive = async () => {
  const { data, errors } = await gql(
    operation('ReceiveDossier'),
    {
      input: {
        procedureCode,
        unitCode: commune,
        channel: 'ONLINE',
        applicant: { name: 'Nguyễn Văn An', idNumber: '022090001234', phone: '0912345678' },
        idempotencyKey: `webhook-${Date.now()}-${Math.random()}`,
      },
    },
    `receiver.${commune}`,
  );
  expect(errors).toBeUndefined();
  return data.receiveDossier.dossier as { id: string; code: string };
};

describe('webhooks', () => {
  let communeHook: Hook;
  let communeSecret: string;
  let otherProvince: Hook;
  let province: Hook;
  let provinceSecret: string;
  let failing: Hook;
  let dossier: { id: string; code: string };

  beforeAll(async () => {
    [communeHook, otherProvince, province, failing] = await Promise.all([
      endpoint(200),
      endpoint(200),
      endpoint(204),
      endpoint(500),
    ]);
    communeSecret = (await subscribe(`leader.${commune}`, commune, communeHook.url, ['dossier.received']))
      .secret;
    await subscribe(`leader.${commune}`, commune, failing.url, ['dossier.received']);
    await subscribe('leader.96', '96', otherProvince.url, ['*']);
    provinceSecret = (await subscribe('leader.22', '22', province.url, ['qms.announced', 'dossier.received']))
      .secret;
    dossier = await receive();
  });

  it('POST a received dossier to the subscribed endpoint, signed with the secret shown once', async () => {
    await eventually(
      () => communeHook.received.length,
      (n) => n > 0,
    );
    expect(communeHook.received).toHaveLength(1);
    const [{ headers, body }] = communeHook.received;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-eiso-event']).toBe('dossier.received');
    expect(headers['x-eiso-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(body, communeSecret, headers['x-eiso-signature'] as string)).toBe(true);
    const payload = JSON.parse(body);
    expect(Object.keys(payload).sort()).toEqual(['data', 'id', 'occurredAt', 'type']);
    expect(payload).toMatchObject({
      type: 'dossier.received',
      data: { id: dossier.id, code: dossier.code, unitCode: commune },
    });
    expect(new Date(payload.occurredAt).toString()).not.toBe('Invalid Date');
    // The province's subscription hears its communes too (the subtree), signed with its own secret.
    await eventually(
      () => province.received.length,
      (n) => n > 0,
    );
    const [fromProvince] = province.received;
    expect(JSON.parse(fromProvince.body).id).toBe(payload.id);
    expect(
      verifySignature(fromProvince.body, provinceSecret, fromProvince.headers['x-eiso-signature'] as string),
    ).toBe(true);
  });

  it('send a QMS announcement to its subscriber, with the record id, decision number and unit code', async () => {
    const announced = await gql(
      operation('AnnounceQms'),
      {
        input: {
          unitCode: '22.STP',
          standard: 'ISO_9001_2015',
          decisionNumber: '125/QĐ-STP',
          announcedOn: todayInVietnam(),
        },
      },
      'iso.22.STP',
    );
    expect(announced.errors).toBeUndefined();
    const qms = await eventually(
      () => province.received.filter((r) => r.headers['x-eiso-event'] === 'qms.announced'),
      (list) => list.length > 0,
    );
    expect(qms).toHaveLength(1);
    expect(JSON.parse(qms[0].body)).toMatchObject({
      type: 'qms.announced',
      data: { code: '125/QĐ-STP', decisionNumber: '125/QĐ-STP', unitCode: '22.STP' },
    });
    expect(JSON.parse(qms[0].body).data.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(verifySignature(qms[0].body, provinceSecret, qms[0].headers['x-eiso-signature'] as string)).toBe(
      true,
    );
  });

  it("never send one province's events to another's subscription", async () => {
    // By now the receipt and the announcement have been delivered to 22's subscribers.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(otherProvince.received).toHaveLength(0);
  });

  it("mark a delivery DEAD after the last try, visible to the unit's leader and no one else", async () => {
    const query = `query($unitCode: String!) {
      webhookSubscriptions(unitCode: $unitCode) {
        totalCount
        edges { node { id url events active createdAt
          deliveries(first: 10, status: DEAD) { totalCount edges { node {
            eventId eventType status attempts lastStatusCode lastError deliveredAt } } } } }
      }
    }`;
    const read = async () =>
      (await gql(query, { unitCode: commune }, `leader.${commune}`)).data.webhookSubscriptions;
    const subs = await eventually(read, (s) =>
      s.edges.some((e: any) => e.node.url === failing.url && e.node.deliveries.totalCount > 0),
    );
    expect(subs.totalCount).toBe(2);
    const dead = subs.edges.find((e: any) => e.node.url === failing.url).node.deliveries.edges[0].node;
    expect(dead).toMatchObject({
      eventType: 'dossier.received',
      status: 'DEAD',
      attempts: 3,
      lastStatusCode: 500,
      lastError: 'HTTP 500',
      deliveredAt: null,
    });
    expect(failing.received).toHaveLength(3);
    expect(new Set(failing.received.map((r) => r.body)).size).toBe(1);
    // The delivered one is not among the DEAD.
    expect(subs.edges.find((e: any) => e.node.url === communeHook.url).node.deliveries.totalCount).toBe(0);
    expect(errorCodes(await gql(query, { unitCode: commune }, `handler.${commune}`))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(query, { unitCode: commune }, 'leader.96'))).toEqual(['FORBIDDEN']);
    // A leader above the unit sees them too.
    expect((await gql(query, { unitCode: commune }, 'leader.22')).data.webhookSubscriptions.totalCount).toBe(
      2,
    );
  });
});

describe('notification preferences', () => {
  const me = `{ me { notificationPreferences { email mutedEmailKinds emailAddress } } }`;
  const update = `mutation($input: UpdateNotificationPreferencesInput!) {
    updateNotificationPreferences(input: $input) { email mutedEmailKinds emailAddress }
  }`;

  it("are the official's own: e-mail on by default, to org's address; changed field by field", async () => {
    const as = `handler.${commune}`;
    const before = await gql(me, {}, as);
    expect(before.errors).toBeUndefined();
    expect(before.data.me.notificationPreferences).toEqual({
      email: true,
      mutedEmailKinds: [],
      emailAddress: `handler.${commune}@eiso.local`,
    });
    const muted = await gql(update, { input: { mutedEmailKinds: ['DUE_SOON', 'DUE_SOON'] } }, as);
    expect(muted.data.updateNotificationPreferences).toMatchObject({
      email: true,
      mutedEmailKinds: ['DUE_SOON'],
    });
    const off = await gql(update, { input: { email: false } }, as);
    expect(off.data.updateNotificationPreferences).toMatchObject({
      email: false,
      mutedEmailKinds: ['DUE_SOON'],
    });
    expect((await gql(me, {}, as)).data.me.notificationPreferences.email).toBe(false);
    // Someone else's are untouched.
    expect((await gql(me, {}, `leader.${commune}`)).data.me.notificationPreferences.email).toBe(true);
    expect(errorCodes(await gql(update, { input: { email: false } }))).toContain('UNAUTHENTICATED');
  });
});
