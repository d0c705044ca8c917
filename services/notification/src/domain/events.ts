/**
 * The events a webhook may subscribe to (contract README), and the secret box that keeps each
 * subscription's signing secret encrypted at rest (AES-256-GCM): deliveries need the secret itself
 * to sign, so it is encrypted, not hashed.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const WEBHOOK_EVENTS = [
  'dossier.received',
  'dossier.step_completed',
  'dossier.supplement_requested',
  'dossier.resumed',
  'dossier.apology_issued',
  'dossier.rejected',
  'dossier.returned',
  'dossier.withdrawn',
  'dossier.due_soon',
  'dossier.overdue',
  'qms.announced',
  'nonconformity.opened',
  'nonconformity.closed',
] as const;

export function unknownEvents(events: readonly string[]): string[] {
  return events.filter((e) => e !== '*' && !(WEBHOOK_EVENTS as readonly string[]).includes(e));
}

export function subscribes(events: readonly string[], type: string): boolean {
  return events.includes('*') || events.includes(type);
}

const keyOf = (secret: string) => createHash('sha256').update(`eiso-webhook-secrets:${secret}`).digest();

export function sealSecret(plain: string, key: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(key), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
}

/**
 * Opens a sealed secret with `keys`: the sealing key, or the sealing key first and then the keys of
 * a rotation still in progress. Throws when no key opens it (GCM: a wrong key never opens a box).
 */
export function openSecret(sealed: string, keys: string | readonly string[]): string {
  return openSecretWithIndex(sealed, keys).secret;
}

/** The secret and the index in `keys` of the key that opened it (0: the current sealing key). */
export function openSecretWithIndex(
  sealed: string,
  keys: string | readonly string[],
): { secret: string; keyIndex: number } {
  const all = typeof keys === 'string' ? [keys] : keys;
  let failure: unknown = new Error('webhook secret: no key given');
  for (const [keyIndex, key] of all.entries()) {
    try {
      return { secret: openWith(sealed, key), keyIndex };
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

function openWith(sealed: string, key: string): string {
  const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', keyOf(key), iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
}
