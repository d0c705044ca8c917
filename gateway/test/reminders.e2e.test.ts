/**
 * The QMS reminders on a real stack: legal reviews, yearly audits and reviews, and corrective
 * actions are set up through the contract's operations at the gateway; the notification worker's
 * sweep reads them through the catalog and audit APIs (signed, as the system) and tells the right
 * officials once per threshold. The sweep is run for chosen days, so the test does not depend on
 * today's date.
 */
import { addCalendarMonths, addDays, todayInVietnam } from '@eiso/calendar';
import { operation } from '@eiso/contract';
import { syncOfficialDirectory } from '@eiso/directory';
import { createNotificationDataSource, sweepReminders, type ReminderSources } from '@eiso/notification';
import { bearer, errorCodes, postGraphQL, type Stack } from '@eiso/testing';
import type { DataSource } from 'typeorm';
import { startEisoStack, tokenFor } from './support';

let stack: Stack;
let db: DataSource;
let sources: ReminderSources;
const tokens: Record<string, string> = {};
const today = todayInVietnam();
const year = Number(today.slice(0, 4));

const gql = (query: string, variables: Record<string, unknown> = {}, as?: string): Promise<any> =>
  postGraphQL(stack.gatewayUrl, query, variables, as ? bearer(tokens[as]) : {});

async function as(username: string) {
  tokens[username] ??= await tokenFor(stack, username);
  return username;
}

beforeAll(async () => {
  stack = await startEisoStack({
    provinceCodes: ['22'],
    services: ['org', 'catalog', 'dossier', 'audit', 'notification'],
  });
  db = createNotificationDataSource(stack.env, 2).dataSource;
  await db.initialize();
  await syncOfficialDirectory(db, {
    orgUrl: stack.env.ORG_URL,
    signingSecret: stack.env.GATEWAY_SIGNING_SECRET,
  });
  sources = {
    catalogUrl: stack.env.CATALOG_URL,
    auditUrl: stack.env.AUDIT_URL,
    secret: stack.env.GATEWAY_SIGNING_SECRET,
  };
}, 240_000);

afterAll(async () => {
  await db?.destroy();
  await stack?.stop();
});

/** The notices of one kind an official holds: "subject threshold" strings. */
async function noticesOf(username: string, kind: string): Promise<string[]> {
  const rows: { subject: string; threshold: string }[] = await db.query(
    `SELECT n.subject, n.threshold FROM notification n JOIN official_directory o ON o.id = n.official_id
     WHERE o.username = $1 AND n.kind = $2 ORDER BY n.subject, n.threshold`,
    [username, kind],
  );
  return rows.map((r) => `${r.subject} ${r.threshold}`);
}

describe('PROCESS_REVIEW_DUE', () => {
  it("tells the owner's ISO secretary 60, 30 and 7 days before the review date, then when it is late, once each", async () => {
    const procedures = await gql(operation('UnitProcedures'), { unitCode: '22.STP', first: 1 });
    const procedureCode = procedures.data.unit.procedures.edges[0].node.code;
    const effectiveOn = addCalendarMonths(today, -1);
    const change = await gql(
      operation('RegisterLegalChange'),
      {
        input: {
          number: 'NHAC-1/2026/NĐ-CP',
          title: 'Nghị định sửa đổi',
          issuedOn: addDays(effectiveOn, -20),
          effectiveOn,
          procedureCodes: [procedureCode],
        },
      },
      await as('admin'),
    );
    expect(change.errors).toBeUndefined();
    const dueBy: string = change.data.registerLegalChange.reviewDueBy;
    const reviews = await gql(
      `query { unit(code: "22") { processReviews(includeDescendants: true, first: 200) {
         edges { node { id owner { code } legalDocument { number } } } } } }`,
      {},
      await as('iso.22'),
    );
    const ours = reviews.data.unit.processReviews.edges
      .map((e: any) => e.node)
      .filter((r: any) => r.legalDocument.number === 'NHAC-1/2026/NĐ-CP');
    expect(ours.length).toBeGreaterThan(0);
    const { id, owner } = ours[0];
    const secretary = `iso.${owner.code}`;
    const mine = async () =>
      (await noticesOf(secretary, 'PROCESS_REVIEW_DUE')).filter((n) => n.startsWith(`review:${id} `));

    await sweepReminders(db, sources, addDays(dueBy, -61));
    expect(await mine()).toEqual([]);
    await sweepReminders(db, sources, addDays(dueBy, -50));
    expect(await mine()).toEqual([`review:${id} 60d`]);
    await sweepReminders(db, sources, addDays(dueBy, -25));
    await sweepReminders(db, sources, addDays(dueBy, -24));
    expect(await mine()).toEqual([`review:${id} 30d`, `review:${id} 60d`]);
    await sweepReminders(db, sources, addDays(dueBy, -3));
    await sweepReminders(db, sources, addDays(dueBy, 1));
    await sweepReminders(db, sources, addDays(dueBy, 2));
    expect(await mine()).toEqual([
      `review:${id} 30d`,
      `review:${id} 60d`,
      `review:${id} 7d`,
      `review:${id} overdue`,
    ]);
    // Nobody else in the unit is told: its leader holds none of these.
    expect(
      (await noticesOf(`leader.${owner.code}`, 'PROCESS_REVIEW_DUE')).filter((n) => n.includes(id)),
    ).toEqual([]);
  });
});

describe('AUDIT_DUE', () => {
  it('tells, from 1 October, the ISO secretary of a unit running a QMS with no internal audit or management review this year', async () => {
    const communes = await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 200 });
    const codes: string[] = communes.data.units.edges.map((e: any) => e.node.code);
    // Two communes with no QMS record of the seed's: both announce one now.
    const fresh: string[] = [];
    for (const code of codes.reverse()) {
      const qms = await gql(
        `query($c: String!) { unit(code: $c) { qms { status } } }`,
        { c: code },
        await as('iso.22'),
      );
      if (!qms.data.unit.qms || qms.data.unit.qms.status === 'NOT_STARTED') fresh.push(code);
      if (fresh.length === 2) break;
    }
    expect(fresh).toHaveLength(2);
    const [idle, diligent] = fresh;
    for (const code of fresh) {
      const announced = await gql(
        operation('AnnounceQms'),
        {
          input: {
            unitCode: code,
            standard: 'ISO_9001_2015',
            decisionNumber: `${code}/QĐ-UBND`,
            announcedOn: today,
          },
        },
        await as(`leader.${code}`),
      );
      expect(announced.errors).toBeUndefined();
    }
    // The diligent one plans its audit and holds its review.
    const plan = await gql(
      operation('PlanInternalAudit'),
      {
        input: { unitCode: diligent, plannedFor: today, scope: 'Toàn bộ', auditorUsernames: ['auditor.22'] },
      },
      await as('auditor.22'),
    );
    expect(plan.errors).toBeUndefined();
    const review = await gql(
      operation('RecordManagementReview'),
      { input: { unitCode: diligent, heldOn: today, inputs: ['Kết quả đánh giá'], decisions: ['Duy trì'] } },
      await as(`leader.${diligent}`),
    );
    expect(review.errors).toBeUndefined();

    await sweepReminders(db, sources, `${year}-09-30`);
    expect(await noticesOf(`iso.${idle}`, 'AUDIT_DUE')).toEqual([]);
    await sweepReminders(db, sources, `${year}-10-01`);
    await sweepReminders(db, sources, `${year}-10-02`);
    const idleUnit = (await postGaps()).find((g) => g.unitPath.endsWith(`/${idle}/`))!;
    expect(await noticesOf(`iso.${idle}`, 'AUDIT_DUE')).toEqual([
      `qms:${idleUnit.unitId} internal-audit-${year}`,
      `qms:${idleUnit.unitId} management-review-${year}`,
    ]);
    expect(await noticesOf(`iso.${diligent}`, 'AUDIT_DUE')).toEqual([]);
  });
});

describe('CORRECTIVE_ACTION_DUE', () => {
  it("tells the action's owner a week before its date and once it has passed, and nothing once it is done", async () => {
    const plan = await gql(
      operation('PlanInternalAudit'),
      {
        input: {
          unitCode: '22.STP',
          plannedFor: today,
          scope: 'Chứng thực',
          auditorUsernames: ['auditor.22'],
        },
      },
      await as('auditor.22'),
    );
    const finding = await gql(
      operation('RecordAuditFinding'),
      {
        input: {
          auditId: plan.data.planInternalAudit.audit.id,
          kind: 'MINOR_NONCONFORMITY',
          clause: '8.5.1',
          description: 'Sổ theo dõi chưa cập nhật',
        },
      },
      await as('auditor.22'),
    );
    const nonconformityId = finding.data.recordAuditFinding.finding.nonconformity.id;
    const add = async (dueOn: string) =>
      (
        await gql(
          operation('AddCorrectiveAction'),
          {
            input: {
              nonconformityId,
              description: `Cập nhật sổ trước ${dueOn}`,
              rootCause: 'Thiếu phân công',
              ownerUsername: 'iso.22.STP',
              dueOn,
            },
          },
          await as('iso.22'),
        )
      ).data.addCorrectiveAction.action.id as string;
    const dueOn = addDays(today, 30);
    const open = await add(dueOn);
    const done = await add(dueOn);
    const completed = await gql(
      operation('CompleteCorrectiveAction'),
      { input: { actionId: done, completedOn: today, effective: true, note: 'Xong' } },
      await as('iso.22'),
    );
    expect(completed.errors).toBeUndefined();
    const mine = async () =>
      (await noticesOf('iso.22.STP', 'CORRECTIVE_ACTION_DUE')).filter(
        (n) => n.includes(open) || n.includes(done),
      );

    await sweepReminders(db, sources, addDays(dueOn, -8));
    expect(await mine()).toEqual([]);
    await sweepReminders(db, sources, addDays(dueOn, -7));
    await sweepReminders(db, sources, dueOn);
    expect(await mine()).toEqual([`action:${open} before`]);
    await sweepReminders(db, sources, addDays(dueOn, 1));
    await sweepReminders(db, sources, addDays(dueOn, 5));
    expect(await mine()).toEqual([`action:${open} after`, `action:${open} before`]);
  });
});

describe('the reminder feeds', () => {
  it('answer only SYSTEM_ADMIN callers (the services): an ISO secretary is refused', async () => {
    for (const query of [
      `{ reviewsDueBy(until: "${today}", first: 1) { totalCount } }`,
      `{ qmsActivityGaps(year: ${year}) { unitId } }`,
      `{ correctiveActionsDue(until: "${today}") { id } }`,
    ]) {
      expect(errorCodes(await gql(query, {}, await as('iso.22')))).toContain('FORBIDDEN');
    }
  });
});

/** The audit API's gaps for the year, asked as the system (what the sweep reads). */
async function postGaps(): Promise<{ unitId: string; unitPath: string }[]> {
  const { postSignedGraphQL, SYSTEM_CALLER } = await import('@eiso/auth');
  const data = await postSignedGraphQL<{ qmsActivityGaps: { unitId: string; unitPath: string }[] }>(
    stack.env.AUDIT_URL,
    `query($y: Int!) { qmsActivityGaps(year: $y) { unitId unitPath } }`,
    { y: year },
    { caller: SYSTEM_CALLER, secret: stack.env.GATEWAY_SIGNING_SECRET },
  );
  return data.qmsActivityGaps;
}
