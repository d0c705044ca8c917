/**
 * Limits at the gateway (docs/security.md): query depth, aliases, directives, tokens and cost
 * refused with QUERY_TOO_COMPLEX while every contract operation passes; the body size limit;
 * batches refused; Redis-backed rate limits (RATE_LIMITED, 429, Retry-After) that two gateway
 * replicas share; and production mode's errors and introspection.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { contractOperations } from '@eiso/contract';
import { createLogger } from '@eiso/logging';
import { bearer, errorCodes, postGraphQL, type Stack } from '@eiso/testing';
import { parse, validate } from 'graphql';
import { loadGatewayConfig, startGateway, SUPERGRAPH_PATH, type RunningGateway } from '../src';
import { queryLimitRules } from '../src/limits';
import { startEisoStack, tokenFor } from './support';

let stack: Stack;
const started: RunningGateway[] = [];

beforeAll(async () => {
  stack = await startEisoStack({ provinceCodes: ['22'], services: ['org'] });
}, 180_000);

afterAll(async () => {
  for (const gateway of started) await gateway.stop();
  await stack?.stop();
});

/** One more gateway on the stack's subgraphs, with these variables over the stack's. */
async function gatewayWith(env: Record<string, string>): Promise<RunningGateway> {
  const config = loadGatewayConfig({ ...stack.env, ...env });
  const gateway = await startGateway(config, createLogger('gateway', stack.env.LOG_LEVEL));
  started.push(gateway);
  return gateway;
}

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('query limits', () => {
  const defaults = loadGatewayConfig({});
  const limits = {
    maxDepth: defaults.QUERY_MAX_DEPTH,
    maxAliases: defaults.QUERY_MAX_ALIASES,
    maxDirectives: defaults.QUERY_MAX_DIRECTIVES,
    maxTokens: defaults.QUERY_MAX_TOKENS,
    maxCost: defaults.QUERY_MAX_COST,
  };

  it('accept every contract operation by a margin of at least 1.5 on each measure', () => {
    const schema = Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema().toGraphQLJSSchema();
    // The same rules at two thirds of each default: every operation still passes.
    const tight = queryLimitRules({
      maxDepth: Math.floor(limits.maxDepth / 1.5),
      maxAliases: Math.floor(limits.maxAliases / 1.5),
      maxDirectives: Math.floor(limits.maxDirectives / 1.5),
      maxTokens: Math.floor(limits.maxTokens / 1.5),
      maxCost: Math.floor(limits.maxCost / 1.5),
    });
    const operations = [...contractOperations().values()];
    expect(operations.length).toBeGreaterThan(30);
    for (const op of operations) {
      expect(() => parse(op.text, { maxTokens: Math.floor(limits.maxTokens / 1.5) })).not.toThrow();
      expect([op.name, validate(schema, op.document, tight).map((e) => e.message)]).toEqual([op.name, []]);
    }
  });

  it('let every contract operation through the running gateway (no QUERY_TOO_COMPLEX)', async () => {
    for (const op of contractOperations().values()) {
      // Without variables each one stops at variable coercion or sign-in — after the limits.
      const response = await postGraphQL(stack.gatewayUrl, op.text, {});
      expect([op.name, errorCodes(response).includes('QUERY_TOO_COMPLEX')]).toEqual([op.name, false]);
    }
  });

  const refused = async (query: string, what: RegExp) => {
    const response = await postGraphQL(stack.gatewayUrl, query);
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(errorCodes(response)).toContain('QUERY_TOO_COMPLEX');
    const error = response.errors!.find((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX')!;
    expect(error.message).toMatch(what);
    expect(Object.keys(error.extensions!)).toEqual(['code']);
  };

  it(`refuse depth over ${limits.maxDepth}`, async () => {
    const nested = 'parent { '.repeat(limits.maxDepth) + 'code' + ' }'.repeat(limits.maxDepth);
    await refused(`{ unit(code: "22") { ${nested} } }`, /depth.*limit of 12 exceeded, found 14/);
    // At the limit it runs.
    const atLimit = 'parent { '.repeat(limits.maxDepth - 2) + 'code' + ' }'.repeat(limits.maxDepth - 2);
    const ok = await postGraphQL(stack.gatewayUrl, `{ unit(code: "22") { ${atLimit} } }`);
    expect(ok.errors).toBeUndefined();
  });

  it(`refuse more than ${limits.maxAliases} aliases`, async () => {
    const aliases = Array.from(
      { length: limits.maxAliases + 1 },
      (_, i) => `u${i}: unit(code: "22") { code }`,
    );
    await refused(`{ ${aliases.join(' ')} }`, /aliases.*limit of 15 exceeded, found 16/i);
  });

  it(`refuse more than ${limits.maxDirectives} directives`, async () => {
    const fields = Array.from({ length: limits.maxDirectives + 1 }, () => '__typename @include(if: true)');
    await refused(`{ ${fields.join(' ')} }`, /directives.*limit of 10 exceeded, found 11/i);
  });

  it(`refuse more than ${limits.maxTokens} tokens before parsing the rest`, async () => {
    await refused(`{ ${'__typename '.repeat(limits.maxTokens)} }`, /tokens.*limit of 1000 tokens/);
  });

  it(`refuse a cost over ${limits.maxCost} (nested pages of 200)`, async () => {
    await refused(
      `{ units(level: PROVINCE, first: 200) { edges { node { children(first: 200) { edges { node { code } } } } } } }`,
      /cost.*limit of 20000 exceeded/i,
    );
  });
});

describe('request size and batching', () => {
  it('refuses a 2 MB body with 413 and BAD_USER_INPUT', async () => {
    const body = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    const response = await post(stack.gatewayUrl, body);
    expect(response.status).toBe(413);
    const json = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(json.errors).toEqual([
      { message: 'Request body too large', extensions: { code: 'BAD_USER_INPUT' } },
    ]);
  });

  it('refuses a batch (a JSON array of operations) with 400 and BAD_USER_INPUT', async () => {
    const one = { query: '{ unit(code: "22") { code } }' };
    const response = await post(stack.gatewayUrl, JSON.stringify([one, one]));
    expect(response.status).toBe(400);
    const json = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(json.errors.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect(json.errors[0].message).toMatch(/batching/i);
  });
});

describe('rate limits', () => {
  const query = '{ unit(code: "22") { code } }';

  it('two gateways sharing one Redis prefix spend one budget per address; the 429 says when to retry', async () => {
    const shared = {
      QUEUE_PREFIX: `eiso-test-rl-${randomBytes(4).toString('hex')}`,
      RATE_LIMIT_PER_ADDRESS: '5',
    };
    const [a, b] = [await gatewayWith(shared), await gatewayWith(shared)];
    for (const url of [a.url, b.url, a.url, b.url, a.url]) {
      expect((await postGraphQL(url, query)).errors).toBeUndefined();
    }
    for (const url of [b.url, a.url]) {
      const response = await post(url, JSON.stringify({ query }));
      expect(response.status).toBe(429);
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      const json = (await response.json()) as {
        errors: { message: string; extensions: Record<string, unknown> }[];
      };
      expect(json.errors).toHaveLength(1);
      expect(json.errors[0].extensions.code).toBe('RATE_LIMITED');
      expect(json.errors[0].message).toMatch(
        /Too many requests from this address: at most 5 every 60 s\. Retry in \d+ s\./,
      );
    }
  });

  it('an official has a budget of their own, shared across replicas and apart from the address', async () => {
    const shared = {
      QUEUE_PREFIX: `eiso-test-rl-${randomBytes(4).toString('hex')}`,
      RATE_LIMIT_PER_OFFICIAL: '3',
      RATE_LIMIT_PER_ADDRESS: '100',
    };
    const [a, b] = [await gatewayWith(shared), await gatewayWith(shared)];
    const handler = bearer(await tokenFor(stack, 'handler.22'));
    const leader = bearer(await tokenFor(stack, 'leader.22'));
    for (const url of [a.url, b.url, a.url])
      expect((await postGraphQL(url, '{ me { username } }', {}, handler)).errors).toBeUndefined();
    const over = await postGraphQL(b.url, '{ me { username } }', {}, handler);
    expect(over.status).toBe(429);
    expect(errorCodes(over)).toEqual(['RATE_LIMITED']);
    expect(over.errors![0].message).toMatch(/this official: at most 3/);
    // Another official, and the address itself, still have theirs.
    expect((await postGraphQL(a.url, '{ me { username } }', {}, leader)).errors).toBeUndefined();
    expect((await postGraphQL(a.url, query)).errors).toBeUndefined();
  });

  it('behind a trusted proxy each X-Forwarded-For client has its own budget; untrusted, the header is ignored', async () => {
    const prefix = () => `eiso-test-rl-${randomBytes(4).toString('hex')}`;
    const trusting = await gatewayWith({
      QUEUE_PREFIX: prefix(),
      RATE_LIMIT_PER_ADDRESS: '2',
      TRUST_PROXY: 'loopback',
    });
    const plain = await gatewayWith({ QUEUE_PREFIX: prefix(), RATE_LIMIT_PER_ADDRESS: '2' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    for (const ip of ['203.0.113.1', '203.0.113.1', '203.0.113.2', '203.0.113.2'])
      expect((await postGraphQL(trusting.url, query, {}, from(ip))).status).toBe(200);
    expect((await postGraphQL(trusting.url, query, {}, from('203.0.113.1'))).status).toBe(429);
    const statuses = [];
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
      statuses.push((await postGraphQL(plain.url, query, {}, from(ip))).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('with Redis unreachable, requests still flow and each replica counts the budget itself', async () => {
    const gateway = await gatewayWith({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_PER_ADDRESS: '3' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await postGraphQL(gateway.url, query)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('production mode', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    // A real key pair (production refuses the development key) and the stack's random secret.
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    gateway = await gatewayWith({
      NODE_ENV: 'production',
      JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      REDIS_URL: stack.env.REDIS_URL,
      QUEUE_PREFIX: `eiso-test-prod-${randomBytes(4).toString('hex')}`,
      // A subgraph nobody answers: the fetch fails inside the gateway.
      DOSSIER_URL: 'http://127.0.0.1:1/graphql',
    });
  });

  it('an unreachable subgraph is INTERNAL_SERVER_ERROR with nothing internal in the answer', async () => {
    const response = await postGraphQL(
      gateway.url,
      '{ dossierStatus(code: "22-250101-0001", pin: "123456") { code } }',
    );
    expect(errorCodes(response)).toEqual(['INTERNAL_SERVER_ERROR']);
    const text = JSON.stringify(response);
    expect(text).not.toMatch(/127\.0\.0\.1|localhost|:1\/graphql|ECONNREFUSED|http:\/\//);
    expect(text).not.toMatch(/stack|stacktrace|\.ts:|\.js:|node_modules|\/work\/|at [A-Za-z.]+ \(/i);
    expect(text).not.toMatch(/SELECT|INSERT|postgres/i);
    expect(response.errors![0].message).toBe('Internal server error');
    expect(Object.keys(response.errors![0].extensions!)).toEqual(['code']);
  });

  it('refuses introspection and hides field suggestions', async () => {
    const introspection = await postGraphQL(gateway.url, '{ __schema { types { name } } }');
    expect(introspection.data).toBeUndefined();
    expect(errorCodes(introspection)).toEqual(['BAD_USER_INPUT']);
    expect(introspection.errors![0].message).toMatch(/introspection is not allowed/i);
    const typo = await postGraphQL(gateway.url, '{ unit(code: "22") { nam } }');
    expect(errorCodes(typo)).toEqual(['BAD_USER_INPUT']);
    expect(typo.errors![0].message).toBe('Cannot query field "nam" on type "AdministrativeUnit".');
  });

  it('serves no explorer page', async () => {
    const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    const body = await page.text();
    expect(body).not.toMatch(/<html|sandbox|explorer|embeddable/i);
  });

  it('outside production, suggestions stay (introspection is on)', async () => {
    const typo = await postGraphQL(stack.gatewayUrl, '{ unit(code: "22") { nam } }');
    expect(typo.errors![0].message).toMatch(/Did you mean "name"/);
  });
});
