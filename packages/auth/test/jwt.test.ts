import { generateKeyPairSync } from 'node:crypto';
import { GraphQLError } from 'graphql';
import * as jose from 'jose';
import {
  DEFAULT_AUDIENCE,
  DEV_ISSUER,
  createJwtVerifier,
  devPrivateKeyPem,
  devPublicKeyPem,
  isDevPublicKey,
  publicKeyBlocks,
  signToken,
  type JwtVerifier,
  type TokenSubject,
} from '../src';

const subject: TokenSubject = {
  officialId: 'off-1',
  username: 'nguyenvana',
  unitId: 'unit-193',
  unitCode: '193',
  unitPath: '/VN/22/193/',
  roles: ['RECEIVER', 'HANDLER'],
};

const eisoClaims = {
  preferred_username: subject.username,
  unit: subject.unitId,
  unit_code: subject.unitCode,
  unit_path: subject.unitPath,
  roles: subject.roles,
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function expectUnauthenticated(promise: Promise<unknown>) {
  const error = await promise.then(
    () => {
      throw new Error('expected the token to be refused');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphQLError);
  expect((error as GraphQLError).extensions.code).toBe('UNAUTHENTICATED');
}

let verify: JwtVerifier;
beforeAll(async () => {
  verify = await createJwtVerifier({ issuer: DEV_ISSUER, audience: DEFAULT_AUDIENCE });
});

describe('signToken + createJwtVerifier with the dev keys', () => {
  it('round-trips a subject into an OfficialCaller', async () => {
    await expect(verify(await signToken(subject))).resolves.toEqual({
      kind: 'official',
      officialId: 'off-1',
      username: 'nguyenvana',
      unitId: 'unit-193',
      unitCode: '193',
      unitPath: '/VN/22/193/',
      roles: ['RECEIVER', 'HANDLER'],
    });
  });
});

describe('the verifier refuses with UNAUTHENTICATED', () => {
  it('an expired token', async () => {
    await expectUnauthenticated(verify(await signToken(subject, { expiresIn: nowSeconds() - 60 })));
  });

  it('a token from another issuer', async () => {
    await expectUnauthenticated(verify(await signToken(subject, { issuer: 'someone-else' })));
  });

  it('a token for another audience', async () => {
    await expectUnauthenticated(verify(await signToken(subject, { audience: 'another-app' })));
  });

  it('a token signed by another Ed25519 key', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expectUnauthenticated(verify(await signToken(subject, { privateKeyPem: pem })));
  });

  it('an unsigned token with alg "none"', async () => {
    const payload = {
      ...eisoClaims,
      sub: subject.officialId,
      iss: DEV_ISSUER,
      aud: DEFAULT_AUDIENCE,
      exp: nowSeconds() + 600,
    };
    await expectUnauthenticated(verify(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`));
  });

  it('a dev-signed token whose payload was edited after signing', async () => {
    const [header, , signature] = (await signToken(subject)).split('.');
    const payload = {
      ...eisoClaims,
      roles: ['SYSTEM_ADMIN'],
      sub: subject.officialId,
      iss: DEV_ISSUER,
      aud: DEFAULT_AUDIENCE,
      exp: nowSeconds() + 600,
    };
    await expectUnauthenticated(verify(`${header}.${b64(payload)}.${signature}`));
  });

  it('a validly signed token without the eiso claims', async () => {
    const key = await jose.importPKCS8(devPrivateKeyPem(), 'EdDSA');
    const token = await new jose.SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject(subject.officialId)
      .setIssuer(DEV_ISSUER)
      .setAudience(DEFAULT_AUDIENCE)
      .setExpirationTime('5m')
      .sign(key);
    await expectUnauthenticated(verify(token));
  });

  it('a token whose roles include an unknown role', async () => {
    await expectUnauthenticated(verify(await signToken({ ...subject, roles: ['HANDLER', 'KING'] })));
  });

  it('a token whose unit path is not a path', async () => {
    await expectUnauthenticated(verify(await signToken({ ...subject, unitPath: 'VN/22' })));
  });

  it('a string that is not a JWT', async () => {
    await expectUnauthenticated(verify('not-a-token'));
  });
});

describe('createJwtVerifier with an RS256 PEM public key', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  const rs256Token = (claims = eisoClaims) =>
    new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject(subject.officialId)
      .setIssuer('idp')
      .setAudience('eiso')
      .setExpirationTime('5m')
      .sign(privateKey);

  it('verifies a token the RSA key signed', async () => {
    const verifyRsa = await createJwtVerifier({ issuer: 'idp', audience: 'eiso', publicKeyPem });
    await expect(verifyRsa(await rs256Token())).resolves.toMatchObject({
      kind: 'official',
      officialId: 'off-1',
      unitPath: '/VN/22/193/',
      roles: ['RECEIVER', 'HANDLER'],
    });
  });

  it('refuses a dev Ed25519 token', async () => {
    const verifyRsa = await createJwtVerifier({
      issuer: DEV_ISSUER,
      audience: DEFAULT_AUDIENCE,
      publicKeyPem,
    });
    await expectUnauthenticated(verifyRsa(await signToken(subject)));
  });
});

describe('createJwtVerifier with several PEM keys (a key rotation without JWKS)', () => {
  const pair = (type: 'ed25519' | 'rsa') => {
    const { publicKey, privateKey } =
      type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
    return {
      publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      privateKey,
    };
  };
  const oldKey = pair('ed25519');
  const newKey = pair('ed25519');
  const rsaKey = pair('rsa');
  const thirdKey = pair('ed25519');
  const options = { issuer: 'idp', audience: 'eiso' };
  const tokenBy = (key: { privatePem: string }, expiresIn: string | number = '5m') =>
    signToken(subject, { privateKeyPem: key.privatePem, issuer: 'idp', audience: 'eiso', expiresIn });

  it('verifies tokens signed by any of the keys, whatever their order and the text around them', async () => {
    const both = await createJwtVerifier({
      ...options,
      publicKeyPem: `# the identity provider's new key\n${newKey.publicPem}\n# the old one, until 2026-01-31\n${oldKey.publicPem}`,
    });
    for (const key of [oldKey, newKey])
      await expect(both(await tokenBy(key))).resolves.toMatchObject({ officialId: 'off-1' });
  });

  it('mixes key types: an RS256 token finds the RSA key among Ed25519 ones', async () => {
    const mixed = await createJwtVerifier({ ...options, publicKeyPem: oldKey.publicPem + rsaKey.publicPem });
    const rs256 = await new jose.SignJWT(eisoClaims)
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject(subject.officialId)
      .setIssuer('idp')
      .setAudience('eiso')
      .setExpirationTime('5m')
      .sign(rsaKey.privateKey);
    await expect(mixed(rs256)).resolves.toMatchObject({ officialId: 'off-1' });
    await expect(mixed(await tokenBy(oldKey))).resolves.toMatchObject({ officialId: 'off-1' });
  });

  it('refuses a token of a third key, and an old token once its key is removed', async () => {
    const both = await createJwtVerifier({ ...options, publicKeyPem: newKey.publicPem + oldKey.publicPem });
    await expectUnauthenticated(both(await tokenBy(thirdKey)));
    const newOnly = await createJwtVerifier({ ...options, publicKeyPem: newKey.publicPem });
    await expectUnauthenticated(newOnly(await tokenBy(oldKey)));
  });

  it("checks the claims of the key that verified: an expired token of the second key is 'expired'", async () => {
    const both = await createJwtVerifier({ ...options, publicKeyPem: newKey.publicPem + oldKey.publicPem });
    const expired = await tokenBy(oldKey, nowSeconds() - 60);
    await expect(both(expired)).rejects.toThrow(/expired/);
  });

  it('recognises the development key among several', () => {
    expect(isDevPublicKey(newKey.publicPem + devPublicKeyPem())).toBe(true);
    expect(isDevPublicKey(newKey.publicPem + oldKey.publicPem)).toBe(false);
    expect(publicKeyBlocks(`x\n${newKey.publicPem}y\n${oldKey.publicPem}`)).toHaveLength(2);
  });
});
