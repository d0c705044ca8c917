/**
 * Sign-in tokens. The gateway verifies `Authorization: Bearer <JWT>` (signature, issuer, audience,
 * expiry) with a PEM public key or a JWKS URL, and turns its claims into a Caller.
 *
 * Claims: `sub` (official id), `preferred_username`, `unit` (unit id), `unit_code`, `unit_path`,
 * `roles`. The identity provider — or `eiso token` in development — puts the official's unit and
 * roles into the token, so no request needs a round trip to the org service to learn them.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as jose from 'jose';
import { z } from 'zod';
import { errors } from '@eiso/errors';
import { ROLES, type OfficialCaller } from './caller';

const ALGORITHMS = ['EdDSA', 'RS256', 'ES256', 'PS256'];

export const DEV_KEY_DIR = path.join(__dirname, '..', 'dev-keys');
export const DEV_ISSUER = 'eiso-dev';
export const DEFAULT_AUDIENCE = 'eiso';

export function devPublicKeyPem(): string {
  return readFileSync(path.join(DEV_KEY_DIR, 'jwt-public.pem'), 'utf8');
}
/**
 * Whether a PEM — or any key of several concatenated PEMs (see `publicKeyBlocks`) — is the committed
 * development key; false when the key files are not shipped (images).
 */
export function isDevPublicKey(pem: string): boolean {
  let dev: Buffer;
  try {
    dev = spki(devPublicKeyPem());
  } catch {
    return false;
  }
  return publicKeyBlocks(pem).some((block) => {
    try {
      // The key itself, not its text: a re-wrapped or re-encoded copy of the development key is still it.
      return spki(block).equals(dev);
    } catch {
      return block.trim() === devPublicKeyPem().trim();
    }
  });
}

/**
 * The PEM public keys in a text: one, or several one after another (a key rotation: the identity
 * provider's new key beside the old one, in JWT_PUBLIC_KEY or the file of JWT_PUBLIC_KEY_FILE).
 * Text outside the blocks (comments) is ignored; a text with no block is returned whole.
 */
export function publicKeyBlocks(text: string): string[] {
  const blocks = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g);
  return blocks && blocks.length > 0 ? blocks.map((b) => `${b}\n`) : [text];
}

const spki = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' });

export function devPrivateKeyPem(): string {
  return readFileSync(path.join(DEV_KEY_DIR, 'jwt-private.pem'), 'utf8');
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  preferred_username: z.string().min(1),
  unit: z.string().min(1),
  unit_code: z.string().min(1),
  unit_path: z.string().regex(/^\/([^/]+\/)+$/),
  roles: z.array(z.enum(ROLES)),
});

export interface JwtVerifierOptions {
  issuer: string;
  audience: string;
  publicKeyPem?: string;
  jwksUrl?: string;
  /** Seconds of clock skew tolerated on exp/nbf. */
  clockToleranceSeconds?: number;
}

export type JwtVerifier = (token: string) => Promise<OfficialCaller>;

/**
 * The verifier of sign-in tokens. With a JWKS URL, jose's remote key set picks the key by the
 * token's `kid` and fetches the set again when it meets a new one (the identity provider's key
 * rotation). With PEM text holding several keys (a rotation without JWKS), a token is verified with
 * each key of its algorithm's type in turn until one signature verifies; its claims are then checked
 * as usual.
 */
export async function createJwtVerifier(options: JwtVerifierOptions): Promise<JwtVerifier> {
  const verifyOptions: jose.JWTVerifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: ALGORITHMS,
    clockTolerance: options.clockToleranceSeconds ?? 5,
    requiredClaims: ['exp', 'sub'],
  };
  let verifySignature: (token: string) => Promise<jose.JWTVerifyResult>;
  if (options.jwksUrl) {
    const jwks = jose.createRemoteJWKSet(new URL(options.jwksUrl));
    verifySignature = (token) => jose.jwtVerify(token, jwks, verifyOptions);
  } else {
    const keys = await Promise.all(
      publicKeyBlocks(options.publicKeyPem ?? devPublicKeyPem()).map(importAnyPublicKey),
    );
    verifySignature = (token) => verifyWithAnyKey(token, keys, verifyOptions);
  }
  return async (token) => {
    let payload: jose.JWTPayload;
    try {
      ({ payload } = await verifySignature(token));
    } catch (error) {
      throw errors.unauthenticated(`Invalid token: ${describeJoseError(error)}`);
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw errors.unauthenticated('Invalid token: missing or malformed eiso claims');
    const c = claims.data;
    return {
      kind: 'official',
      officialId: c.sub,
      username: c.preferred_username,
      unitId: c.unit,
      unitCode: c.unit_code,
      unitPath: c.unit_path,
      roles: c.roles,
    };
  };
}

/**
 * Verifies with the first of `keys` whose signature matches. Keys of another type than the token's
 * algorithm are skipped; a key whose signature does not verify passes to the next. Any other
 * failure (expired, wrong issuer…) comes from the key that verified the signature and is final.
 */
async function verifyWithAnyKey(
  token: string,
  keys: jose.KeyLike[],
  options: jose.JWTVerifyOptions,
): Promise<jose.JWTVerifyResult> {
  if (keys.length === 1) return jose.jwtVerify(token, keys[0], options);
  let alg: string | undefined;
  try {
    alg = jose.decodeProtectedHeader(token).alg;
  } catch {
    // Malformed: let jose say so with the first key.
  }
  const fitting = keys.filter((key) => alg === undefined || keyFitsAlgorithm(key, alg));
  let failure: unknown = new jose.errors.JWSSignatureVerificationFailed();
  for (const key of fitting.length > 0 ? fitting : keys.slice(0, 1)) {
    try {
      return await jose.jwtVerify(token, key, options);
    } catch (error) {
      if (!(error instanceof jose.errors.JWSSignatureVerificationFailed)) throw error;
      failure = error;
    }
  }
  throw failure;
}

/** Whether a public key (a node KeyObject) can verify `alg` at all. */
function keyFitsAlgorithm(key: jose.KeyLike, alg: string): boolean {
  const type = (key as { asymmetricKeyType?: string }).asymmetricKeyType;
  if (type === undefined) return true;
  if (alg === 'EdDSA') return type === 'ed25519' || type === 'ed448';
  if (alg.startsWith('ES')) return type === 'ec';
  if (alg.startsWith('RS')) return type === 'rsa';
  if (alg.startsWith('PS')) return type === 'rsa' || type === 'rsa-pss';
  return true;
}

async function importAnyPublicKey(pem: string): Promise<jose.KeyLike> {
  const errorsSeen: unknown[] = [];
  for (const alg of ALGORITHMS) {
    try {
      return await jose.importSPKI(pem, alg);
    } catch (error) {
      errorsSeen.push(error);
    }
  }
  throw new Error('JWT public key: not a PEM SPKI key for EdDSA, RS256, ES256 or PS256');
}

function describeJoseError(error: unknown): string {
  if (error instanceof jose.errors.JWTExpired) return 'expired';
  if (error instanceof jose.errors.JWTClaimValidationFailed)
    return `claim "${error.claim}" is not acceptable`;
  if (error instanceof jose.errors.JWSSignatureVerificationFailed) return 'signature does not verify';
  if (error instanceof jose.errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  return 'malformed';
}

/**
 * The `exp` of a token that already verified, in ms since the epoch; 0 when it has none or cannot
 * be read (callers treat 0 as "keep it no longer than your own limit").
 */
export function tokenExpiryMs(token: string): number {
  try {
    const { exp } = jose.decodeJwt(token);
    return typeof exp === 'number' ? exp * 1000 : 0;
  } catch {
    return 0;
  }
}

export interface TokenSubject {
  officialId: string;
  username: string;
  unitId: string;
  unitCode: string;
  unitPath: string;
  roles: string[];
}

/** Signs a token as an identity provider would. Used by `eiso token` (dev keys) and by tests. */
export async function signToken(
  subject: TokenSubject,
  options: { privateKeyPem?: string; issuer?: string; audience?: string; expiresIn?: string | number } = {},
): Promise<string> {
  const key = await jose.importPKCS8(options.privateKeyPem ?? devPrivateKeyPem(), 'EdDSA');
  return new jose.SignJWT({
    preferred_username: subject.username,
    unit: subject.unitId,
    unit_code: subject.unitCode,
    unit_path: subject.unitPath,
    roles: subject.roles,
  })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setSubject(subject.officialId)
    .setIssuer(options.issuer ?? DEV_ISSUER)
    .setAudience(options.audience ?? DEFAULT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(key);
}
