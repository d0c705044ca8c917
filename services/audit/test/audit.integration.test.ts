/**
 * The audit subgraph on real PostgreSQL, reached directly as the gateway reaches it (it joins the
 * graph with the rest of issue 6): QMS announcements, internal audits, findings by ISO clause,
 * nonconformities closed only by effective actions, management reviews.
 */
import { todayInVietnam, addDays } from '@eiso/calendar';
import type { Caller } from '@eiso/auth';
import { createOrgDataSource, orgModule, OrgQueries } from '@eiso/org';
import { errorCodes, postSigned, startStack, type Stack, type Startable } from '@eiso/testing';
import { auditModule } from '../src';

let stack: Stack;
let audit: Startable;
const callers: Record<string, Caller> = {};
const unitIds: Record<string, string> = {};

beforeAll(async () => {
  stack = await startStack({
    services: [{ ...orgModule, seed: (env) => orgModule.seed(env, { provinceCodes: ['22', '96'] }) }],
    seed: true,
    // This suite talks to the audit subgraph directly; the org "gateway" slot is org itself.
    startGateway: async () => ({ url: '', stop: async () => undefined }),
  });
  await auditModule.migrate(stack.env);
  audit = await auditModule.start({ ...stack.env, ORG_URL: stack.subgraphs.org.url });
  const { dataSource } = createOrgDataSource(stack.env, 1);
  await dataSource.initialize();
  const queries = new OrgQueries(dataSource);
  for (const username of ['leader.22', 'iso.22', 'auditor.22', 'leader.96', 'iso.22.STP', 'handler.22']) {
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
  for (const unit of await queries.unitsByCodes(['22', '22.STP'])) unitIds[unit.code] = unit.id;
  await dataSource.destroy();
}, 120_000);

afterAll(async () => {
  await audit?.stop();
  await stack?.stop();
});

const ask = (query: string, variables: Record<string, unknown>, as: string): Promise<any> =>
  postSigned(audit.url, query, variables, callers[as], stack.env.GATEWAY_SIGNING_SECRET);

const unitFields = (fields: string) =>
  `query($r: [_Any!]!) { _entities(representations: $r) { ... on AdministrativeUnit { ${fields} } } }`;
const unitOf = async (code: string, fields: string, as = 'iso.22') =>
  (await ask(unitFields(fields), { r: [{ __typename: 'AdministrativeUnit', id: unitIds[code] }] }, as)).data
    ._entities[0];

describe('the QMS record', () => {
  const announce = `mutation($i: AnnounceQmsInput!) { announceQms(input: $i) { unit { id } } }`;

  it('starts NOT_STARTED, mandatory for a province; the leader announces it', async () => {
    expect((await unitOf('22', 'qms { status mandatory }')).qms).toEqual({
      status: 'NOT_STARTED',
      mandatory: true,
    });
    const input = {
      unitCode: '22',
      standard: 'ISO_9001_2015',
      decisionNumber: '123/QĐ-UBND',
      announcedOn: addDays(todayInVietnam(), -3),
    };
    expect((await ask(announce, { i: input }, 'leader.22')).errors).toBeUndefined();
    expect((await unitOf('22', 'qms { status standard decisionNumber announcedAt }')).qms).toEqual({
      status: 'ANNOUNCED',
      standard: 'ISO_9001_2015',
      decisionNumber: '123/QĐ-UBND',
      announcedAt: input.announcedOn,
    });
  });

  it('refuses another province, a handler and a date in the future', async () => {
    const input = {
      unitCode: '22',
      standard: 'ISO_9001_2015',
      decisionNumber: 'x',
      announcedOn: todayInVietnam(),
    };
    expect(errorCodes(await ask(announce, { i: input }, 'leader.96'))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await ask(announce, { i: input }, 'handler.22'))).toEqual(['FORBIDDEN']);
    const future = await ask(
      announce,
      { i: { ...input, announcedOn: addDays(todayInVietnam(), 5) } },
      'leader.22',
    );
    expect(future.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'announcedOn' });
  });
});

describe('an internal audit and its nonconformity', () => {
  it('a finding opens a nonconformity that closes only through an effective action', async () => {
    const plan = await ask(
      `mutation($i: PlanInternalAuditInput!) { planInternalAudit(input: $i) { audit { id status } } }`,
      {
        i: {
          unitCode: '22.STP',
          plannedFor: todayInVietnam(),
          scope: 'Toàn bộ HTQLCL',
          auditorUsernames: ['auditor.22'],
        },
      },
      'auditor.22',
    );
    expect(plan.errors).toBeUndefined();
    const auditId = plan.data.planInternalAudit.audit.id;
    const record = (kind: string, clause: string) =>
      ask(
        `mutation($i: RecordAuditFindingInput!) { recordAuditFinding(input: $i) { finding { id nonconformity { id status } } } }`,
        { i: { auditId, kind, clause, description: 'Hồ sơ lưu trữ chưa đầy đủ' } },
        'auditor.22',
      );
    expect((await record('MINOR_NONCONFORMITY', '11.2')).errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'clause',
    });
    expect((await record('OBSERVATION', '7.5')).data.recordAuditFinding.finding.nonconformity).toBeNull();
    const finding = (await record('MINOR_NONCONFORMITY', '7.5.3')).data.recordAuditFinding.finding;
    expect(finding.nonconformity.status).toBe('OPEN');
    const ncId = finding.nonconformity.id;

    const addAction = () =>
      ask(
        `mutation($i: AddCorrectiveActionInput!) { addCorrectiveAction(input: $i) { action { id status } } }`,
        {
          i: {
            nonconformityId: ncId,
            description: 'Bổ sung sổ theo dõi',
            rootCause: 'Chưa phân công',
            ownerUsername: 'iso.22.STP',
            dueOn: addDays(todayInVietnam(), 10),
          },
        },
        'iso.22',
      );
    const complete = (actionId: string, effective: boolean) =>
      ask(
        `mutation($i: CompleteCorrectiveActionInput!) { completeCorrectiveAction(input: $i) { action { status nonconformity { status } } } }`,
        { i: { actionId, completedOn: todayInVietnam(), effective } },
        'iso.22.STP',
      );
    const first = (await addAction()).data.addCorrectiveAction.action;
    expect((await complete(first.id, false)).data.completeCorrectiveAction.action.nonconformity.status).toBe(
      'VERIFYING',
    );
    expect(errorCodes(await complete(first.id, true))).toEqual(['INVALID_TRANSITION']);
    const second = (await addAction()).data.addCorrectiveAction.action;
    const closed = (await complete(second.id, true)).data.completeCorrectiveAction.action;
    expect(closed).toEqual({ status: 'DONE_EFFECTIVE', nonconformity: { status: 'CLOSED' } });

    const year = Number(todayInVietnam().slice(0, 4));
    const audits = await unitOf(
      '22.STP',
      `internalAudits(year: ${year}) { id status findings { kind clause } }`,
    );
    expect(audits.internalAudits[0]).toMatchObject({ id: auditId, status: 'IN_PROGRESS' });
    expect(audits.internalAudits[0].findings).toHaveLength(2);
    const completedAudit = await ask(
      `mutation($i: CompleteInternalAuditInput!) { completeInternalAudit(input: $i) { audit { status completedAt } } }`,
      { i: { auditId, completedOn: todayInVietnam() } },
      'auditor.22',
    );
    expect(completedAudit.data.completeInternalAudit.audit).toEqual({
      status: 'COMPLETED',
      completedAt: todayInVietnam(),
    });
    expect((await record('OBSERVATION', '9.2')).errors[0].extensions.code).toBe('INVALID_TRANSITION');
    const open = await unitOf(
      '22.STP',
      'nonconformities(status: CLOSED, first: 10) { totalCount edges { node { id source correctiveActions { status } } } }',
    );
    expect(open.nonconformities.edges[0].node).toMatchObject({ id: ncId, source: 'INTERNAL_AUDIT' });
    expect(
      errorCodes(
        await ask(
          unitFields('nonconformities(first: 5) { totalCount }'),
          { r: [{ __typename: 'AdministrativeUnit', id: unitIds['22'] }] },
          'leader.96',
        ),
      ),
    ).toEqual(['FORBIDDEN']);
  });

  it("refuses unknown auditors and another province's officials", async () => {
    const plan = (as: string, auditorUsernames: string[]) =>
      ask(
        `mutation($i: PlanInternalAuditInput!) { planInternalAudit(input: $i) { audit { id } } }`,
        { i: { unitCode: '22', plannedFor: todayInVietnam(), scope: 'x', auditorUsernames } },
        as,
      );
    expect((await plan('auditor.22', ['nobody'])).errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'auditorUsernames',
    });
    expect(errorCodes(await plan('leader.96', ['auditor.22']))).toEqual(['FORBIDDEN']);
  });
});

describe('management reviews', () => {
  it('are recorded by the leader with inputs and decisions', async () => {
    const review = await ask(
      `mutation($i: RecordManagementReviewInput!) { recordManagementReview(input: $i) { review { id heldOn decisions } } }`,
      {
        i: {
          unitCode: '22',
          heldOn: todayInVietnam(),
          inputs: ['Kết quả đánh giá nội bộ'],
          decisions: ['Cập nhật quy trình'],
        },
      },
      'leader.22',
    );
    expect(review.data.recordManagementReview.review.decisions).toEqual(['Cập nhật quy trình']);
    const empty = await ask(
      `mutation($i: RecordManagementReviewInput!) { recordManagementReview(input: $i) { review { id } } }`,
      { i: { unitCode: '22', heldOn: todayInVietnam(), inputs: [], decisions: ['x'] } },
      'leader.22',
    );
    expect(empty.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs' });
  });
});

describe('late dossiers', () => {
  it('each dossier that ends LATE opens one nonconformity of its unit, whatever the replays', async () => {
    const { randomBytes, randomUUID } = await import('node:crypto');
    const { Queue } = await import('bullmq');
    const { createRedisConnection, startConsumer } = await import('@eiso/outbox');
    const { createAuditDataSource, LATE_DOSSIER_CONSUMER, recordLateDossier } = await import('../src');
    const { dataSource: db } = createAuditDataSource(stack.env, 2);
    await db.initialize();
    const redis = createRedisConnection(stack.env.REDIS_URL);
    const prefix = `eiso-test-${randomBytes(4).toString('hex')}`;
    try {
      const dossierId = randomUUID();
      const event = (type: string, timeliness: string, extra: Record<string, unknown> = {}) => ({
        id: randomUUID(),
        type,
        occurredAt: new Date().toISOString(),
        unitPath: '/VN/22/22.STP/',
        aggregateId: dossierId,
        payload: { id: dossierId, code: '22.STP-261123-0001', unitCode: '22.STP', timeliness, ...extra },
      });
      const completed = event('dossier.step_completed', 'LATE', { resultReady: true });
      const returned = event('dossier.returned', 'LATE');
      const onTime = { ...event('dossier.returned', 'ON_TIME'), aggregateId: randomUUID() };
      const queue = new Queue('audit.dossier-events', { connection: redis, prefix });
      // The same event twice (a re-sent job), then the dossier's later event, then an on-time one.
      await queue.addBulk(
        [completed, completed, returned, onTime].map((e, i) => ({
          name: e.type,
          data: e,
          opts: { jobId: `${e.id}-${i}` },
        })),
      );
      let handled = 0;
      await new Promise<void>((resolve) => {
        const worker = startConsumer({
          db,
          consumer: LATE_DOSSIER_CONSUMER,
          queue: 'audit.dossier-events',
          connection: redis,
          prefix,
          handle: async (e, m) => {
            await recordLateDossier(e, m);
            handled += 1;
          },
        });
        worker.on('drained', () => void worker.close().then(resolve));
      });
      await queue.close();
      expect(handled).toBe(3); // the repeated event id was applied once
      const rows = await db.query(
        `SELECT source, dossier_id AS "dossierId", unit_path AS "unitPath" FROM nonconformity WHERE dossier_id = $1`,
        [dossierId],
      );
      expect(rows).toEqual([{ source: 'LATE_DOSSIER', dossierId, unitPath: '/VN/22/22.STP/' }]);
      const list = await unitOf(
        '22.STP',
        'nonconformities(first: 50) { edges { node { source dossier { id } } } }',
      );
      expect(list.nonconformities.edges.map((e: any) => e.node)).toContainEqual({
        source: 'LATE_DOSSIER',
        dossier: { id: dossierId },
      });
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await db.destroy();
    }
  });
});
