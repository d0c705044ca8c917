/**
 * For each row of the table: the request one cell sends, and how its answer reads as an Outcome.
 * `fresh` is true when the cell expects success: a mutation then acts on an object of its own.
 */
import { operation } from '@eiso/contract';
import type { CallerRole, Outcome, Scope } from './matrix';
import { OPEN_NONCONFORMITY, type Answer, type World } from './world';

export interface Request {
  query: string;
  variables?: Record<string, unknown>;
  /** Reads a successful answer (no errors); default: data → ok. */
  read?: (data: any) => Outcome | string;
}

export type Build = (w: World, role: CallerRole, scope: Scope, fresh: boolean) => Promise<Request>;

const unitField =
  (selection: string): Build =>
  async (w, _r, scope) => ({
    query: `query ($c: String!) { unit(code: $c) { code ${selection} } }`,
    variables: { c: w.units[scope] },
  });

const officialField =
  (selection: string): Build =>
  async (w, _r, scope) => ({
    query: `query ($u: String!) { official(username: $u) { username ${selection} } }`,
    variables: { u: w.clerks[scope] },
  });

const plain =
  (query: string, variables: Record<string, unknown> = {}): Build =>
  async () => ({ query, variables });

/** A dossier mutation on a dossier at `stage`: its own when the cell expects success. */
const onDossier =
  (name: string, stage: Parameters<World['dossier']>[1], extra: Record<string, unknown> = {}): Build =>
  async (w, _r, scope, fresh) => {
    const d = fresh
      ? await w.dossier(scope, stage)
      : await w.shared(`${scope}:${stage}`, () => w.dossier(scope, stage));
    return {
      query: operation(name),
      variables: { input: { dossierId: d.id, expectedVersion: d.version, ...extra } },
    };
  };

const applicant = { name: 'Trần Thị Bình', idNumber: '001190004321' };

export const REQUESTS: Record<string, Build> = {
  // org
  UnitByCode: async (w, _r, scope) => ({
    query: operation('UnitByCode'),
    variables: { code: w.units[scope] },
  }),
  UnitsByLevel: async (w, _r, scope) => ({
    query: operation('UnitsByLevel'),
    variables: { level: 'COMMUNE', underCode: w.units[scope], first: 3 },
  }),
  MyWorkspace: plain(operation('MyWorkspace'), { first: 5 }),
  'unit.officials': unitField('officials(first: 5) { totalCount edges { node { username } } }'),
  official: async (w, _r, scope) => ({
    query: `query ($u: String!) { official(username: $u) { username unit { code } } }`,
    variables: { u: w.clerks[scope] },
    read: (data) =>
      data.official?.unit?.code === w.units[scope] ? 'ok' : `unexpected ${JSON.stringify(data)}`,
  }),
  officialDirectory: plain(`{ officialDirectory(first: 1) { entries { username } } }`),

  // catalog
  UnitProcedures: async (w, _r, scope) => ({
    query: operation('UnitProcedures'),
    variables: { unitCode: w.units[scope], first: 2 },
  }),
  ProcedureByCode: async (w) => ({
    query: operation('ProcedureByCode'),
    variables: { code: w.procedures.own },
  }),
  process: async (w, _r, scope) => ({
    query: `query ($id: ID!) { process(id: $id) { id status } }`,
    variables: { id: await w.shared(`draft:${scope}`, () => w.draft(scope)) },
    read: (data) => (data.process ? 'ok' : 'null'),
  }),
  catalogChanges: plain(`{ catalogChanges(first: 1) { edges { cursor } } }`),
  DraftProcess: async (w, _r, scope) => ({
    query: operation('DraftProcess'),
    variables: {
      input: {
        procedureCode: w.procedures[scope],
        unitCode: w.units[scope],
        steps: [{ name: 'Tiếp nhận và giải quyết', role: 'HANDLER', durationHours: 4 }],
      },
    },
  }),
  ApproveProcess: async (w, _r, scope, fresh) => ({
    query: operation('ApproveProcess'),
    variables: {
      input: {
        processId: fresh ? await w.draft(scope) : await w.shared(`draft:${scope}`, () => w.draft(scope)),
        // A year ahead: what the dossier cases receive under stays in force.
        effectiveFrom: w.nextYear,
      },
    },
  }),
  RegisterLegalChange: async (w, role) => ({
    query: operation('RegisterLegalChange'),
    variables: {
      input: {
        number: `${role}/2025/TT-AUTHZ`,
        title: `Thông tư kiểm thử phân quyền (${role})`,
        issuedOn: '2025-01-02',
        effectiveOn: '2025-02-15',
        procedureCodes: [w.procedures.own],
      },
    },
  }),
  'unit.processReviews': unitField('processReviews(first: 5, includeDescendants: true) { totalCount }'),
  overdueReviewOwners: plain(`{ overdueReviewOwners { ownerUnitId processes } }`),
  reviewFigures: plain(`{ reviewFigures(from: "2025-01-01", to: "2025-01-31") { ownerUnitId } }`),
  reviewsDueBy: plain(`{ reviewsDueBy(until: "2099-01-01", first: 1) { totalCount } }`),

  // dossier
  ReceiveDossier: async (w, _r, scope) => ({
    query: operation('ReceiveDossier'),
    variables: w.receiveInput(scope),
  }),
  'CompleteStep.handling': onDossier('CompleteStep', 'handling'),
  'CompleteStep.approval': onDossier('CompleteStep', 'approval'),
  RequestSupplement: onDossier('RequestSupplement', 'received', { reason: 'Thiếu giấy tờ' }),
  ResumeDossier: onDossier('ResumeDossier', 'supplement'),
  IssueApology: onDossier('IssueApology', 'received', {
    reason: 'Cần xác minh thêm',
    newDueAt: '2099-01-05T10:00:00+07:00',
  }),
  RejectDossier: onDossier('RejectDossier', 'received', { reason: 'Không thuộc thẩm quyền' }),
  ReturnResult: onDossier('ReturnResult', 'ready'),
  WithdrawDossier: onDossier('WithdrawDossier', 'received', { reason: 'Công dân rút hồ sơ' }),
  RecordFeedback: async (w) => {
    const d = await w.dossier('below', 'returned');
    return {
      query: operation('RecordFeedback'),
      variables: { input: { code: d.code, pin: d.pin, rating: 5 } },
    };
  },
  // One dossier per caller: a code sees two wrong PINs here, under any lock-out threshold.
  'RecordFeedback.wrongPin': async (w, role) => {
    const d = await w.shared(`wrong-pin:${role}`, () => w.dossier('below', 'received'));
    return {
      query: operation('RecordFeedback'),
      variables: { input: { code: d.code, pin: wrongPin(d.pin), rating: 1 } },
    };
  },
  ImportDossiers: async (w, _r, scope) => ({
    query: operation('ImportDossiers'),
    variables: {
      input: {
        dossiers: [
          {
            externalId: w.unique('legacy'),
            procedureCode: w.procedures[scope],
            unitCode: w.units[scope],
            channel: 'COUNTER',
            applicant,
            status: 'RECEIVED',
            receivedAt: new Date(Date.now() - 60_000).toISOString(),
          },
        ],
      },
    },
    read: (data) => {
      const { imported, errors } = data.importDossiers;
      if (imported === 1) return 'ok';
      if (imported === 0 && /outside your unit/.test(errors[0]?.message ?? '')) return 'ITEM_REFUSED';
      return `import ${JSON.stringify(data.importDossiers)}`;
    },
  }),
  DossierDetail: async (w, _r, scope) => {
    const d = await w.shared(`${scope}:received`, () => w.dossier(scope, 'received'));
    return {
      query: operation('DossierDetail'),
      variables: { code: d.code },
      read: (data) => (data.dossier?.code === d.code ? 'ok' : 'null'),
    };
  },
  UnitDossiers: async (w, _r, scope) => {
    const d = await w.shared(`${scope}:received`, () => w.dossier(scope, 'received'));
    return {
      query: operation('UnitDossiers'),
      variables: { unitCode: w.units[scope], first: 200 },
      read: (data) =>
        data.unit.dossiers.edges.some((e: any) => e.node.code === d.code) ? 'ok' : 'its dossier missing',
    };
  },
  UnitStatistics: async (w, _r, scope) => ({
    query: operation('UnitStatistics'),
    variables: { unitCode: w.units[scope], from: w.today, to: w.today, includeDescendants: true },
  }),
  PublicDossierStatus: async (w, _r, scope) => {
    const d = await w.shared(`${scope}:received`, () => w.dossier(scope, 'received'));
    return {
      query: operation('PublicDossierStatus'),
      variables: { code: d.code, pin: d.pin },
      read: (data) => (data.dossierStatus?.code === d.code ? 'ok' : 'null'),
    };
  },
  'PublicDossierStatus.wrongPin': async (w, role) => {
    const d = await w.shared(`wrong-pin:${role}`, () => w.dossier('below', 'received'));
    return {
      query: operation('PublicDossierStatus'),
      variables: { code: d.code, pin: wrongPin(d.pin) },
      read: (data) => (data.dossierStatus === null ? 'null' : 'ok'),
    };
  },
  'official.workQueue': officialField('workQueue(first: 5) { totalCount }'),
  unitFigures: plain(`{ unitFigures(from: "2025-01-01", to: "2025-01-02") { unitId } }`),

  // audit
  AnnounceQms: async (w, _r, scope) => ({
    query: operation('AnnounceQms'),
    variables: {
      input: {
        unitCode: w.units[scope],
        standard: 'ISO_9001_2015',
        decisionNumber: '15/QĐ-AUTHZ',
        announcedOn: w.today,
      },
    },
  }),
  PlanInternalAudit: async (w, _r, scope) => ({
    query: operation('PlanInternalAudit'),
    variables: {
      input: {
        unitCode: w.units[scope],
        plannedFor: w.today,
        scope: 'Quy trình hộ tịch',
        auditorUsernames: ['iso.22'],
      },
    },
  }),
  RecordAuditFinding: async (w, _r, scope) => ({
    query: operation('RecordAuditFinding'),
    variables: {
      input: {
        auditId: await w.shared(`audit:${scope}`, () => w.audit(scope)),
        kind: 'OBSERVATION',
        clause: '8.5',
        description: 'Sổ theo dõi chưa cập nhật',
      },
    },
  }),
  AddCorrectiveAction: async (w, _r, scope) => ({
    query: operation('AddCorrectiveAction'),
    variables: {
      input: {
        nonconformityId: await w.shared(`nc:${scope}`, () => w.nonconformity(scope)),
        description: 'Đào tạo lại',
        rootCause: 'Chưa nắm quy trình',
        ownerUsername: 'admin',
        dueOn: '2099-12-31',
      },
    },
  }),
  CompleteCorrectiveAction: async (w, _r, scope, fresh) => ({
    query: operation('CompleteCorrectiveAction'),
    variables: {
      input: {
        actionId: fresh
          ? await w.correctiveAction(scope)
          : await w.shared(`action:${scope}`, () => w.correctiveAction(scope)),
        completedOn: w.today,
        // Ineffective: the nonconformity stays open for the other cases.
        effective: false,
      },
    },
  }),
  RecordManagementReview: async (w, _r, scope) => ({
    query: operation('RecordManagementReview'),
    variables: {
      input: {
        unitCode: w.units[scope],
        heldOn: w.today,
        inputs: ['Kết quả đánh giá'],
        decisions: ['Duy trì'],
      },
    },
  }),
  openNonconformity: async (w, _r, scope) => ({
    query: OPEN_NONCONFORMITY,
    variables: {
      input: { unitCode: w.units[scope], source: 'COMPLAINT', description: 'Phản ánh của công dân' },
    },
  }),
  recordRisk: async (w, _r, scope) => ({
    query: `mutation ($input: RecordRiskInput!) { recordRisk(input: $input) { risk { id level } } }`,
    variables: {
      input: { unitCode: w.units[scope], description: 'Quá tải hồ sơ cuối năm', likelihood: 3, impact: 2 },
    },
  }),
  'unit.qms': unitField('qms { status mandatory }'),
  UnitQuality: async (w, _r, scope) => ({
    query: operation('UnitQuality'),
    variables: { unitCode: w.units[scope], year: Number(w.today.slice(0, 4)) },
  }),
  'unit.nonconformities': async (w, _r, scope) => {
    const id = await w.shared(`nc:${scope}`, () => w.nonconformity(scope));
    return {
      query: `query ($c: String!) { unit(code: $c) { nonconformities(first: 200) { edges { node { id } } } } }`,
      variables: { c: w.units[scope] },
      read: (data) =>
        data.unit.nonconformities.edges.some((e: any) => e.node.id === id)
          ? 'ok'
          : 'its nonconformity missing',
    };
  },
  NationalCompliance: async (w) => ({
    query: operation('NationalCompliance'),
    variables: { year: Number(w.today.slice(0, 4)) },
  }),
  Rankings: plain(operation('Rankings'), { level: 'PROVINCE' }),
  qmsActivityGaps: plain(`{ qmsActivityGaps(year: 2025) { unitId } }`),
  correctiveActionsDue: plain(`{ correctiveActionsDue(until: "2099-01-01") { id } }`),

  // notification
  MarkNotificationsRead: async (w, _r, scope) => ({
    query: operation('MarkNotificationsRead'),
    variables: { ids: [w.notifications[scope]] },
    read: (data) => (data.markNotificationsRead.updated === 0 ? 'NOOP' : 'ok'),
  }),
  'MarkNotificationsRead.own': async (w, role) => ({
    query: operation('MarkNotificationsRead'),
    variables: { ids: role === 'anonymous' ? [] : [w.ownNotifications[w.callers[role]]] },
    read: (data) => (data.markNotificationsRead.updated === 1 ? 'ok' : 'NOOP'),
  }),
  NotificationHistory: async (w, role) => ({
    query: operation('NotificationHistory'),
    variables: { first: 200 },
    read: (data) => {
      const ids: string[] = data.me.notifications.edges.map((e: any) => e.node.id);
      const mine = role !== 'anonymous' && ids.includes(w.ownNotifications[w.callers[role]]);
      const others = Object.values(w.notifications).filter((id) => ids.includes(id));
      return mine && others.length === 0 ? 'ok' : `own ${mine}, others' ${others.length}`;
    },
  }),
  'official.notifications': officialField('notifications(first: 5) { totalCount }'),
  'official.notificationPreferences': officialField('notificationPreferences { email }'),
  updateNotificationPreferences: plain(
    `mutation { updateNotificationPreferences(input: { email: true }) { email mutedEmailKinds } }`,
  ),
  CreateWebhookSubscription: async (w, _r, scope) => ({
    query: operation('CreateWebhookSubscription'),
    variables: {
      input: {
        unitCode: w.units[scope],
        url: 'https://hooks.example.com/eiso',
        events: ['dossier.received'],
      },
    },
  }),
  webhookSubscriptions: async (w, _r, scope) => ({
    query: `query ($c: String!) { webhookSubscriptions(unitCode: $c, first: 5) { totalCount } }`,
    variables: { c: w.units[scope] },
  }),
};

function wrongPin(pin: string): string {
  return pin === '000000' ? '111111' : '000000';
}

/** The outcome an answer shows: its one error code, or what the row reads from its data. */
export function observe(answer: Answer, request: Request): Outcome | string {
  const codes = [...new Set((answer.errors ?? []).map((e) => String(e.extensions?.code)))];
  if (codes.length === 1) return codes[0];
  if (codes.length > 1) return codes.join('+');
  if (!answer.data) return 'null';
  return request.read ? request.read(answer.data) : 'ok';
}
