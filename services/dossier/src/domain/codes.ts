/**
 * Dossier codes and tracking PINs.
 *
 * A code is `<unitCode>-<YYMMDD>-<sequence>` (Decree 61 art. 26, Circular 01 art. 19): the receipt
 * date in Vietnam and the sequence of that unit's receipts that day, at least four digits. The PIN
 * is six random digits, shown once on the receipt and kept only as a salted scrypt hash.
 */
import { randomBytes, randomInt, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { dateInVietnam } from '@eiso/calendar';

export function dossierCode(unitCode: string, receivedAt: Date, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1)
    throw new RangeError(`sequence must be a positive integer: ${sequence}`);
  const yymmdd = dateInVietnam(receivedAt).slice(2).replace(/-/g, '');
  return `${unitCode}-${yymmdd}-${String(sequence).padStart(4, '0')}`;
}

const CODE_PATTERN = /^([A-Za-z0-9][A-Za-z0-9.-]{0,31})-(\d{6})-(\d{4,})$/;

/** Splits a dossier code into its unit code, receipt day and sequence; null when it is not one. */
export function parseDossierCode(code: string): { unitCode: string; day: string; sequence: number } | null {
  const match = CODE_PATTERN.exec(code);
  if (!match) return null;
  const [, unitCode, yymmdd, sequence] = match;
  return {
    unitCode,
    day: `20${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`,
    sequence: Number(sequence),
  };
}

export function newTrackingPin(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

const SCRYPT = { N: 16384, r: 8, p: 1 } as const;

/**
 * scrypt on libuv's thread pool. One hash is ~50 ms of CPU (the point: six digits are few); run
 * synchronously it stalled the dossier subgraph's event loop for every receipt and every public
 * look-up, and every other request waited behind it.
 */
const scryptOnPool = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: typeof SCRYPT,
) => Promise<Buffer>;

/** `scrypt$<salt>$<hash>`: six digits are few, so a slow, salted hash, never the PIN itself. */
export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  return pinHashText(salt, await scryptOnPool(pin, salt, 32, SCRYPT));
}

/** hashPin, blocking: for the seed and the generator, which hash one demo PIN for all their dossiers. */
export function hashPinSync(pin: string): string {
  const salt = randomBytes(16);
  return pinHashText(salt, scryptSync(pin, salt, 32, SCRYPT));
}

function pinHashText(salt: Buffer, hash: Buffer): string {
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** A hash no PIN matches: an unknown code costs the same scrypt as a wrong PIN, so timing tells nothing. */
const NO_DOSSIER_HASH = pinHashText(randomBytes(16), Buffer.alloc(32));

/** The PIN check of the public look-ups: false for an unknown code, after the same work as a wrong PIN. */
export async function checkPin(pin: string, dossier: { pinHash: string } | null): Promise<boolean> {
  const right = await verifyPin(pin, dossier?.pinHash ?? NO_DOSSIER_HASH);
  return right && dossier !== null;
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash || !/^\d{6}$/.test(pin)) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptOnPool(pin, Buffer.from(salt, 'base64url'), expected.length, SCRYPT);
  return timingSafeEqual(expected, actual);
}
