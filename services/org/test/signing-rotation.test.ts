/**
 * Rotating GATEWAY_SIGNING_SECRET without a flag day (docs/operations.md, "Rotating keys"), on a
 * real org subgraph started from its real configuration: during the rotation
 * (GATEWAY_SIGNING_SECRET=new, GATEWAY_SIGNING_SECRET_PREVIOUS=old) it answers requests signed by
 * either secret and still reads the cursors it issued under the old one; it refuses a third secret;
 * once PREVIOUS is unset, the old secret and its cursors are refused.
 */
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@eiso/db';
import { errorCodes, postSigned, testEnv, type StackEnv } from '@eiso/testing';
import type { Caller } from '@eiso/auth';
import { orgModule, type RunningOrgService } from '../src';

const ANONYMOUS: Caller = { kind: 'anonymous' };
const OLD = randomBytes(32).toString('hex');
const NEW = randomBytes(32).toString('hex');
const THIRD = randomBytes(32).toString('hex');

const FIRST_PAGE = `query Page($after: String) {
  units(level: DISTRICT, underCode: "22", first: 1, after: $after) { edges { cursor node { code } } }
}`;

let database: TestDatabase;
let env: StackEnv;
const running: RunningOrgService[] = [];

/** An org subgraph with these signing variables (PREVIOUS left out when undefined). */
async function orgWith(secret: string, previous?: string): Promise<RunningOrgService> {
  const org = await orgModule.start({
    ...env,
    GATEWAY_SIGNING_SECRET: secret,
    ...(previous ? { GATEWAY_SIGNING_SECRET_PREVIOUS: previous } : {}),
  });
  running.push(org);
  return org;
}

type Page = { units: { edges: { cursor: string; node: { code: string } }[] } };
const page = (org: RunningOrgService, secret: string, after?: string) =>
  postSigned<Page>(org.url, FIRST_PAGE, after ? { after } : {}, ANONYMOUS, secret);

beforeAll(async () => {
  database = await createTestDatabase();
  env = testEnv(database.url);
  await orgModule.migrate(env);
  await orgModule.seed(env, { provinceCodes: ['22'] });
});

afterAll(async () => {
  for (const org of running) await org.stop();
  await database?.drop();
});

describe('rotating GATEWAY_SIGNING_SECRET', () => {
  let before: RunningOrgService;
  let during: RunningOrgService;
  let after: RunningOrgService;
  let oldCursor: string;
  let newCursor: string;

  beforeAll(async () => {
    [before, during, after] = await Promise.all([orgWith(OLD), orgWith(NEW, OLD), orgWith(NEW)]);
    const first = await page(before, OLD);
    expect(first.status).toBe(200);
    oldCursor = first.data!.units.edges[0].cursor;
  });

  it('during the rotation, a subgraph answers requests signed with the new or the previous secret', async () => {
    for (const secret of [NEW, OLD]) {
      const response = await page(during, secret);
      expect(response.status).toBe(200);
      expect(response.errors).toBeUndefined();
      expect(response.data!.units.edges).toHaveLength(1);
    }
    newCursor = (await page(during, NEW)).data!.units.edges[0].cursor;
  });

  it('during the rotation, it refuses a third secret', async () => {
    const response = await page(during, THIRD);
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.data).toBeUndefined();
  });

  it('during the rotation, a cursor issued under the old secret still pages on', async () => {
    const next = await page(during, NEW, oldCursor);
    expect(next.errors).toBeUndefined();
    const first = (await page(before, OLD)).data!.units.edges[0].node.code;
    expect(next.data!.units.edges[0].node.code).not.toBe(first);
  });

  it('after PREVIOUS is unset, the old secret is refused and the new one answers', async () => {
    const refused = await page(after, OLD);
    expect(refused.status).toBe(401);
    expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
    const answered = await page(after, NEW);
    expect(answered.status).toBe(200);
    expect(answered.errors).toBeUndefined();
  });

  it("after PREVIOUS is unset, the old secret's cursors are refused and the new one's page on", async () => {
    expect(errorCodes(await page(after, NEW, oldCursor))).toEqual(['BAD_USER_INPUT']);
    const next = await page(after, NEW, newCursor);
    expect(next.errors).toBeUndefined();
    expect(next.data!.units.edges).toHaveLength(1);
  });

  it('before the rotation, a subgraph on the old secret refuses the new one (why PREVIOUS rolls out first)', async () => {
    expect(errorCodes(await page(before, NEW))).toEqual(['UNAUTHENTICATED']);
  });
});
