/**
 * Dossier load and the ledger of what it must cause, shared by the fault tests: receipts and step
 * completions through a gateway, then the checks that every event was relayed and applied once by
 * each consumer and every notification made once.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { operation } from '@eiso/contract';
import type { Client as PgClient } from 'pg';
import { ROOT, type FaultStack } from './harness';

const { Client } = createRequire(path.join(ROOT, 'packages', 'db', 'package.json'))(
  'pg',
) as typeof import('pg');

/** A superuser connection to the stack's database (the test reads every service's schema). */
export async function superuser(stack: FaultStack): Promise<PgClient> {
  const client = new Client({ connectionString: stack.env.DATABASE_URL });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export interface DossierLoad {
  commune: string;
  procedureCode: string;
  /** Tokens of the receiver and of each step's role at the commune. */
  tokens: Record<string, string>;
  /** Who completes step 1, and the id of whom step 2 goes to. */
  firstRole: string;
  nextAssigneeId: string;
}

/** A commune of province 22 and a procedure of at least two steps, with the officials it needs. */
export async function prepareDossierLoad(stack: FaultStack): Promise<DossierLoad> {
  const units = await stack.gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 1 });
  const commune: string = units.data.units.edges[0].node.code;
  const list = await stack.gql(operation('UnitProcedures'), { unitCode: commune, first: 50 });
  const procedure = list.data.unit.procedures.edges
    .map((e: any) => e.node)
    .find((p: any) => p.process?.steps.length >= 2);
  if (!procedure) throw new Error('no procedure of two steps at ' + commune);
  const tokens: Record<string, string> = { receiver: await stack.token(`receiver.${commune}`) };
  const [first, second] = procedure.process.steps.map((s: { role: string }) => s.role.toLowerCase());
  tokens[first] = await stack.token(`${first}.${commune}`);
  tokens[second] = await stack.token(`${second}.${commune}`);
  const nextAssigneeId = (await stack.gql('{ me { id } }', {}, tokens[second])).data.me.id;
  return { commune, procedureCode: procedure.code, tokens, firstRole: first, nextAssigneeId };
}

export interface LoadResult {
  dossierIds: string[];
  /** Mutations that answered with errors (none expected). */
  failures: unknown[];
  mutations: number;
}

/**
 * `dossiers` receipts, each followed by the completion of its first step (2 × dossiers mutations),
 * by `concurrency` clients spread over the given gateways; `onProgress` hears each mutation done.
 */
export async function runDossierLoad(
  stack: FaultStack,
  load: DossierLoad,
  options: {
    dossiers: number;
    concurrency: number;
    gateways?: string[];
    tag: string;
    onProgress?: (done: number) => void;
  },
): Promise<LoadResult> {
  const gateways = options.gateways ?? [stack.gatewayUrl];
  const result: LoadResult = { dossierIds: [], failures: [], mutations: 0 };
  let next = 0;
  const done = () => options.onProgress?.(++result.mutations);
  const client = async (c: number) => {
    const url = gateways[c % gateways.length];
    for (let i = next++; i < options.dossiers; i = next++) {
      const received = await stack.gql(
        operation('ReceiveDossier'),
        {
          input: {
            procedureCode: load.procedureCode,
            unitCode: load.commune,
            channel: 'COUNTER',
            applicant: { name: 'Lê Văn Cường', idNumber: '022088001122' },
            idempotencyKey: `${options.tag}-${i}`,
          },
        },
        load.tokens.receiver,
        url,
      );
      done();
      if (received.errors) {
        result.failures.push(received.errors);
        continue;
      }
      const dossier = received.data.receiveDossier.dossier;
      result.dossierIds.push(dossier.id);
      const completed = await stack.gql(
        operation('CompleteStep'),
        {
          input: {
            dossierId: dossier.id,
            expectedVersion: dossier.version,
            nextAssigneeId: load.nextAssigneeId,
          },
        },
        load.tokens[load.firstRole],
        // The next request of this client goes through the other gateway.
        gateways[(c + 1) % gateways.length],
      );
      done();
      if (completed.errors) result.failures.push(completed.errors);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, c) => client(c)));
  return result;
}

export interface Ledger {
  /** Events the dossiers wrote to the outbox, by type. */
  events: Record<string, number>;
  unsent: number;
  /** Events each consumer applied (applied_event rows), and how many of them are not in the outbox. */
  notificationApplied: number;
  auditApplied: number;
  strangers: number;
  /** STEP_ASSIGNED notifications per dossier: how many dossiers have 0, 1, more. */
  stepAssigned: { none: number; once: number; more: number };
}

/** What the load caused, read from every service's tables. */
export async function readLedger(stack: FaultStack, dossierIds: string[]): Promise<Ledger> {
  const db = await superuser(stack);
  try {
    const events = await db.query(
      `SELECT type, count(*)::int AS n, count(*) FILTER (WHERE sent_at IS NULL)::int AS unsent
       FROM dossier.outbox WHERE aggregate_id = ANY($1) GROUP BY type`,
      [dossierIds],
    );
    const applied = await db.query(
      `SELECT a.consumer, count(*)::int AS n, count(o.id) FILTER (WHERE o.id IS NULL)::int AS strangers
       FROM (SELECT 'notification' AS consumer, event_id FROM notification.applied_event
               WHERE consumer = 'notification.dossier-notifications'
             UNION ALL SELECT 'audit', event_id FROM audit.applied_event
               WHERE consumer = 'audit.late-dossiers') a
       LEFT JOIN dossier.outbox o ON o.id = a.event_id
       WHERE o.aggregate_id = ANY($1) OR o.id IS NULL
       GROUP BY a.consumer`,
      [dossierIds],
    );
    const byConsumer = Object.fromEntries(applied.rows.map((r) => [r.consumer, r]));
    const assigned = await db.query(
      `SELECT coalesce(n, 0) AS n, count(*)::int AS dossiers FROM unnest($1::uuid[]) d(id)
       LEFT JOIN (SELECT dossier_id, count(*)::int AS n FROM notification.notification
                  WHERE kind = 'STEP_ASSIGNED' GROUP BY dossier_id) s ON s.dossier_id = d.id
       GROUP BY 1`,
      [dossierIds],
    );
    const count = (n: (x: number) => boolean) =>
      assigned.rows.filter((r) => n(Number(r.n))).reduce((sum, r) => sum + Number(r.dossiers), 0);
    return {
      events: Object.fromEntries(events.rows.map((r) => [r.type, r.n])),
      unsent: events.rows.reduce((sum, r) => sum + r.unsent, 0),
      notificationApplied: byConsumer.notification?.n ?? 0,
      auditApplied: byConsumer.audit?.n ?? 0,
      strangers: (byConsumer.notification?.strangers ?? 0) + (byConsumer.audit?.strangers ?? 0),
      stepAssigned: { none: count((n) => n === 0), once: count((n) => n === 1), more: count((n) => n > 1) },
    };
  } finally {
    await db.end();
  }
}

/**
 * The ledger of a load of `dossiers` receipts and first steps that lost and doubled nothing: one
 * `dossier.received` and one `dossier.step_completed` a dossier (and whatever the deadline sweep
 * announced meanwhile), every event sent and applied once by each consumer, one STEP_ASSIGNED a
 * dossier.
 */
export function expectedLedger(dossiers: number, seen: Ledger): Ledger {
  const events = { ...seen.events, 'dossier.received': dossiers, 'dossier.step_completed': dossiers };
  const total = Object.values(events).reduce((a, b) => a + b, 0);
  return {
    events,
    unsent: 0,
    notificationApplied: total,
    auditApplied: total,
    strangers: 0,
    stepAssigned: { none: 0, once: dossiers, more: 0 },
  };
}

/** Waits (up to `timeoutMs`) until the ledger is the expected one, and returns it. */
export async function settledLedger(
  stack: FaultStack,
  dossierIds: string[],
  timeoutMs = 120_000,
): Promise<{ ledger: Ledger; want: Ledger }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ledger = await readLedger(stack, dossierIds);
    const want = expectedLedger(dossierIds.length, ledger);
    if (JSON.stringify(ledger) === JSON.stringify(want) || Date.now() > until) return { ledger, want };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Holds a SHARE lock on a table (writers wait) until the returned function is called. */
export async function lockTable(stack: FaultStack, table: string): Promise<() => Promise<void>> {
  const db = await superuser(stack);
  await db.query('BEGIN');
  await db.query(`LOCK TABLE ${table} IN SHARE MODE`);
  return async () => {
    await db.query('ROLLBACK').catch(() => undefined);
    await db.end().catch(() => undefined);
  };
}

/**
 * Whether another session's transaction has written to `written` (or, without it, any session)
 * now waits for a lock on `table`: a worker caught in the middle of its work.
 */
export async function blockedOn(stack: FaultStack, table: string, written?: string): Promise<boolean> {
  const db = await superuser(stack);
  try {
    const { rows } = await db.query(
      written
        ? `SELECT count(*)::int AS n FROM pg_locks waiting
           JOIN pg_locks holding ON holding.pid = waiting.pid AND holding.granted
             AND holding.relation = $2::regclass AND holding.mode = 'RowExclusiveLock'
           WHERE NOT waiting.granted AND waiting.relation = $1::regclass`
        : `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = $1::regclass`,
      written ? [table, written] : [table],
    );
    return rows[0].n > 0;
  } finally {
    await db.end();
  }
}
