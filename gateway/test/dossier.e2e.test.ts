/**
 * The contract's dossier operations through the real gateway: org, catalog and dossier, seeded for
 * Quảng Ninh (22) and Cà Mau (96), with the seeded officials.
 */
import { operation } from '@eiso/contract';
import { dateInVietnam, nationalCalendar, todayInVietnam } from '@eiso/calendar';
import { bearer, errorCodes, postGraphQL, type Stack } from '@eiso/testing';
import { startEisoStack, tokenFor } from './support';

let stack: Stack;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
let commune: string;
let procedure: { code: string; statutoryDays: number; targetDays: number | null; steps: { role: string }[] };

const gql = (query: string, variables: Record<string, unknown> = {}, as?: string): Promise<any> =>
  postGraphQL(stack.gatewayUrl, query, variables, as ? bearer(tokens[as]) : {});

beforeAll(async () => {
  stack = await startEisoStack({
    provinceCodes: ['22', '96'],
    services: ['org', 'catalog', 'dossier', 'audit', 'notification'],
  });
  const communes = await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 1 });
  commune = communes.data.units.edges[0].node.code;
  for (const role of ['receiver', 'handler', 'leader']) {
    const username = `${role}.${commune}`;
    tokens[role] = await tokenFor(stack, username);
    ids[role] = (await gql('{ me { id } }', {}, role)).data.me.id;
  }
  tokens['receiver96'] = await tokenFor(stack, 'receiver.96');
  tokens['viewer'] = await tokenFor(stack, 'viewer.BKHCN');
  const list = await gql(operation('UnitProcedures'), {
    unitCode: commune,
    search: 'đăng ký khai sinh',
    first: 1,
  });
  const node = list.data.unit.procedures.edges[0].node;
  procedure = {
    code: node.code,
    statutoryDays: node.statutoryDays,
    targetDays: node.targetDays,
    steps: node.process.steps,
  };
}, 180_000);

afterAll(() => stack?.stop());

let counter = 0;
const receive = (as = 'receiver', overrides: Record<string, unknown> = {}) =>
  gql(
    operation('ReceiveDossier'),
    {
      input: {
        procedureCode: procedure.code,
        unitCode: commune,
        channel: 'COUNTER',
        applicant: { name: 'Nguyễn Văn An', idNumber: '022090001234', phone: '0912345678' },
        idempotencyKey: `test-${Date.now()}-${counter++}`,
        ...overrides,
      },
    },
    as,
  );

describe('receiving a dossier', () => {
  it('gives a code, a PIN shown once, the process in force and dueAt by the working-time calendar', async () => {
    const before = new Date();
    const { data, errors } = await receive();
    expect(errors).toBeUndefined();
    const d = data.receiveDossier.dossier;
    const day = dateInVietnam(new Date(d.receivedAt)).slice(2).replace(/-/g, '');
    expect(d.code).toMatch(new RegExp(`^${commune}-${day}-\\d{4}$`));
    expect(d.trackingPin).toMatch(/^\d{6}$/);
    expect(d).toMatchObject({
      status: 'RECEIVED',
      version: 1,
      channel: 'COUNTER',
      unit: { code: commune },
      procedure: { code: procedure.code },
    });
    const expectedDue = nationalCalendar.procedureDeadline(
      new Date(d.receivedAt),
      procedure.targetDays ?? procedure.statutoryDays,
    );
    expect(new Date(d.dueAt).toISOString()).toBe(expectedDue.toISOString());
    expect(new Date(d.receivedAt).getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(d.currentStep.order).toBe(1);
    const detail = await gql(operation('DossierDetail'), { code: d.code }, 'handler');
    expect(detail.data.dossier.steps).toHaveLength(procedure.steps.length);
  });

  it('a retried receipt returns the same dossier, without the PIN', async () => {
    const input = { idempotencyKey: `retry-${Date.now()}` };
    const first = (await receive('receiver', input)).data.receiveDossier.dossier;
    const again = (await receive('receiver', input)).data.receiveDossier.dossier;
    expect(again.id).toBe(first.id);
    expect(again.code).toBe(first.code);
    expect(again.trackingPin).toBeNull();
  });

  it('sequences codes per unit and day', async () => {
    const a = (await receive()).data.receiveDossier.dossier.code;
    const b = (await receive()).data.receiveDossier.dossier.code;
    expect(Number(b.split('-').pop())).toBe(Number(a.split('-').pop()) + 1);
  });

  it('refuses bad receipts with the contract codes', async () => {
    expect((await receive('receiver', { procedureCode: '9.999999' })).errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'procedureCode',
    });
    expect((await receive('receiver', { unitCode: 'NOPE' })).errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'unitCode',
    });
    expect(
      (await receive('receiver', { applicant: { name: ' ', idNumber: '1' } })).errors[0].extensions.code,
    ).toBe('BAD_USER_INPUT');
    expect(errorCodes(await receive('handler'))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await receive('receiver96'))).toEqual(['FORBIDDEN']);
    const missing = errorCodes(await gql(operation('ReceiveDossier'), { input: {} }));
    expect(missing.length).toBeGreaterThan(0);
    expect(new Set(missing)).toEqual(new Set(['BAD_USER_INPUT']));
  });
});

describe('the whole way: steps, return, feedback, public status', () => {
  it("completes every step by role, returns the result, and takes the citizen's feedback once", async () => {
    const received = (await receive()).data.receiveDossier.dossier;
    const pin = received.trackingPin;
    let version = received.version;
    const roles = procedure.steps.map((s) => s.role.toLowerCase());
    for (let i = 0; i < roles.length; i++) {
      const next = roles[i + 1];
      const response = await gql(
        operation('CompleteStep'),
        {
          input: {
            dossierId: received.id,
            expectedVersion: version,
            note: `bước ${i + 1}`,
            nextAssigneeId: next ? ids[next] : null,
          },
        },
        roles[i],
      );
      expect(response.errors).toBeUndefined();
      version = response.data.completeStep.dossier.version;
      expect(version).toBe(received.version + i + 1);
    }
    const returned = await gql(
      operation('ReturnResult'),
      { input: { dossierId: received.id, expectedVersion: version } },
      'receiver',
    );
    expect(returned.errors).toBeUndefined();
    const r = returned.data.returnResult.dossier;
    expect(r.status).toBe('RETURNED');
    const sameDay = dateInVietnam(new Date(r.completedAt)) === dateInVietnam(new Date(received.dueAt));
    expect(r.timeliness).toBe(sameDay ? 'ON_TIME' : 'EARLY');

    const status = await gql(operation('PublicDossierStatus'), { code: received.code, pin });
    expect(status.data.dossierStatus).toMatchObject({
      code: received.code,
      status: 'RETURNED',
      unit: { name: expect.any(String) },
    });
    expect(
      (
        await gql(operation('PublicDossierStatus'), {
          code: received.code,
          pin: pin === '000000' ? '000001' : '000000',
        })
      ).data.dossierStatus,
    ).toBeNull();

    const feedback = await gql(operation('RecordFeedback'), {
      input: { code: received.code, pin, rating: 5, comment: 'Nhanh' },
    });
    expect(feedback.data.recordFeedback.dossier.feedback).toEqual({ rating: 5, comment: 'Nhanh' });
    expect(
      errorCodes(await gql(operation('RecordFeedback'), { input: { code: received.code, pin, rating: 4 } })),
    ).toEqual(['INVALID_TRANSITION']);
    expect(
      errorCodes(
        await gql(operation('RecordFeedback'), { input: { code: received.code, pin: '99999x', rating: 4 } }),
      ),
    ).toEqual(['NOT_FOUND']);

    const stats = await gql(
      operation('UnitStatistics'),
      { unitCode: commune, from: todayInVietnam(), to: todayInVietnam(), includeDescendants: false },
      'leader',
    );
    expect(stats.data.unit.dossierStats.resolved).toBeGreaterThanOrEqual(1);
    expect(stats.data.unit.dossierStats.received).toBeGreaterThanOrEqual(
      stats.data.unit.dossierStats.resolved,
    );
    expect(stats.data.unit.dossierStats.satisfactionRate).toBe(1);
  });

  it("a step is done by its role only, in the dossier's scope; others' dossiers are NOT_FOUND", async () => {
    const d = (await receive()).data.receiveDossier.dossier;
    expect(
      errorCodes(
        await gql(operation('CompleteStep'), { input: { dossierId: d.id, expectedVersion: 1 } }, 'handler'),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(
        await gql(
          operation('CompleteStep'),
          { input: { dossierId: d.id, expectedVersion: 1 } },
          'receiver96',
        ),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(operation('DossierDetail'), { code: d.code }, 'receiver96'))).toEqual([
      'NOT_FOUND',
    ]);
    expect(
      errorCodes(
        await gql(operation('ReturnResult'), { input: { dossierId: d.id, expectedVersion: 1 } }, 'receiver'),
      ),
    ).toEqual(['INVALID_TRANSITION']);
  });
});

describe('concurrency', () => {
  it('twenty concurrent completeStep calls with one version: one succeeds, the rest CONFLICT, one history entry', async () => {
    const d = (await receive()).data.receiveDossier.dossier;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        gql(
          operation('CompleteStep'),
          { input: { dossierId: d.id, expectedVersion: d.version } },
          'receiver',
        ),
      ),
    );
    expect(answers.filter((a) => !a.errors).length).toBe(1);
    expect(answers.filter((a) => a.errors).every((a) => errorCodes(a)[0] === 'CONFLICT')).toBe(true);
    const detail = await gql(operation('DossierDetail'), { code: d.code }, 'receiver');
    expect(detail.data.dossier.version).toBe(d.version + 1);
    expect(detail.data.dossier.steps.filter((s: any) => s.completedAt)).toHaveLength(1);
  });
});

describe('supplements and apologies', () => {
  it('a supplement pauses the dossier; resuming runs its time again from zero', async () => {
    const d = (await receive()).data.receiveDossier.dossier;
    const paused = await gql(
      operation('RequestSupplement'),
      { input: { dossierId: d.id, expectedVersion: 1, reason: 'Thiếu giấy chứng sinh' } },
      'receiver',
    );
    expect(paused.data.requestSupplement.dossier).toMatchObject({
      status: 'SUPPLEMENT_REQUESTED',
      version: 2,
      pauses: [{ reason: 'Thiếu giấy chứng sinh', endedAt: null }],
    });
    const resumed = await gql(
      operation('ResumeDossier'),
      { input: { dossierId: d.id, expectedVersion: 2 } },
      'receiver',
    );
    const r = resumed.data.resumeDossier.dossier;
    expect(r.status).toBe('RECEIVED');
    expect(r.pauses[0].endedAt).not.toBeNull();
    const expected = nationalCalendar.procedureDeadline(
      new Date(r.pauses[0].endedAt),
      procedure.targetDays ?? procedure.statutoryDays,
    );
    expect(new Date(r.dueAt).toISOString()).toBe(expected.toISOString());
    expect(
      errorCodes(
        await gql(operation('ResumeDossier'), { input: { dossierId: d.id, expectedVersion: 3 } }, 'receiver'),
      ),
    ).toEqual(['INVALID_TRANSITION']);
  });

  it('an apology moves dueAt once; a second is refused', async () => {
    const d = (await receive()).data.receiveDossier.dossier;
    const newDueAt = new Date(Date.parse(d.dueAt) + 5 * 86_400_000).toISOString();
    const apology = await gql(
      operation('IssueApology'),
      { input: { dossierId: d.id, expectedVersion: 1, reason: 'Cần xác minh', newDueAt } },
      'handler',
    );
    expect(apology.errors).toBeUndefined();
    expect(new Date(apology.data.issueApology.dossier.dueAt).toISOString()).toBe(newDueAt);
    const again = await gql(
      operation('IssueApology'),
      { input: { dossierId: d.id, expectedVersion: 2, reason: 'Lần nữa', newDueAt } },
      'handler',
    );
    expect(errorCodes(again)).toEqual(['INVALID_TRANSITION']);
  });

  it('reject and withdraw end the dossier', async () => {
    const a = (await receive()).data.receiveDossier.dossier;
    const rejected = await gql(
      operation('RejectDossier'),
      { input: { dossierId: a.id, expectedVersion: 1, reason: 'Không đủ điều kiện' } },
      'handler',
    );
    expect(rejected.data.rejectDossier.dossier).toMatchObject({ status: 'REJECTED', version: 2 });
    const b = (await receive()).data.receiveDossier.dossier;
    const withdrawn = await gql(
      operation('WithdrawDossier'),
      { input: { dossierId: b.id, expectedVersion: 1, reason: 'Công dân rút hồ sơ' } },
      'receiver',
    );
    expect(withdrawn.data.withdrawDossier.dossier).toMatchObject({ status: 'WITHDRAWN' });
  });
});

describe('the gateway with every subgraph up', () => {
  it('reports healthy', async () => {
    const response = await fetch(stack.gatewayUrl.replace('/graphql', '/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      subgraphs: {
        org: { status: 'ok' },
        catalog: { status: 'ok' },
        dossier: { status: 'ok' },
        audit: { status: 'ok' },
        notification: { status: 'ok' },
      },
    });
  });
});

describe('lists', () => {
  it("UnitDossiers lists the unit's dossiers newest first, filtered, and the province sees them with includeDescendants", async () => {
    const own = await gql(operation('UnitDossiers'), { unitCode: commune, first: 50 }, 'leader');
    expect(own.errors).toBeUndefined();
    const edges = own.data.unit.dossiers.edges;
    expect(edges.length).toBeGreaterThan(5);
    const times = edges.map((e: any) => Date.parse(e.node.receivedAt));
    expect(times).toEqual([...times].sort((x: number, y: number) => y - x));
    const returned = await gql(
      operation('UnitDossiers'),
      { unitCode: commune, filter: { status: ['RETURNED'] }, first: 50 },
      'leader',
    );
    expect(returned.data.unit.dossiers.edges.every((e: any) => e.node.status === 'RETURNED')).toBe(true);
    const province = await gql(
      operation('UnitDossiers'),
      { unitCode: '22', filter: { includeDescendants: true }, first: 1 },
      'viewer',
    );
    expect(province.data.unit.dossiers.totalCount).toBe(own.data.unit.dossiers.totalCount);
    expect(
      errorCodes(await gql(operation('UnitDossiers'), { unitCode: commune, first: 5 }, 'receiver96')),
    ).toEqual(['FORBIDDEN']);
  });

  it('MyWorkspace shows the work queue of the official a step was assigned to', async () => {
    const d = (await receive()).data.receiveDossier.dossier;
    await gql(
      operation('CompleteStep'),
      { input: { dossierId: d.id, expectedVersion: 1, nextAssigneeId: ids.handler } },
      'receiver',
    );
    const queue = await gql(
      `{ me { workQueue(first: 200) { totalCount edges { node { code timeliness currentStep { name } } } } } }`,
      {},
      'handler',
    );
    expect(queue.errors).toBeUndefined();
    expect(queue.data.me.workQueue.edges.map((e: any) => e.node.code)).toContain(d.code);
  });
});

describe('many at once', () => {
  it('completes more steps at once than the service has pooled connections, each handed on', async () => {
    // The pool holds 10 connections: each completion locks its dossier in a transaction, and a read
    // on a second connection inside it (the next assignee's check) once deadlocked the pool.
    const dossiers = await Promise.all(Array.from({ length: 24 }, () => receive()));
    const completed = await Promise.all(
      dossiers.map((r) =>
        gql(
          operation('CompleteStep'),
          {
            input: {
              dossierId: r.data.receiveDossier.dossier.id,
              expectedVersion: r.data.receiveDossier.dossier.version,
              nextAssigneeId: ids.handler,
            },
          },
          'receiver',
        ),
      ),
    );
    expect(completed.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(completed.map((r) => r.data.completeStep.dossier.currentStep.order)).toEqual(Array(24).fill(2));
  });
});

describe('events', () => {
  it("the sweep announces an overdue dossier once, and the worker relays its events to the consumers' queues", async () => {
    const { randomBytes } = await import('node:crypto');
    const { Queue } = await import('bullmq');
    const { createRedisConnection, eventsOf } = await import('@eiso/outbox');
    const { createDossierDataSource, startDossierJobs, sweepDeadlines } = await import('@eiso/dossier');
    const { createLogger } = await import('@eiso/logging');

    const d = (await receive()).data.receiveDossier.dossier;
    const { dataSource: db } = createDossierDataSource(stack.env, 2);
    await db.initialize();
    const redis = createRedisConnection(stack.env.REDIS_URL);
    const prefix = `eiso-test-${randomBytes(4).toString('hex')}`;
    try {
      // The deadline passed an hour ago.
      await db.query(`UPDATE dossier SET due_at = now() - interval '1 hour' WHERE id = $1`, [d.id]);
      const first = await sweepDeadlines(db, nationalCalendar, new Date());
      expect(first.overdue).toBeGreaterThanOrEqual(1);
      const second = await sweepDeadlines(db, nationalCalendar, new Date());
      expect(second.overdue).toBe(0);
      const overdue = await db.query(
        `SELECT count(*)::int AS n FROM outbox WHERE type = 'dossier.overdue' AND aggregate_id = $1`,
        [d.id],
      );
      expect(overdue[0].n).toBe(1);

      const jobs = await startDossierJobs({
        db,
        redis,
        prefix,
        calendar: nationalCalendar,
        logger: createLogger('test', 'silent'),
        sweepEveryMs: 60_000,
      });
      const queue = new Queue('audit.dossier-events', { connection: redis, prefix });
      let types: string[] = [];
      for (let i = 0; i < 50 && !types.includes('dossier.overdue'); i++) {
        await new Promise((r) => setTimeout(r, 200));
        const waiting = await queue.getJobs(['waiting'], 0, -1, true);
        types = waiting
          .flatMap((j) => eventsOf(j.data))
          .filter((e) => e.aggregateId === d.id)
          .map((e) => e.type);
      }
      await jobs.stop();
      await queue.close();
      // Received, then overdue once (its running step may be announced due soon as well).
      expect(types[0]).toBe('dossier.received');
      expect(types.filter((t) => t === 'dossier.overdue')).toHaveLength(1);
      const unsent = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`);
      expect(unsent[0].n).toBe(0);
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await db.destroy();
    }
  });
});

describe('importing legacy dossiers', () => {
  it('imports valid items with their real times, reports bad ones by index, and skips what it already holds', async () => {
    tokens['admin'] = await tokenFor(stack, 'admin');
    const applicant = { name: 'Lê Văn Cường', idNumber: '022080004321' };
    const base = { procedureCode: procedure.code, unitCode: commune, channel: 'COUNTER', applicant };
    const externalId = `legacy-${Date.now()}`;
    const dossiers = [
      {
        ...base,
        externalId: `${externalId}-1`,
        status: 'RETURNED',
        receivedAt: '2026-03-02T02:00:00Z',
        dueAt: '2026-03-03T10:00:00Z',
        completedAt: '2026-03-06T03:00:00Z',
        returnedAt: '2026-03-06T08:00:00Z',
      },
      { ...base, externalId: `${externalId}-2`, status: 'IN_PROGRESS', receivedAt: '2026-11-20T02:00:00Z' },
      { ...base, externalId: `${externalId}-3`, status: 'RECEIVED', receivedAt: '2099-01-01T00:00:00Z' },
      { ...base, externalId: `${externalId}-4`, status: 'RETURNED', receivedAt: '2026-03-02T02:00:00Z' },
    ];
    const first = await gql(operation('ImportDossiers'), { input: { dossiers } }, 'admin');
    expect(first.errors).toBeUndefined();
    expect(first.data.importDossiers.imported).toBe(2);
    expect(first.data.importDossiers.skipped).toBe(0);
    expect(first.data.importDossiers.errors.map((e: any) => e.index)).toEqual([2, 3]);
    expect(first.data.importDossiers.errors[0].message).toMatch(/future/);

    const again = await gql(
      operation('ImportDossiers'),
      { input: { dossiers: dossiers.slice(0, 2) } },
      'admin',
    );
    expect(again.data.importDossiers).toEqual({ imported: 0, skipped: 2, errors: [] });

    const late = await gql(
      operation('UnitDossiers'),
      {
        unitCode: commune,
        filter: { timeliness: ['LATE'], receivedFrom: '2026-03-01', receivedTo: '2026-03-31' },
        first: 10,
      },
      'leader',
    );
    expect(late.data.unit.dossiers.edges.map((e: any) => e.node.status)).toEqual(['RETURNED']);
    const stats = await gql(
      operation('UnitStatistics'),
      { unitCode: commune, from: '2026-03-01', to: '2026-03-31', includeDescendants: false },
      'leader',
    );
    expect(stats.data.unit.dossierStats).toMatchObject({ received: 1, resolved: 1, late: 1, onTimeRate: 0 });

    expect(errorCodes(await gql(operation('ImportDossiers'), { input: { dossiers } }, 'leader'))).toEqual([
      'FORBIDDEN',
    ]);
    expect(errorCodes(await gql(operation('ImportDossiers'), { input: { dossiers: [] } }, 'admin'))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });
});

describe('what the service-quality index scores', () => {
  it('records fee, online payment, digitization and an electronic result, with the national codes', async () => {
    const received = await receive('receiver', { channel: 'ONLINE', paidOnline: true });
    const d = received.data.receiveDossier.dossier;
    const fields = `query($c: String!) { dossier(code: $c) { feeDue paidOnline digitized electronicResult nationalStatusCode nationalChannelCode version } }`;
    expect((await gql(fields, { c: d.code }, 'receiver')).data.dossier).toMatchObject({
      paidOnline: true,
      digitized: true,
      electronicResult: false,
      nationalStatusCode: 2,
      nationalChannelCode: 2,
    });
    let version = 1;
    const roles = procedure.steps.map((s) => s.role.toLowerCase());
    for (const role of roles) {
      version = (
        await gql(operation('CompleteStep'), { input: { dossierId: d.id, expectedVersion: version } }, role)
      ).data.completeStep.dossier.version;
    }
    await gql(
      operation('ReturnResult'),
      { input: { dossierId: d.id, expectedVersion: version, electronicResult: true } },
      'receiver',
    );
    expect((await gql(fields, { c: d.code }, 'receiver')).data.dossier).toMatchObject({
      electronicResult: true,
      nationalStatusCode: 10,
    });
  });
});

describe('assigning the next step', () => {
  it("goes only to an official of the dossier's unit who holds the step's role", async () => {
    tokens['handler96'] = await tokenFor(stack, 'handler.96');
    ids['handler96'] = (await gql('{ me { id } }', {}, 'handler96')).data.me.id;
    const d = (await receive()).data.receiveDossier.dossier;
    const complete = (assignee: string) =>
      gql(
        operation('CompleteStep'),
        { input: { dossierId: d.id, expectedVersion: 1, nextAssigneeId: assignee } },
        'receiver',
      );
    for (const wrong of [ids.handler96, ids.leader, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const refused = await complete(wrong);
      expect(refused.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nextAssigneeId' });
    }
    const detail = await gql(operation('DossierDetail'), { code: d.code }, 'receiver');
    expect(detail.data.dossier.version).toBe(1);
    expect((await complete(ids.handler)).data.completeStep.dossier.currentStep.assignee.id).toBe(ids.handler);
  });
});
