/**
 * The org subgraph on real PostgreSQL, reached directly as the gateway reaches it: signed requests
 * only, batched reference resolution, keyset pages.
 */
import { createTestDatabase, type TestDatabase } from '@eiso/db';
import { errorCodes, postGraphQL, postSigned, testEnv, type StackEnv } from '@eiso/testing';
import { signCallerContext, type Caller } from '@eiso/auth';
import { orgModule, type RunningOrgService } from '../src';

const SYSTEM: Caller = { kind: 'anonymous' };

let database: TestDatabase;
let env: StackEnv;
let org: RunningOrgService;

beforeAll(async () => {
  database = await createTestDatabase();
  env = testEnv(database.url);
  await orgModule.migrate(env);
  await orgModule.seed(env, { provinceCodes: ['22', '96'] });
  org = await orgModule.start(env);
});

afterAll(async () => {
  await org?.stop();
  await database?.drop();
});

const ask = <T = Record<string, any>>(
  query: string,
  variables: Record<string, unknown> = {},
  caller = SYSTEM,
) => postSigned<T>(org.url, query, variables, caller, env.GATEWAY_SIGNING_SECRET);

describe('requests that the gateway did not sign', () => {
  const query = '{ unit(code: "22") { name } }';

  it('are refused with UNAUTHENTICATED when unsigned', async () => {
    const response = await postGraphQL(org.url, query);
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.data).toBeUndefined();
  });

  it('are refused when signed with another secret', async () => {
    const response = await postSigned(org.url, query, {}, SYSTEM, 'x'.repeat(64));
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('are refused when the signature is old (a replay)', async () => {
    const headers = signCallerContext(
      SYSTEM,
      { requestId: 'r-00000001', query },
      env.GATEWAY_SIGNING_SECRET,
      Date.now() - 120_000,
    );
    const response = await postGraphQL(org.url, query, {}, { ...headers, 'x-request-id': 'r-00000001' });
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('are refused once the signature is more than 10 seconds old', async () => {
    const headers = signCallerContext(
      SYSTEM,
      { requestId: 'r-00000003', query },
      env.GATEWAY_SIGNING_SECRET,
      Date.now() - 11_000,
    );
    const response = await postGraphQL(org.url, query, {}, { ...headers, 'x-request-id': 'r-00000003' });
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('are refused when a valid signature is replayed under another request id', async () => {
    const headers = signCallerContext(SYSTEM, { requestId: 'r-00000004', query }, env.GATEWAY_SIGNING_SECRET);
    const response = await postGraphQL(org.url, query, {}, { ...headers, 'x-request-id': 'r-00000005' });
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('are refused when a valid signature is pasted onto another operation', async () => {
    const headers = signCallerContext(SYSTEM, { requestId: 'r-00000002', query }, env.GATEWAY_SIGNING_SECRET);
    const other = '{ units(level: PROVINCE, first: 1) { totalCount } }';
    const response = await postGraphQL(org.url, other, {}, { ...headers, 'x-request-id': 'r-00000002' });
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('are refused when a valid signature is sent with other variables', async () => {
    const byCode = 'query($code: String!) { unit(code: $code) { id } }';
    const signedFor = { requestId: 'r-00000006', query: byCode, variables: { code: '22' } };
    const headers = {
      ...signCallerContext(SYSTEM, signedFor, env.GATEWAY_SIGNING_SECRET),
      'x-request-id': 'r-00000006',
    };
    expect((await postGraphQL(org.url, byCode, { code: '22' }, headers)).errors).toBeUndefined();
    const other = await postGraphQL(org.url, byCode, { code: '96' }, headers);
    expect(errorCodes(other)).toEqual(['UNAUTHENTICATED']);
  });

  it('leave /health open', async () => {
    const response = await fetch(org.url.replace('/graphql', '/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ service: 'org', status: 'ok', checks: { database: true } });
  });

  it('answer when signed', async () => {
    const response = await ask(query);
    expect(response.data).toEqual({ unit: { name: 'Quảng Ninh' } });
  });
});

describe('reference resolution', () => {
  const entities = `query($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on AdministrativeUnit { code parent { code } ancestors { code } }
    }
  }`;

  async function communeIds(first: number): Promise<string[]> {
    const response = await ask<{ units: { edges: { node: { id: string } }[] } }>(
      `query($first: Int!) { units(level: COMMUNE, first: $first) { edges { node { id } } } }`,
      { first },
    );
    return response.data!.units.edges.map((e) => e.node.id);
  }

  async function statementsFor(ids: string[]): Promise<number> {
    const before = org.statementCount();
    const response = await ask<{ _entities: { code: string }[] }>(entities, {
      representations: ids.map((id) => ({ __typename: 'AdministrativeUnit', id })),
    });
    expect(response.errors).toBeUndefined();
    expect(response.data!._entities).toHaveLength(ids.length);
    return org.statementCount() - before;
  }

  it('resolves 200 units, their parents and ancestors in the same few statements as 5', async () => {
    const ids = await communeIds(200);
    expect(ids).toHaveLength(200);
    const forFive = await statementsFor(ids.slice(0, 5));
    const forAll = await statementsFor(ids);
    // units by id, parents by id, ancestors by code: one statement each.
    expect(forFive).toBe(3);
    expect(forAll).toBe(3);
  });

  it('answers null for ids that name no unit, without failing the others', async () => {
    const [id] = await communeIds(1);
    const response = await ask(entities, {
      representations: [
        { __typename: 'AdministrativeUnit', id },
        { __typename: 'AdministrativeUnit', id: 'not-a-uuid' },
        { __typename: 'AdministrativeUnit', id: '00000000-0000-4000-8000-000000000000' },
      ],
    });
    expect(response.data!._entities[0]).toMatchObject({ parent: { code: expect.any(String) } });
    expect(response.data!._entities.slice(1)).toEqual([null, null]);
  });
});

describe('migrations and seed', () => {
  it('apply once: a second run has nothing to do', async () => {
    expect(await orgModule.migrate(env)).toEqual([]);
  });

  it('seed once: a second run changes nothing', async () => {
    expect(await orgModule.seed(env, { provinceCodes: ['22', '96'] })).toBe('org: already seeded');
  });
});

describe('the org schema and role', () => {
  it('the service works as eiso_org, which owns every org table', async () => {
    const { createOrgDataSource } = await import('../src');
    const { dataSource } = createOrgDataSource(env, 1);
    await dataSource.initialize();
    try {
      expect(await dataSource.query('SELECT current_user AS role')).toEqual([{ role: 'eiso_org' }]);
      const owners = await dataSource.query(
        `SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'org'`,
      );
      expect(owners).toEqual([{ tableowner: 'eiso_org' }]);
    } finally {
      await dataSource.destroy();
    }
  });
});
