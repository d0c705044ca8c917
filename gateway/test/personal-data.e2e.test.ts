/**
 * Personal data and the audit trail through the real gateway (org, catalog, dossier), with every
 * process logging at debug: a receipt's applicant id number, phone, e-mail and PIN appear in no log
 * line; lists mask them; the single-dossier view shows them only to the dossier's own unit; every
 * mutation, refused ones included, leaves one audit_trail row with who, unit, when, what and outcome.
 */
import { Client } from 'pg';
import { operation } from '@eiso/contract';
import { bearer, errorCodes, postGraphQL, type Stack } from '@eiso/testing';
import { startEisoStack, tokenFor } from './support';

const APPLICANT = {
  name: 'Trần Thị Bình',
  idNumber: '022190007788',
  phone: '0987654321',
  email: 'tran.binh@example.vn',
};

let stack: Stack;
let logs = '';
let restoreStdout: () => void;
const tokens: Record<string, string> = {};
let commune: string;
let procedureCode: string;
let received: { id: string; code: string; trackingPin: string };

const gql = (query: string, variables: Record<string, unknown> = {}, as?: string): Promise<any> =>
  postGraphQL(stack.gatewayUrl, query, variables, as ? bearer(tokens[as]) : {});

beforeAll(async () => {
  // Every line every process writes, at debug.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    logs += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  restoreStdout = () => (process.stdout.write = write);
  const level = process.env.TEST_LOG_LEVEL;
  process.env.TEST_LOG_LEVEL = 'debug';
  try {
    stack = await startEisoStack({ provinceCodes: ['22', '96'], services: ['org', 'catalog', 'dossier'] });
  } finally {
    if (level === undefined) delete process.env.TEST_LOG_LEVEL;
    else process.env.TEST_LOG_LEVEL = level;
  }
  const communes = await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 1 });
  commune = communes.data.units.edges[0].node.code;
  for (const username of [`receiver.${commune}`, 'leader.22', 'receiver.96', 'viewer.BKHCN', 'admin'])
    tokens[username] = await tokenFor(stack, username);
  tokens.receiver = tokens[`receiver.${commune}`];
  const list = await gql(operation('UnitProcedures'), {
    unitCode: commune,
    search: 'đăng ký khai sinh',
    first: 1,
  });
  procedureCode = list.data.unit.procedures.edges[0].node.code;
}, 180_000);

afterAll(async () => {
  restoreStdout?.();
  await stack?.stop();
});

const receiveAs = (as: string, idempotencyKey: string) =>
  gql(
    operation('ReceiveDossier'),
    {
      input: { procedureCode, unitCode: commune, channel: 'COUNTER', applicant: APPLICANT, idempotencyKey },
    },
    as,
  );

const APPLICANT_FIELDS = 'applicant { name idNumber phone email masked }';
const byCode = `query($code: String!) { dossier(code: $code) { code ${APPLICANT_FIELDS} } }`;
const unitList = `query($unitCode: String!) {
  unit(code: $unitCode) { dossiers(first: 20) { edges { node { code ${APPLICANT_FIELDS} } } } }
}`;
const MASKED = {
  name: APPLICANT.name,
  idNumber: '0221******88',
  phone: '098*****21',
  email: 't***@example.vn',
  masked: true,
};

async function trail(): Promise<any[]> {
  const client = new Client({ connectionString: stack.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(`SELECT * FROM dossier.audit_trail ORDER BY id`)).rows;
  } finally {
    await client.end();
  }
}

describe('a dossier received through the gateway', () => {
  beforeAll(async () => {
    const { data, errors } = await receiveAs('receiver', 'personal-data-1');
    expect(errors).toBeUndefined();
    received = data.receiveDossier.dossier;
  });

  it('is listed with its applicant masked, even for its own receiver', async () => {
    const { data, errors } = await gql(unitList, { unitCode: commune }, 'receiver');
    expect(errors).toBeUndefined();
    const node = data.unit.dossiers.edges.map((e: any) => e.node).find((n: any) => n.code === received.code);
    expect(node.applicant).toEqual(MASKED);
  });

  it('shows the applicant in full in the single-dossier view to its unit and the units above it', async () => {
    for (const as of ['receiver', 'leader.22']) {
      const { data, errors } = await gql(byCode, { code: received.code }, as);
      expect(errors).toBeUndefined();
      expect(data.dossier.applicant).toEqual({ ...APPLICANT, masked: false });
    }
  });

  it('masks it for the ministry viewer and the system administrator, and hides the dossier from another province', async () => {
    for (const as of ['viewer.BKHCN', 'admin']) {
      const { data, errors } = await gql(byCode, { code: received.code }, as);
      expect(errors).toBeUndefined();
      expect(data.dossier.applicant).toEqual(MASKED);
    }
    expect(errorCodes(await gql(byCode, { code: received.code }, 'receiver.96'))).toEqual(['NOT_FOUND']);
  });

  it('leaves one audit_trail row: who, unit, when, what, outcome — and no personal data', async () => {
    const rows = (await trail()).filter((r) => r.object_ids.includes(received.id));
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({
      username: `receiver.${commune}`,
      unit_code: commune,
      operation: 'ReceiveDossier',
      mutations: ['receiveDossier'],
      outcome: 'OK',
    });
    expect(row.official_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.object_ids).toEqual(
      expect.arrayContaining([received.id, received.code, procedureCode, commune]),
    );
    expect(Date.now() - new Date(row.at).getTime()).toBeLessThan(60_000);
    const text = JSON.stringify(row);
    for (const value of [...Object.values(APPLICANT), received.trackingPin])
      expect(text).not.toContain(value);
  });

  it('records a refused mutation with its outcome', async () => {
    expect(errorCodes(await receiveAs('receiver.96', 'personal-data-refused'))).toEqual(['FORBIDDEN']);
    const refused = (await trail()).filter((r) => r.username === 'receiver.96');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      unit_code: '96',
      operation: 'ReceiveDossier',
      mutations: ['receiveDossier'],
      outcome: 'FORBIDDEN',
    });
    expect(refused[0].object_ids).toEqual(expect.arrayContaining([commune, procedureCode]));
    expect(JSON.stringify(refused[0])).not.toContain(APPLICANT.idNumber);
  });

  it('never logs the id number, phone, e-mail or PIN (every process at debug)', async () => {
    expect(logs).toContain('"operation"');
    expect(logs).toContain('ReceiveDossier');
    for (const value of [APPLICANT.idNumber, APPLICANT.phone, APPLICANT.email, received.trackingPin])
      expect(logs).not.toContain(value);
  });
});
