/**
 * The contract's audit operations through the real gateway, on the seeded Quảng Ninh (22) and Cà Mau
 * (96) with the 22 ministries: the national report, its snapshot kept fresh by the audit worker's
 * jobs, nonconformities closed only by effective actions, and late dossiers turned into
 * nonconformities through the dossier outbox, BullMQ and the audit consumer — all real.
 */
import { operation } from '@eiso/contract';
import { addCalendarMonths, addDays, todayInVietnam } from '@eiso/calendar';
import { createLogger } from '@eiso/logging';
import { createRedisConnection, startConsumer } from '@eiso/outbox';
import {
  createAuditDataSource,
  keepComplianceFresh,
  LATE_DOSSIER_CONSUMER,
  recordLateDossier,
} from '@eiso/audit';
import { createDossierDataSource, startDossierJobs } from '@eiso/dossier';
import { nationalCalendar } from '@eiso/calendar';
import { bearer, errorCodes, postGraphQL, waitFor, type Stack } from '@eiso/testing';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { startEisoStack, tokenFor } from './support';

let stack: Stack;
const tokens: Record<string, string> = {};
let auditDb: DataSource;
let dossierDb: DataSource;
let redis: Redis;
const stops: (() => Promise<unknown>)[] = [];
const year = Number(todayInVietnam().slice(0, 4));

const gql = (query: string, variables: Record<string, unknown> = {}, as?: string): Promise<any> =>
  postGraphQL(stack.gatewayUrl, query, variables, as ? bearer(tokens[as]) : {});

beforeAll(async () => {
  stack = await startEisoStack({
    provinceCodes: ['22', '96'],
    services: ['org', 'catalog', 'dossier', 'audit'],
  });
  for (const u of ['viewer.BKHCN', 'admin', 'auditor.22', 'iso.22', 'leader.22', 'iso.22.STP', 'leader.96'])
    tokens[u] = await tokenFor(stack, u);
  // The workers' jobs, in this process, on the stack's own queues.
  auditDb = createAuditDataSource(stack.env, 4).dataSource;
  dossierDb = createDossierDataSource(stack.env, 4).dataSource;
  await Promise.all([auditDb.initialize(), dossierDb.initialize()]);
  redis = createRedisConnection(stack.env.REDIS_URL);
  const logger = createLogger('test', 'silent');
  const prefix = stack.env.QUEUE_PREFIX;
  const dossierJobs = await startDossierJobs({
    db: dossierDb,
    redis,
    prefix,
    calendar: nationalCalendar,
    logger,
  });
  const consumer = startConsumer({
    db: auditDb,
    consumer: LATE_DOSSIER_CONSUMER,
    queue: 'audit.dossier-events',
    connection: redis,
    prefix,
    handle: recordLateDossier as never,
  });
  const sources = {
    catalogUrl: stack.env.CATALOG_URL,
    dossierUrl: stack.env.DOSSIER_URL,
    secret: stack.env.GATEWAY_SIGNING_SECRET,
  };
  const stopCompliance = keepComplianceFresh(auditDb, sources, () => undefined, {
    staleEveryMs: 200,
    fullEveryMs: 1000,
  });
  stops.push(
    stopCompliance,
    () => consumer.close(),
    () => dossierJobs.stop(),
  );
}, 240_000);

afterAll(async () => {
  for (const stop of stops) await stop();
  const keys = redis ? await redis.keys(`${stack.env.QUEUE_PREFIX}:*`) : [];
  if (keys.length) await redis.del(...keys);
  await redis?.quit();
  await auditDb?.destroy();
  await dossierDb?.destroy();
  await stack?.stop();
});

const eventually = <T>(read: () => Promise<T>, ok: (value: T) => boolean, seconds = 15) =>
  waitFor(read, ok, seconds * 1000);

const report = async () =>
  (await gql(operation('NationalCompliance'), { year }, 'viewer.BKHCN')).data.complianceReport;

describe('NationalCompliance', () => {
  it('shows every province and ministry with figures matching the seed', async () => {
    const r = await report();
    expect(r.national).toMatchObject({ provincesTotal: 2, ministriesTotal: 22, ministriesCompliant: 20 });
    // Quảng Ninh is the seed's one province late with a legal revision.
    expect(r.provinces.map((p: any) => [p.unit.code, p.compliant])).toEqual([
      ['22', false],
      ['96', true],
    ]);
    expect(r.national.communesAnnouncedRate).toBeGreaterThan(0.4);
    expect(r.national.communesAnnouncedRate).toBeLessThan(0.8);
    for (const p of r.provinces) {
      expect(p.agenciesAnnounced).toBe(p.mandatoryAgencies);
      expect(p.internalAuditsDone).toBeGreaterThanOrEqual(p.mandatoryAgencies);
      expect(p.iso2015Share).toBeGreaterThan(0.8);
    }
    expect(r.ministries.filter((m: any) => !m.compliant)).toHaveLength(2);
  });

  it('a process past its review date turns a compliant province non-compliant', async () => {
    const procedure = (await gql(operation('UnitProcedures'), { unitCode: '96', first: 1 })).data.unit
      .procedures.edges[0].node.code;
    const effectiveOn = addCalendarMonths(todayInVietnam(), -4);
    const change = await gql(
      operation('RegisterLegalChange'),
      {
        input: {
          number: 'TEST-AUDIT-1',
          title: 'Nghị định thử nghiệm',
          issuedOn: addDays(effectiveOn, -10),
          effectiveOn,
          procedureCodes: [procedure],
        },
      },
      'admin',
    );
    expect(change.errors).toBeUndefined();
    const after = await eventually(
      report,
      (r) => r.provinces.find((p: any) => p.unit.code === '96').compliant === false,
    );
    expect(after.provinces.find((p: any) => p.unit.code === '96').compliant).toBe(false);
  });

  it('is for the ministry: a province leader and anonymous callers are refused', async () => {
    expect(errorCodes(await gql(operation('NationalCompliance'), { year }))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await gql(operation('NationalCompliance'), { year }, 'leader.22'))).toEqual([
      'FORBIDDEN',
    ]);
  });
});

describe('audits and nonconformities through the gateway', () => {
  it('a finding opens a nonconformity that closes only through an effective action', async () => {
    const plan = await gql(
      operation('PlanInternalAudit'),
      {
        input: {
          unitCode: '22.STP',
          plannedFor: todayInVietnam(),
          scope: 'Quy trình chứng thực',
          auditorUsernames: ['auditor.22'],
        },
      },
      'auditor.22',
    );
    expect(plan.data.planInternalAudit.audit).toMatchObject({ status: 'PLANNED', unit: { code: '22.STP' } });
    const finding = await gql(
      operation('RecordAuditFinding'),
      {
        input: {
          auditId: plan.data.planInternalAudit.audit.id,
          kind: 'MAJOR_NONCONFORMITY',
          clause: '8.5.1',
          description: 'Không kiểm soát thời hạn',
        },
      },
      'auditor.22',
    );
    const nc = finding.data.recordAuditFinding.finding.nonconformity;
    expect(nc.status).toBe('OPEN');
    const add = () =>
      gql(
        operation('AddCorrectiveAction'),
        {
          input: {
            nonconformityId: nc.id,
            description: 'Theo dõi thời hạn hằng ngày',
            rootCause: 'Thiếu công cụ',
            ownerUsername: 'iso.22.STP',
            dueOn: addDays(todayInVietnam(), 14),
          },
        },
        'iso.22',
      );
    const complete = (actionId: string, effective: boolean) =>
      gql(
        operation('CompleteCorrectiveAction'),
        { input: { actionId, completedOn: todayInVietnam(), effective } },
        'iso.22.STP',
      );
    const first = (await add()).data.addCorrectiveAction.action;
    expect(first.owner.name).toEqual(expect.any(String));
    expect((await complete(first.id, false)).data.completeCorrectiveAction.action.nonconformity.status).toBe(
      'VERIFYING',
    );
    const second = (await add()).data.addCorrectiveAction.action;
    expect((await complete(second.id, true)).data.completeCorrectiveAction.action.nonconformity.status).toBe(
      'CLOSED',
    );

    const quality = await gql(operation('UnitQuality'), { unitCode: '22.STP', year }, 'iso.22');
    expect(quality.errors).toBeUndefined();
    expect(quality.data.unit.qms).toMatchObject({
      status: 'ANNOUNCED',
      standard: 'ISO_9001_2015',
      mandatory: true,
    });
    expect(quality.data.unit.internalAudits.length).toBeGreaterThanOrEqual(2);
    expect(
      errorCodes(await gql(operation('UnitQuality'), { unitCode: '22.STP', year }, 'leader.96')),
    ).toContain('FORBIDDEN');
  });

  it('AnnounceQms and RecordManagementReview answer as the contract says', async () => {
    const announced = await gql(
      operation('AnnounceQms'),
      {
        input: {
          unitCode: '22',
          standard: 'ISO_9001_2015',
          decisionNumber: '55/QĐ-UBND',
          announcedOn: todayInVietnam(),
        },
      },
      'leader.22',
    );
    expect(announced.data.announceQms.unit).toMatchObject({
      code: '22',
      qms: { status: 'ANNOUNCED', decisionNumber: '55/QĐ-UBND', mandatory: true },
    });
    const review = await gql(
      operation('RecordManagementReview'),
      {
        input: {
          unitCode: '22',
          heldOn: todayInVietnam(),
          inputs: ['Phản hồi của người dân'],
          decisions: ['Rút ngắn thời gian'],
        },
      },
      'leader.22',
    );
    expect(review.data.recordManagementReview.review).toMatchObject({
      decisions: ['Rút ngắn thời gian'],
      unit: { code: '22' },
    });
  });
});

describe('late dossiers', () => {
  it('a dossier returned late appears as a nonconformity of its unit within seconds', async () => {
    const commune = (await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '96', first: 1 }))
      .data.units.edges[0].node.code;
    for (const role of ['receiver', 'handler', 'leader', 'iso'])
      tokens[role] = await tokenFor(stack, `${role}.${commune}`);
    const procedure = (
      await gql(operation('UnitProcedures'), { unitCode: commune, search: 'khai sinh', first: 1 })
    ).data.unit.procedures.edges[0].node;
    const received = await gql(
      operation('ReceiveDossier'),
      {
        input: {
          procedureCode: procedure.code,
          unitCode: commune,
          channel: 'COUNTER',
          applicant: { name: 'Phạm Thị Dung', idNumber: '096090001111' },
          idempotencyKey: `late-${Date.now()}`,
        },
      },
      'receiver',
    );
    const d = received.data.receiveDossier.dossier;
    // Its appointment passed two days ago: finishing it now is late.
    await dossierDb.query(
      `UPDATE dossier SET due_at = now() - interval '2 days', appointment_due_at = now() - interval '2 days' WHERE id = $1`,
      [d.id],
    );
    let version = d.version;
    for (const step of procedure.process.steps) {
      const done = await gql(
        operation('CompleteStep'),
        { input: { dossierId: d.id, expectedVersion: version } },
        step.role.toLowerCase(),
      );
      expect(done.errors).toBeUndefined();
      version = done.data.completeStep.dossier.version;
    }
    const returned = await gql(
      operation('ReturnResult'),
      { input: { dossierId: d.id, expectedVersion: version } },
      'receiver',
    );
    expect(returned.data.returnResult.dossier.timeliness).toBe('LATE');
    const quality = await eventually(
      async () =>
        (await gql(operation('UnitQuality'), { unitCode: commune, year }, 'iso')).data.unit.nonconformities,
      (ncs) => ncs.edges.some((e: any) => e.node.dossier?.code === d.code),
    );
    const nc = quality.edges.find((e: any) => e.node.dossier?.code === d.code).node;
    expect(nc.source).toBe('LATE_DOSSIER');
  });
});

describe('rankings', () => {
  it('answers null before the first nightly computation', async () => {
    const { data, errors } = await gql(operation('Rankings'), { level: 'PROVINCE' }, 'viewer.BKHCN');
    expect(errors).toBeUndefined();
    expect(data.rankings).toBeNull();
  });
});

describe('inspections, complaints and the register of risks', () => {
  it('records a complaint as a nonconformity and a risk with its level', async () => {
    const nc = await gql(
      `mutation($i: OpenNonconformityInput!) { openNonconformity(input: $i) { nonconformity { id source status unit { code } } } }`,
      { i: { unitCode: '22', source: 'COMPLAINT', description: 'Công dân phản ánh chậm trả kết quả' } },
      'iso.22',
    );
    expect(nc.data.openNonconformity.nonconformity).toMatchObject({
      source: 'COMPLAINT',
      status: 'OPEN',
      unit: { code: '22' },
    });
    const late = await gql(
      `mutation($i: OpenNonconformityInput!) { openNonconformity(input: $i) { nonconformity { id } } }`,
      { i: { unitCode: '22', source: 'LATE_DOSSIER', description: 'x' } },
      'iso.22',
    );
    expect(late.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'source' });
    const risk = await gql(
      `mutation($i: RecordRiskInput!) { recordRisk(input: $i) { risk { level likelihood impact owner { name } } } }`,
      {
        i: {
          unitCode: '22',
          description: 'Mất dữ liệu hồ sơ',
          likelihood: 3,
          impact: 5,
          treatment: 'Sao lưu hằng ngày',
          ownerUsername: 'iso.22',
        },
      },
      'leader.22',
    );
    expect(risk.data.recordRisk.risk).toMatchObject({
      level: 'CRITICAL',
      likelihood: 3,
      impact: 5,
      owner: { name: expect.any(String) },
    });
    const bad = await gql(
      `mutation($i: RecordRiskInput!) { recordRisk(input: $i) { risk { level } } }`,
      { i: { unitCode: '22', description: 'x', likelihood: 6, impact: 1 } },
      'leader.22',
    );
    expect(bad.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'likelihood' });
    const risks = await gql(operation('UnitQuality'), { unitCode: '22', year }, 'iso.22');
    expect(
      risks.data.unit.risks.some((r: any) => r.description === 'Mất dữ liệu hồ sơ' && r.level === 'CRITICAL'),
    ).toBe(true);
  });
});
