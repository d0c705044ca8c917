/**
 * The audit events on real PostgreSQL and Redis: announcing a QMS, opening a nonconformity and
 * closing it write `qms.announced`, `nonconformity.opened` and `nonconformity.closed` to the audit
 * outbox with the change (id, code, unit code), and the audit relay puts each on
 * `notification.audit-events` once, job id = event id.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Caller } from '@eiso/auth';
import { addDays, todayInVietnam } from '@eiso/calendar';
import { createLogger } from '@eiso/logging';
import { createOrgDataSource, orgModule, OrgQueries } from '@eiso/org';
import { createRedisConnection, eventsOf, type EisoEvent } from '@eiso/outbox';
import { postSigned, startStack, type Stack, type Startable } from '@eiso/testing';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { AUDIT_EVENT_ROUTES, auditModule, createAuditDataSource, startAuditRelay } from '../src';

let stack: Stack;
let audit: Startable;
let db: DataSource;
let redis: Redis;
const callers: Record<string, Caller> = {};

beforeAll(async () => {
  stack = await startStack({
    services: [{ ...orgModule, seed: (env) => orgModule.seed(env, { provinceCodes: ['22'] }) }],
    seed: true,
    startGateway: async () => ({ url: '', stop: async () => undefined }),
  });
  await auditModule.migrate(stack.env);
  audit = await auditModule.start({ ...stack.env, ORG_URL: stack.subgraphs.org.url });
  const org = createOrgDataSource(stack.env, 1).dataSource;
  await org.initialize();
  const queries = new OrgQueries(org);
  for (const username of ['iso.22.STP', 'leader.22.STP']) {
    const official = (await queries.officialByUsername(username))!;
    const [unit] = await queries.unitsByIds([official.unitId]);
    callers[username] = {
      kind: 'official',
      officialId: official.id,
      username,
      unitId: unit.id,
      unitCode: unit.code,
      unitPath: unit.path,
      roles: official.roles as never,
    };
  }
  await org.destroy();
  db = createAuditDataSource(stack.env, 2).dataSource;
  await db.initialize();
  redis = createRedisConnection(stack.env.REDIS_URL);
}, 120_000);

afterAll(async () => {
  await redis?.quit();
  await db?.destroy();
  await audit?.stop();
  await stack?.stop();
});

const ask = (query: string, variables: Record<string, unknown>, as: string): Promise<any> =>
  postSigned(audit.url, query, variables, callers[as], stack.env.GATEWAY_SIGNING_SECRET);

const outbox = async (): Promise<EisoEvent[]> =>
  db.query(
    `SELECT id, type, unit_path AS "unitPath", aggregate_id AS "aggregateId", payload FROM outbox ORDER BY sequence`,
  );

describe('audit events', () => {
  it('are written with the change and relayed to the notification service once', async () => {
    const announced = await ask(
      `mutation($i: AnnounceQmsInput!) { announceQms(input: $i) { unit { id } } }`,
      {
        i: {
          unitCode: '22.STP',
          standard: 'ISO_9001_2015',
          decisionNumber: '88/QĐ-STP',
          announcedOn: todayInVietnam(),
        },
      },
      'leader.22.STP',
    );
    expect(announced.errors).toBeUndefined();
    const opened = await ask(
      `mutation($i: OpenNonconformityInput!) { openNonconformity(input: $i) { nonconformity { id } } }`,
      { i: { unitCode: '22.STP', source: 'COMPLAINT', description: 'Trả kết quả sai địa chỉ' } },
      'iso.22.STP',
    );
    expect(opened.errors).toBeUndefined();
    const ncId = opened.data.openNonconformity.nonconformity.id;
    const action = await ask(
      `mutation($i: AddCorrectiveActionInput!) { addCorrectiveAction(input: $i) { action { id } } }`,
      {
        i: {
          nonconformityId: ncId,
          description: 'Kiểm tra địa chỉ trước khi gửi',
          rootCause: 'Nhập sai',
          ownerUsername: 'iso.22.STP',
          dueOn: addDays(todayInVietnam(), 5),
        },
      },
      'iso.22.STP',
    );
    expect(action.errors).toBeUndefined();
    // Before it closes: no closed event.
    expect((await outbox()).map((e) => e.type)).toEqual(['qms.announced', 'nonconformity.opened']);
    const done = await ask(
      `mutation($i: CompleteCorrectiveActionInput!) { completeCorrectiveAction(input: $i) { action { status } } }`,
      {
        i: {
          actionId: action.data.addCorrectiveAction.action.id,
          completedOn: todayInVietnam(),
          effective: true,
        },
      },
      'iso.22.STP',
    );
    expect(done.errors).toBeUndefined();

    const events = await outbox();
    expect(events.map((e) => e.type)).toEqual([
      'qms.announced',
      'nonconformity.opened',
      'nonconformity.closed',
    ]);
    const stp = callers['iso.22.STP'];
    expect(events[0]).toMatchObject({
      unitPath: stp.unitPath,
      payload: { id: stp.unitId, code: '88/QĐ-STP', unitCode: '22.STP', standard: 'ISO_9001_2015' },
    });
    const code = `NC-22.STP-${ncId.slice(0, 8).toUpperCase()}`;
    for (const e of events.slice(1)) {
      expect(e).toMatchObject({
        unitPath: stp.unitPath,
        aggregateId: ncId,
        payload: { id: ncId, code, unitCode: '22.STP', source: 'COMPLAINT' },
      });
    }

    const prefix = `eiso-test-${randomBytes(4).toString('hex')}`;
    const relay = startAuditRelay({
      db,
      redis,
      prefix,
      logger: createLogger('test', 'silent'),
      intervalMs: 50,
    });
    const queue = new Queue(AUDIT_EVENT_ROUTES[0].queue, { connection: redis, prefix });
    try {
      const queued = async () =>
        (await queue.getJobs(['waiting', 'active', 'completed', 'delayed'], 0, -1, true)).flatMap((j) =>
          eventsOf(j.data),
        );
      for (let i = 0; i < 100 && (await queued()).length < 3; i++)
        await new Promise((r) => setTimeout(r, 50));
      const relayed = await queued();
      expect(relayed).toHaveLength(3);
      for (const e of events)
        expect(relayed.find((r) => r.id === e.id)).toMatchObject({ id: e.id, type: e.type });
      const [{ unsent }] = await db.query(`SELECT count(*)::int AS unsent FROM outbox WHERE sent_at IS NULL`);
      expect(unsent).toBe(0);
    } finally {
      await relay.stop();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
