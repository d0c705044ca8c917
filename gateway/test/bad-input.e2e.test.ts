/**
 * The bad-input corpus (gateway/test/bad-input/corpus.ts) through the real gateway over all five
 * subgraphs, seeded for Quảng Ninh (22): every malformed request gets a contract error code with a
 * useful message — never a 5xx, an internal error, a stack trace, SQL, a file path or an internal
 * address — and the database is the same after the corpus as before it.
 */
import http from 'node:http';
import { contractOperations, operation } from '@eiso/contract';
import { todayInVietnam, addDays } from '@eiso/calendar';
import { bearer, postGraphQL, type Stack } from '@eiso/testing';
import { createLogger } from '@eiso/logging';
import { DataSource } from 'typeorm';
import { loadGatewayConfig, startGateway } from '../src';
import { startEisoStack, tokenFor } from './support';
import { buildCorpus, type BadInputCase, type Fixtures, type Who } from './bad-input/corpus';

const CONTRACT_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_TRANSITION',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'INTERNAL_SERVER_ERROR',
];

/** What an answer may never carry: stack frames, SQL, file paths, internal addresses, driver names. */
const LEAKS: [string, RegExp][] = [
  ['a stack frame', /\bat (?:async )?[\w.<>]+ \(|\n\s+at /],
  ['a source file', /\.(?:ts|js|mjs|cjs):\d+/],
  ['a file path', /\/(?:work|home|usr|tmp|app)\/|node_modules/],
  [
    'SQL',
    /\b(?:SELECT .+ FROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM|syntax error at or near|violates \w+ constraint|relation "|invalid input syntax for)/i,
  ],
  ['a driver error', /QueryFailedError|TypeORM|ECONNREFUSED|\bpg\b|postgres/i],
  ['an internal address', /\b(?:127\.0\.0\.1|localhost|0\.0\.0\.0)(?::\d+)?/],
  ['a stack trace field', /"stacktrace"|"exception"/],
];

/** Tables that record attempts, refused ones included. */
const SECURITY_RECORDS = /\.audit_trail$|^dossier\.pin_attempt$/;

let stack: Stack;
/** The corpus's own gateway over the same subgraphs: rate limits high enough for ~400 requests a minute. */
let corpusGateway: { url: string; stop(): Promise<void> };
let fixtures: Fixtures;
const tokens: Partial<Record<Who, string>> = {};

const gql = (query: string, variables: Record<string, unknown>, as?: Who): Promise<any> =>
  postGraphQL(stack.gatewayUrl, query, variables, as ? bearer(tokens[as]!) : {});

beforeAll(async () => {
  stack = await startEisoStack({
    provinceCodes: ['22'],
    services: ['org', 'catalog', 'dossier', 'audit', 'notification'],
  });
  corpusGateway = await startGateway(
    loadGatewayConfig({
      ...stack.env,
      RATE_LIMIT_PER_ADDRESS: '1000000',
      RATE_LIMIT_PER_OFFICIAL: '1000000',
    }),
    createLogger('gateway', process.env.TEST_LOG_LEVEL ?? 'silent'),
  );
  const communes = await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 1 });
  const commune: string = communes.data.units.edges[0].node.code;
  const users: Partial<Record<Who, string>> = {
    receiver: `receiver.${commune}`,
    handler: `handler.${commune}`,
    leader: `leader.${commune}`,
    iso: `iso.${commune}`,
    auditor: 'auditor.22',
    admin: 'admin',
    viewer: 'viewer.BKHCN',
  };
  for (const [who, username] of Object.entries(users)) tokens[who as Who] = await tokenFor(stack, username!);
  tokens.badToken = 'garbage.garbage.garbage';

  // The objects the corpus aims at, made before the database is snapshotted.
  const procedures = await gql(operation('UnitProcedures'), {
    unitCode: commune,
    search: 'đăng ký khai sinh',
    first: 1,
  });
  const procedure = procedures.data.unit.procedures.edges[0].node;
  const received = await gql(
    operation('ReceiveDossier'),
    {
      input: {
        procedureCode: procedure.code,
        unitCode: commune,
        channel: 'COUNTER',
        applicant: { name: 'Nguyễn Văn An', idNumber: '022090001234' },
        idempotencyKey: 'bad-input-fixture',
      },
    },
    'receiver',
  );
  const dossier = received.data.receiveDossier.dossier;
  const drafted = await gql(
    operation('DraftProcess'),
    {
      input: {
        procedureCode: procedure.code,
        unitCode: commune,
        steps: [{ name: 'Tiếp nhận và trả kết quả', role: 'RECEIVER', durationHours: 1 }],
      },
    },
    'iso',
  );
  const today = todayInVietnam();
  const audit = await gql(
    operation('PlanInternalAudit'),
    { input: { unitCode: commune, plannedFor: today, scope: 'HTQLCL', auditorUsernames: ['auditor.22'] } },
    'iso',
  );
  const auditId = audit.data.planInternalAudit.audit.id;
  const finding = await gql(
    operation('RecordAuditFinding'),
    { input: { auditId, kind: 'MINOR_NONCONFORMITY', clause: '8.5', description: 'Thiếu hồ sơ' } },
    'iso',
  );
  const nonconformityId = finding.data.recordAuditFinding.finding.nonconformity.id;
  const action = await gql(
    operation('AddCorrectiveAction'),
    {
      input: {
        nonconformityId,
        description: 'Bổ sung',
        rootCause: 'Quên',
        ownerUsername: `iso.${commune}`,
        dueOn: addDays(today, 30),
      },
    },
    'iso',
  );
  fixtures = {
    commune,
    procedureCode: procedure.code,
    processId: drafted.data.draftProcess.process.id,
    dossierId: dossier.id,
    dossierCode: dossier.code,
    dossierPin: dossier.trackingPin,
    dossierVersion: dossier.version,
    auditId,
    nonconformityId,
    actionId: action.data.addCorrectiveAction.action.id,
    today,
    year: Number(today.slice(0, 4)),
  };
}, 240_000);

afterAll(async () => {
  await corpusGateway?.stop();
  await stack?.stop();
});

interface Answer {
  status: number;
  text: string;
}

function send(c: BadInputCase): Promise<Answer> {
  const url = new URL(c.request.path ?? '/graphql', corpusGateway.url);
  const headers: Record<string, string> = { ...c.request.headers };
  if (c.as !== 'anonymous' && !headers.authorization) headers.authorization = `Bearer ${tokens[c.as]}`;
  if (c.request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(c.request.body));
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: c.request.method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(c.request.body);
  });
}

/** What is wrong with an answer, or nothing. */
export function judge(c: BadInputCase, answer: Answer): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`HTTP ${answer.status}`);
  for (const [what, pattern] of LEAKS) if (pattern.test(answer.text)) problems.push(`leaks ${what}`);
  let parsed: { data?: Record<string, any> | null; errors?: any[] };
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    return [...problems, `not JSON: ${answer.text.slice(0, 120)}`];
  }
  const errors = parsed.errors ?? [];
  for (const error of errors) {
    const code = error?.extensions?.code;
    if (!CONTRACT_CODES.includes(code)) problems.push(`non-contract code ${code}`);
    if (typeof error?.message !== 'string' || error.message.trim() === '')
      problems.push('an error without a message');
    else if (/internal server error/i.test(error.message)) problems.push(`"${error.message}"`);
  }
  if (c.expect === 'null' || c.expect === 'rowErrors') {
    if (errors.length) problems.push(`errors ${codesOf(errors)}: ${errors[0].message.slice(0, 160)}`);
    const value = parsed.data ? Object.values(parsed.data)[0] : undefined;
    if (c.expect === 'null' && value !== null)
      problems.push(`expected null, got ${JSON.stringify(value)?.slice(0, 80)}`);
    if (c.expect === 'rowErrors' && !(value?.imported === 0 && value?.errors?.length > 0))
      problems.push(`expected row errors, got ${JSON.stringify(value)?.slice(0, 160)}`);
    return problems;
  }
  if (errors.length === 0) problems.push(`no error: ${answer.text.slice(0, 160)}`);
  const unexpected = errors.filter((e) => !(c.expect as string[]).includes(e?.extensions?.code));
  if (unexpected.length)
    problems.push(
      `expected ${c.expect.join('|')}, got ${codesOf(errors)}: ${unexpected[0]?.message?.slice(0, 200)}`,
    );
  if (c.field !== undefined) {
    const fields = errors
      .filter((e) => e?.extensions?.code === 'BAD_USER_INPUT')
      .map((e) => e.extensions.field);
    if (!fields.includes(c.field)) problems.push(`expected field ${c.field}, got ${JSON.stringify(fields)}`);
  }
  return problems;
}

const codesOf = (errors: any[]) => errors.map((e) => e?.extensions?.code).join(',');

/** Row counts of every table of the services' schemas. */
async function snapshot(): Promise<Record<string, number>> {
  const db = new DataSource({ type: 'postgres', url: stack.env.DATABASE_URL });
  await db.initialize();
  try {
    const tables: { schema: string; name: string }[] = await db.query(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema IN ('org', 'catalog', 'dossier', 'audit', 'notification')
        ORDER BY 1, 2`,
    );
    const counts: Record<string, number> = {};
    for (const t of tables) {
      const [row] = await db.query(`SELECT count(*)::int AS n FROM "${t.schema}"."${t.name}"`);
      counts[`${t.schema}.${t.name}`] = row.n;
    }
    return counts;
  } finally {
    await db.destroy();
  }
}

describe('the bad-input corpus', () => {
  it('covers every contract operation and category with at least 200 requests', () => {
    const corpus = buildCorpus(fixtures);
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    const names = new Set(corpus.map((c) => c.name));
    expect(names.size).toBe(corpus.length);
    for (const name of contractOperations().keys())
      expect([name, corpus.some((c) => c.name.startsWith(`${name}:`))]).toEqual([name, true]);
  });

  it('answers every malformed request with a contract code and a useful message, and changes nothing', async () => {
    const before = await snapshot();
    const problems: string[] = [];
    for (const c of buildCorpus(fixtures)) {
      const answer = await send(c);
      for (const problem of judge(c, answer)) problems.push(`[${c.category}] ${c.name}: ${problem}`);
    }
    const after = await snapshot();
    expect(problems).toEqual([]);
    // Security records grow by design: the audit trail notes refused attempts, and wrong PINs count
    // towards the look-up lock-out. Every other table is as it was.
    const records = (counts: Record<string, number>, security: boolean) =>
      Object.fromEntries(
        Object.entries(counts).filter(([table]) => SECURITY_RECORDS.test(table) === security),
      );
    expect(records(after, false)).toEqual(records(before, false));
    for (const [table, count] of Object.entries(records(after, true)))
      expect([table, count >= (before[table] ?? 0)]).toEqual([table, true]);
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(['dossier.dossier', 'dossier.outbox', 'catalog.process', 'audit.nonconformity']),
    );
  }, 300_000);
});
