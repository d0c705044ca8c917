/**
 * The contract's notification operations through the real gateway: an official's workspace and
 * inbox, notifications made from dossier events (dossier outbox → BullMQ → the notification
 * consumer, all real), marking them read, and webhook subscriptions with their rules.
 */
import { nationalCalendar } from '@eiso/calendar';
import { operation } from '@eiso/contract';
import { syncOfficialDirectory } from '@eiso/directory';
import { createDossierDataSource, startDossierJobs } from '@eiso/dossier';
import { createLogger } from '@eiso/logging';
import {
  createNotificationDataSource,
  DOSSIER_NOTIFICATIONS_CONSUMER,
  notifyFromDossierEvent,
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
const ids: Record<string, string> = {};
let dossierDb: DataSource;
let notificationDb: DataSource;
let redis: Redis;
const stops: (() => Promise<unknown>)[] = [];

const gql = (query: string, variables: Record<string, unknown> = {}, as?: string): Promise<any> =>
  postGraphQL(stack.gatewayUrl, query, variables, as ? bearer(tokens[as]) : {});

beforeAll(async () => {
  stack = await startEisoStack({
    provinceCodes: ['22'],
    services: ['org', 'catalog', 'dossier', 'notification'],
  });
  const communes = await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 1 });
  commune = communes.data.units.edges[0].node.code;
  for (const role of ['receiver', 'handler', 'leader']) {
    tokens[role] = await tokenFor(stack, `${role}.${commune}`);
    ids[role] = (await gql('{ me { id } }', {}, role)).data.me.id;
  }
  const list = await gql(operation('UnitProcedures'), {
    unitCode: commune,
    search: 'đăng ký khai sinh',
    first: 1,
  });
  procedureCode = list.data.unit.procedures.edges[0].node.code;

  // The dossier worker's relay and the notification worker's consumer, in this process.
  dossierDb = createDossierDataSource(stack.env, 4).dataSource;
  notificationDb = createNotificationDataSource(stack.env, 4).dataSource;
  await Promise.all([dossierDb.initialize(), notificationDb.initialize()]);
  await syncOfficialDirectory(notificationDb, {
    orgUrl: stack.env.ORG_URL,
    signingSecret: stack.env.GATEWAY_SIGNING_SECRET,
  });
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
  const consumer = startConsumer({
    db: notificationDb,
    consumer: DOSSIER_NOTIFICATIONS_CONSUMER,
    queue: 'notification.dossier-events',
    connection: redis,
    prefix,
    handle: notifyFromDossierEvent as never,
  });
  stops.push(
    () => dossierJobs.stop(),
    () => consumer.close(),
  );
}, 180_000);

afterAll(async () => {
  for (const stop of stops) await stop();
  await redis?.quit();
  await Promise.all([dossierDb?.destroy(), notificationDb?.destroy()]);
  await stack?.stop();
});

async function inbox(as: string) {
  const response = await gql(operation('NotificationHistory'), { first: 20 }, as);
  expect(response.errors).toBeUndefined();
  return response.data.me.notifications;
}

describe('the workspace', () => {
  it('shows the signed-in official, their unit and their work queue', async () => {
    const { data, errors } = await gql(operation('MyWorkspace'), { first: 5 }, 'handler');
    expect(errors).toBeUndefined();
    expect(data.me).toMatchObject({
      id: ids.handler,
      username: `handler.${commune}`,
      unit: { code: commune },
    });
    expect(data.me.workQueue.totalCount).toBeGreaterThanOrEqual(data.me.workQueue.edges.length);
  });
});

describe('notifications from dossier events', () => {
  let dossierCode: string;

  it('tells the official a step was handed to them, once, linked to the dossier', async () => {
    const before = (await inbox('handler')).totalCount;
    const received = await gql(
      operation('ReceiveDossier'),
      {
        input: {
          procedureCode,
          unitCode: commune,
          channel: 'COUNTER',
          applicant: { name: 'Trần Thị Bình', idNumber: '022090004321', phone: '0912000111' },
          idempotencyKey: `notify-${Date.now()}`,
        },
      },
      'receiver',
    );
    const dossier = received.data.receiveDossier.dossier;
    dossierCode = dossier.code;
    const completed = await gql(
      operation('CompleteStep'),
      { input: { dossierId: dossier.id, expectedVersion: dossier.version, nextAssigneeId: ids.handler } },
      'receiver',
    );
    expect(completed.errors).toBeUndefined();

    const after = await waitFor(
      () => inbox('handler'),
      (page) => page.totalCount > before,
    );
    expect(after.totalCount).toBe(before + 1);
    expect(after.edges[0].node).toMatchObject({
      kind: 'STEP_ASSIGNED',
      readAt: null,
      dossier: { code: dossierCode },
    });
    expect(after.edges[0].node.title).toContain(dossierCode);
    // The receiver, who handed it on, is told nothing.
    expect((await inbox('receiver')).edges.map((e: any) => e.node.dossier?.code)).not.toContain(dossierCode);
  });

  it('marks only the caller’s own notifications read, once', async () => {
    const mine = (await inbox('handler')).edges.find((e: any) => e.node.dossier?.code === dossierCode).node;
    const mark = (as: string, markIds: string[]) =>
      gql(operation('MarkNotificationsRead'), { ids: markIds }, as);
    expect((await mark('receiver', [mine.id])).data.markNotificationsRead.updated).toBe(0);
    expect((await mark('handler', [mine.id, 'not-an-id'])).data.markNotificationsRead.updated).toBe(1);
    expect((await mark('handler', [mine.id])).data.markNotificationsRead.updated).toBe(0);
    const again = (await inbox('handler')).edges.find((e: any) => e.node.id === mine.id).node;
    expect(again.readAt).not.toBeNull();
  });

  it('pages the inbox with cursors and refuses a forged one', async () => {
    // One more notification, so there are two pages.
    await notificationDb.query(
      `INSERT INTO notification (official_id, kind, subject, title, body) VALUES ($1, 'STEP_ASSIGNED', 'paging-test', 't', 'b')`,
      [ids.handler],
    );
    const page = (after?: string) => gql(operation('NotificationHistory'), { first: 1, after }, 'handler');
    const first = (await page()).data.me.notifications;
    expect(first.edges).toHaveLength(1);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await page(first.pageInfo.endCursor)).data.me.notifications;
    expect(second.edges).toHaveLength(1);
    expect(second.edges[0].node.id).not.toBe(first.edges[0].node.id);
    const forged = await gql(
      operation('NotificationHistory'),
      { first: 1, after: 'bm90LWEtY3Vyc29y' },
      'handler',
    );
    expect(errorCodes(forged)).toContain('BAD_USER_INPUT');
    expect(errorCodes(await gql(operation('NotificationHistory'), { first: 1000 }, 'handler'))).toContain(
      'BAD_USER_INPUT',
    );
  });

  it('asks for a signed-in official', async () => {
    expect(errorCodes(await gql(operation('NotificationHistory'), { first: 5 }))).toContain(
      'UNAUTHENTICATED',
    );
  });
});

describe('webhook subscriptions', () => {
  const subscribe = (as: string, input: Record<string, unknown>) =>
    gql(
      operation('CreateWebhookSubscription'),
      {
        input: {
          unitCode: commune,
          url: 'https://hook.example.vn/eiso',
          events: ['dossier.overdue'],
          ...input,
        },
      },
      as,
    );

  it("are created by the unit's leader, with a secret shown once", async () => {
    const { data, errors } = await subscribe('leader', {
      events: ['dossier.overdue', 'dossier.returned', 'dossier.overdue'],
    });
    expect(errors).toBeUndefined();
    expect(data.createWebhookSubscription.subscription).toMatchObject({
      url: 'https://hook.example.vn/eiso',
      events: ['dossier.overdue', 'dossier.returned'],
      active: true,
    });
    expect(data.createWebhookSubscription.secret.length).toBeGreaterThanOrEqual(32);
    // Stored sealed, never in the clear.
    const [row] = await notificationDb.query(
      'SELECT secret_encrypted FROM webhook_subscription WHERE id = $1',
      [data.createWebhookSubscription.subscription.id],
    );
    expect(row.secret_encrypted).not.toContain(data.createWebhookSubscription.secret);
  });

  it('refuse others, bad URLs, unknown events and unknown units, naming the field', async () => {
    expect(errorCodes(await subscribe('handler', {}))).toEqual(['FORBIDDEN']);
    for (const [input, field] of [
      [{ url: 'ftp://hook.example.vn' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ events: ['dossier.exploded'] }, 'events'],
      [{ events: [] }, 'events'],
      [{ unitCode: 'NOPE' }, 'unitCode'],
    ] as const) {
      const refused = await subscribe('leader', input);
      expect(refused.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});
