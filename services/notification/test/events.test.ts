import fc from 'fast-check';
import { openSecret, sealSecret, subscribes, unknownEvents, WEBHOOK_EVENTS } from '../src/domain/events';

describe('webhook events', () => {
  it('knows the contract events and "*", and names the rest', () => {
    expect(unknownEvents(['dossier.overdue', '*', 'dossier.exploded', 'DOSSIER.OVERDUE'])).toEqual([
      'dossier.exploded',
      'DOSSIER.OVERDUE',
    ]);
  });

  it('delivers to "*" and to subscribers of that event only', () => {
    expect(subscribes(['*'], 'qms.announced')).toBe(true);
    expect(subscribes(['dossier.overdue'], 'dossier.overdue')).toBe(true);
    expect(subscribes(['dossier.overdue'], 'dossier.returned')).toBe(false);
    expect(WEBHOOK_EVENTS.every((e) => subscribes([e], e))).toBe(true);
  });
});

describe('the secret box', () => {
  it('opens what it sealed, with the same key, and never holds the secret in the clear', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (secret, key) => {
        const sealed = sealSecret(secret, key);
        expect(openSecret(sealed, key)).toBe(secret);
        expect(sealSecret(secret, key)).not.toBe(sealed); // a fresh IV each time
      }),
    );
  });

  it('refuses a wrong key or a tampered box', () => {
    const sealed = sealSecret('webhook-secret', 'key-a');
    expect(() => openSecret(sealed, 'key-b')).toThrow();
    const [iv, tag, data] = sealed.split('.');
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] ^= 1;
    expect(() => openSecret([iv, tag, flipped.toString('base64url')].join('.'), 'key-a')).toThrow();
  });
});
