/**
 * The contract's org operations through the real gateway, on the whole seeded demo country.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import { operation } from '@eiso/contract';
import { signToken } from '@eiso/auth';
import { bearer, errorCodes, postGraphQL, type Stack } from '@eiso/testing';
import { startEisoStack } from './support';

let stack: Stack;
let handlerToken: string;

beforeAll(async () => {
  stack = await startEisoStack({ services: ['org', 'catalog'] });
  handlerToken = await cliToken('handler.22');
}, 300_000);

afterAll(() => stack?.stop());

/** A token the way a developer gets one: `pnpm -s eiso token <username>`. */
async function cliToken(username: string): Promise<string> {
  const cli = path.join(__dirname, '..', '..', 'packages', 'cli');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=eiso-source', '--import', 'tsx', 'src/main.ts', 'token', username],
    {
      cwd: cli,
      env: {
        ...process.env,
        DATABASE_URL: stack.env.DATABASE_URL,
        TSX_TSCONFIG_PATH: path.join(cli, '..', '..', 'tsconfig.tsx.json'),
      },
    },
  );
  return stdout.trim();
}

const gql = <T = any>(
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) => postGraphQL<T>(stack.gatewayUrl, query, variables, headers);

describe('UnitByCode', () => {
  it('returns Quảng Ninh with its parent, ancestors, agencies and districts', async () => {
    const { data, errors } = await gql(operation('UnitByCode'), { code: '22' });
    expect(errors).toBeUndefined();
    expect(data.unit).toMatchObject({
      code: '22',
      name: 'Quảng Ninh',
      level: 'PROVINCE',
      kind: 'PEOPLES_COMMITTEE',
      provinceCode: '22',
      parent: { code: 'VN', level: 'NATIONAL' },
      ancestors: [{ code: 'VN', level: 'NATIONAL' }],
    });
    const children = data.unit.children.edges.map((e: any) => e.node);
    expect(data.unit.children.totalCount).toBe(children.length);
    expect(children.filter((c: any) => c.kind === 'AGENCY').length).toBeGreaterThanOrEqual(10);
    expect(children.filter((c: any) => c.level === 'DISTRICT').length).toBeGreaterThanOrEqual(5);
    expect(children.every((c: any) => c.level === 'PROVINCE' || c.level === 'DISTRICT')).toBe(true);
  });

  it('gives a commune its whole chain of ancestors, root first', async () => {
    const communes = await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 1 });
    const code = communes.data.units.edges[0].node.code;
    const { data } = await gql(operation('UnitByCode'), { code });
    expect(data.unit.ancestors.map((a: any) => a.level)).toEqual(['NATIONAL', 'PROVINCE', 'DISTRICT']);
    expect(data.unit.ancestors[1].code).toBe('22');
    expect(data.unit.parent.code).toBe(data.unit.ancestors[2].code);
  });

  it('answers null for a code that names no unit', async () => {
    const response = await gql(operation('UnitByCode'), { code: 'NO-SUCH-UNIT' });
    expect(response.errors).toBeUndefined();
    expect(response.data.unit).toBeNull();
  });
});

describe('UnitsByLevel', () => {
  const count = async (level: string, underCode?: string) =>
    (await gql(operation('UnitsByLevel'), { level, underCode, first: 0 })).data.units.totalCount;

  it('counts the country: 63 provinces, 22 ministries, 696 districts, 10,035 communes', async () => {
    expect(await count('NATIONAL')).toBe(1);
    expect(await count('PROVINCE')).toBe(63);
    expect(await count('MINISTRY')).toBe(22);
    expect(await count('DISTRICT')).toBe(696);
    expect(await count('COMMUNE')).toBe(10_035);
  });

  it('pages through all 63 provinces in code order without gaps or repeats', async () => {
    const codes: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { data }: any = await gql(operation('UnitsByLevel'), { level: 'PROVINCE', first: 25, after });
      codes.push(...data.units.edges.map((e: any) => e.node.code));
      if (!data.units.pageInfo.hasNextPage) break;
      after = data.units.pageInfo.endCursor;
    }
    expect(codes).toHaveLength(63);
    expect(codes).toEqual([...codes].sort());
    expect(new Set(codes).size).toBe(63);
    expect(codes[0]).toBe('01');
    expect(codes[62]).toBe('96');
  });

  it('narrows to one province: every commune under 22 belongs to 22', async () => {
    const total = await count('COMMUNE', '22');
    expect(total).toBeGreaterThan(20);
    const { data } = await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 200 });
    expect(data.units.edges.every((e: any) => e.node.provinceCode === '22')).toBe(true);
    const districts = await count('DISTRICT', '22');
    const all = await Promise.all(['01', '22', '96'].map((code) => count('DISTRICT', code)));
    expect(all[1]).toBe(districts);
  });

  it('refuses first over 200, a negative first, and cursors eiso did not issue', async () => {
    for (const variables of [
      { level: 'PROVINCE', first: 201 },
      { level: 'PROVINCE', first: -1 },
      { level: 'PROVINCE', first: 10, after: 'bm90LWEtY3Vyc29y' },
      { level: 'PROVINCE', first: 10, after: 'WyJ1bml0IiwiMjIiXQ.forged-mac-forged-mac00' },
    ]) {
      const response = await gql(operation('UnitsByLevel'), variables);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.data).toBeNull();
    }
  });

  it('refuses an unknown ancestor code, naming the field', async () => {
    const response = await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '9999', first: 5 });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors![0].extensions!.field).toBe('underCode');
  });

  it('refuses a level that does not exist', async () => {
    const response = await gql(operation('UnitsByLevel'), { level: 'VILLAGE', first: 5 });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('sign-in', () => {
  const me = '{ me { username name roles unit { code name level } } }';

  it('a token from `eiso token handler.22` makes `me` answer', async () => {
    const { data, errors } = await gql(me, {}, bearer(handlerToken));
    expect(errors).toBeUndefined();
    expect(data.me).toMatchObject({
      username: 'handler.22',
      roles: ['HANDLER'],
      unit: { code: '22', level: 'PROVINCE' },
    });
  });

  it('anonymous callers get UNAUTHENTICATED from `me` but may read the public tree', async () => {
    expect(errorCodes(await gql(me))).toEqual(['UNAUTHENTICATED']);
    expect((await gql('{ unit(code: "22") { name } }')).data).toEqual({ unit: { name: 'Quảng Ninh' } });
  });

  it('a token signed by another key is refused', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const forged = await signToken(
      {
        officialId: '00000000-0000-4000-8000-000000000000',
        username: 'admin',
        unitId: 'x',
        unitCode: 'VN',
        unitPath: '/VN/',
        roles: ['SYSTEM_ADMIN'],
      },
      { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    );
    const response = await gql(me, {}, bearer(forged));
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('an expired token, a token for another audience and a tampered token are refused', async () => {
    const subject = {
      officialId: 'x',
      username: 'handler.22',
      unitId: 'x',
      unitCode: '22',
      unitPath: '/VN/22/',
      roles: ['HANDLER'],
    };
    const expired = await signToken(subject, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const otherAudience = await signToken(subject, { audience: 'someone-else' });
    const [h, p, s] = handlerToken.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = [
      h,
      Buffer.from(JSON.stringify({ ...claims, roles: ['SYSTEM_ADMIN'] })).toString('base64url'),
      s,
    ].join('.');
    for (const token of [expired, otherAudience, tampered]) {
      expect(errorCodes(await gql(me, {}, bearer(token)))).toEqual(['UNAUTHENTICATED']);
    }
    expect(errorCodes(await gql(me, {}, { authorization: 'Basic YWRtaW46YWRtaW4=' }))).toEqual([
      'UNAUTHENTICATED',
    ]);
  });
});

describe('unit scope', () => {
  const officialsOf = `query($code: String!) { unit(code: $code) { officials(first: 10) { totalCount edges { node { username roles } } } } }`;

  it("lists a unit's officials to officials of that unit and the units above it", async () => {
    const own = await gql(officialsOf, { code: '22' }, bearer(handlerToken));
    expect(own.data.unit.officials.edges.map((e: any) => e.node.username)).toEqual(
      expect.arrayContaining(['handler.22', 'leader.22', 'receiver.22', 'iso.22', 'auditor.22']),
    );
    const below = (await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 1 })).data
      .units.edges[0].node.code;
    const commune = await gql(officialsOf, { code: below }, bearer(handlerToken));
    expect(commune.data.unit.officials.totalCount).toBe(4);
  });

  it('refuses them to another province and to anonymous callers, and shows them to the ministry viewer', async () => {
    const otherProvince = await gql(officialsOf, { code: '01' }, bearer(handlerToken));
    expect(otherProvince.data.unit.officials).toBeNull();
    expect(errorCodes(otherProvince)).toEqual(['FORBIDDEN']);
    const anonymous = await gql(officialsOf, { code: '22' });
    expect(anonymous.data.unit.officials).toBeNull();
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    const viewer = await cliToken('viewer.BKHCN');
    expect((await gql(officialsOf, { code: '01' }, bearer(viewer))).data.unit.officials.totalCount).toBe(5);
  });

  it('answers NOT_FOUND for an official of another province, as for one that does not exist', async () => {
    const official = `query($u: String!) { official(username: $u) { username } }`;
    expect((await gql(official, { u: 'leader.22' }, bearer(handlerToken))).data.official.username).toBe(
      'leader.22',
    );
    expect(errorCodes(await gql(official, { u: 'leader.01' }, bearer(handlerToken)))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(official, { u: 'nobody.here' }, bearer(handlerToken)))).toEqual([
      'NOT_FOUND',
    ]);
  });
});

describe('the gateway', () => {
  it('keeps a caller-supplied request id and makes one when there is none', async () => {
    const ask = (headers: Record<string, string>) =>
      fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ unit(code: "VN") { code } }' }),
      });
    expect((await ask({ 'x-request-id': 'trace-abc-12345' })).headers.get('x-request-id')).toBe(
      'trace-abc-12345',
    );
    const made = (await ask({ 'x-request-id': 'bad id with spaces' })).headers.get('x-request-id');
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports each subgraph on /health, and says degraded while one is down', async () => {
    // This stack runs org and catalog only: the dossier subgraph of the supergraph is not there.
    const response = await fetch(stack.gatewayUrl.replace('/graphql', '/health'));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: 'degraded',
      subgraphs: {
        org: { status: 'ok' },
        catalog: { status: 'ok' },
        dossier: { status: 'down' },
        audit: { status: 'down' },
        notification: { status: 'down' },
      },
    });
  });

  it('answers queries sent with GET, and refuses mutations over GET', async () => {
    const url = new URL(stack.gatewayUrl);
    url.searchParams.set('query', 'query($c: String!) { unit(code: $c) { name } }');
    url.searchParams.set('variables', JSON.stringify({ c: '22' }));
    expect(await (await fetch(url)).json()).toEqual({ data: { unit: { name: 'Quảng Ninh' } } });
    url.searchParams.set('query', 'mutation { noSuchMutation }');
    const refused = await fetch(url);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect((await refused.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('answers malformed queries and bodies with BAD_USER_INPUT, never an internal error', async () => {
    expect(errorCodes(await gql('{ unit(code: "22") { name '))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await gql('{ unit(code: "22") { noSuchField } }'))).toEqual(['BAD_USER_INPUT']);
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('the official directory', () => {
  it('pages through every official for a SYSTEM_ADMIN and is refused to others', async () => {
    const admin = await cliToken('admin');
    // The services read the directory from org directly, 5,000 a page; through the gateway a page
    // must stay within the query cost limit, so this reads 1,000 at a time.
    const query = `query($after: String) { officialDirectory(first: 1000, after: $after) { next entries { id username unitPath roles } } }`;
    let after: string | null = null;
    let count = 0;
    do {
      const { data, errors }: any = await gql(query, { after }, bearer(admin));
      expect(errors).toBeUndefined();
      count += data.officialDirectory.entries.length;
      after = data.officialDirectory.next;
    } while (after);
    expect(count).toBeGreaterThan(45_000);
    expect(errorCodes(await gql(query, {}, bearer(handlerToken)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(query, {}))).toEqual(['UNAUTHENTICATED']);
  });
});
