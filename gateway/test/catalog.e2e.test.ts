/**
 * The contract's catalog operations through the real gateway: org and catalog seeded for two
 * provinces (Quảng Ninh 22, Cà Mau 96), officials signed in with development tokens.
 */
import { operation } from '@eiso/contract';
import { todayInVietnam, addDays, addCalendarMonths } from '@eiso/calendar';
import { bearer, errorCodes, postGraphQL, type GraphQLResponse, type Stack } from '@eiso/testing';
import { startEisoStack, tokenFor } from './support';

let stack: Stack;
const tokens: Record<string, string> = {};
let commune: string;
let agency: string;

beforeAll(async () => {
  stack = await startEisoStack({ provinceCodes: ['22', '96'], services: ['org', 'catalog'] });
  for (const u of ['iso.22', 'leader.22', 'handler.22', 'leader.96', 'iso.96', 'admin', 'viewer.BKHCN']) {
    tokens[u] = await tokenFor(stack, u);
  }
  const units = await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 1 });
  commune = units.data.units.edges[0].node.code;
  agency = '22.STP';
}, 180_000);

afterAll(() => stack?.stop());

function gql<T = any>(
  query: string,
  variables: Record<string, unknown> = {},
  as?: string,
): Promise<GraphQLResponse<T> & { data: any }> {
  return postGraphQL(stack.gatewayUrl, query, variables, as ? bearer(tokens[as]) : {}) as Promise<any>;
}

const unitProcedures = (unitCode: string, search?: string, first = 200, after?: string) =>
  gql(operation('UnitProcedures'), { unitCode, search, first, after });

describe('UnitProcedures', () => {
  it('lists about a hundred procedures for a commune, each with the process in force', async () => {
    const { data, errors } = await unitProcedures(commune);
    expect(errors).toBeUndefined();
    const list = data.unit.procedures;
    expect(list.totalCount).toBeGreaterThanOrEqual(90);
    expect(list.totalCount).toBeLessThanOrEqual(120);
    for (const { node } of list.edges) {
      expect(node.level).toBe('COMMUNE');
      expect(node.process).toMatchObject({ status: 'EFFECTIVE', steps: expect.any(Array) });
      expect(node.process.steps.length).toBeGreaterThan(0);
      const hours = node.process.steps.reduce((sum: number, s: any) => sum + s.durationHours, 0);
      expect(hours).toBeLessThanOrEqual((node.targetDays ?? node.statutoryDays) * 8 + 1e-9);
      expect(node.targetDays).toBeLessThanOrEqual(node.statutoryDays);
      expect(node.legalBases.length).toBeGreaterThan(0);
    }
  });

  it("lists a provincial agency's own procedures only", async () => {
    const { data } = await unitProcedures(agency);
    expect(data.unit.procedures.totalCount).toBeGreaterThan(10);
    expect(data.unit.procedures.edges.every((e: any) => e.node.level === 'PROVINCE')).toBe(true);
    const all = await unitProcedures('22', undefined, 0);
    expect(all.data.unit.procedures.totalCount).toBeGreaterThan(data.unit.procedures.totalCount);
  });

  it('pages in code order with cursors, and refuses a forged cursor', async () => {
    const first = await unitProcedures(commune, undefined, 30);
    const second = await unitProcedures(
      commune,
      undefined,
      30,
      first.data.unit.procedures.pageInfo.endCursor,
    );
    const codes = [...first.data.unit.procedures.edges, ...second.data.unit.procedures.edges].map(
      (e: any) => e.node.code,
    );
    expect(codes).toEqual([...codes].sort());
    expect(new Set(codes).size).toBe(60);
    expect(errorCodes(await unitProcedures(commune, undefined, 30, 'abc.def'))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('search', () => {
  const codes = async (search: string) =>
    (await unitProcedures(commune, search)).data.unit.procedures.edges.map((e: any) => e.node.code as string);

  it('finds the same with or without diacritics, in any word order', async () => {
    const accented = await codes('đăng ký khai sinh');
    expect(accented.length).toBeGreaterThan(0);
    expect(await codes('dang ky khai sinh')).toEqual(accented);
    expect(await codes('DANG KY KHAI SINH')).toEqual(accented);
    expect(await codes('khai sinh đăng ký')).toEqual(accented);
  });

  it('ranks and matches word beginnings; nonsense finds nothing', async () => {
    const { data } = await unitProcedures(commune, 'khai sinh');
    const names = data.unit.procedures.edges.map((e: any) => e.node.name as string);
    expect(names[0].toLowerCase()).toContain('khai sinh');
    // The procedure that is exactly what was typed comes before longer ones that contain it.
    const exact = (await unitProcedures(commune, 'dang ky khai sinh')).data.unit.procedures.edges[0].node
      .name;
    expect(exact).toBe('Đăng ký khai sinh');
    expect((await codes('chứng thực')).length).toBeGreaterThan(0);
    expect(await codes('zzqxw')).toEqual([]);
    expect(errorCodes(await unitProcedures(commune, "'; DROP TABLE procedure; --"))).toEqual([]);
  });

  it('pages through search results without repeats', async () => {
    const all = (await unitProcedures('22', 'cấp')).data.unit.procedures;
    expect(all.totalCount).toBeGreaterThan(10);
    const page1 = (await unitProcedures('22', 'cấp', 5)).data.unit.procedures;
    const page2 = (await unitProcedures('22', 'cấp', 5, page1.pageInfo.endCursor)).data.unit.procedures;
    const seen = [...page1.edges, ...page2.edges].map((e: any) => e.node.code);
    expect(seen).toEqual(all.edges.slice(0, 10).map((e: any) => e.node.code));
    // A search cursor does not carry over to another search.
    expect(errorCodes(await unitProcedures('22', 'giấy', 5, page1.pageInfo.endCursor))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });
});

describe('ProcedureByCode', () => {
  it('returns a procedure with its legal bases; an unknown code gives null', async () => {
    const listed = (await unitProcedures(commune, undefined, 1)).data.unit.procedures.edges[0].node;
    const { data } = await gql(operation('ProcedureByCode'), { code: listed.code });
    expect(data.procedure).toMatchObject({
      code: listed.code,
      name: listed.name,
      level: 'COMMUNE',
      requiredDocuments: expect.any(Array),
    });
    expect(data.procedure.legalBases.length).toBeGreaterThan(0);
    expect((await gql(operation('ProcedureByCode'), { code: '9.999999' })).data.procedure).toBeNull();
  });
});

describe('document control', () => {
  let procedureCode: string;
  let statutoryHours: number;
  const history = (unitCode: string) =>
    gql(
      `query($c: String!, $u: String!) { procedure(code: $c) { processVersions(unitCode: $u) { id version status effectiveFrom } } }`,
      {
        c: procedureCode,
        u: unitCode,
      },
    );

  beforeAll(async () => {
    const node = (await unitProcedures(commune, 'khai sinh', 1)).data.unit.procedures.edges[0].node;
    procedureCode = node.code;
    statutoryHours = (node.targetDays ?? node.statutoryDays) * 8;
  });

  const steps = (hours: number) => [
    { name: 'Tiếp nhận hồ sơ', role: 'RECEIVER', durationHours: hours / 4 },
    { name: 'Thẩm định', role: 'HANDLER', durationHours: hours / 2 },
    { name: 'Ký duyệt', role: 'LEADER', durationHours: hours / 4 },
  ];

  it('draft → approve by leader.22 effective today supersedes the province template it replaces', async () => {
    const before = (await history('22')).data.procedure.processVersions;
    const effectiveBefore = before.find((v: any) => v.status === 'EFFECTIVE');
    expect(effectiveBefore).toBeDefined();

    const draft = await gql(
      operation('DraftProcess'),
      { input: { procedureCode, unitCode: '22', steps: steps(statutoryHours) } },
      'iso.22',
    );
    expect(draft.errors).toBeUndefined();
    expect(draft.data.draftProcess.process).toMatchObject({
      status: 'DRAFT',
      version: before[0].version + 1,
    });
    expect(draft.data.draftProcess.process.steps.map((s: any) => s.order)).toEqual([1, 2, 3]);

    const today = todayInVietnam();
    const approved = await gql(
      operation('ApproveProcess'),
      { input: { processId: draft.data.draftProcess.process.id, effectiveFrom: today } },
      'leader.22',
    );
    expect(approved.errors).toBeUndefined();
    expect(approved.data.approveProcess.process).toMatchObject({
      status: 'EFFECTIVE',
      effectiveFrom: today,
      approvedBy: { name: expect.any(String) },
    });

    const after = (await history('22')).data.procedure.processVersions;
    expect(after.find((v: any) => v.id === effectiveBefore.id).status).toBe('SUPERSEDED');
    // The commune inherits the province's new version.
    const inCommune = (await unitProcedures(commune, 'khai sinh')).data.unit.procedures.edges.find(
      (e: any) => e.node.code === procedureCode,
    ).node;
    expect(inCommune.process.id).toBe(draft.data.draftProcess.process.id);
  });

  it('a version approved for a later date stays APPROVED while the current one stays EFFECTIVE', async () => {
    const draft = await gql(
      operation('DraftProcess'),
      { input: { procedureCode, unitCode: '22', steps: steps(statutoryHours / 2) } },
      'iso.22',
    );
    const later = addDays(todayInVietnam(), 30);
    const approved = await gql(
      operation('ApproveProcess'),
      { input: { processId: draft.data.draftProcess.process.id, effectiveFrom: later } },
      'leader.22',
    );
    expect(approved.data.approveProcess.process.status).toBe('APPROVED');
    const versions = (await history('22')).data.procedure.processVersions;
    expect(versions.filter((v: any) => v.status === 'EFFECTIVE')).toHaveLength(1);
  });

  describe('refuses, with its code and field, and writes nothing', () => {
    const draftAs = (as: string | undefined, input: Record<string, unknown>) =>
      gql(
        operation('DraftProcess'),
        { input: { procedureCode, unitCode: '22', steps: steps(4), ...input } },
        as,
      );
    const expectRefused = async (response: any, code: string, field?: string) => {
      expect(errorCodes(response)).toEqual([code]);
      if (field) expect(response.errors[0].extensions.field).toBe(field);
    };

    it('bad drafts', async () => {
      const versions = (await history('22')).data.procedure.processVersions.length;
      await expectRefused(
        await draftAs('iso.22', { procedureCode: '9.999999' }),
        'BAD_USER_INPUT',
        'procedureCode',
      );
      await expectRefused(await draftAs('iso.22', { unitCode: 'NOPE' }), 'BAD_USER_INPUT', 'unitCode');
      await expectRefused(await draftAs('iso.22', { steps: [] }), 'BAD_USER_INPUT', 'steps');
      await expectRefused(
        await draftAs('iso.22', { steps: steps(statutoryHours + 4) }),
        'BAD_USER_INPUT',
        'steps',
      );
      await expectRefused(
        await draftAs('iso.22', { steps: [{ name: 'x', role: 'HANDLER', durationHours: -1 }] }),
        'BAD_USER_INPUT',
        'steps.0.durationHours',
      );
      await expectRefused(
        await draftAs('iso.22', { steps: [{ name: 'x', role: 'SYSTEM_ADMIN', durationHours: 1 }] }),
        'BAD_USER_INPUT',
        'steps.0.role',
      );
      await expectRefused(
        await draftAs('iso.22', { steps: [{ name: 'x', role: 'WIZARD', durationHours: 1 }] }),
        'BAD_USER_INPUT',
      );
      await expectRefused(await draftAs('iso.22', { unitCode: agency }), 'BAD_USER_INPUT', 'procedureCode');
      await expectRefused(await draftAs(undefined, {}), 'UNAUTHENTICATED');
      await expectRefused(await draftAs('handler.22', {}), 'FORBIDDEN');
      await expectRefused(await draftAs('iso.96', {}), 'FORBIDDEN');
      expect((await history('22')).data.procedure.processVersions).toHaveLength(versions);
    });

    it('bad approvals', async () => {
      const draft = await draftAs('iso.22', {});
      const processId = draft.data.draftProcess.process.id;
      const approve = (as: string, effectiveFrom: string, id = processId) =>
        gql(operation('ApproveProcess'), { input: { processId: id, effectiveFrom } }, as);
      const today = todayInVietnam();
      await expectRefused(await approve('leader.96', today), 'FORBIDDEN');
      await expectRefused(await approve('iso.22', today), 'FORBIDDEN');
      await expectRefused(await approve('leader.22', addDays(today, -1)), 'BAD_USER_INPUT', 'effectiveFrom');
      await expectRefused(await approve('leader.22', '2026-02-30'), 'BAD_USER_INPUT');
      await expectRefused(
        await approve('leader.22', today, '00000000-0000-4000-8000-000000000000'),
        'NOT_FOUND',
      );
      const versions = (await history('22')).data.procedure.processVersions;
      expect(versions.find((v: any) => v.id === processId).status).toBe('DRAFT');
      // Approved for a later date above, so today is now before an approved version's date.
      await expectRefused(await approve('leader.22', today), 'BAD_USER_INPUT', 'effectiveFrom');
      const far = addDays(today, 60);
      expect((await approve('leader.22', far)).data.approveProcess.process.status).toBe('APPROVED');
      await expectRefused(await approve('leader.22', addDays(far, 1)), 'BAD_USER_INPUT', 'processId');
    });
  });
});

describe('legal changes', () => {
  it('RegisterLegalChange gives reviewDueBy three months after the effective date and opens reviews', async () => {
    const { data: list } = await unitProcedures(commune, undefined, 2);
    const codes = list.unit.procedures.edges.map((e: any) => e.node.code);
    const effectiveOn = addCalendarMonths(todayInVietnam(), -4);
    const input = {
      number: 'TEST-1/2026/NĐ-CP',
      title: 'Nghị định thử nghiệm',
      issuedOn: addDays(effectiveOn, -30),
      effectiveOn,
      procedureCodes: codes,
    };
    const response = await gql(operation('RegisterLegalChange'), { input }, 'admin');
    expect(response.errors).toBeUndefined();
    expect(response.data.registerLegalChange).toMatchObject({
      legalDocument: { number: input.number, effectiveOn },
      reviewDueBy: addCalendarMonths(effectiveOn, 3),
    });
    expect(response.data.registerLegalChange.affectedProcedures.map((p: any) => p.code).sort()).toEqual(
      [...codes].sort(),
    );

    const reviews = `query($u: String!) { unit(code: $u) { processReviews(overdueOnly: true, includeDescendants: true, first: 200) {
      totalCount edges { node { dueBy overdue procedure { code } owner { code } legalDocument { number } } } } } }`;
    const overdue = await gql(reviews, { u: '22' }, 'iso.22');
    const ours = overdue.data.unit.processReviews.edges.filter(
      (e: any) => e.node.legalDocument.number === input.number,
    );
    expect(ours.length).toBeGreaterThanOrEqual(codes.length);
    expect(ours.every((e: any) => e.node.overdue && e.node.owner.code.length > 0)).toBe(true);
    // The province's review of the first procedure is cleared by approving a revision.
    const draft = await gql(
      operation('DraftProcess'),
      {
        input: {
          procedureCode: codes[0],
          unitCode: '22',
          steps: [{ name: 'Thẩm định', role: 'HANDLER', durationHours: 2 }],
        },
      },
      'iso.22',
    );
    await gql(
      operation('ApproveProcess'),
      { input: { processId: draft.data.draftProcess.process.id, effectiveFrom: todayInVietnam() } },
      'leader.22',
    );
    const after = await gql(reviews, { u: '22' }, 'iso.22');
    const left = after.data.unit.processReviews.edges.filter(
      (e: any) =>
        e.node.legalDocument.number === input.number &&
        e.node.owner.code === '22' &&
        e.node.procedure.code === codes[0],
    );
    expect(left).toEqual([]);
    // Other provinces cannot read 22's reviews.
    expect(errorCodes(await gql(reviews, { u: '22' }, 'iso.96'))).toEqual(['FORBIDDEN']);
  });

  it('refuses dates out of order, unknown or missing procedures, and callers who are not administrators', async () => {
    const base = {
      number: 'TEST-2',
      title: 'x',
      issuedOn: '2026-05-01',
      effectiveOn: '2026-06-01',
      procedureCodes: ['9.999999'],
    };
    const register = (input: Record<string, unknown>, as = 'admin') =>
      gql(operation('RegisterLegalChange'), { input: { ...base, ...input } }, as);
    expect((await register({ effectiveOn: '2026-04-01' })).errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'effectiveOn',
    });
    expect((await register({})).errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'procedureCodes',
    });
    expect((await register({ procedureCodes: [] })).errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'procedureCodes',
    });
    expect((await register({ number: '  ' })).errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'number',
    });
    expect(errorCodes(await register({}, 'leader.22'))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await register({}, 'viewer.BKHCN'))).toEqual(['FORBIDDEN']);
  });
});

describe('reference resolution in the catalog', () => {
  it('resolves 200 procedures with their legal bases in the same statements as 5', async () => {
    const { postSigned } = await import('@eiso/testing');
    const catalog = stack.subgraphs.catalog as unknown as { url: string; statementCount(): number };
    const list = await gql(`{ procedures(level: PROVINCE, first: 200) { edges { node { id } } } }`);
    const ids: string[] = list.data.procedures.edges.map((e: any) => e.node.id);
    expect(ids).toHaveLength(200);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Procedure { code legalBases { number } } } }`;
    const count = async (some: string[]) => {
      const before = catalog.statementCount();
      const response = await postSigned(
        catalog.url,
        query,
        { r: some.map((id) => ({ __typename: 'Procedure', id })) },
        { kind: 'anonymous' },
        stack.env.GATEWAY_SIGNING_SECRET,
      );
      expect(response.errors).toBeUndefined();
      return catalog.statementCount() - before;
    };
    const five = await count(ids.slice(0, 5));
    expect(await count(ids)).toBe(five);
    expect(five).toBe(2);
    // The procedures alone, as a page of dossiers asks for them: one statement.
    const plain = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Procedure { code name statutoryDays } } }`;
    const before = catalog.statementCount();
    await postSigned(
      catalog.url,
      plain,
      { r: ids.map((id) => ({ __typename: 'Procedure', id })) },
      { kind: 'anonymous' },
      stack.env.GATEWAY_SIGNING_SECRET,
    );
    expect(catalog.statementCount() - before).toBe(1);
  });
});

describe('registering a legal document twice', () => {
  it('with the same details is idempotent; with other details is refused and changes nothing', async () => {
    const codes = (await unitProcedures(commune, undefined, 1)).data.unit.procedures.edges.map(
      (e: any) => e.node.code,
    );
    const input = {
      number: 'TEST-3/2026/TT',
      title: 'Thông tư thử nghiệm',
      issuedOn: '2026-01-05',
      effectiveOn: '2026-03-01',
      procedureCodes: codes,
    };
    const first = await gql(operation('RegisterLegalChange'), { input }, 'admin');
    expect(first.errors).toBeUndefined();
    const again = await gql(operation('RegisterLegalChange'), { input }, 'admin');
    expect(again.errors).toBeUndefined();
    expect(again.data.registerLegalChange.reviewDueBy).toBe('2026-06-01');
    const other = await gql(
      operation('RegisterLegalChange'),
      { input: { ...input, title: 'Khác' } },
      'admin',
    );
    expect(other.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'number' });
    const bases = await gql(operation('ProcedureByCode'), { code: codes[0] });
    expect(bases.data.procedure.legalBases.filter((b: any) => b.number === input.number)).toEqual([
      { number: input.number, title: input.title, issuedOn: input.issuedOn, effectiveOn: input.effectiveOn },
    ]);
  });
});

describe("a unit's own versions and target times", () => {
  const procedureOf = async (unitCode: string, code: string) =>
    (await unitProcedures(unitCode, undefined, 200)).data.unit.procedures.edges.find(
      (e: any) => e.node.code === code,
    ).node;

  it("a commune's own approved version replaces the province template for that commune only", async () => {
    const communes = await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 2 });
    const [own, other] = communes.data.units.edges.map((e: any) => e.node.code);
    tokens[`iso.${own}`] = await tokenFor(stack, `iso.${own}`);
    tokens[`leader.${own}`] = await tokenFor(stack, `leader.${own}`);
    const before = (await unitProcedures(own, undefined, 200)).data.unit.procedures.edges.map(
      (e: any) => e.node,
    );
    const procedure = before.find((n: any) => n.process.steps.length > 0);
    const draft = await gql(
      operation('DraftProcess'),
      {
        input: {
          procedureCode: procedure.code,
          unitCode: own,
          steps: [{ name: 'Giải quyết tại chỗ', role: 'HANDLER', durationHours: 2 }],
        },
      },
      `iso.${own}`,
    );
    expect(draft.errors).toBeUndefined();
    const approved = await gql(
      operation('ApproveProcess'),
      { input: { processId: draft.data.draftProcess.process.id, effectiveFrom: todayInVietnam() } },
      `leader.${own}`,
    );
    expect(approved.data.approveProcess.process.status).toBe('EFFECTIVE');
    expect((await procedureOf(own, procedure.code)).process.id).toBe(draft.data.draftProcess.process.id);
    expect((await procedureOf(other, procedure.code)).process.id).not.toBe(
      draft.data.draftProcess.process.id,
    );
  });

  it('a leader publishes a target time; it shows in the unit list and bounds new drafts', async () => {
    const node = (await unitProcedures(agency, undefined, 1)).data.unit.procedures.edges[0].node;
    tokens[`leader.${agency}`] = await tokenFor(stack, `leader.${agency}`);
    tokens[`iso.${agency}`] = await tokenFor(stack, `iso.${agency}`);
    const publish = (targetDays: number, as = `leader.${agency}`) =>
      gql(
        `mutation($i: PublishTargetTimeInput!) { publishTargetTime(input: $i) { targetDays procedure { code } } }`,
        { i: { procedureCode: node.code, unitCode: agency, targetDays } },
        as,
      );
    const target = Math.max(0.5, Math.floor(node.statutoryDays / 2));
    expect((await publish(target)).data.publishTargetTime).toEqual({
      targetDays: target,
      procedure: { code: node.code },
    });
    expect((await procedureOf(agency, node.code)).targetDays).toBe(target);
    expect((await publish(node.statutoryDays + 1)).errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'targetDays',
    });
    expect(errorCodes(await publish(target, 'leader.22'))).toEqual(['FORBIDDEN']);
    const tooLong = await gql(
      operation('DraftProcess'),
      {
        input: {
          procedureCode: node.code,
          unitCode: agency,
          steps: [{ name: 'Thẩm định', role: 'HANDLER', durationHours: target * 8 + 1 }],
        },
      },
      `iso.${agency}`,
    );
    expect(tooLong.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'steps' });
  });
});

describe('the change feed for replicas', () => {
  // Replicas read the feed from the catalog directly, thousands a page; through the gateway a page
  // must stay within the query cost limit (docs/security.md), so this reads 100 at a time.
  const feed = `query($since: DateTime, $after: String) { catalogChanges(since: $since, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { changedAt procedure { code level } targetTime { ownerPath targetDays procedure { code } }
      process { id version ownerPath effectiveFrom steps { order durationHours } } } } } }`;

  async function readAll(since?: string) {
    const nodes: any[] = [];
    let after: string | null = null;
    for (;;) {
      const { data, errors }: any = await gql(feed, { since, after });
      expect(errors).toBeUndefined();
      nodes.push(...data.catalogChanges.edges.map((e: any) => e.node));
      if (!data.catalogChanges.pageInfo.hasNextPage) return nodes;
      after = data.catalogChanges.pageInfo.endCursor;
    }
  }

  it('pages through every procedure, target time and approved process, oldest first; then only what changed', async () => {
    const all = await readAll();
    expect(all.filter((n) => n.procedure).length).toBeGreaterThan(1300);
    expect(all.filter((n) => n.targetTime).length).toBeGreaterThan(1000);
    expect(all.filter((n) => n.process).length).toBeGreaterThan(1000);
    const times = all.map((n) => Date.parse(n.changedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const since = all[all.length - 1].changedAt;

    // A procedure the province keeps templates for (not a ministry's).
    const code = all.find((n) => n.procedure && n.procedure.level !== 'MINISTRY')!.procedure.code;
    const steps = [{ name: 'Thẩm định', role: 'HANDLER', durationHours: 1 }];
    const draft = await gql(
      operation('DraftProcess'),
      { input: { procedureCode: code, unitCode: '96', steps } },
      'iso.96',
    );
    const draftId = draft.data.draftProcess.process.id;
    expect((await readAll(since)).some((n) => n.process?.id === draftId)).toBe(false);
    const approved = await gql(
      operation('ApproveProcess'),
      { input: { processId: draftId, effectiveFrom: addDays(todayInVietnam(), 3) } },
      'leader.96',
    );
    expect(approved.errors).toBeUndefined();
    const changed = await readAll(since);
    expect(changed.length).toBeLessThan(10);
    expect(changed.find((n) => n.process?.id === draftId).process).toMatchObject({
      ownerPath: '/VN/96/',
      steps: [{ order: 1, durationHours: 1 }],
    });
  });
});

describe('overdue reviews for the audit service', () => {
  it('lists the owners with processes past their review date, to a SYSTEM_ADMIN only', async () => {
    const query = `query($on: Date) { overdueReviewOwners(on: $on) { ownerUnitId ownerPath processes } }`;
    const { data, errors } = await gql(query, {}, 'admin');
    expect(errors).toBeUndefined();
    // The seed's older legal change is past its three months for most owners of its procedures.
    expect(data.overdueReviewOwners.length).toBeGreaterThan(0);
    expect(
      data.overdueReviewOwners.every((o: any) => o.processes > 0 && o.ownerPath.startsWith('/VN/')),
    ).toBe(true);
    const longAgo = await gql(query, { on: '2000-01-01' }, 'admin');
    expect(longAgo.data.overdueReviewOwners).toEqual([]);
    expect(errorCodes(await gql(query, {}, 'leader.22'))).toEqual(['FORBIDDEN']);
  });
});
