/**
 * The public PIN look-up and feedback through the gateway: after 5 wrong PINs for one dossier code
 * that code is locked for 15 minutes (RATE_LIMITED, even with the right PIN, saying when to retry);
 * another code is unaffected; an unknown code answers exactly as a wrong PIN does, lock included;
 * when the lock has run out (moved back in the database here) the right PIN works again.
 */
import { operation } from '@eiso/contract';
import { createDossierDataSource } from '@eiso/dossier';
import { bearer, errorCodes, postGraphQL, type Stack } from '@eiso/testing';
import type { DataSource } from 'typeorm';
import { startEisoStack, tokenFor } from './support';

let stack: Stack;
let db: DataSource;
const dossiers: { code: string; pin: string }[] = [];

const gql = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  postGraphQL<any>(stack.gatewayUrl, query, variables, headers);
const status = (code: string, pin: string, headers: Record<string, string> = {}) =>
  gql(operation('PublicDossierStatus'), { code, pin }, headers);
const feedback = (code: string, pin: string) =>
  gql(operation('RecordFeedback'), { input: { code, pin, rating: 5 } });
const wrong = (pin: string) => (pin === '000000' ? '000001' : '000000');

beforeAll(async () => {
  stack = await startEisoStack({ provinceCodes: ['22'], services: ['org', 'catalog', 'dossier'] });
  db = createDossierDataSource(stack.env, 2).dataSource;
  await db.initialize();
  const communes = await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 1 });
  const commune = communes.data.units.edges[0].node.code;
  const receiver = bearer(await tokenFor(stack, `receiver.${commune}`));
  const procedures = await gql(operation('UnitProcedures'), {
    unitCode: commune,
    search: 'khai sinh',
    first: 1,
  });
  const procedureCode = procedures.data.unit.procedures.edges[0].node.code;
  for (let i = 0; i < 2; i++) {
    const received = await gql(
      operation('ReceiveDossier'),
      {
        input: {
          procedureCode,
          unitCode: commune,
          channel: 'COUNTER',
          applicant: { name: 'Trần Thị Bình', idNumber: '022090005678', phone: '0987654321' },
          idempotencyKey: `pin-lockout-${i}-${Date.now()}`,
        },
      },
      receiver,
    );
    const { code, trackingPin } = received.data.receiveDossier.dossier;
    dossiers.push({ code, pin: trackingPin });
  }
}, 180_000);

afterAll(async () => {
  await db?.destroy();
  await stack?.stop();
});

describe('PIN lock-out', () => {
  it('answers a wrong PIN and an unknown code alike: null, no error', async () => {
    const [a] = dossiers;
    const wrongPin = await status(a.code, wrong(a.pin));
    const unknown = await status('22-010101-9999', '123456');
    expect(wrongPin).toEqual({ status: 200, data: { dossierStatus: null } });
    expect(unknown).toEqual(wrongPin);
    expect(errorCodes(await feedback('22-010101-9999', '123456'))).toEqual(['NOT_FOUND']);
    expect((await status(a.code, a.pin)).data.dossierStatus.code).toBe(a.code);
  });

  it('after 5 wrong PINs the code is locked: the right PIN is RATE_LIMITED too, in status and feedback', async () => {
    const [a, b] = dossiers;
    // The right PIN just now cleared the count: five wrong ones, mixing look-up and feedback, and
    // from different forwarded addresses (the lock is keyed by code, not by caller).
    for (let i = 0; i < 5; i++) {
      const answer =
        i % 2 === 0
          ? await status(a.code, wrong(a.pin), { 'x-forwarded-for': `198.51.100.${i}` })
          : await feedback(a.code, wrong(a.pin));
      expect(errorCodes(answer)).not.toContain('RATE_LIMITED');
    }
    const locked = await status(a.code, a.pin);
    expect(locked.data).toEqual({ dossierStatus: null });
    expect(errorCodes(locked)).toEqual(['RATE_LIMITED']);
    expect(locked.errors![0].message).toMatch(
      /Too many wrong PINs for this dossier code: it is locked\. Try again after \d\d:\d\d:\d\d \(Vietnam time\), in 15 min\./,
    );
    expect(errorCodes(await feedback(a.code, a.pin))).toEqual(['RATE_LIMITED']);
    // Another code is not affected.
    expect((await status(b.code, b.pin)).data.dossierStatus.code).toBe(b.code);
  });

  it('an unknown code is locked the same way, so the lock tells nothing either', async () => {
    for (let i = 0; i < 5; i++)
      expect(await status('22-010101-8888', '123456')).toEqual({
        status: 200,
        data: { dossierStatus: null },
      });
    expect(errorCodes(await status('22-010101-8888', '123456'))).toEqual(['RATE_LIMITED']);
  });

  it('when the lock has run out, the right PIN works again and the count starts afresh', async () => {
    const [a] = dossiers;
    const [row] = await db.query(`SELECT failures, locked_until FROM pin_attempt WHERE code = $1`, [a.code]);
    expect(row.failures).toBe(5);
    const minutes = (new Date(row.locked_until).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    // Fifteen minutes pass.
    await db.query(
      `UPDATE pin_attempt SET locked_until = now() - interval '1 second', last_failure_at = now() - interval '15 minutes'
       WHERE code = $1`,
      [a.code],
    );
    expect((await status(a.code, a.pin)).data.dossierStatus.code).toBe(a.code);
    expect(await db.query(`SELECT 1 FROM pin_attempt WHERE code = $1`, [a.code])).toEqual([]);
    // One wrong PIN now is one of five again, not a new lock.
    expect(errorCodes(await status(a.code, wrong(a.pin)))).toEqual([]);
    expect((await status(a.code, a.pin)).data.dossierStatus.code).toBe(a.code);
  });

  it('concurrent guesses cannot verify more than 5 PINs before the lock', async () => {
    const [, b] = dossiers;
    const answers = await Promise.all(Array.from({ length: 12 }, () => status(b.code, wrong(b.pin))));
    const limited = answers.filter((r) => errorCodes(r).includes('RATE_LIMITED')).length;
    expect(limited).toBeGreaterThanOrEqual(7);
    expect(errorCodes(await status(b.code, b.pin))).toEqual(['RATE_LIMITED']);
  });
});
