/** Personal data and credentials never reach a log line, wherever they sit in what is logged. */
import { Writable } from 'node:stream';
import { createLogger, scrubPersonalData } from '../src';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('test', 'debug', { destination }), text: () => lines.join('') };
}

const ID = '022090001234';
const PHONE = '0912345678';
const EMAIL = 'nguyen.an@gmail.com';
const PIN = '482913';

describe('the logger', () => {
  it('redacts applicant fields, PINs and secrets at any depth', () => {
    const { logger, text } = capture();
    logger.info({ idNumber: ID, phone: PHONE, email: EMAIL, pin: PIN }, 'top level');
    logger.info({ input: { applicant: { name: 'Nguyễn Văn An', idNumber: ID, phone: PHONE } } }, 'nested');
    logger.info(
      { a: { b: { c: { idNumber: ID, email: EMAIL, trackingPin: PIN, secret: 's3cr3t-value' } } } },
      'deep',
    );
    logger.debug(
      { operation: 'ReceiveDossier', variables: { input: { applicant: { email: EMAIL } } } },
      'op',
    );
    const out = text();
    for (const value of [ID, PHONE, EMAIL, PIN, 's3cr3t-value', 'Nguyễn Văn An'])
      expect(out).not.toContain(value);
    expect(out).toContain('[redacted]');
    expect(out).toContain('ReceiveDossier');
  });

  it('redacts credentials in request headers', () => {
    const { logger, text } = capture();
    const headers = {
      authorization: 'Bearer aaa.bbb.ccc',
      cookie: 'session=xyz',
      'x-eiso-signature': 't=1,v1=abcdef',
      'x-eiso-caller': 'eyJjYWxsZXIi',
      'x-request-id': 'req-12345678',
    };
    logger.info({ req: { headers } }, 'request');
    logger.info({ headers }, 'headers');
    const out = text();
    for (const value of ['aaa.bbb.ccc', 'session=xyz', 'abcdef', 'eyJjYWxsZXIi'])
      expect(out).not.toContain(value);
    expect(out).toContain('req-12345678');
  });

  it("drops a failed statement's parameters and scrubs addresses and numbers from error text", () => {
    const { logger, text } = capture();
    const error = Object.assign(new Error(`duplicate key: Key (id_number)=(${ID}) for ${EMAIL}`), {
      query: 'INSERT INTO dossier (id_number) VALUES ($1)',
      parameters: [ID, PHONE],
      detail: `Key (id_number)=(${ID}) already exists.`,
    });
    logger.error({ err: error }, 'internal error');
    const out = text();
    for (const value of [ID, PHONE, EMAIL]) expect(out).not.toContain(value);
    expect(out).toContain('INSERT INTO dossier');
  });
});

describe('scrubPersonalData', () => {
  it('replaces e-mail addresses and id or phone numbers', () => {
    expect(scrubPersonalData(`to ${EMAIL}, id ${ID}, phone +84 912 345 678`)).toBe(
      'to [email], id [number], phone [number]',
    );
  });

  it('leaves dossier codes, unit codes, UUIDs and small numbers alone', () => {
    const text = 'dossier 22001-250101-0001 of unit 22001, id 00000000-0000-4000-8000-000000000000, 5 tries';
    expect(scrubPersonalData(text)).toBe(text);
  });
});
