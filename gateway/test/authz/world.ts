/**
 * The world the authorization cases run in: a real stack with the provinces 22 and 96 and all five
 * subgraphs, the units of each scope, a token per role, and the objects the cases act on — shared
 * ones for the refusals (a refused request changes nothing) and fresh ones for every allowed
 * mutation (so each success acts on its own object).
 */
import { auditModule } from '@eiso/audit';
import { todayInVietnam } from '@eiso/calendar';
import { catalogModule } from '@eiso/catalog';
import { operation } from '@eiso/contract';
import { dossierModule } from '@eiso/dossier';
import { createLogger } from '@eiso/logging';
import { createNotificationDataSource, notificationModule } from '@eiso/notification';
import { createOrgDataSource, devTokenFor, orgModule } from '@eiso/org';
import { bearer, postGraphQL, startStack, type GraphQLResponse, type Stack } from '@eiso/testing';
import { loadGatewayConfig, startGateway } from '../../src';
import type { CallerRole, Scope } from './matrix';

/** The stack of startEisoStack, with budgets that fit a test of some thousand requests from one address. */
export function startAuthzStack(): Promise<Stack> {
  const provinceCodes = ['22', '96'];
  return startStack({
    services: [
      { ...orgModule, seed: (env) => orgModule.seed(env, { provinceCodes }) },
      catalogModule,
      // The ministry's process approved in beforeAll reaches the dossier replica within a second.
      {
        ...dossierModule,
        seed: undefined,
        start: (env) => dossierModule.start({ ...env, CATALOG_SYNC_INTERVAL_MS: '1000' }),
      },
      auditModule,
      notificationModule,
    ],
    seed: true,
    startGateway: (env) =>
      startGateway(
        loadGatewayConfig({ ...env, RATE_LIMIT_PER_OFFICIAL: '1000000', RATE_LIMIT_PER_ADDRESS: '1000000' }),
        createLogger('gateway', env.LOG_LEVEL),
      ),
  });
}

export type Answer = GraphQLResponse<any>;

export interface DossierFixture {
  id: string;
  code: string;
  version: number;
  pin: string;
}
export type Stage = 'received' | 'handling' | 'approval' | 'supplement' | 'ready' | 'returned';

const STEPS = [
  { name: 'Tiếp nhận hồ sơ', role: 'RECEIVER', durationHours: 1 },
  { name: 'Thẩm định hồ sơ', role: 'HANDLER', durationHours: 2 },
  { name: 'Ký duyệt kết quả', role: 'LEADER', durationHours: 1 },
  { name: 'Trả kết quả', role: 'RECEIVER', durationHours: 1 },
];

export class World {
  stack!: Stack;
  /** The unit of each scope. */
  units = {} as Record<Scope, string>;
  /** A procedure each scope's unit handles and may own a process for. */
  procedures = {} as Record<Scope, string>;
  /** The caller of each role. */
  callers = {} as Record<Exclude<CallerRole, 'anonymous'>, string>;
  readonly tokens: Record<string, string> = {};
  /** Per scope: an official no test caller is (the owner of the notifications others must not reach). */
  clerks = {} as Record<Scope, string>;
  notifications = {} as Record<Scope, string>;
  /** Each caller's own notification. */
  ownNotifications: Record<string, string> = {};
  readonly today = todayInVietnam();
  /** A year ahead: far enough that the cases' approvals leave today's processes in force. */
  readonly nextYear = new Date(Date.parse(this.today) + 365 * 86_400_000).toISOString().slice(0, 10);
  private memo = new Map<string, Promise<unknown>>();
  private counter = 0;

  async start(): Promise<void> {
    this.stack = await startAuthzStack();
    const first = async (level: string, under: string, n = 1) =>
      (
        await this.gql(undefined, operation('UnitsByLevel'), { level, underCode: under, first: n })
      ).data.units.edges.map((e: { node: { code: string } }) => e.node.code) as string[];
    const [district, sibling] = await first('DISTRICT', '22', 2);
    const [commune] = await first('COMMUNE', district);
    const [other] = await first('DISTRICT', '96');
    this.units = { own: district, below: commune, sibling, otherProvince: other, national: 'BTP' };
    this.callers = {
      RECEIVER: `receiver.${district}`,
      HANDLER: `handler.${district}`,
      LEADER: `leader.${district}`,
      ISO_SECRETARY: `iso.${district}`,
      AUDITOR: 'auditor.22',
      UNIT_ADMIN: `unitadmin.${district}`,
      MINISTRY_VIEWER: 'viewer.BKHCN',
      SYSTEM_ADMIN: 'admin',
    };
    for (const scope of Object.keys(this.units) as Scope[]) this.clerks[scope] = `clerk.${this.units[scope]}`;
    await this.addOfficials();
    const usernames = [...Object.values(this.callers), 'iso.22', 'iso.96', 'leader.BTP'];
    for (const u of usernames) this.tokens[u] = await devTokenFor(u, this.stack.env);
    await this.addNotifications();

    for (const scope of ['own', 'below', 'sibling', 'otherProvince'] as Scope[]) {
      const list = await this.gql(undefined, operation('UnitProcedures'), {
        unitCode: this.units[scope],
        first: 30,
      });
      const found = list.data.unit.procedures.edges.find(
        (e: any) => e.node.process && (e.node.targetDays ?? e.node.statutoryDays) >= 1,
      );
      if (!found) throw new Error(`no procedure with a process in force at ${this.units[scope]}`);
      this.procedures[scope] = found.node.code;
    }
    // A ministry has no province template: BTP's leader drafts and approves its own process today.
    const ministry = await this.gql(undefined, operation('UnitProcedures'), { unitCode: 'BTP', first: 30 });
    const procedure = ministry.data.unit.procedures.edges.find(
      (e: any) => (e.node.targetDays ?? e.node.statutoryDays) >= 1,
    );
    if (!procedure) throw new Error('BTP handles no procedure of a day or more');
    this.procedures.national = procedure.node.code;
    const draft = await this.draft('national');
    const approved = await this.gql('leader.BTP', operation('ApproveProcess'), {
      input: { processId: draft, effectiveFrom: this.today },
    });
    if (approved.errors) throw new Error(`approving BTP's process: ${JSON.stringify(approved.errors)}`);
    // The dossier service's catalog replica learns of it within a second or two.
    const until = Date.now() + 20_000;
    for (;;) {
      const attempt = await this.gql('admin', operation('ReceiveDossier'), this.receiveInput('national'));
      if (!attempt.errors) break;
      if (Date.now() > until) throw new Error(`no dossier at BTP: ${JSON.stringify(attempt.errors)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  async stop(): Promise<void> {
    await this.stack?.stop();
  }

  gql(as: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
    return postGraphQL(this.stack.gatewayUrl, query, variables, as ? bearer(this.tokens[as]) : {});
  }

  token(role: CallerRole): string | undefined {
    return role === 'anonymous' ? undefined : this.callers[role];
  }

  unique(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${process.pid}-${Date.now()}-${this.counter}`;
  }

  /** Once per key, shared: the objects the refused requests aim at. */
  shared<T>(key: string, make: () => Promise<T>): Promise<T> {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as Promise<T>;
  }

  receiveInput(scope: Scope) {
    return {
      input: {
        procedureCode: this.procedures[scope],
        unitCode: this.units[scope],
        channel: 'COUNTER',
        applicant: { name: 'Nguyễn Văn Kiểm', idNumber: '001090001234', phone: '0912345678' },
        idempotencyKey: this.unique('authz'),
      },
    };
  }

  /** A dossier of the scope's unit at a stage of its four steps, moved there by the SYSTEM_ADMIN. */
  async dossier(scope: Scope, stage: Stage): Promise<DossierFixture> {
    const received = must(
      await this.gql('admin', operation('ReceiveDossier'), this.receiveInput(scope)),
      'receiving a dossier',
    ).receiveDossier.dossier;
    let d: DossierFixture = {
      id: received.id,
      code: received.code,
      version: received.version,
      pin: received.trackingPin,
    };
    const act = async (query: string, input: Record<string, unknown>) => {
      const data = must(
        await this.gql('admin', query, { input: { dossierId: d.id, expectedVersion: d.version, ...input } }),
        `moving ${d.code} to ${stage}`,
      );
      const dossier = (Object.values(data)[0] as { dossier: { version: number } }).dossier;
      d = { ...d, version: dossier.version };
    };
    const steps = { received: 0, handling: 1, approval: 2, supplement: 0, ready: 4, returned: 4 }[stage];
    for (let i = 0; i < steps; i += 1) await act(operation('CompleteStep'), {});
    if (stage === 'supplement') await act(operation('RequestSupplement'), { reason: 'Thiếu bản sao CCCD' });
    if (stage === 'returned') await act(operation('ReturnResult'), {});
    return d;
  }

  /** A new draft process version for the scope's unit, drafted by an ISO secretary or leader over it. */
  async draft(scope: Scope): Promise<string> {
    const by = {
      own: 'iso.22',
      below: 'iso.22',
      sibling: 'iso.22',
      otherProvince: 'iso.96',
      national: 'leader.BTP',
    }[scope];
    const data = must(
      await this.gql(by, operation('DraftProcess'), {
        input: { procedureCode: this.procedures[scope], unitCode: this.units[scope], steps: STEPS },
      }),
      `drafting a process at ${this.units[scope]}`,
    );
    return data.draftProcess.process.id;
  }

  async audit(scope: Scope): Promise<string> {
    const data = must(
      await this.gql('admin', operation('PlanInternalAudit'), {
        input: {
          unitCode: this.units[scope],
          plannedFor: this.today,
          scope: 'Toàn bộ hệ thống',
          auditorUsernames: ['iso.22'],
        },
      }),
      'planning an audit',
    );
    return data.planInternalAudit.audit.id;
  }

  async nonconformity(scope: Scope): Promise<string> {
    const data = must(
      await this.gql('admin', OPEN_NONCONFORMITY, {
        input: { unitCode: this.units[scope], source: 'OTHER', description: 'Hồ sơ lưu không đúng quy định' },
      }),
      'opening a nonconformity',
    );
    return data.openNonconformity.nonconformity.id;
  }

  async correctiveAction(scope: Scope): Promise<string> {
    const nonconformityId = await this.shared(`nc:${scope}`, () => this.nonconformity(scope));
    const data = must(
      await this.gql('admin', operation('AddCorrectiveAction'), {
        input: {
          nonconformityId,
          description: 'Sắp xếp lại hồ sơ lưu',
          rootCause: 'Thiếu hướng dẫn',
          ownerUsername: 'admin',
          dueOn: '2099-12-31',
        },
      }),
      'adding a corrective action',
    );
    return data.addCorrectiveAction.action.id;
  }

  /** The UNIT_ADMIN (none is seeded) and one clerk per scope's unit, written into org's table. */
  private async addOfficials(): Promise<void> {
    const { dataSource } = createOrgDataSource(this.stack.env, 1);
    await dataSource.initialize();
    try {
      const add = (username: string, unitCode: string, roles: string) =>
        dataSource.query(
          `INSERT INTO official (username, name, unit_id, roles, email)
           SELECT $1, $2, u.id, string_to_array($3, ','), NULL FROM administrative_unit u WHERE u.code = $4`,
          [username, `Cán bộ ${username}`, roles, unitCode],
        );
      await add(this.callers.UNIT_ADMIN, this.units.own, 'UNIT_ADMIN');
      for (const scope of Object.keys(this.clerks) as Scope[])
        await add(this.clerks[scope], this.units[scope], 'RECEIVER');
    } finally {
      await dataSource.destroy();
    }
  }

  /** One notification for each clerk and each caller, written into the notification service's table. */
  private async addNotifications(): Promise<void> {
    const org = createOrgDataSource(this.stack.env, 1).dataSource;
    const notification = createNotificationDataSource(this.stack.env, 1).dataSource;
    await Promise.all([org.initialize(), notification.initialize()]);
    try {
      const usernames = [...Object.values(this.clerks), ...Object.values(this.callers)];
      const rows: { id: string; username: string }[] = await org.query(
        `SELECT id, username FROM official WHERE username = ANY($1)`,
        [usernames],
      );
      const idOf = new Map(rows.map((r) => [r.username, r.id]));
      const add = async (username: string): Promise<string> => {
        const [row] = await notification.query(
          `INSERT INTO notification (official_id, kind, subject, title, body)
           VALUES ($1, 'DUE_SOON', $2, 'Hồ sơ sắp đến hạn', 'Kiểm thử phân quyền') RETURNING id`,
          [idOf.get(username), `authz-${username}`],
        );
        return row.id;
      };
      for (const scope of Object.keys(this.clerks) as Scope[])
        this.notifications[scope] = await add(this.clerks[scope]);
      for (const username of Object.values(this.callers))
        this.ownNotifications[username] = await add(username);
    } finally {
      await Promise.all([org.destroy(), notification.destroy()]);
    }
  }
}

export const OPEN_NONCONFORMITY = `mutation OpenNonconformity($input: OpenNonconformityInput!) {
  openNonconformity(input: $input) { nonconformity { id status } }
}`;

function must(answer: Answer, what: string): any {
  if (answer.errors || !answer.data) throw new Error(`${what}: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

/** Runs tasks with at most `size` at a time, in order of the list. */
export async function pool<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}
