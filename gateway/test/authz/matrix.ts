/**
 * The authorization table (issue 8): every contract operation, and every other field that returns
 * unit data, × role × scope → the answer eiso must give. docs/authorization.md is generated from
 * this file (`pnpm exec tsx gateway/test/authz/render.ts`; a test fails when the page is stale) and
 * gateway/test/authz.e2e.test.ts sends every cell through the real gateway.
 *
 * The rules are the contract's (shared/contract/README.md, "Scope"): an official sees and acts on
 * the objects of their own unit and the units below it; MINISTRY_VIEWER and SYSTEM_ADMIN see every
 * unit; RECEIVER receives, HANDLER completes steps, LEADER approves processes and completes approval
 * steps, ISO_SECRETARY and AUDITOR work the QMS; SYSTEM_ADMIN (or UNIT_ADMIN within the unit)
 * imports dossiers and registers legal changes.
 */
import { ROLES as OFFICIAL_ROLES } from '@eiso/auth';

/** The callers of the table: no sign-in, then each of eiso's roles. */
export const ROLES = ['anonymous', ...OFFICIAL_ROLES] as const;
export type CallerRole = (typeof ROLES)[number];

/**
 * Where the object is, seen from the caller. The unit-bound callers (RECEIVER, HANDLER, LEADER,
 * ISO_SECRETARY, UNIT_ADMIN) sit in a district D of province 22; AUDITOR sits at the province 22
 * itself (auditor.<province>), so D, the commune below and D's sibling are all inside their
 * province. MINISTRY_VIEWER sits at BKHCN and SYSTEM_ADMIN at VN: every scope is in their view.
 */
export const SCOPES = ['own', 'below', 'sibling', 'otherProvince', 'national'] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_LABELS: Record<Scope, string> = {
  own: 'own unit (district D of 22)',
  below: 'a unit below (commune C of D)',
  sibling: 'a sibling in the province (district D2 of 22)',
  otherProvince: 'another province (a district of 96)',
  national: 'national (the ministry BTP)',
};

/**
 * ok: data; FORBIDDEN, NOT_FOUND, UNAUTHENTICATED: that error code (NOT_FOUND where the object's
 * existence must not leak); null: data null without error; NOOP: answered, but nothing of another's
 * read or changed (markNotificationsRead counts 0); ITEM_REFUSED: the batch answers, the item is
 * refused in `errors` and nothing is imported.
 */
export type Outcome = 'ok' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'null' | 'NOOP' | 'ITEM_REFUSED';

export type Subgraph = 'org' | 'catalog' | 'dossier' | 'audit' | 'notification';

export interface Row {
  /** Unique: the test finds its request by it. */
  id: string;
  subgraph: Subgraph;
  /** The contract operation's name, else the field as a client reaches it. */
  what: string;
  contract: boolean;
  /** false: the answer does not depend on where an object is (one column). */
  scoped: boolean;
  /** The rule, in words, for the page. */
  rule: string;
  expect: (role: CallerRole, scope: Scope) => Outcome;
  /** A fix made or a decision taken, for the page. */
  note?: string;
}

const NATIONAL_READERS: CallerRole[] = ['MINISTRY_VIEWER', 'SYSTEM_ADMIN'];

/** The scope of a unit-bound caller covers their unit and the units below it. */
export function covers(role: CallerRole, scope: Scope): boolean {
  if (role === 'anonymous') return false;
  if (NATIONAL_READERS.includes(role)) return true;
  if (role === 'AUDITOR') return scope === 'own' || scope === 'below' || scope === 'sibling';
  return scope === 'own' || scope === 'below';
}

const publicRead = (): Outcome => 'ok';
const signedIn = (role: CallerRole): Outcome => (role === 'anonymous' ? 'UNAUTHENTICATED' : 'ok');
const systemOnly = (role: CallerRole): Outcome =>
  role === 'anonymous' ? 'UNAUTHENTICATED' : role === 'SYSTEM_ADMIN' ? 'ok' : 'FORBIDDEN';
const nationalOnly = (role: CallerRole): Outcome =>
  role === 'anonymous' ? 'UNAUTHENTICATED' : NATIONAL_READERS.includes(role) ? 'ok' : 'FORBIDDEN';

/** Reading a unit's records: FORBIDDEN outside the scope, or NOT_FOUND where existence must not leak. */
const read =
  (outside: 'FORBIDDEN' | 'NOT_FOUND') =>
  (role: CallerRole, scope: Scope): Outcome =>
    role === 'anonymous' ? 'UNAUTHENTICATED' : covers(role, scope) ? 'ok' : outside;

/**
 * Acting: one of `roles` with the object inside the caller's scope; SYSTEM_ADMIN anywhere unless
 * `admin: false`. `hidden`: the object is addressed by id and one outside the caller's view is
 * NOT_FOUND (a MINISTRY_VIEWER sees it, so is FORBIDDEN).
 */
const act =
  (roles: CallerRole[], options: { hidden?: boolean; admin?: boolean } = {}) =>
  (role: CallerRole, scope: Scope): Outcome => {
    if (role === 'anonymous') return 'UNAUTHENTICATED';
    if (role === 'SYSTEM_ADMIN') return options.admin === false ? 'FORBIDDEN' : 'ok';
    if (options.hidden && !covers(role, scope)) return 'NOT_FOUND';
    return roles.includes(role) && covers(role, scope) ? 'ok' : 'FORBIDDEN';
  };

const QMS: CallerRole[] = ['LEADER', 'ISO_SECRETARY'];

export const MATRIX: Row[] = [
  // ───────────── org ─────────────
  {
    id: 'UnitByCode',
    subgraph: 'org',
    what: 'UnitByCode',
    contract: true,
    scoped: true,
    rule: 'public: the unit tree',
    expect: publicRead,
  },
  {
    id: 'UnitsByLevel',
    subgraph: 'org',
    what: 'UnitsByLevel',
    contract: true,
    scoped: true,
    rule: 'public: the unit tree',
    expect: publicRead,
  },
  {
    id: 'MyWorkspace',
    subgraph: 'org',
    what: 'MyWorkspace',
    contract: true,
    scoped: false,
    rule: 'signed in: the caller, their work queue and unread notifications (their own only)',
    expect: signedIn,
  },
  {
    id: 'unit.officials',
    subgraph: 'org',
    what: 'unit(code) { officials }',
    contract: false,
    scoped: true,
    rule: 'read scope; FORBIDDEN outside it (the unit itself is public)',
    expect: read('FORBIDDEN'),
  },
  {
    id: 'official',
    subgraph: 'org',
    what: 'official(username)',
    contract: false,
    scoped: true,
    rule: 'read scope; NOT_FOUND outside it (names do not leak)',
    expect: read('NOT_FOUND'),
  },
  {
    id: 'officialDirectory',
    subgraph: 'org',
    what: 'officialDirectory',
    contract: false,
    scoped: false,
    rule: 'off-contract feed between services: SYSTEM_ADMIN only',
    expect: systemOnly,
  },
  // ───────────── catalog ─────────────
  {
    id: 'UnitProcedures',
    subgraph: 'catalog',
    what: 'UnitProcedures',
    contract: true,
    scoped: true,
    rule: 'public: the catalog and the processes in force (published documents)',
    expect: publicRead,
  },
  {
    id: 'ProcedureByCode',
    subgraph: 'catalog',
    what: 'ProcedureByCode',
    contract: true,
    scoped: false,
    rule: 'public',
    expect: publicRead,
  },
  {
    id: 'process',
    subgraph: 'catalog',
    what: 'process(id)',
    contract: false,
    scoped: true,
    rule: 'public: an approved or draft process version is a published document',
    expect: publicRead,
    note: "decision: drafts too are readable by id (ids are unguessable UUIDs); the unit's own lists show only what is in force",
  },
  {
    id: 'catalogChanges',
    subgraph: 'catalog',
    what: 'catalogChanges',
    contract: false,
    scoped: false,
    rule: 'public feed of published documents (procedures, target times, approved processes; no drafts) for replicas',
    expect: publicRead,
  },
  {
    id: 'DraftProcess',
    subgraph: 'catalog',
    what: 'DraftProcess',
    contract: true,
    scoped: true,
    rule: 'LEADER, ISO_SECRETARY or UNIT_ADMIN of the unit or a unit above it (not SYSTEM_ADMIN: processes are the unit’s)',
    expect: act(['LEADER', 'ISO_SECRETARY', 'UNIT_ADMIN'], { admin: false }),
    note: "decision: the contract gives SYSTEM_ADMIN imports and legal changes, not a unit's processes; kept as the code has it",
  },
  {
    id: 'ApproveProcess',
    subgraph: 'catalog',
    what: 'ApproveProcess',
    contract: true,
    scoped: true,
    rule: 'LEADER of the owning unit or a unit above it (not SYSTEM_ADMIN)',
    expect: act(['LEADER'], { admin: false }),
    note: 'fixed: only a LEADER of exactly the owning unit could approve; the scope rule lets a LEADER act on the units below',
  },
  {
    id: 'RegisterLegalChange',
    subgraph: 'catalog',
    what: 'RegisterLegalChange',
    contract: true,
    scoped: false,
    rule: 'SYSTEM_ADMIN, or UNIT_ADMIN (the reviews it opens are limited to their subtree)',
    expect: (role) =>
      role === 'anonymous'
        ? 'UNAUTHENTICATED'
        : role === 'SYSTEM_ADMIN' || role === 'UNIT_ADMIN'
          ? 'ok'
          : 'FORBIDDEN',
  },
  {
    id: 'unit.processReviews',
    subgraph: 'catalog',
    what: 'unit(code) { processReviews }',
    contract: false,
    scoped: true,
    rule: 'read scope; FORBIDDEN outside it',
    expect: read('FORBIDDEN'),
  },
  ...(['overdueReviewOwners', 'reviewFigures', 'reviewsDueBy'] as const).map((field): Row => ({
    id: field,
    subgraph: 'catalog',
    what: field,
    contract: false,
    scoped: false,
    rule: 'off-contract feed between services: SYSTEM_ADMIN only',
    expect: systemOnly,
  })),
  // ───────────── dossier ─────────────
  {
    id: 'ReceiveDossier',
    subgraph: 'dossier',
    what: 'ReceiveDossier',
    contract: true,
    scoped: true,
    rule: 'RECEIVER of the unit or a unit above it; SYSTEM_ADMIN',
    expect: act(['RECEIVER']),
  },
  {
    id: 'CompleteStep.handling',
    subgraph: 'dossier',
    what: 'CompleteStep (a HANDLER step)',
    contract: true,
    scoped: true,
    rule: 'the step’s role (HANDLER) over the dossier’s unit; SYSTEM_ADMIN; dossiers outside the view NOT_FOUND',
    expect: act(['HANDLER'], { hidden: true }),
  },
  {
    id: 'CompleteStep.approval',
    subgraph: 'dossier',
    what: 'CompleteStep (an approval step)',
    contract: true,
    scoped: true,
    rule: 'the step’s role (LEADER) over the dossier’s unit; SYSTEM_ADMIN; dossiers outside the view NOT_FOUND',
    expect: act(['LEADER'], { hidden: true }),
  },
  {
    id: 'RequestSupplement',
    subgraph: 'dossier',
    what: 'RequestSupplement',
    contract: true,
    scoped: true,
    rule: 'RECEIVER or HANDLER over the dossier’s unit; SYSTEM_ADMIN; NOT_FOUND outside the view',
    expect: act(['RECEIVER', 'HANDLER'], { hidden: true }),
  },
  {
    id: 'ResumeDossier',
    subgraph: 'dossier',
    what: 'ResumeDossier',
    contract: true,
    scoped: true,
    rule: 'RECEIVER or HANDLER over the dossier’s unit; SYSTEM_ADMIN; NOT_FOUND outside the view',
    expect: act(['RECEIVER', 'HANDLER'], { hidden: true }),
  },
  {
    id: 'IssueApology',
    subgraph: 'dossier',
    what: 'IssueApology',
    contract: true,
    scoped: true,
    rule: 'RECEIVER, HANDLER or LEADER over the dossier’s unit; SYSTEM_ADMIN; NOT_FOUND outside the view',
    expect: act(['RECEIVER', 'HANDLER', 'LEADER'], { hidden: true }),
  },
  {
    id: 'RejectDossier',
    subgraph: 'dossier',
    what: 'RejectDossier',
    contract: true,
    scoped: true,
    rule: 'RECEIVER, HANDLER or LEADER over the dossier’s unit; SYSTEM_ADMIN; NOT_FOUND outside the view',
    expect: act(['RECEIVER', 'HANDLER', 'LEADER'], { hidden: true }),
  },
  {
    id: 'ReturnResult',
    subgraph: 'dossier',
    what: 'ReturnResult',
    contract: true,
    scoped: true,
    rule: 'RECEIVER over the dossier’s unit; SYSTEM_ADMIN; NOT_FOUND outside the view',
    expect: act(['RECEIVER'], { hidden: true }),
  },
  {
    id: 'WithdrawDossier',
    subgraph: 'dossier',
    what: 'WithdrawDossier',
    contract: true,
    scoped: true,
    rule: 'RECEIVER over the dossier’s unit; SYSTEM_ADMIN; NOT_FOUND outside the view',
    expect: act(['RECEIVER'], { hidden: true }),
  },
  {
    id: 'RecordFeedback',
    subgraph: 'dossier',
    what: 'RecordFeedback (right PIN)',
    contract: true,
    scoped: false,
    rule: 'public with the code and PIN of a returned dossier; a token adds nothing',
    expect: publicRead,
  },
  {
    id: 'RecordFeedback.wrongPin',
    subgraph: 'dossier',
    what: 'RecordFeedback (wrong PIN)',
    contract: true,
    scoped: false,
    rule: 'NOT_FOUND for everyone, SYSTEM_ADMIN included: only the PIN opens it',
    expect: () => 'NOT_FOUND',
  },
  {
    id: 'ImportDossiers',
    subgraph: 'dossier',
    what: 'ImportDossiers',
    contract: true,
    scoped: true,
    rule: 'SYSTEM_ADMIN anywhere; UNIT_ADMIN for their unit and below (an item elsewhere is refused in errors); others FORBIDDEN',
    expect: (role, scope) =>
      role === 'anonymous'
        ? 'UNAUTHENTICATED'
        : role === 'SYSTEM_ADMIN'
          ? 'ok'
          : role === 'UNIT_ADMIN'
            ? covers(role, scope)
              ? 'ok'
              : 'ITEM_REFUSED'
            : 'FORBIDDEN',
    note: "decision: a batch reports an item outside the UNIT_ADMIN's unit in errors (imported 0) rather than failing the whole call with FORBIDDEN",
  },
  {
    id: 'DossierDetail',
    subgraph: 'dossier',
    what: 'DossierDetail',
    contract: true,
    scoped: true,
    rule: 'read scope; NOT_FOUND outside it (a dossier code does not leak)',
    expect: read('NOT_FOUND'),
  },
  {
    id: 'UnitDossiers',
    subgraph: 'dossier',
    what: 'UnitDossiers',
    contract: true,
    scoped: true,
    rule: 'read scope; FORBIDDEN outside it',
    expect: read('FORBIDDEN'),
  },
  {
    id: 'UnitStatistics',
    subgraph: 'dossier',
    what: 'UnitStatistics',
    contract: true,
    scoped: true,
    rule: 'read scope; FORBIDDEN outside it',
    expect: read('FORBIDDEN'),
  },
  {
    id: 'PublicDossierStatus',
    subgraph: 'dossier',
    what: 'PublicDossierStatus (right PIN)',
    contract: true,
    scoped: true,
    rule: 'public with code and PIN, for any dossier anywhere',
    expect: publicRead,
  },
  {
    id: 'PublicDossierStatus.wrongPin',
    subgraph: 'dossier',
    what: 'PublicDossierStatus (wrong PIN)',
    contract: true,
    scoped: false,
    rule: 'null for everyone (SYSTEM_ADMIN included)',
    expect: () => 'null',
  },
  {
    id: 'official.workQueue',
    subgraph: 'dossier',
    what: 'official(username) { workQueue }',
    contract: false,
    scoped: true,
    rule: 'an official’s own queue; another’s only for SYSTEM_ADMIN; officials outside the view NOT_FOUND',
    expect: (role, scope) =>
      role === 'anonymous'
        ? 'UNAUTHENTICATED'
        : role === 'SYSTEM_ADMIN'
          ? 'ok'
          : covers(role, scope)
            ? 'FORBIDDEN'
            : 'NOT_FOUND',
  },
  {
    id: 'unitFigures',
    subgraph: 'dossier',
    what: 'unitFigures',
    contract: false,
    scoped: false,
    rule: 'off-contract feed between services: SYSTEM_ADMIN only',
    expect: systemOnly,
  },
  // ───────────── audit ─────────────
  {
    id: 'AnnounceQms',
    subgraph: 'audit',
    what: 'AnnounceQms',
    contract: true,
    scoped: true,
    rule: 'LEADER or ISO_SECRETARY of the unit or a unit above it; SYSTEM_ADMIN',
    expect: act(QMS),
  },
  {
    id: 'PlanInternalAudit',
    subgraph: 'audit',
    what: 'PlanInternalAudit',
    contract: true,
    scoped: true,
    rule: 'LEADER, ISO_SECRETARY or AUDITOR over the unit; SYSTEM_ADMIN',
    expect: act([...QMS, 'AUDITOR']),
  },
  {
    id: 'RecordAuditFinding',
    subgraph: 'audit',
    what: 'RecordAuditFinding',
    contract: true,
    scoped: true,
    rule: 'ISO_SECRETARY or AUDITOR over the audit’s unit (or an auditor it names); SYSTEM_ADMIN; NOT_FOUND outside the view',
    expect: act(['ISO_SECRETARY', 'AUDITOR'], { hidden: true }),
  },
  {
    id: 'AddCorrectiveAction',
    subgraph: 'audit',
    what: 'AddCorrectiveAction',
    contract: true,
    scoped: true,
    rule: 'LEADER or ISO_SECRETARY over the nonconformity’s unit; SYSTEM_ADMIN; NOT_FOUND outside the view',
    expect: act(QMS, { hidden: true }),
  },
  {
    id: 'CompleteCorrectiveAction',
    subgraph: 'audit',
    what: 'CompleteCorrectiveAction',
    contract: true,
    scoped: true,
    rule: 'the action’s owner, or LEADER or ISO_SECRETARY over the unit; SYSTEM_ADMIN; NOT_FOUND outside the view',
    expect: act(QMS, { hidden: true }),
  },
  {
    id: 'RecordManagementReview',
    subgraph: 'audit',
    what: 'RecordManagementReview',
    contract: true,
    scoped: true,
    rule: 'LEADER or ISO_SECRETARY over the unit; SYSTEM_ADMIN',
    expect: act(QMS),
  },
  {
    id: 'openNonconformity',
    subgraph: 'audit',
    what: 'openNonconformity',
    contract: false,
    scoped: true,
    rule: 'LEADER, ISO_SECRETARY or AUDITOR over the unit; SYSTEM_ADMIN',
    expect: act([...QMS, 'AUDITOR']),
  },
  {
    id: 'recordRisk',
    subgraph: 'audit',
    what: 'recordRisk',
    contract: false,
    scoped: true,
    rule: 'LEADER or ISO_SECRETARY over the unit; SYSTEM_ADMIN',
    expect: act(QMS),
  },
  {
    id: 'unit.qms',
    subgraph: 'audit',
    what: 'unit(code) { qms }',
    contract: false,
    scoped: true,
    rule: 'public: an announcement is posted at the office and on its website',
    expect: publicRead,
  },
  {
    id: 'UnitQuality',
    subgraph: 'audit',
    what: 'UnitQuality',
    contract: true,
    scoped: true,
    rule: 'read scope (objectives, internal audits, reviews, nonconformities, risks); FORBIDDEN outside it',
    expect: read('FORBIDDEN'),
  },
  {
    id: 'unit.nonconformities',
    subgraph: 'audit',
    what: 'unit(code) { nonconformities }',
    contract: false,
    scoped: true,
    rule: 'read scope; FORBIDDEN outside it',
    expect: read('FORBIDDEN'),
  },
  {
    id: 'NationalCompliance',
    subgraph: 'audit',
    what: 'NationalCompliance',
    contract: true,
    scoped: false,
    rule: 'MINISTRY_VIEWER and SYSTEM_ADMIN',
    expect: nationalOnly,
  },
  {
    id: 'Rankings',
    subgraph: 'audit',
    what: 'Rankings',
    contract: true,
    scoped: false,
    rule: 'signed in: a ranking compares units and is published alike to all of them',
    expect: signedIn,
    note: 'fixed: answered without sign-in, though the contract’s public surface does not include it',
  },
  ...(['qmsActivityGaps', 'correctiveActionsDue'] as const).map((field): Row => ({
    id: field,
    subgraph: 'audit',
    what: field,
    contract: false,
    scoped: false,
    rule: 'off-contract feed between services: SYSTEM_ADMIN only',
    expect: systemOnly,
  })),
  // ───────────── notification ─────────────
  {
    id: 'MarkNotificationsRead',
    subgraph: 'notification',
    what: 'MarkNotificationsRead (another official’s)',
    contract: true,
    scoped: true,
    rule: 'only the caller’s own notifications change; another’s id counts 0 (no error: ids do not leak)',
    expect: (role) => (role === 'anonymous' ? 'UNAUTHENTICATED' : 'NOOP'),
  },
  {
    id: 'MarkNotificationsRead.own',
    subgraph: 'notification',
    what: 'MarkNotificationsRead (own)',
    contract: true,
    scoped: false,
    rule: 'signed in: the caller’s own',
    expect: signedIn,
  },
  {
    id: 'NotificationHistory',
    subgraph: 'notification',
    what: 'NotificationHistory',
    contract: true,
    scoped: false,
    rule: 'signed in: the caller’s own inbox, nobody else’s notification in it',
    expect: signedIn,
  },
  {
    id: 'official.notifications',
    subgraph: 'notification',
    what: 'official(username) { notifications }',
    contract: false,
    scoped: true,
    rule: 'an official’s own only (SYSTEM_ADMIN included); officials outside the view NOT_FOUND',
    expect: (role, scope) =>
      role === 'anonymous' ? 'UNAUTHENTICATED' : covers(role, scope) ? 'FORBIDDEN' : 'NOT_FOUND',
    note: "decision: nobody, SYSTEM_ADMIN included, reads another official's inbox",
  },
  {
    id: 'official.notificationPreferences',
    subgraph: 'notification',
    what: 'official(username) { notificationPreferences }',
    contract: false,
    scoped: true,
    rule: 'an official’s own only; officials outside the view NOT_FOUND',
    expect: (role, scope) =>
      role === 'anonymous' ? 'UNAUTHENTICATED' : covers(role, scope) ? 'FORBIDDEN' : 'NOT_FOUND',
  },
  {
    id: 'updateNotificationPreferences',
    subgraph: 'notification',
    what: 'updateNotificationPreferences',
    contract: false,
    scoped: false,
    rule: 'signed in: the caller’s own',
    expect: signedIn,
  },
  {
    id: 'CreateWebhookSubscription',
    subgraph: 'notification',
    what: 'CreateWebhookSubscription',
    contract: true,
    scoped: true,
    rule: 'LEADER of the unit or a unit above it; SYSTEM_ADMIN',
    expect: act(['LEADER']),
  },
  {
    id: 'webhookSubscriptions',
    subgraph: 'notification',
    what: 'webhookSubscriptions(unitCode)',
    contract: false,
    scoped: true,
    rule: 'as CreateWebhookSubscription: endpoints are a unit’s configuration, not figures (MINISTRY_VIEWER FORBIDDEN)',
    expect: act(['LEADER']),
    note: "decision: MINISTRY_VIEWER reads every unit's figures, not its integration endpoints",
  },
];
