/**
 * The bad-input corpus (issue 8, docs/security.md "Bad input"): malformed requests across every
 * contract operation, each as the raw HTTP request a client could send and the contract answer it
 * must get. bad-input.e2e.test.ts sends them all through the real gateway.
 *
 * Every case is refused: its errors carry one of `expect`'s codes (BAD_USER_INPUT names the input
 * field in `extensions.field` when `field` is given). Two kinds of answer are not errors, because
 * the contract says so: `expect: 'null'` — a public look-up of an unknown code answers null;
 * `expect: 'rowErrors'` — importDossiers reports a bad row in `errors { index message }`.
 * Either way nothing is written.
 */
import { operation } from '@eiso/contract';

export type Who =
  'anonymous' | 'receiver' | 'handler' | 'leader' | 'iso' | 'auditor' | 'admin' | 'viewer' | 'badToken';

export type ContractCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_TRANSITION'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX';

export interface RawRequest {
  method: string;
  /** Path and query string; `/graphql` when absent. */
  path?: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface BadInputCase {
  name: string;
  category: Category;
  as: Who;
  request: RawRequest;
  expect: ContractCode[] | 'null' | 'rowErrors';
  /** The `extensions.field` a BAD_USER_INPUT error must carry. */
  field?: string;
}

export type Category =
  | 'missing variables'
  | 'wrong types'
  | 'out-of-range numbers'
  | 'huge strings'
  | 'invalid unicode'
  | 'injection strings'
  | 'unknown codes and ids'
  | 'impossible dates'
  | 'empty lists'
  | 'duplicated keys'
  | 'malformed JSON'
  | 'content types'
  | 'operation names'
  | 'HTTP methods'
  | 'invalid documents'
  | 'tokens and roles'
  | 'state and versions';

/** What the corpus needs from the seeded stack (made before the database is snapshotted). */
export interface Fixtures {
  commune: string;
  procedureCode: string;
  /** A draft of the commune's own process, for its leader to approve. */
  processId: string;
  dossierId: string;
  dossierCode: string;
  dossierPin: string;
  dossierVersion: number;
  auditId: string;
  nonconformityId: string;
  actionId: string;
  today: string;
  year: number;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const MISSING_UUID = '00000000-0000-4000-8000-000000000000';

/** Strings that must never reach SQL or a page as anything but text. */
export const INJECTIONS = {
  sql: "'; DROP TABLE dossier;--",
  sqlOr: "' OR '1'='1",
  script: '<script>alert(1)</script>',
  percentNul: 'abc%00def',
  nul: 'abc\u0000def',
} as const;

export function body(name: string, variables?: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    query: operation(name),
    operationName: name,
    ...(variables === undefined ? {} : { variables }),
    ...extra,
  });
}

function post(payload: string | Buffer, headers: Record<string, string> = JSON_TYPE): RawRequest {
  return { method: 'POST', headers, body: payload };
}

export function buildCorpus(f: Fixtures): BadInputCase[] {
  const cases: BadInputCase[] = [];
  const add = (c: BadInputCase) => cases.push(c);
  const op = (
    category: Category,
    name: string,
    as: Who,
    operationName: string,
    variables: unknown,
    expect: BadInputCase['expect'],
    field?: string,
  ) => add({ name, category, as, request: post(body(operationName, variables)), expect, field });

  const future = `${f.year + 1}-06-01`;
  const longAgo = `${f.year - 1}-03-02`;
  const applicant = { name: 'Nguyễn Văn An', idNumber: '022090001234', phone: '0912345678' };
  const receive = (over: Record<string, unknown> = {}) => ({
    input: {
      procedureCode: f.procedureCode,
      unitCode: f.commune,
      channel: 'COUNTER',
      applicant,
      idempotencyKey: `bad-input-${Math.random().toString(36).slice(2)}`,
      ...over,
    },
  });
  const act = (over: Record<string, unknown> = {}) => ({
    input: { dossierId: f.dossierId, expectedVersion: f.dossierVersion, ...over },
  });
  const stale = { expectedVersion: f.dossierVersion + 100 };
  const row = (over: Record<string, unknown> = {}) => ({
    externalId: 'legacy-1',
    procedureCode: f.procedureCode,
    unitCode: f.commune,
    channel: 'COUNTER',
    applicant,
    status: 'RECEIVED',
    receivedAt: `${f.year + 5}-01-05T09:00:00+07:00`, // in the future: every row refused
    ...over,
  });
  const draft = (over: Record<string, unknown> = {}) => ({
    input: {
      procedureCode: f.procedureCode,
      unitCode: f.commune,
      steps: [{ name: 'Tiếp nhận', role: 'RECEIVER', durationHours: 1 }],
      ...over,
    },
  });
  const legal = (over: Record<string, unknown> = {}) => ({
    input: {
      number: '01/2026/TT-BTP',
      title: 'Thông tư sửa đổi',
      issuedOn: longAgo,
      effectiveOn: f.today,
      procedureCodes: [f.procedureCode],
      ...over,
    },
  });
  const announce = (over: Record<string, unknown> = {}) => ({
    input: {
      unitCode: f.commune,
      standard: 'ISO_9001_2015',
      decisionNumber: '12/QĐ-UBND',
      announcedOn: f.today,
      ...over,
    },
  });
  const plan = (over: Record<string, unknown> = {}) => ({
    input: {
      unitCode: f.commune,
      plannedFor: f.today,
      scope: 'Toàn bộ HTQLCL',
      auditorUsernames: ['auditor.22'],
      ...over,
    },
  });
  const finding = (over: Record<string, unknown> = {}) => ({
    input: { auditId: f.auditId, kind: 'OBSERVATION', clause: '8.5', description: 'Ghi nhận', ...over },
  });
  const corrective = (over: Record<string, unknown> = {}) => ({
    input: {
      nonconformityId: f.nonconformityId,
      description: 'Khắc phục',
      rootCause: 'Nguyên nhân',
      ownerUsername: `iso.${f.commune}`,
      dueOn: future,
      ...over,
    },
  });
  const completeAction = (over: Record<string, unknown> = {}) => ({
    input: { actionId: f.actionId, completedOn: f.today, effective: true, note: 'xong', ...over },
  });
  const review = (over: Record<string, unknown> = {}) => ({
    input: {
      unitCode: f.commune,
      heldOn: f.today,
      inputs: ['Kết quả đánh giá'],
      decisions: ['Cải tiến'],
      ...over,
    },
  });
  const webhook = (over: Record<string, unknown> = {}) => ({
    input: { unitCode: f.commune, url: 'https://example.org/hook', events: ['*'], ...over },
  });
  const feedback = (over: Record<string, unknown> = {}) => ({
    input: { code: f.dossierCode, pin: f.dossierPin, rating: 5, comment: 'Tốt', ...over },
  });

  // ── missing variables: every operation, sent without its variables ──
  const whoFor: Record<string, Who> = {
    MyWorkspace: 'handler',
    DraftProcess: 'iso',
    ApproveProcess: 'leader',
    RegisterLegalChange: 'admin',
    ImportDossiers: 'admin',
    AnnounceQms: 'iso',
    PlanInternalAudit: 'iso',
    RecordAuditFinding: 'iso',
    AddCorrectiveAction: 'iso',
    CompleteCorrectiveAction: 'iso',
    RecordManagementReview: 'leader',
    UnitQuality: 'iso',
    NationalCompliance: 'viewer',
    Rankings: 'viewer',
    MarkNotificationsRead: 'handler',
    CreateWebhookSubscription: 'leader',
    NotificationHistory: 'handler',
    DossierDetail: 'handler',
    UnitDossiers: 'handler',
    UnitStatistics: 'leader',
  };
  const firstVariable: Record<string, string> = {
    UnitByCode: 'code',
    UnitsByLevel: 'level',
    MyWorkspace: 'first',
    UnitProcedures: 'unitCode',
    ProcedureByCode: 'code',
    DossierDetail: 'code',
    UnitDossiers: 'unitCode',
    UnitStatistics: 'unitCode',
    PublicDossierStatus: 'code',
    UnitQuality: 'unitCode',
    NationalCompliance: 'year',
    Rankings: 'level',
    MarkNotificationsRead: 'ids',
    NotificationHistory: 'first',
  };
  const allOperations = [
    'UnitByCode',
    'UnitsByLevel',
    'MyWorkspace',
    'UnitProcedures',
    'ProcedureByCode',
    'DraftProcess',
    'ApproveProcess',
    'RegisterLegalChange',
    'ReceiveDossier',
    'CompleteStep',
    'RequestSupplement',
    'ResumeDossier',
    'IssueApology',
    'RejectDossier',
    'ReturnResult',
    'WithdrawDossier',
    'RecordFeedback',
    'ImportDossiers',
    'DossierDetail',
    'UnitDossiers',
    'UnitStatistics',
    'PublicDossierStatus',
    'AnnounceQms',
    'PlanInternalAudit',
    'RecordAuditFinding',
    'AddCorrectiveAction',
    'CompleteCorrectiveAction',
    'RecordManagementReview',
    'UnitQuality',
    'NationalCompliance',
    'Rankings',
    'MarkNotificationsRead',
    'CreateWebhookSubscription',
    'NotificationHistory',
  ];
  const who = (name: string): Who => whoFor[name] ?? (name.startsWith('Unit') ? 'anonymous' : 'receiver');
  for (const name of allOperations) {
    op(
      'missing variables',
      `${name}: no variables`,
      who(name),
      name,
      undefined,
      ['BAD_USER_INPUT'],
      firstVariable[name] ?? 'input',
    );
    op(
      'missing variables',
      `${name}: variables null`,
      who(name),
      name,
      null,
      ['BAD_USER_INPUT'],
      firstVariable[name] ?? 'input',
    );
  }

  // ── wrong types ──
  op(
    'wrong types',
    'UnitByCode: code is a number',
    'anonymous',
    'UnitByCode',
    { code: 22 },
    ['BAD_USER_INPUT'],
    'code',
  );
  op(
    'wrong types',
    'UnitByCode: code is an object',
    'anonymous',
    'UnitByCode',
    { code: { $ne: null } },
    ['BAD_USER_INPUT'],
    'code',
  );
  op(
    'wrong types',
    'UnitsByLevel: unknown level',
    'anonymous',
    'UnitsByLevel',
    { level: 'GALAXY', first: 1 },
    ['BAD_USER_INPUT'],
    'level',
  );
  op(
    'wrong types',
    'UnitsByLevel: level in lower case',
    'anonymous',
    'UnitsByLevel',
    { level: 'commune', first: 1 },
    ['BAD_USER_INPUT'],
    'level',
  );
  op(
    'wrong types',
    'UnitsByLevel: first is a string',
    'anonymous',
    'UnitsByLevel',
    { level: 'PROVINCE', first: 'ten' },
    ['BAD_USER_INPUT'],
    'first',
  );
  op(
    'wrong types',
    'UnitsByLevel: first is a boolean',
    'anonymous',
    'UnitsByLevel',
    { level: 'PROVINCE', first: true },
    ['BAD_USER_INPUT'],
    'first',
  );
  op(
    'wrong types',
    'UnitsByLevel: after is a number',
    'anonymous',
    'UnitsByLevel',
    { level: 'PROVINCE', first: 1, after: 5 },
    ['BAD_USER_INPUT'],
    'after',
  );
  op(
    'wrong types',
    'MyWorkspace: first is an array',
    'handler',
    'MyWorkspace',
    { first: [10] },
    ['BAD_USER_INPUT'],
    'first',
  );
  op(
    'wrong types',
    'UnitProcedures: search is an object',
    'anonymous',
    'UnitProcedures',
    { unitCode: f.commune, search: {}, first: 5 },
    ['BAD_USER_INPUT'],
    'search',
  );
  op(
    'wrong types',
    'ProcedureByCode: code is null',
    'anonymous',
    'ProcedureByCode',
    { code: null },
    ['BAD_USER_INPUT'],
    'code',
  );
  op(
    'wrong types',
    'DraftProcess: steps is an object',
    'iso',
    'DraftProcess',
    draft({ steps: { name: 'x' } }),
    ['BAD_USER_INPUT'],
    'steps.role',
  );
  op(
    'wrong types',
    'DraftProcess: unknown role',
    'iso',
    'DraftProcess',
    draft({ steps: [{ name: 'x', role: 'JANITOR', durationHours: 1 }] }),
    ['BAD_USER_INPUT'],
    'steps.0.role',
  );
  op(
    'wrong types',
    'DraftProcess: durationHours is a string',
    'iso',
    'DraftProcess',
    draft({ steps: [{ name: 'x', role: 'RECEIVER', durationHours: 'one' }] }),
    ['BAD_USER_INPUT'],
    'steps.0.durationHours',
  );
  op(
    'wrong types',
    'ApproveProcess: processId is an object',
    'leader',
    'ApproveProcess',
    { input: { processId: { id: 1 }, effectiveFrom: future } },
    ['BAD_USER_INPUT'],
    'processId',
  );
  op(
    'wrong types',
    'ApproveProcess: effectiveFrom is a number',
    'leader',
    'ApproveProcess',
    { input: { processId: f.processId, effectiveFrom: 20260101 } },
    ['BAD_USER_INPUT'],
    'effectiveFrom',
  );
  op(
    'wrong types',
    'RegisterLegalChange: procedureCodes is a string',
    'admin',
    'RegisterLegalChange',
    legal({ procedureCodes: 12 }),
    ['BAD_USER_INPUT'],
    'procedureCodes',
  );
  op(
    'wrong types',
    'ReceiveDossier: unknown channel',
    'receiver',
    'ReceiveDossier',
    receive({ channel: 'PIGEON' }),
    ['BAD_USER_INPUT'],
    'channel',
  );
  op(
    'wrong types',
    'ReceiveDossier: applicant is a string',
    'receiver',
    'ReceiveDossier',
    receive({ applicant: 'Nguyễn Văn An' }),
    ['BAD_USER_INPUT'],
    'applicant',
  );
  op(
    'wrong types',
    'ReceiveDossier: applicant without idNumber',
    'receiver',
    'ReceiveDossier',
    receive({ applicant: { name: 'An' } }),
    ['BAD_USER_INPUT'],
    'applicant.idNumber',
  );
  op(
    'wrong types',
    'ReceiveDossier: unknown input field',
    'receiver',
    'ReceiveDossier',
    receive({ priority: 'HIGH' }),
    ['BAD_USER_INPUT'],
    'priority',
  );
  op(
    'wrong types',
    'ReceiveDossier: paidOnline is a string',
    'receiver',
    'ReceiveDossier',
    receive({ paidOnline: 'yes' }),
    ['BAD_USER_INPUT'],
    'paidOnline',
  );
  op(
    'wrong types',
    'CompleteStep: expectedVersion is a string',
    'receiver',
    'CompleteStep',
    act({ expectedVersion: '1' }),
    ['BAD_USER_INPUT'],
    'expectedVersion',
  );
  op(
    'wrong types',
    'CompleteStep: expectedVersion is a float',
    'receiver',
    'CompleteStep',
    act({ expectedVersion: 1.5 }),
    ['BAD_USER_INPUT'],
    'expectedVersion',
  );
  op(
    'wrong types',
    'RequestSupplement: reason is a number',
    'receiver',
    'RequestSupplement',
    act({ reason: 42 }),
    ['BAD_USER_INPUT'],
    'reason',
  );
  op(
    'wrong types',
    'ResumeDossier: dossierId is a boolean',
    'receiver',
    'ResumeDossier',
    act({ dossierId: true }),
    ['BAD_USER_INPUT'],
    'dossierId',
  );
  op(
    'wrong types',
    'IssueApology: newDueAt is a number',
    'receiver',
    'IssueApology',
    act({ reason: 'Xin lỗi', newDueAt: 1767225600000 }),
    ['BAD_USER_INPUT'],
    'newDueAt',
  );
  op(
    'wrong types',
    'RejectDossier: reason is an array',
    'receiver',
    'RejectDossier',
    act({ reason: ['a'] }),
    ['BAD_USER_INPUT'],
    'reason',
  );
  op(
    'wrong types',
    'ReturnResult: electronicResult is a number',
    'receiver',
    'ReturnResult',
    act({ electronicResult: 1 }),
    ['BAD_USER_INPUT'],
    'electronicResult',
  );
  op(
    'wrong types',
    'WithdrawDossier: input is a string',
    'receiver',
    'WithdrawDossier',
    { input: 'withdraw' },
    ['BAD_USER_INPUT'],
    'input',
  );
  op(
    'wrong types',
    'RecordFeedback: rating is a string',
    'anonymous',
    'RecordFeedback',
    feedback({ rating: 'five' }),
    ['BAD_USER_INPUT'],
    'rating',
  );
  op(
    'wrong types',
    'RecordFeedback: pin is a number',
    'anonymous',
    'RecordFeedback',
    feedback({ pin: 123456 }),
    ['BAD_USER_INPUT'],
    'pin',
  );
  op(
    'wrong types',
    'ImportDossiers: dossiers is an object',
    'admin',
    'ImportDossiers',
    { input: { dossiers: { a: 1 } } },
    ['BAD_USER_INPUT'],
    'dossiers.externalId',
  );
  op(
    'wrong types',
    'ImportDossiers: unknown status',
    'admin',
    'ImportDossiers',
    { input: { dossiers: [row({ status: 'LOST' })] } },
    ['BAD_USER_INPUT'],
    'dossiers.0.status',
  );
  op(
    'wrong types',
    'ImportDossiers: receivedAt is not a time',
    'admin',
    'ImportDossiers',
    { input: { dossiers: [row({ receivedAt: 'yesterday' })] } },
    ['BAD_USER_INPUT'],
    'dossiers.0.receivedAt',
  );
  op(
    'wrong types',
    'DossierDetail: code is a number',
    'handler',
    'DossierDetail',
    { code: 1 },
    ['BAD_USER_INPUT'],
    'code',
  );
  op(
    'wrong types',
    'UnitDossiers: filter.status unknown',
    'handler',
    'UnitDossiers',
    { unitCode: f.commune, filter: { status: ['LOST'] }, first: 5 },
    ['BAD_USER_INPUT'],
    'filter.status.0',
  );
  op(
    'wrong types',
    'UnitDossiers: filter is a string',
    'handler',
    'UnitDossiers',
    { unitCode: f.commune, filter: 'all', first: 5 },
    ['BAD_USER_INPUT'],
    'filter',
  );
  op(
    'wrong types',
    'UnitStatistics: includeDescendants is a string',
    'leader',
    'UnitStatistics',
    { unitCode: f.commune, from: longAgo, to: f.today, includeDescendants: 'true' },
    ['BAD_USER_INPUT'],
    'includeDescendants',
  );
  op(
    'wrong types',
    'PublicDossierStatus: pin is an object',
    'anonymous',
    'PublicDossierStatus',
    { code: f.dossierCode, pin: { a: 1 } },
    ['BAD_USER_INPUT'],
    'pin',
  );
  op(
    'wrong types',
    'AnnounceQms: unknown standard',
    'iso',
    'AnnounceQms',
    announce({ standard: 'ISO_27001' }),
    ['BAD_USER_INPUT'],
    'standard',
  );
  op(
    'wrong types',
    'PlanInternalAudit: auditorUsernames holds null',
    'iso',
    'PlanInternalAudit',
    plan({ auditorUsernames: [null] }),
    ['BAD_USER_INPUT'],
    'auditorUsernames.0',
  );
  op(
    'wrong types',
    'RecordAuditFinding: unknown kind',
    'iso',
    'RecordAuditFinding',
    finding({ kind: 'DISASTER' }),
    ['BAD_USER_INPUT'],
    'kind',
  );
  op(
    'wrong types',
    'RecordAuditFinding: clause is a number',
    'iso',
    'RecordAuditFinding',
    finding({ clause: 8.5 }),
    ['BAD_USER_INPUT'],
    'clause',
  );
  op(
    'wrong types',
    'AddCorrectiveAction: dueOn is a DateTime',
    'iso',
    'AddCorrectiveAction',
    corrective({ dueOn: `${future}T00:00:00Z` }),
    ['BAD_USER_INPUT'],
    'dueOn',
  );
  op(
    'wrong types',
    'CompleteCorrectiveAction: effective is a string',
    'iso',
    'CompleteCorrectiveAction',
    completeAction({ effective: 'yes' }),
    ['BAD_USER_INPUT'],
    'effective',
  );
  op(
    'wrong types',
    'RecordManagementReview: inputs is a string',
    'leader',
    'RecordManagementReview',
    review({ inputs: 7 }),
    ['BAD_USER_INPUT'],
    'inputs',
  );
  op(
    'wrong types',
    'UnitQuality: year is a string',
    'iso',
    'UnitQuality',
    { unitCode: f.commune, year: '2026' },
    ['BAD_USER_INPUT'],
    'year',
  );
  op(
    'wrong types',
    'NationalCompliance: year is a float',
    'viewer',
    'NationalCompliance',
    { year: 2025.5 },
    ['BAD_USER_INPUT'],
    'year',
  );
  op(
    'wrong types',
    'Rankings: unknown level',
    'viewer',
    'Rankings',
    { level: 'PLANET' },
    ['BAD_USER_INPUT'],
    'level',
  );
  op(
    'wrong types',
    'MarkNotificationsRead: ids is a string',
    'handler',
    'MarkNotificationsRead',
    { ids: 5 },
    ['BAD_USER_INPUT'],
    'ids',
  );
  op(
    'wrong types',
    'CreateWebhookSubscription: events holds a number',
    'leader',
    'CreateWebhookSubscription',
    webhook({ events: [{}] }),
    ['BAD_USER_INPUT'],
    'events.0',
  );
  op(
    'wrong types',
    'NotificationHistory: first is null',
    'handler',
    'NotificationHistory',
    { first: null },
    ['BAD_USER_INPUT'],
    'first',
  );

  // ── out-of-range numbers ──
  const firsts: [string, number | string][] = [
    ['-1', -1],
    ['201', 201],
    ['2^31', 2 ** 31],
    ['1e308', 1e308],
    ['"NaN"', 'NaN'],
    ['"Infinity"', 'Infinity'],
  ];
  for (const [label, first] of firsts) {
    op(
      'out-of-range numbers',
      `UnitsByLevel: first ${label}`,
      'anonymous',
      'UnitsByLevel',
      { level: 'COMMUNE', underCode: '22', first },
      ['BAD_USER_INPUT'],
      'first',
    );
    op(
      'out-of-range numbers',
      `NotificationHistory: first ${label}`,
      'handler',
      'NotificationHistory',
      { first },
      ['BAD_USER_INPUT'],
      'first',
    );
  }
  op(
    'out-of-range numbers',
    'MyWorkspace: first -1',
    'handler',
    'MyWorkspace',
    { first: -1 },
    ['BAD_USER_INPUT'],
    'first',
  );
  op(
    'out-of-range numbers',
    'MyWorkspace: first 201',
    'handler',
    'MyWorkspace',
    { first: 201 },
    ['BAD_USER_INPUT'],
    'first',
  );
  op(
    'out-of-range numbers',
    'UnitProcedures: first 201',
    'anonymous',
    'UnitProcedures',
    { unitCode: f.commune, first: 201 },
    ['BAD_USER_INPUT'],
    'first',
  );
  op(
    'out-of-range numbers',
    'UnitProcedures: first -1',
    'anonymous',
    'UnitProcedures',
    { unitCode: f.commune, first: -1 },
    ['BAD_USER_INPUT'],
    'first',
  );
  op(
    'out-of-range numbers',
    'UnitDossiers: first 201',
    'handler',
    'UnitDossiers',
    { unitCode: f.commune, first: 201 },
    ['BAD_USER_INPUT'],
    'first',
  );
  op(
    'out-of-range numbers',
    'UnitDossiers: first 2^31',
    'handler',
    'UnitDossiers',
    { unitCode: f.commune, first: 2 ** 31 },
    ['BAD_USER_INPUT'],
    'first',
  );
  for (const [label, year] of [
    ['-1', -1],
    ['0', 0],
    ['2^31', 2 ** 31],
    ['1e308', 1e308],
    ['99999', 99999],
  ] as const) {
    op(
      'out-of-range numbers',
      `NationalCompliance: year ${label}`,
      'viewer',
      'NationalCompliance',
      { year },
      ['BAD_USER_INPUT'],
      'year',
    );
    op(
      'out-of-range numbers',
      `UnitQuality: year ${label}`,
      'iso',
      'UnitQuality',
      { unitCode: f.commune, year },
      ['BAD_USER_INPUT'],
      'year',
    );
  }
  for (const [label, version] of [
    ['-1', -1],
    ['0', 0],
    ['2^31', 2 ** 31],
    ['1e308', 1e308],
  ] as const) {
    op(
      'out-of-range numbers',
      `RequestSupplement: expectedVersion ${label}`,
      'receiver',
      'RequestSupplement',
      act({ expectedVersion: version, reason: 'Thiếu giấy tờ' }),
      version === 0 || version === -1 ? ['CONFLICT', 'BAD_USER_INPUT'] : ['BAD_USER_INPUT'],
      version === 0 || version === -1 ? undefined : 'expectedVersion',
    );
  }
  for (const [label, rating] of [
    ['0', 0],
    ['6', 6],
    ['-1', -1],
    ['2^31', 2 ** 31],
    ['2.5', 2.5],
    ['1e308', 1e308],
  ] as const) {
    op(
      'out-of-range numbers',
      `RecordFeedback: rating ${label}`,
      'anonymous',
      'RecordFeedback',
      feedback({ rating }),
      ['BAD_USER_INPUT'],
      'rating',
    );
  }
  for (const [label, hours] of [
    ['-1', -1],
    ['0', 0],
    ['1e308', 1e308],
    ['100000', 100000],
    ['"NaN"', 'NaN'],
  ] as const) {
    // Over the procedure's time, the sum of the steps is what breaks the rule: `steps`.
    const field = typeof hours === 'number' && hours > 1000 ? 'steps' : 'steps.0.durationHours';
    op(
      'out-of-range numbers',
      `DraftProcess: durationHours ${label}`,
      'iso',
      'DraftProcess',
      draft({ steps: [{ name: 'Xử lý', role: 'HANDLER', durationHours: hours }] }),
      ['BAD_USER_INPUT'],
      field,
    );
  }

  // ── huge strings: 1 MB (over the body limit) and 100k characters (over every field's limit) ──
  const mega = 'Ă'.repeat(600_000); // 1.2 MB of UTF-8
  const big = 'x'.repeat(100_000);
  op(
    'huge strings',
    'ReceiveDossier: 1 MB applicant name',
    'receiver',
    'ReceiveDossier',
    receive({ applicant: { ...applicant, name: mega } }),
    ['BAD_USER_INPUT'],
  );
  op('huge strings', 'UnitByCode: 1 MB code', 'anonymous', 'UnitByCode', { code: mega }, ['BAD_USER_INPUT']);
  op(
    'huge strings',
    'ImportDossiers: 1 MB externalId',
    'admin',
    'ImportDossiers',
    { input: { dossiers: [row({ externalId: mega })] } },
    ['BAD_USER_INPUT'],
  );
  op(
    'huge strings',
    'ReceiveDossier: 100k applicant name',
    'receiver',
    'ReceiveDossier',
    receive({ applicant: { ...applicant, name: big } }),
    ['BAD_USER_INPUT'],
    'applicant.name',
  );
  op(
    'huge strings',
    'ReceiveDossier: 100k idempotencyKey',
    'receiver',
    'ReceiveDossier',
    receive({ idempotencyKey: big }),
    ['BAD_USER_INPUT'],
    'idempotencyKey',
  );
  op(
    'huge strings',
    'ReceiveDossier: 100k e-mail',
    'receiver',
    'ReceiveDossier',
    receive({ applicant: { ...applicant, email: `${big}@x.vn` } }),
    ['BAD_USER_INPUT'],
    'applicant.email',
  );
  op(
    'huge strings',
    'ReceiveDossier: 100k procedureCode',
    'receiver',
    'ReceiveDossier',
    receive({ procedureCode: big }),
    ['BAD_USER_INPUT'],
    'procedureCode',
  );
  op(
    'huge strings',
    'ReceiveDossier: 100k unitCode',
    'receiver',
    'ReceiveDossier',
    receive({ unitCode: big }),
    ['BAD_USER_INPUT'],
    'unitCode',
  );
  op(
    'huge strings',
    'CompleteStep: 100k note',
    'receiver',
    'CompleteStep',
    act({ note: big }),
    ['BAD_USER_INPUT'],
    'note',
  );
  op(
    'huge strings',
    'RequestSupplement: 100k reason',
    'receiver',
    'RequestSupplement',
    act({ reason: big }),
    ['BAD_USER_INPUT'],
    'reason',
  );
  op(
    'huge strings',
    'IssueApology: 100k reason',
    'receiver',
    'IssueApology',
    act({ reason: big, newDueAt: `${future}T10:00:00+07:00` }),
    ['BAD_USER_INPUT'],
    'reason',
  );
  op(
    'huge strings',
    'RejectDossier: 100k reason',
    'receiver',
    'RejectDossier',
    act({ reason: big }),
    ['BAD_USER_INPUT'],
    'reason',
  );
  op(
    'huge strings',
    'WithdrawDossier: 100k reason',
    'receiver',
    'WithdrawDossier',
    act({ reason: big }),
    ['BAD_USER_INPUT'],
    'reason',
  );
  op(
    'huge strings',
    'RecordFeedback: 100k comment',
    'anonymous',
    'RecordFeedback',
    feedback({ comment: big }),
    ['BAD_USER_INPUT'],
    'comment',
  );
  op('huge strings', 'RecordFeedback: 100k code', 'anonymous', 'RecordFeedback', feedback({ code: big }), [
    'NOT_FOUND',
    'BAD_USER_INPUT',
  ]);
  op(
    'huge strings',
    'ImportDossiers: 100k applicant name',
    'admin',
    'ImportDossiers',
    {
      input: {
        dossiers: [row({ receivedAt: '2025-01-06T09:00:00+07:00', applicant: { ...applicant, name: big } })],
      },
    },
    'rowErrors',
  );
  op(
    'huge strings',
    'ImportDossiers: 100k externalId',
    'admin',
    'ImportDossiers',
    { input: { dossiers: [row({ receivedAt: '2025-01-06T09:00:00+07:00', externalId: big })] } },
    'rowErrors',
  );
  op(
    'huge strings',
    'DraftProcess: 100k step name',
    'iso',
    'DraftProcess',
    draft({ steps: [{ name: big, role: 'RECEIVER', durationHours: 1 }] }),
    ['BAD_USER_INPUT'],
    'steps.0.name',
  );
  op(
    'huge strings',
    'RegisterLegalChange: 100k title',
    'admin',
    'RegisterLegalChange',
    legal({ title: big }),
    ['BAD_USER_INPUT'],
    'title',
  );
  op(
    'huge strings',
    'RegisterLegalChange: 100k number',
    'admin',
    'RegisterLegalChange',
    legal({ number: big }),
    ['BAD_USER_INPUT'],
    'number',
  );
  op(
    'huge strings',
    'AnnounceQms: 100k decisionNumber',
    'iso',
    'AnnounceQms',
    announce({ decisionNumber: big }),
    ['BAD_USER_INPUT'],
    'decisionNumber',
  );
  op(
    'huge strings',
    'PlanInternalAudit: 100k scope',
    'iso',
    'PlanInternalAudit',
    plan({ scope: big }),
    ['BAD_USER_INPUT'],
    'scope',
  );
  op(
    'huge strings',
    'PlanInternalAudit: 100k auditor name',
    'iso',
    'PlanInternalAudit',
    plan({ auditorUsernames: [big] }),
    ['BAD_USER_INPUT'],
    'auditorUsernames',
  );
  op(
    'huge strings',
    'RecordAuditFinding: 100k description',
    'iso',
    'RecordAuditFinding',
    finding({ description: big }),
    ['BAD_USER_INPUT'],
    'description',
  );
  op(
    'huge strings',
    'RecordAuditFinding: 100k clause',
    'iso',
    'RecordAuditFinding',
    finding({ clause: big }),
    ['BAD_USER_INPUT'],
    'clause',
  );
  op(
    'huge strings',
    'AddCorrectiveAction: 100k rootCause',
    'iso',
    'AddCorrectiveAction',
    corrective({ rootCause: big }),
    ['BAD_USER_INPUT'],
    'rootCause',
  );
  op(
    'huge strings',
    'AddCorrectiveAction: 100k ownerUsername',
    'iso',
    'AddCorrectiveAction',
    corrective({ ownerUsername: big }),
    ['BAD_USER_INPUT'],
    'ownerUsername',
  );
  op(
    'huge strings',
    'CompleteCorrectiveAction: 100k note',
    'iso',
    'CompleteCorrectiveAction',
    completeAction({ note: big }),
    ['BAD_USER_INPUT'],
    'note',
  );
  op(
    'huge strings',
    'RecordManagementReview: 100k decision',
    'leader',
    'RecordManagementReview',
    review({ decisions: [big] }),
    ['BAD_USER_INPUT'],
    'decisions',
  );
  op(
    'huge strings',
    'CreateWebhookSubscription: 100k url',
    'leader',
    'CreateWebhookSubscription',
    webhook({ url: `https://example.org/${big}` }),
    ['BAD_USER_INPUT'],
    'url',
  );
  op(
    'huge strings',
    'UnitProcedures: 100k search',
    'anonymous',
    'UnitProcedures',
    { unitCode: f.commune, search: big, first: 5 },
    ['BAD_USER_INPUT'],
    'search',
  );
  op('huge strings', 'DossierDetail: 100k code', 'handler', 'DossierDetail', { code: big }, [
    'NOT_FOUND',
    'BAD_USER_INPUT',
  ]);
  op('huge strings', 'UnitByCode: 100k code', 'anonymous', 'UnitByCode', { code: big }, 'null');
  op(
    'huge strings',
    'PublicDossierStatus: 100k pin',
    'anonymous',
    'PublicDossierStatus',
    { code: f.dossierCode, pin: big },
    'null',
  );
  op(
    'huge strings',
    'UnitDossiers: 100k filter.procedureCode',
    'handler',
    'UnitDossiers',
    { unitCode: f.commune, filter: { procedureCode: big }, first: 5 },
    ['BAD_USER_INPUT'],
    'filter.procedureCode',
  );
  op(
    'huge strings',
    'UnitsByLevel: 100k cursor',
    'anonymous',
    'UnitsByLevel',
    { level: 'PROVINCE', first: 1, after: big },
    ['BAD_USER_INPUT'],
    'after',
  );

  // ── invalid unicode: raw bytes that are not UTF-8, and lone surrogates in JSON strings ──
  const rawWith = (name: string, variables: unknown, marker: string, bytes: number[]) => {
    const text = body(name, variables);
    const at = text.indexOf(marker);
    return Buffer.concat([
      Buffer.from(text.slice(0, at), 'utf8'),
      Buffer.from(bytes),
      Buffer.from(text.slice(at + marker.length), 'utf8'),
    ]);
  };
  const badBytes: [string, number[]][] = [
    ['0xff', [0xff]],
    ['a truncated sequence 0xc3', [0xc3, 0x28]],
    ['an overlong 0xc0 0xaf', [0xc0, 0xaf]],
    ['a UTF-16 surrogate in UTF-8 0xed 0xa0 0x80', [0xed, 0xa0, 0x80]],
  ];
  for (const [label, bytes] of badBytes) {
    add({
      name: `ReceiveDossier: applicant name with ${label}`,
      category: 'invalid unicode',
      as: 'receiver',
      request: post(
        rawWith('ReceiveDossier', receive({ applicant: { ...applicant, name: 'MARKER' } }), 'MARKER', bytes),
      ),
      expect: ['BAD_USER_INPUT'],
    });
    add({
      name: `RequestSupplement: reason with ${label}`,
      category: 'invalid unicode',
      as: 'receiver',
      request: post(rawWith('RequestSupplement', act({ reason: 'MARKER' }), 'MARKER', bytes)),
      expect: ['BAD_USER_INPUT'],
    });
  }
  add({
    name: 'UnitByCode: code with 0xff',
    category: 'invalid unicode',
    as: 'anonymous',
    request: post(rawWith('UnitByCode', { code: 'MARKER' }, 'MARKER', [0xff])),
    expect: ['BAD_USER_INPUT'],
  });
  add({
    name: 'PlanInternalAudit: scope with 0xfe 0xff',
    category: 'invalid unicode',
    as: 'iso',
    request: post(rawWith('PlanInternalAudit', plan({ scope: 'MARKER' }), 'MARKER', [0xfe, 0xff])),
    expect: ['BAD_USER_INPUT'],
  });
  add({
    name: 'a query document with 0xff',
    category: 'invalid unicode',
    as: 'anonymous',
    request: post(rawWith('UnitByCode', { code: '22' }, 'unit(', [0xff])),
    expect: ['BAD_USER_INPUT'],
  });
  const lone = (name: string, who: Who, variables: unknown, field: string) =>
    add({
      name,
      category: 'invalid unicode',
      as: who,
      request: post(body(name.split(':')[0], variables).replace('LONE', '\\ud800')),
      expect: ['BAD_USER_INPUT'],
      field,
    });
  lone(
    'ReceiveDossier: lone surrogate in applicant name',
    'receiver',
    receive({ applicant: { ...applicant, name: 'An LONE' } }),
    'applicant.name',
  );
  lone('RequestSupplement: lone surrogate in reason', 'receiver', act({ reason: 'LONE' }), 'reason');
  lone(
    'RecordManagementReview: lone surrogate in a decision',
    'leader',
    review({ decisions: ['ok', 'LONE'] }),
    'decisions.1',
  );
  lone('UnitByCode: lone surrogate in code', 'anonymous', { code: '22LONE' }, 'code');
  lone(
    'CreateWebhookSubscription: lone surrogate in url',
    'leader',
    webhook({ url: 'https://example.org/LONE' }),
    'url',
  );
  add({
    name: 'RejectDossier: lone low surrogate in reason',
    category: 'invalid unicode',
    as: 'receiver',
    request: post(body('RejectDossier', act({ reason: 'x LOW' })).replace('LOW', '\\udfff')),
    expect: ['BAD_USER_INPUT'],
    field: 'reason',
  });

  // ── injection strings in every text field ──
  for (const [kind, text] of Object.entries(INJECTIONS)) {
    const nul = kind === 'nul';
    // Refused for their own sake (codes, ids) or because of a stale version that is checked after the text.
    op(
      'injection strings',
      `UnitByCode: ${kind} in code`,
      'anonymous',
      'UnitByCode',
      { code: text },
      nul ? ['BAD_USER_INPUT'] : 'null',
      nul ? 'code' : undefined,
    );
    op(
      'injection strings',
      `UnitsByLevel: ${kind} in underCode`,
      'anonymous',
      'UnitsByLevel',
      { level: 'COMMUNE', underCode: text, first: 5 },
      ['BAD_USER_INPUT'],
      'underCode',
    );
    op(
      'injection strings',
      `UnitProcedures: ${kind} in search`,
      'anonymous',
      'UnitProcedures',
      { unitCode: '22-no-such', search: text, first: 5 },
      nul ? ['BAD_USER_INPUT'] : 'null',
      nul ? 'search' : undefined,
    );
    op(
      'injection strings',
      `ProcedureByCode: ${kind} in code`,
      'anonymous',
      'ProcedureByCode',
      { code: text },
      nul ? ['BAD_USER_INPUT'] : 'null',
      nul ? 'code' : undefined,
    );
    op(
      'injection strings',
      `DraftProcess: ${kind} in procedureCode`,
      'iso',
      'DraftProcess',
      draft({ procedureCode: text }),
      ['BAD_USER_INPUT'],
      'procedureCode',
    );
    op(
      'injection strings',
      `DraftProcess: ${kind} in a step name`,
      'iso',
      'DraftProcess',
      draft({ steps: [{ name: text, role: 'RECEIVER', durationHours: 100000 }] }),
      ['BAD_USER_INPUT'],
      nul ? 'steps.0.name' : undefined,
    );
    op(
      'injection strings',
      `RegisterLegalChange: ${kind} in title`,
      'admin',
      'RegisterLegalChange',
      legal({ title: text, procedureCodes: ['NO.SUCH'] }),
      ['BAD_USER_INPUT'],
      nul ? 'title' : 'procedureCodes',
    );
    op(
      'injection strings',
      `RegisterLegalChange: ${kind} in procedureCodes`,
      'admin',
      'RegisterLegalChange',
      legal({ procedureCodes: [text] }),
      ['BAD_USER_INPUT'],
      nul ? 'procedureCodes.0' : 'procedureCodes',
    );
    op(
      'injection strings',
      `ReceiveDossier: ${kind} in applicant name`,
      'receiver',
      'ReceiveDossier',
      receive({ applicant: { ...applicant, name: text, idNumber: text } }),
      ['BAD_USER_INPUT'],
      nul ? 'applicant.name' : 'applicant.idNumber',
    );
    op(
      'injection strings',
      `ReceiveDossier: ${kind} in unitCode`,
      'receiver',
      'ReceiveDossier',
      receive({ unitCode: text }),
      ['BAD_USER_INPUT'],
      'unitCode',
    );
    op(
      'injection strings',
      `ReceiveDossier: ${kind} in idempotencyKey`,
      'receiver',
      'ReceiveDossier',
      receive({ idempotencyKey: text, procedureCode: 'NO.SUCH' }),
      ['BAD_USER_INPUT'],
      nul ? 'idempotencyKey' : 'procedureCode',
    );
    op(
      'injection strings',
      `CompleteStep: ${kind} in note`,
      'receiver',
      'CompleteStep',
      act({ note: text, ...stale }),
      nul ? ['BAD_USER_INPUT'] : ['CONFLICT'],
      nul ? 'note' : undefined,
    );
    op(
      'injection strings',
      `RequestSupplement: ${kind} in reason`,
      'receiver',
      'RequestSupplement',
      act({ reason: text, ...stale }),
      nul ? ['BAD_USER_INPUT'] : ['CONFLICT'],
      nul ? 'reason' : undefined,
    );
    op(
      'injection strings',
      `IssueApology: ${kind} in reason`,
      'receiver',
      'IssueApology',
      act({ reason: text, newDueAt: `${future}T10:00:00+07:00`, ...stale }),
      nul ? ['BAD_USER_INPUT'] : ['CONFLICT'],
      nul ? 'reason' : undefined,
    );
    op(
      'injection strings',
      `RejectDossier: ${kind} in reason`,
      'receiver',
      'RejectDossier',
      act({ reason: text, ...stale }),
      nul ? ['BAD_USER_INPUT'] : ['CONFLICT'],
      nul ? 'reason' : undefined,
    );
    op(
      'injection strings',
      `WithdrawDossier: ${kind} in reason`,
      'receiver',
      'WithdrawDossier',
      act({ reason: text, ...stale }),
      nul ? ['BAD_USER_INPUT'] : ['CONFLICT'],
      nul ? 'reason' : undefined,
    );
    op(
      'injection strings',
      `CompleteStep: ${kind} in dossierId`,
      'receiver',
      'CompleteStep',
      act({ dossierId: text }),
      nul ? ['BAD_USER_INPUT'] : ['NOT_FOUND', 'BAD_USER_INPUT'],
      nul ? 'dossierId' : undefined,
    );
    op(
      'injection strings',
      `RecordFeedback: ${kind} in comment`,
      'anonymous',
      'RecordFeedback',
      feedback({ comment: text, rating: 9 }),
      ['BAD_USER_INPUT'],
      nul ? 'comment' : 'rating',
    );
    op(
      'injection strings',
      `RecordFeedback: ${kind} in code`,
      'anonymous',
      'RecordFeedback',
      feedback({ code: text }),
      nul ? ['BAD_USER_INPUT'] : ['NOT_FOUND'],
      nul ? 'code' : undefined,
    );
    op(
      'injection strings',
      `ImportDossiers: ${kind} in applicant and externalId`,
      'admin',
      'ImportDossiers',
      { input: { dossiers: [row({ externalId: text, applicant: { ...applicant, name: text } })] } },
      nul ? ['BAD_USER_INPUT'] : 'rowErrors',
      nul ? 'dossiers.0.externalId' : undefined,
    );
    op(
      'injection strings',
      `DossierDetail: ${kind} in code`,
      'handler',
      'DossierDetail',
      { code: text },
      nul ? ['BAD_USER_INPUT'] : ['NOT_FOUND'],
      nul ? 'code' : undefined,
    );
    op(
      'injection strings',
      `UnitDossiers: ${kind} in filter.procedureCode`,
      'handler',
      'UnitDossiers',
      { unitCode: f.commune, filter: { procedureCode: text }, first: 5 },
      ['BAD_USER_INPUT'],
      'filter.procedureCode',
    );
    op(
      'injection strings',
      `PublicDossierStatus: ${kind} in code and pin`,
      'anonymous',
      'PublicDossierStatus',
      { code: text, pin: text },
      nul ? ['BAD_USER_INPUT'] : 'null',
      nul ? 'code' : undefined,
    );
    op(
      'injection strings',
      `AnnounceQms: ${kind} in decisionNumber`,
      'iso',
      'AnnounceQms',
      announce({ decisionNumber: text, announcedOn: future }),
      ['BAD_USER_INPUT'],
      nul ? 'decisionNumber' : 'announcedOn',
    );
    op(
      'injection strings',
      `PlanInternalAudit: ${kind} in scope and auditors`,
      'iso',
      'PlanInternalAudit',
      plan({ scope: text, auditorUsernames: [text] }),
      ['BAD_USER_INPUT'],
      nul ? 'scope' : 'auditorUsernames',
    );
    op(
      'injection strings',
      `RecordAuditFinding: ${kind} in description and clause`,
      'iso',
      'RecordAuditFinding',
      finding({ description: text, clause: text }),
      ['BAD_USER_INPUT'],
      nul ? 'clause' : 'clause',
    );
    op(
      'injection strings',
      `AddCorrectiveAction: ${kind} in description and owner`,
      'iso',
      'AddCorrectiveAction',
      corrective({ description: text, rootCause: text, ownerUsername: text }),
      ['BAD_USER_INPUT'],
      nul ? 'description' : 'ownerUsername',
    );
    op(
      'injection strings',
      `CompleteCorrectiveAction: ${kind} in note`,
      'iso',
      'CompleteCorrectiveAction',
      completeAction({ note: text, completedOn: future }),
      ['BAD_USER_INPUT'],
      nul ? 'note' : 'completedOn',
    );
    op(
      'injection strings',
      `RecordManagementReview: ${kind} in inputs`,
      'leader',
      'RecordManagementReview',
      review({ inputs: [text], heldOn: future }),
      ['BAD_USER_INPUT'],
      nul ? 'inputs.0' : 'heldOn',
    );
    op(
      'injection strings',
      `CreateWebhookSubscription: ${kind} in url and events`,
      'leader',
      'CreateWebhookSubscription',
      webhook({ url: `https://example.org/${text}`, events: [text] }),
      ['BAD_USER_INPUT'],
      nul ? 'url' : 'events',
    );
    op(
      'injection strings',
      `Rankings: ${kind} in parentCode`,
      'viewer',
      'Rankings',
      { level: 'COMMUNE', parentCode: text },
      nul ? ['BAD_USER_INPUT'] : 'null',
      nul ? 'parentCode' : undefined,
    );
    op(
      'injection strings',
      `MarkNotificationsRead: ${kind} as an id`,
      'handler',
      'MarkNotificationsRead',
      { ids: [text] },
      ['BAD_USER_INPUT'],
      nul ? 'ids.0' : 'ids',
    );
  }

  // ── unknown codes and ids ──
  op(
    'unknown codes and ids',
    'ReceiveDossier: unknown procedure',
    'receiver',
    'ReceiveDossier',
    receive({ procedureCode: '9.999999' }),
    ['BAD_USER_INPUT'],
    'procedureCode',
  );
  op(
    'unknown codes and ids',
    'ReceiveDossier: unknown unit',
    'receiver',
    'ReceiveDossier',
    receive({ unitCode: '99999' }),
    ['BAD_USER_INPUT'],
    'unitCode',
  );
  op(
    'unknown codes and ids',
    'DraftProcess: unknown unit',
    'iso',
    'DraftProcess',
    draft({ unitCode: 'ZZ' }),
    ['BAD_USER_INPUT'],
    'unitCode',
  );
  op(
    'unknown codes and ids',
    'UnitsByLevel: unknown underCode',
    'anonymous',
    'UnitsByLevel',
    { level: 'COMMUNE', underCode: '00', first: 5 },
    ['BAD_USER_INPUT'],
    'underCode',
  );
  op(
    'unknown codes and ids',
    'UnitsByLevel: a cursor eiso did not issue',
    'anonymous',
    'UnitsByLevel',
    { level: 'PROVINCE', first: 5, after: 'eyJhIjoxfQ.forged' },
    ['BAD_USER_INPUT'],
    'after',
  );
  op(
    'unknown codes and ids',
    'UnitProcedures: a forged cursor',
    'anonymous',
    'UnitProcedures',
    { unitCode: f.commune, first: 5, after: 'abc' },
    ['BAD_USER_INPUT'],
    'after',
  );
  op(
    'unknown codes and ids',
    'UnitDossiers: a forged cursor',
    'handler',
    'UnitDossiers',
    { unitCode: f.commune, first: 5, after: 'not.a.cursor' },
    ['BAD_USER_INPUT'],
    'after',
  );
  op(
    'unknown codes and ids',
    'NotificationHistory: a forged cursor',
    'handler',
    'NotificationHistory',
    { first: 5, after: 'x.y' },
    ['BAD_USER_INPUT'],
    'after',
  );
  op(
    'unknown codes and ids',
    'UnitDossiers: unknown procedure in the filter',
    'handler',
    'UnitDossiers',
    { unitCode: f.commune, filter: { procedureCode: '9.999999' }, first: 5 },
    ['BAD_USER_INPUT'],
    'filter.procedureCode',
  );
  for (const [label, id] of [
    ['not a UUID', 'dossier-1'],
    ['an unknown UUID', MISSING_UUID],
    ['an integer string', '12345'],
    ['a UUID with braces', `{${MISSING_UUID}}`],
  ] as const) {
    op(
      'unknown codes and ids',
      `CompleteStep: dossierId ${label}`,
      'receiver',
      'CompleteStep',
      act({ dossierId: id }),
      ['NOT_FOUND', 'BAD_USER_INPUT'],
    );
    op(
      'unknown codes and ids',
      `ResumeDossier: dossierId ${label}`,
      'receiver',
      'ResumeDossier',
      act({ dossierId: id }),
      ['NOT_FOUND', 'BAD_USER_INPUT'],
    );
    op(
      'unknown codes and ids',
      `ApproveProcess: processId ${label}`,
      'leader',
      'ApproveProcess',
      { input: { processId: id, effectiveFrom: future } },
      ['NOT_FOUND', 'BAD_USER_INPUT'],
    );
    op(
      'unknown codes and ids',
      `RecordAuditFinding: auditId ${label}`,
      'iso',
      'RecordAuditFinding',
      finding({ auditId: id }),
      ['NOT_FOUND', 'BAD_USER_INPUT'],
    );
    op(
      'unknown codes and ids',
      `AddCorrectiveAction: nonconformityId ${label}`,
      'iso',
      'AddCorrectiveAction',
      corrective({ nonconformityId: id }),
      ['NOT_FOUND', 'BAD_USER_INPUT'],
    );
    op(
      'unknown codes and ids',
      `CompleteCorrectiveAction: actionId ${label}`,
      'iso',
      'CompleteCorrectiveAction',
      completeAction({ actionId: id }),
      ['NOT_FOUND', 'BAD_USER_INPUT'],
    );
  }
  op(
    'unknown codes and ids',
    'CompleteStep: nextAssigneeId not an id',
    'receiver',
    'CompleteStep',
    act({ nextAssigneeId: 'bob', ...stale }),
    ['BAD_USER_INPUT'],
    'nextAssigneeId',
  );
  op(
    'unknown codes and ids',
    'DossierDetail: unknown code',
    'handler',
    'DossierDetail',
    { code: `${f.commune}-000101-9999` },
    ['NOT_FOUND'],
  );
  op(
    'unknown codes and ids',
    'RecordFeedback: wrong PIN',
    'anonymous',
    'RecordFeedback',
    feedback({ code: `${f.commune}-000101-9999`, pin: '000000' }),
    ['NOT_FOUND', 'RATE_LIMITED'],
  );
  op(
    'unknown codes and ids',
    'PlanInternalAudit: unknown auditor',
    'iso',
    'PlanInternalAudit',
    plan({ auditorUsernames: ['nobody.22'] }),
    ['BAD_USER_INPUT'],
    'auditorUsernames',
  );
  op(
    'unknown codes and ids',
    'AddCorrectiveAction: unknown owner',
    'iso',
    'AddCorrectiveAction',
    corrective({ ownerUsername: 'nobody' }),
    ['BAD_USER_INPUT'],
    'ownerUsername',
  );
  op(
    'unknown codes and ids',
    'RecordAuditFinding: clause 11.1',
    'iso',
    'RecordAuditFinding',
    finding({ clause: '11.1' }),
    ['BAD_USER_INPUT'],
    'clause',
  );
  op(
    'unknown codes and ids',
    'AnnounceQms: unknown unit',
    'iso',
    'AnnounceQms',
    announce({ unitCode: 'NOPE' }),
    ['BAD_USER_INPUT'],
    'unitCode',
  );
  op(
    'unknown codes and ids',
    'RecordManagementReview: unknown unit',
    'leader',
    'RecordManagementReview',
    review({ unitCode: 'NOPE' }),
    ['BAD_USER_INPUT'],
    'unitCode',
  );
  op(
    'unknown codes and ids',
    'CreateWebhookSubscription: unknown event',
    'leader',
    'CreateWebhookSubscription',
    webhook({ events: ['dossier.exploded'] }),
    ['BAD_USER_INPUT'],
    'events',
  );
  op(
    'unknown codes and ids',
    'CreateWebhookSubscription: unknown unit',
    'leader',
    'CreateWebhookSubscription',
    webhook({ unitCode: 'NOPE' }),
    ['BAD_USER_INPUT'],
    'unitCode',
  );
  op(
    'unknown codes and ids',
    'CreateWebhookSubscription: file URL',
    'leader',
    'CreateWebhookSubscription',
    webhook({ url: 'file:///etc/passwd' }),
    ['BAD_USER_INPUT'],
    'url',
  );
  op(
    'unknown codes and ids',
    'CreateWebhookSubscription: not a URL',
    'leader',
    'CreateWebhookSubscription',
    webhook({ url: 'http//missing-colon' }),
    ['BAD_USER_INPUT'],
    'url',
  );
  op(
    'unknown codes and ids',
    'CreateWebhookSubscription: javascript URL',
    'leader',
    'CreateWebhookSubscription',
    webhook({ url: 'javascript:alert(1)' }),
    ['BAD_USER_INPUT'],
    'url',
  );
  op(
    'unknown codes and ids',
    'Rankings: unknown parentCode (no ranking: null)',
    'viewer',
    'Rankings',
    { level: 'COMMUNE', parentCode: 'NOPE' },
    'null',
  );
  op(
    'unknown codes and ids',
    'ImportDossiers: unknown unit and procedure',
    'admin',
    'ImportDossiers',
    {
      input: {
        dossiers: [
          row({ unitCode: 'NOPE', procedureCode: 'NO.SUCH', receivedAt: '2025-01-06T09:00:00+07:00' }),
        ],
      },
    },
    'rowErrors',
  );
  op(
    'unknown codes and ids',
    'ReceiveDossier: a bad id number',
    'receiver',
    'ReceiveDossier',
    receive({ applicant: { ...applicant, idNumber: '12' } }),
    ['BAD_USER_INPUT'],
    'applicant.idNumber',
  );
  op(
    'unknown codes and ids',
    'ReceiveDossier: a bad e-mail',
    'receiver',
    'ReceiveDossier',
    receive({ applicant: { ...applicant, email: 'not-an-email' } }),
    ['BAD_USER_INPUT'],
    'applicant.email',
  );
  op(
    'unknown codes and ids',
    'ReceiveDossier: a bad phone',
    'receiver',
    'ReceiveDossier',
    receive({ applicant: { ...applicant, phone: 'call me' } }),
    ['BAD_USER_INPUT'],
    'applicant.phone',
  );

  // ── impossible dates and dates out of order ──
  const badDates = [
    '2026-02-30',
    '0000-01-01',
    '2026-13-01',
    '2026-1-1',
    'tomorrow',
    '20260101',
    '2026-02-28T00:00:00Z',
    '+275760-09-13',
  ];
  for (const date of badDates) {
    op(
      'impossible dates',
      `ApproveProcess: effectiveFrom ${date}`,
      'leader',
      'ApproveProcess',
      { input: { processId: f.processId, effectiveFrom: date } },
      ['BAD_USER_INPUT'],
      'effectiveFrom',
    );
    op(
      'impossible dates',
      `UnitStatistics: from ${date}`,
      'leader',
      'UnitStatistics',
      { unitCode: f.commune, from: date, to: f.today, includeDescendants: false },
      ['BAD_USER_INPUT'],
      'from',
    );
  }
  for (const date of ['2026-02-30', '0000-01-01', '2025-04-31']) {
    op(
      'impossible dates',
      `RegisterLegalChange: issuedOn ${date}`,
      'admin',
      'RegisterLegalChange',
      legal({ issuedOn: date }),
      ['BAD_USER_INPUT'],
      'issuedOn',
    );
    op(
      'impossible dates',
      `AnnounceQms: announcedOn ${date}`,
      'iso',
      'AnnounceQms',
      announce({ announcedOn: date }),
      ['BAD_USER_INPUT'],
      'announcedOn',
    );
    op(
      'impossible dates',
      `PlanInternalAudit: plannedFor ${date}`,
      'iso',
      'PlanInternalAudit',
      plan({ plannedFor: date }),
      ['BAD_USER_INPUT'],
      'plannedFor',
    );
    op(
      'impossible dates',
      `AddCorrectiveAction: dueOn ${date}`,
      'iso',
      'AddCorrectiveAction',
      corrective({ dueOn: date }),
      ['BAD_USER_INPUT'],
      'dueOn',
    );
    op(
      'impossible dates',
      `Rankings: date ${date}`,
      'viewer',
      'Rankings',
      { level: 'PROVINCE', date },
      ['BAD_USER_INPUT'],
      'date',
    );
    op(
      'impossible dates',
      `UnitDossiers: receivedFrom ${date}`,
      'handler',
      'UnitDossiers',
      { unitCode: f.commune, filter: { receivedFrom: date }, first: 5 },
      ['BAD_USER_INPUT'],
      'filter.receivedFrom',
    );
  }
  op(
    'impossible dates',
    'ApproveProcess: effectiveFrom far future 9999-12-31',
    'leader',
    'ApproveProcess',
    { input: { processId: f.processId, effectiveFrom: '9999-12-31' } },
    ['BAD_USER_INPUT'],
    'effectiveFrom',
  );
  op(
    'impossible dates',
    'ApproveProcess: effectiveFrom three years ahead',
    'leader',
    'ApproveProcess',
    { input: { processId: f.processId, effectiveFrom: `${f.year + 3}-01-01` } },
    ['BAD_USER_INPUT'],
    'effectiveFrom',
  );
  op(
    'impossible dates',
    'ApproveProcess: effectiveFrom in the past',
    'leader',
    'ApproveProcess',
    { input: { processId: f.processId, effectiveFrom: longAgo } },
    ['BAD_USER_INPUT'],
    'effectiveFrom',
  );
  op(
    'impossible dates',
    'RegisterLegalChange: effectiveOn before issuedOn',
    'admin',
    'RegisterLegalChange',
    legal({ issuedOn: f.today, effectiveOn: longAgo }),
    ['BAD_USER_INPUT'],
    'effectiveOn',
  );
  op(
    'impossible dates',
    'RegisterLegalChange: effectiveOn 9999-12-31',
    'admin',
    'RegisterLegalChange',
    legal({ effectiveOn: '9999-12-31', procedureCodes: ['NO.SUCH'] }),
    ['BAD_USER_INPUT'],
  );
  op(
    'impossible dates',
    'UnitStatistics: from after to',
    'leader',
    'UnitStatistics',
    { unitCode: f.commune, from: f.today, to: longAgo, includeDescendants: false },
    ['BAD_USER_INPUT'],
    'to',
  );
  op(
    'impossible dates',
    'UnitStatistics: to in year 0',
    'leader',
    'UnitStatistics',
    { unitCode: f.commune, from: '0001-01-01', to: '0000-12-31', includeDescendants: true },
    ['BAD_USER_INPUT'],
    'to',
  );
  op(
    'impossible dates',
    'IssueApology: newDueAt in the past',
    'receiver',
    'IssueApology',
    act({ reason: 'Xin lỗi', newDueAt: '2020-01-01T08:00:00+07:00' }),
    ['BAD_USER_INPUT'],
    'newDueAt',
  );
  op(
    'impossible dates',
    'IssueApology: newDueAt on 2026-02-30',
    'receiver',
    'IssueApology',
    act({ reason: 'Xin lỗi', newDueAt: '2026-02-30T08:00:00+07:00' }),
    ['BAD_USER_INPUT'],
    'newDueAt',
  );
  op(
    'impossible dates',
    'IssueApology: newDueAt without an offset',
    'receiver',
    'IssueApology',
    act({ reason: 'Xin lỗi', newDueAt: '2030-01-01T08:00:00' }),
    ['BAD_USER_INPUT'],
    'newDueAt',
  );
  op(
    'impossible dates',
    'IssueApology: newDueAt in year 0',
    'receiver',
    'IssueApology',
    act({ reason: 'Xin lỗi', newDueAt: '0000-01-01T08:00:00Z' }),
    ['BAD_USER_INPUT'],
    'newDueAt',
  );
  op(
    'impossible dates',
    'ImportDossiers: receivedAt in the future',
    'admin',
    'ImportDossiers',
    { input: { dossiers: [row()] } },
    'rowErrors',
  );
  op(
    'impossible dates',
    'ImportDossiers: completedAt before receivedAt',
    'admin',
    'ImportDossiers',
    {
      input: {
        dossiers: [
          row({
            status: 'RESULT_READY',
            receivedAt: '2025-03-03T09:00:00+07:00',
            completedAt: '2025-03-01T09:00:00+07:00',
          }),
        ],
      },
    },
    'rowErrors',
  );
  op(
    'impossible dates',
    'ImportDossiers: dueAt before receivedAt',
    'admin',
    'ImportDossiers',
    {
      input: {
        dossiers: [row({ receivedAt: '2025-03-03T09:00:00+07:00', dueAt: '2025-03-01T09:00:00+07:00' })],
      },
    },
    'rowErrors',
  );
  op(
    'impossible dates',
    'ImportDossiers: receivedAt 9999-12-31',
    'admin',
    'ImportDossiers',
    { input: { dossiers: [row({ receivedAt: '9999-12-31T23:59:59Z' })] } },
    'rowErrors',
  );
  op(
    'impossible dates',
    'ImportDossiers: receivedAt year 0',
    'admin',
    'ImportDossiers',
    { input: { dossiers: [row({ receivedAt: '0000-01-01T00:00:00Z' })] } },
    ['BAD_USER_INPUT'],
    'dossiers.0.receivedAt',
  );
  op(
    'impossible dates',
    'AddCorrectiveAction: dueOn in the past',
    'iso',
    'AddCorrectiveAction',
    corrective({ dueOn: longAgo }),
    ['BAD_USER_INPUT'],
    'dueOn',
  );
  op(
    'impossible dates',
    'CompleteCorrectiveAction: completedOn in the future',
    'iso',
    'CompleteCorrectiveAction',
    completeAction({ completedOn: future }),
    ['BAD_USER_INPUT'],
    'completedOn',
  );
  op(
    'impossible dates',
    'CompleteCorrectiveAction: completedOn 2026-02-30',
    'iso',
    'CompleteCorrectiveAction',
    completeAction({ completedOn: '2026-02-30' }),
    ['BAD_USER_INPUT'],
    'completedOn',
  );
  op(
    'impossible dates',
    'RecordManagementReview: heldOn in the future',
    'leader',
    'RecordManagementReview',
    review({ heldOn: future }),
    ['BAD_USER_INPUT'],
    'heldOn',
  );
  op(
    'impossible dates',
    'AnnounceQms: announcedOn in the future',
    'iso',
    'AnnounceQms',
    announce({ announcedOn: future }),
    ['BAD_USER_INPUT'],
    'announcedOn',
  );

  // ── empty lists ──
  op(
    'empty lists',
    'ImportDossiers: no dossiers',
    'admin',
    'ImportDossiers',
    { input: { dossiers: [] } },
    ['BAD_USER_INPUT'],
    'dossiers',
  );
  op(
    'empty lists',
    'MarkNotificationsRead: no ids',
    'handler',
    'MarkNotificationsRead',
    { ids: [] },
    ['BAD_USER_INPUT'],
    'ids',
  );
  op(
    'empty lists',
    'RegisterLegalChange: no procedureCodes',
    'admin',
    'RegisterLegalChange',
    legal({ procedureCodes: [] }),
    ['BAD_USER_INPUT'],
    'procedureCodes',
  );
  op(
    'empty lists',
    'DraftProcess: no steps',
    'iso',
    'DraftProcess',
    draft({ steps: [] }),
    ['BAD_USER_INPUT'],
    'steps',
  );
  op(
    'empty lists',
    'PlanInternalAudit: no auditors',
    'iso',
    'PlanInternalAudit',
    plan({ auditorUsernames: [] }),
    ['BAD_USER_INPUT'],
    'auditorUsernames',
  );
  op(
    'empty lists',
    'PlanInternalAudit: only blank auditors',
    'iso',
    'PlanInternalAudit',
    plan({ auditorUsernames: ['  '] }),
    ['BAD_USER_INPUT'],
    'auditorUsernames',
  );
  op(
    'empty lists',
    'RecordManagementReview: no decisions',
    'leader',
    'RecordManagementReview',
    review({ decisions: [] }),
    ['BAD_USER_INPUT'],
    'decisions',
  );
  op(
    'empty lists',
    'RecordManagementReview: only blank inputs',
    'leader',
    'RecordManagementReview',
    review({ inputs: ['', ' '] }),
    ['BAD_USER_INPUT'],
    'inputs',
  );
  op(
    'empty lists',
    'CreateWebhookSubscription: no events',
    'leader',
    'CreateWebhookSubscription',
    webhook({ events: [] }),
    ['BAD_USER_INPUT'],
    'events',
  );
  op(
    'empty lists',
    'RequestSupplement: blank reason',
    'receiver',
    'RequestSupplement',
    act({ reason: '   ' }),
    ['BAD_USER_INPUT'],
    'reason',
  );
  op(
    'empty lists',
    'ReceiveDossier: blank idempotencyKey',
    'receiver',
    'ReceiveDossier',
    receive({ idempotencyKey: '' }),
    ['BAD_USER_INPUT'],
    'idempotencyKey',
  );
  op(
    'empty lists',
    'AnnounceQms: blank decisionNumber',
    'iso',
    'AnnounceQms',
    announce({ decisionNumber: '' }),
    ['BAD_USER_INPUT'],
    'decisionNumber',
  );

  // ── duplicated keys ──
  op(
    'duplicated keys',
    'ImportDossiers: the same externalId twice',
    'admin',
    'ImportDossiers',
    { input: { dossiers: [row({ externalId: 'twice' }), row({ externalId: 'twice' })] } },
    'rowErrors',
  );
  op(
    'duplicated keys',
    'RegisterLegalChange: the same procedure twice and one unknown',
    'admin',
    'RegisterLegalChange',
    legal({ procedureCodes: [f.procedureCode, f.procedureCode, 'NO.SUCH'] }),
    ['BAD_USER_INPUT'],
    'procedureCodes',
  );
  const dupVariables = JSON.stringify({
    query: operation('RequestSupplement'),
    variables: act({ reason: 'Thiếu' }),
  }).replace(/}$/, `,"variables":${JSON.stringify(act({ reason: '' }))}}`);
  add({
    name: 'RequestSupplement: "variables" twice, the last one bad',
    category: 'duplicated keys',
    as: 'receiver',
    request: post(dupVariables),
    expect: ['BAD_USER_INPUT'],
    field: 'reason',
  });
  const dupField = body('RejectDossier', act({ reason: 'KEEP' })).replace(
    '"reason":"KEEP"',
    '"reason":"Hồ sơ giả","reason":""',
  );
  add({
    name: 'RejectDossier: "reason" twice, the last one blank',
    category: 'duplicated keys',
    as: 'receiver',
    request: post(dupField),
    expect: ['BAD_USER_INPUT'],
    field: 'reason',
  });
  const dupQuery = body('UnitByCode', { code: '22' })
    .replace(/^\{/, '{"query":"{ nope }",')
    .replace(/"operationName":"UnitByCode",/, '')
    .replace(/("query":"query UnitByCode[^"]*")/, '"query":"{ stillNope }"');
  add({
    name: 'UnitByCode: "query" twice, the last one invalid',
    category: 'duplicated keys',
    as: 'anonymous',
    request: post(dupQuery),
    expect: ['BAD_USER_INPUT'],
  });

  // ── malformed JSON ──
  const whole = body('UnitByCode', { code: '22' });
  const malformed: [string, string][] = [
    ['truncated', whole.slice(0, whole.length - 5)],
    ['a trailing comma', whole.replace(/}$/, ',}')],
    ['single quotes', whole.replace(/"/g, "'")],
    ['a number', '42'],
    ['a string', '"query"'],
    ['true', 'true'],
    ['null', 'null'],
    ['an empty body', ''],
    ['an empty object', '{}'],
    ['a batch of two', `[${whole},${whole}]`],
    ['an empty batch', '[]'],
    ['query is a number', '{"query":42}'],
    ['query is null', '{"query":null,"variables":{}}'],
    ['variables is a string', JSON.stringify({ query: operation('UnitByCode'), variables: '{"code":"22"}' })],
    ['variables is an array', JSON.stringify({ query: operation('UnitByCode'), variables: ['22'] })],
    [
      'extensions is a string',
      JSON.stringify({ query: operation('UnitByCode'), variables: { code: '22' }, extensions: 'x' }),
    ],
    ['an unterminated string', '{"query":"{ unit(code: \\"22\\") { code } }'],
    ['comments', `/* c */${whole}`],
    [
      'NaN literal',
      '{"query":"query($f:Int!){ units(level: PROVINCE, first: $f) { totalCount } }","variables":{"f":NaN}}',
    ],
    ['a BOM and garbage', '\ufeff{garbage'],
    ['deeply nested arrays', `${'['.repeat(5000)}${']'.repeat(5000)}`],
  ];
  for (const [label, text] of malformed)
    add({
      name: `malformed JSON: ${label}`,
      category: 'malformed JSON',
      as: 'anonymous',
      request: post(text),
      expect: ['BAD_USER_INPUT'],
    });
  add({
    name: 'malformed JSON: a persisted-query hash eiso never issued',
    category: 'malformed JSON',
    as: 'anonymous',
    request: post(
      JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    ),
    expect: ['BAD_USER_INPUT'],
  });

  // ── content types ──
  const types: [string, Record<string, string>, string | Buffer][] = [
    ['text/plain', { 'content-type': 'text/plain' }, whole],
    [
      'multipart/form-data',
      { 'content-type': 'multipart/form-data; boundary=xyz' },
      `--xyz\r\ncontent-disposition: form-data; name="operations"\r\n\r\n${whole}\r\n--xyz--\r\n`,
    ],
    [
      'application/x-www-form-urlencoded',
      { 'content-type': 'application/x-www-form-urlencoded' },
      `query=${encodeURIComponent(operation('UnitByCode'))}&variables=${encodeURIComponent('{"code":"22"}')}`,
    ],
    ['no content type', {}, whole],
    ['application/graphql', { 'content-type': 'application/graphql' }, operation('UnitByCode')],
    ['application/xml', { 'content-type': 'application/xml' }, '<query>unit</query>'],
    ['JSON in latin1', { 'content-type': 'application/json; charset=latin1' }, whole],
    ['JSON in an unknown charset', { 'content-type': 'application/json; charset=x-klingon' }, whole],
    [
      'UTF-16 bytes declared as UTF-8',
      { 'content-type': 'application/json; charset=utf-8' },
      Buffer.from(whole, 'utf16le'),
    ],
    [
      'a gzip body that is not gzip',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      whole,
    ],
    ['an unknown content encoding', { 'content-type': 'application/json', 'content-encoding': 'br2' }, whole],
  ];
  for (const [label, headers, payload] of types)
    add({
      name: `content type: ${label}`,
      category: 'content types',
      as: 'anonymous',
      request: post(payload, headers),
      expect: ['BAD_USER_INPUT'],
    });

  // ── operation names ──
  const twoOps = `${operation('UnitByCode')}\n${operation('ProcedureByCode')}`;
  add({
    name: 'operationName names no operation in the document',
    category: 'operation names',
    as: 'anonymous',
    request: post(
      JSON.stringify({ query: operation('UnitByCode'), operationName: 'Other', variables: { code: '22' } }),
    ),
    expect: ['BAD_USER_INPUT'],
  });
  add({
    name: 'two operations and no operationName',
    category: 'operation names',
    as: 'anonymous',
    request: post(JSON.stringify({ query: twoOps, variables: { code: '22' } })),
    expect: ['BAD_USER_INPUT'],
  });
  add({
    name: 'two operations and an unknown operationName',
    category: 'operation names',
    as: 'anonymous',
    request: post(
      JSON.stringify({ query: twoOps, operationName: 'DossierDetail', variables: { code: '22' } }),
    ),
    expect: ['BAD_USER_INPUT'],
  });
  add({
    name: 'operationName is a number',
    category: 'operation names',
    as: 'anonymous',
    request: post(
      JSON.stringify({ query: operation('UnitByCode'), operationName: 7, variables: { code: '22' } }),
    ),
    expect: ['BAD_USER_INPUT'],
  });
  add({
    name: 'operationName is an object',
    category: 'operation names',
    as: 'anonymous',
    request: post(
      JSON.stringify({ query: operation('UnitByCode'), operationName: { a: 1 }, variables: { code: '22' } }),
    ),
    expect: ['BAD_USER_INPUT'],
  });

  // ── HTTP methods ──
  const qs = (params: Record<string, string>) => `/graphql?${new URLSearchParams(params).toString()}`;
  add({
    name: 'GET with a mutation',
    category: 'HTTP methods',
    as: 'receiver',
    request: {
      method: 'GET',
      path: qs({ query: operation('RequestSupplement'), variables: JSON.stringify(act({ reason: 'GET' })) }),
      headers: { 'apollo-require-preflight': 'true' },
    },
    expect: ['BAD_USER_INPUT'],
  });
  add({
    name: 'GET with a mutation and operationName',
    category: 'HTTP methods',
    as: 'iso',
    request: {
      method: 'GET',
      path: qs({
        query: operation('AnnounceQms'),
        operationName: 'AnnounceQms',
        variables: JSON.stringify(announce()),
      }),
      headers: {},
    },
    expect: ['BAD_USER_INPUT'],
  });
  add({
    name: 'GET without a query',
    category: 'HTTP methods',
    as: 'anonymous',
    request: { method: 'GET', path: '/graphql?variables=%7B%7D', headers: {} },
    expect: ['BAD_USER_INPUT'],
  });
  add({
    name: 'GET with variables that are not JSON',
    category: 'HTTP methods',
    as: 'anonymous',
    request: {
      method: 'GET',
      path: qs({ query: operation('UnitByCode'), variables: '{code:22' }),
      headers: {},
    },
    expect: ['BAD_USER_INPUT'],
  });
  add({
    name: 'GET with extensions that are not JSON',
    category: 'HTTP methods',
    as: 'anonymous',
    request: {
      method: 'GET',
      path: qs({ query: operation('UnitByCode'), variables: '{"code":"22"}', extensions: '{' }),
      headers: {},
    },
    expect: ['BAD_USER_INPUT'],
  });
  add({
    name: 'GET with the query twice',
    category: 'HTTP methods',
    as: 'anonymous',
    request: {
      method: 'GET',
      path: `/graphql?query=${encodeURIComponent('{ __typename }')}&query=${encodeURIComponent('{ __typename }')}`,
      headers: {},
    },
    expect: ['BAD_USER_INPUT'],
  });
  for (const method of ['PUT', 'PATCH', 'DELETE'])
    add({
      name: `${method} /graphql`,
      category: 'HTTP methods',
      as: 'anonymous',
      request: { method, headers: JSON_TYPE, body: whole },
      expect: ['BAD_USER_INPUT'],
    });

  // ── invalid documents (graphql-js and Apollo answer these; the gateway speaks the contract's codes) ──
  const docs: [string, string][] = [
    ['a syntax error', '{ unit(code: "22") { code '],
    ['an unknown field', '{ unit(code: "22") { code secretField } }'],
    ['an unknown argument', '{ unit(code: "22", drop: true) { code } }'],
    ['an unknown type for a variable', 'query($c: Strin!) { unit(code: $c) { code } }'],
    ['an undefined variable', '{ unit(code: $nope) { code } }'],
    ['an unused variable', 'query($c: String!, $x: Int) { unit(code: $c) { code } }'],
    ['a literal of the wrong type', '{ units(level: PROVINCE, first: "ten") { totalCount } }'],
    ['an out-of-range literal', '{ units(level: PROVINCE, first: 99999999999) { totalCount } }'],
    ['a NUL in a string literal', '{ unit(code: "2\\u00002") { code } }'],
    ['a lone surrogate in a string literal', '{ unit(code: "2\\ud8002") { code } }'],
    ['an empty document', ''],
    ['only a fragment', 'fragment F on AdministrativeUnit { code }'],
    ['a subscription', 'subscription { unit(code: "22") { code } }'],
    ['a mutation without its input', 'mutation { receiveDossier { dossier { id } } }'],
    ['a selection on a scalar', '{ unit(code: "22") { code { length } } }'],
  ];
  for (const [label, query] of docs) {
    // A literal of 99,999,999,999 is refused by the cost limit as well as by the Int type.
    const expect: ContractCode[] =
      label === 'an out-of-range literal' ? ['BAD_USER_INPUT', 'QUERY_TOO_COMPLEX'] : ['BAD_USER_INPUT'];
    add({
      name: `document: ${label}`,
      category: 'invalid documents',
      as: 'anonymous',
      request: post(JSON.stringify({ query, variables: { c: '22' } })),
      expect,
    });
  }

  // ── tokens and roles ──
  op('tokens and roles', 'ReceiveDossier without a token', 'anonymous', 'ReceiveDossier', receive(), [
    'UNAUTHENTICATED',
  ]);
  op(
    'tokens and roles',
    'ImportDossiers without a token',
    'anonymous',
    'ImportDossiers',
    { input: { dossiers: [row()] } },
    ['UNAUTHENTICATED'],
  );
  op('tokens and roles', 'MyWorkspace with a garbage token', 'badToken', 'MyWorkspace', { first: 5 }, [
    'UNAUTHENTICATED',
  ]);
  add({
    name: 'UnitByCode with a Basic header',
    category: 'tokens and roles',
    as: 'anonymous',
    request: post(body('UnitByCode', { code: '22' }), {
      ...JSON_TYPE,
      authorization: 'Basic YWRtaW46YWRtaW4=',
    }),
    expect: ['UNAUTHENTICATED'],
  });
  add({
    name: 'UnitByCode with a token of "none" algorithm',
    category: 'tokens and roles',
    as: 'anonymous',
    request: post(body('UnitByCode', { code: '22' }), {
      ...JSON_TYPE,
      authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.x`,
    }),
    expect: ['UNAUTHENTICATED'],
  });
  add({
    name: 'UnitByCode with a 100k token',
    category: 'tokens and roles',
    as: 'anonymous',
    request: post(body('UnitByCode', { code: '22' }), {
      ...JSON_TYPE,
      authorization: `Bearer ${'a'.repeat(8000)}.b.c`,
    }),
    expect: ['UNAUTHENTICATED'],
  });
  op(
    'tokens and roles',
    'ImportDossiers as a receiver',
    'receiver',
    'ImportDossiers',
    { input: { dossiers: [row()] } },
    ['FORBIDDEN'],
  );
  op('tokens and roles', 'RegisterLegalChange as a leader', 'leader', 'RegisterLegalChange', legal(), [
    'FORBIDDEN',
  ]);
  op('tokens and roles', 'ReceiveDossier as a handler', 'handler', 'ReceiveDossier', receive(), [
    'FORBIDDEN',
  ]);
  op('tokens and roles', 'AnnounceQms as a viewer', 'viewer', 'AnnounceQms', announce(), ['FORBIDDEN']);

  // ── state and versions ──
  op(
    'state and versions',
    'ResumeDossier on a dossier that is not paused',
    'receiver',
    'ResumeDossier',
    act(),
    ['INVALID_TRANSITION'],
  );
  op('state and versions', 'ReturnResult before the result is ready', 'receiver', 'ReturnResult', act(), [
    'INVALID_TRANSITION',
  ]);
  op(
    'state and versions',
    'RequestSupplement with a stale version',
    'receiver',
    'RequestSupplement',
    act({ reason: 'Thiếu', ...stale }),
    ['CONFLICT'],
  );
  op(
    'state and versions',
    'RecordFeedback before the result is returned',
    'anonymous',
    'RecordFeedback',
    feedback(),
    ['INVALID_TRANSITION'],
  );
  op(
    'state and versions',
    'CompleteStep with expectedVersion 2^31-1',
    'receiver',
    'CompleteStep',
    act({ expectedVersion: 2 ** 31 - 1 }),
    ['CONFLICT'],
  );

  return cases;
}
