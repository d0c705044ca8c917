import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { GraphQLError } from 'graphql';
import {
  ANONYMOUS,
  CALLER_HEADER,
  CLOCK_SKEW_MS,
  DEFAULT_MAX_AGE_MS,
  ROLES,
  SIGNATURE_HEADER,
  signCallerContext,
  verifyCallerContext,
  type OfficialCaller,
} from '../src';

const SECRET = 'test-gateway-signing-secret';
const NOW = 1_750_000_000_000;
const request = { requestId: 'req-1', query: '{ me { id } }' };

const official: OfficialCaller = {
  kind: 'official',
  officialId: 'off-1',
  username: 'nguyenvana',
  unitId: 'unit-193',
  unitCode: '193',
  unitPath: '/VN/22/193/',
  roles: ['RECEIVER', 'HANDLER'],
};

function headersOf(signed: Record<string, string>) {
  return { caller: signed[CALLER_HEADER], signature: signed[SIGNATURE_HEADER] };
}

/** Signs `payload` the way the gateway does, without going through the typed signer. */
function signRaw(payload: unknown, req = request, secret = SECRET, now = NOW) {
  const caller = Buffer.from(JSON.stringify(payload)).toString('base64url');
  // The operation hash covers the query and its variables (none here: `{}`).
  const queryHash = createHash('sha256').update(`${req.query}\n{}`).digest('hex');
  const mac = createHmac('sha256', secret)
    .update(`${now}.${req.requestId}.${caller}.${queryHash}`)
    .digest('hex');
  return { caller, signature: `t=${now},v1=${mac}` };
}

function refusal(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error('expected the caller context to be refused');
}

function expectRefused(run: () => unknown) {
  expect(refusal(run).extensions.code).toBe('UNAUTHENTICATED');
}

const segment = fc.string({ minLength: 1, maxLength: 8, unit: 'binary' }).filter((s) => !s.includes('/'));
const officialCaller: fc.Arbitrary<OfficialCaller> = fc.record({
  kind: fc.constant('official' as const),
  officialId: fc.string({ minLength: 1, unit: 'binary' }),
  username: fc.string({ minLength: 1, unit: 'binary' }),
  unitId: fc.uuid(),
  unitCode: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.-]{0,10}$/),
  unitPath: fc.array(segment, { minLength: 1, maxLength: 5 }).map((codes) => `/${codes.join('/')}/`),
  roles: fc.subarray([...ROLES]),
});

describe('signCallerContext / verifyCallerContext', () => {
  it('round-trips any official caller', () => {
    fc.assert(
      fc.property(officialCaller, fc.string(), fc.string(), (caller, requestId, query) => {
        const req = { requestId, query };
        const headers = headersOf(signCallerContext(caller, req, SECRET, NOW));
        expect(verifyCallerContext(headers, req, SECRET, { now: NOW })).toEqual(caller);
      }),
    );
  });

  it('round-trips the anonymous caller', () => {
    const headers = headersOf(signCallerContext(ANONYMOUS, request, SECRET, NOW));
    expect(verifyCallerContext(headers, request, SECRET, { now: NOW })).toEqual({ kind: 'anonymous' });
  });

  it('writes the signature as t=<ms>,v1=<64 hex>', () => {
    const signed = signCallerContext(official, request, SECRET, NOW);
    expect(signed[SIGNATURE_HEADER]).toMatch(new RegExp(`^t=${NOW},v1=[0-9a-f]{64}$`));
  });
});

describe('verifyCallerContext refuses with UNAUTHENTICATED', () => {
  const good = headersOf(signCallerContext(official, request, SECRET, NOW));
  const verify = (
    headers: { caller?: string; signature?: string },
    req = request,
    secret = SECRET,
    now = NOW,
  ) => verifyCallerContext(headers, req, secret, { now });

  it('when a header is missing or empty', () => {
    expectRefused(() => verify({}));
    expectRefused(() => verify({ caller: good.caller }));
    expectRefused(() => verify({ signature: good.signature }));
    expectRefused(() => verify({ caller: '', signature: good.signature }));
  });

  it('when the signature was made for another query text', () => {
    expectRefused(() => verify(good, { ...request, query: '{ me { id roles } }' }));
  });

  it('when the variables differ from those signed (keys in another order sign alike)', () => {
    const signed = { ...request, variables: { id: 'a', input: { first: 5, after: null } } };
    const headers = headersOf(signCallerContext(official, signed, SECRET, NOW));
    const reordered = { ...request, variables: { input: { after: null, first: 5 }, id: 'a' } };
    expect(verify(headers, reordered)).toEqual(official);
    expectRefused(() =>
      verify(headers, { ...request, variables: { id: 'b', input: { first: 5, after: null } } }),
    );
    expectRefused(() => verify(headers, request));
    // No variables, null and {} are the same request.
    const bare = headersOf(signCallerContext(official, request, SECRET, NOW));
    expect(verify(bare, { ...request, variables: {} })).toEqual(official);
    expect(verify(bare, { ...request, variables: null })).toEqual(official);
  });

  it('when the signature was made for another request id', () => {
    expectRefused(() => verify(good, { ...request, requestId: 'req-2' }));
  });

  it('when the signature was made with another secret', () => {
    expectRefused(() => verify(good, request, 'another-secret'));
  });

  it('when any character of the caller header is changed', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(fc.nat(good.caller.length - 1), fc.constantFrom(...alphabet), (index, char) => {
        fc.pre(good.caller[index] !== char);
        const caller = good.caller.slice(0, index) + char + good.caller.slice(index + 1);
        expectRefused(() => verify({ ...good, caller }));
      }),
    );
  });

  it('when the caller is swapped for another validly encoded caller', () => {
    const admin = headersOf(
      signCallerContext({ ...official, roles: ['SYSTEM_ADMIN'] }, request, SECRET, NOW),
    );
    expectRefused(() => verify({ caller: admin.caller, signature: good.signature }));
  });

  it('when older than maxAgeMs (10 s) or dated ahead by more than the clock skew (2 s)', () => {
    expect(DEFAULT_MAX_AGE_MS).toBeLessThanOrEqual(10_000);
    expect(verify(good, request, SECRET, NOW + DEFAULT_MAX_AGE_MS)).toEqual(official);
    expect(verify(good, request, SECRET, NOW - CLOCK_SKEW_MS)).toEqual(official);
    expectRefused(() => verify(good, request, SECRET, NOW + DEFAULT_MAX_AGE_MS + 1));
    expectRefused(() => verify(good, request, SECRET, NOW - CLOCK_SKEW_MS - 1));
    expectRefused(() => verify(good, request, SECRET, NOW - DEFAULT_MAX_AGE_MS));
    expectRefused(() => verifyCallerContext(good, request, SECRET, { now: NOW + 1_001, maxAgeMs: 1_000 }));
  });

  it('when the signature header is malformed', () => {
    const mac = good.signature.split(',v1=')[1];
    const malformed = [
      `v1=${mac}`,
      `t=${NOW}`,
      `t=${NOW},v1=${mac.toUpperCase()}`,
      `t=${NOW},v1=${mac.slice(1)}`,
      `t=${NOW},v1=${mac}0`,
      `t=${NOW},v1=${mac},v1=${mac}`,
      `v1=${mac},t=${NOW}`,
      `t=-${NOW},v1=${mac}`,
      `t=${NOW}.5,v1=${mac}`,
      ` t=${NOW},v1=${mac}`,
      `t=${NOW}, v1=${mac}`,
      `t=${NOW},v1=${mac}\n`,
      `t=1${NOW}0000,v1=${mac}`,
    ];
    for (const signature of malformed) expectRefused(() => verify({ caller: good.caller, signature }));
  });

  it('when a correctly signed caller does not match the caller schema', () => {
    const bogus: unknown[] = [
      { kind: 'official', officialId: 'x' },
      { ...official, roles: ['KING'] },
      { ...official, unitPath: 'VN/22/' },
      { ...official, unitPath: '/VN//22/' },
      { ...official, username: '' },
      { kind: 'root' },
      'anonymous',
      null,
    ];
    for (const payload of bogus) expectRefused(() => verify(signRaw(payload)));
  });

  it('when a correctly signed caller header is not JSON', () => {
    const queryHash = createHash('sha256').update(`${request.query}\n{}`).digest('hex');
    const caller = Buffer.from('{not json').toString('base64url');
    const mac = createHmac('sha256', SECRET)
      .update(`${NOW}.${request.requestId}.${caller}.${queryHash}`)
      .digest('hex');
    expectRefused(() => verify({ caller, signature: `t=${NOW},v1=${mac}` }));
  });

  it('accepts the hand-made signature for a valid caller (so the refusals above are about the payload)', () => {
    expect(verify(signRaw(official))).toEqual(official);
  });
});

describe('verifyCallerContext during a rotation of the signing secret', () => {
  const NEXT = 'the-next-gateway-signing-secret';

  it('accepts a signature by any of the secrets it is given', () => {
    for (const signer of [SECRET, NEXT]) {
      const headers = headersOf(signCallerContext(official, request, signer, NOW));
      expect(verifyCallerContext(headers, request, [NEXT, SECRET], { now: NOW })).toEqual(official);
    }
  });

  it('refuses a signature by a secret it is not given, and the old one once it is dropped', () => {
    const third = headersOf(signCallerContext(official, request, 'a-third-secret', NOW));
    expectRefused(() => verifyCallerContext(third, request, [NEXT, SECRET], { now: NOW }));
    const old = headersOf(signCallerContext(official, request, SECRET, NOW));
    expectRefused(() => verifyCallerContext(old, request, [NEXT], { now: NOW }));
    expectRefused(() => verifyCallerContext(old, request, [], { now: NOW }));
  });

  it('still binds the request and the time, whichever secret signed', () => {
    const old = headersOf(signCallerContext(official, request, SECRET, NOW));
    expectRefused(() =>
      verifyCallerContext(old, { ...request, query: '{ other }' }, [NEXT, SECRET], { now: NOW }),
    );
    expectRefused(() =>
      verifyCallerContext(old, request, [NEXT, SECRET], { now: NOW + DEFAULT_MAX_AGE_MS + 1 }),
    );
  });
});
