/**
 * The dossier and notification workers as real processes, started the way `pnpm start` starts
 * them, against a real stack: an imported dossier that is already overdue tells its handler once,
 * in MyWorkspace; and workers killed with SIGKILL in the middle of their work, then restarted,
 * neither lose a notification nor make one twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { operation } from '@eiso/contract';
import { createDossierDataSource } from '@eiso/dossier';
import { createNotificationDataSource } from '@eiso/notification';
import { createRedisConnection } from '@eiso/outbox';
import { bearer, postGraphQL, waitFor, type Stack } from '@eiso/testing';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { startEisoStack, tokenFor } from './support';

const root = path.join(__dirname, '..', '..');
let stack: Stack;
let commune: string;
let procedureCode: string;
let dossierDb: DataSource;
let notificationDb: DataSource;
let redis: Redis;
let sweeps: Queue;
const tokens: Record<string, string> = {};
const running = new Set<ChildProcess>();

const gql = (query: string, variables: Record<string, unknown> = {}, as?: string): Promise<any> =>
  postGraphQL(stack.gatewayUrl, query, variables, as ? bearer(tokens[as]) : {});

beforeAll(async () => {
  stack = await startEisoStack({
    provinceCodes: ['22'],
    services: ['org', 'catalog', 'dossier', 'notification'],
  });
  const communes = await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 1 });
  commune = communes.data.units.edges[0].node.code;
  tokens.admin = await tokenFor(stack, 'admin');
  tokens.handler = await tokenFor(stack, `handler.${commune}`);
  const list = await gql(operation('UnitProcedures'), { unitCode: commune, first: 1 });
  procedureCode = list.data.unit.procedures.edges[0].node.code;
  dossierDb = createDossierDataSource(stack.env, 2).dataSource;
  notificationDb = createNotificationDataSource(stack.env, 2).dataSource;
  await Promise.all([dossierDb.initialize(), notificationDb.initialize()]);
  redis = createRedisConnection(stack.env.REDIS_URL);
  sweeps = new Queue('dossier.sweeps', { connection: redis, prefix: stack.env.QUEUE_PREFIX });
}, 180_000);

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await sweeps?.close();
  await redis?.quit();
  await Promise.all([dossierDb?.destroy(), notificationDb?.destroy()]);
  await stack?.stop();
});

/** Starts a service's worker (`src/worker.ts`) and resolves once it logs that it is ready. */
async function startWorker(service: 'dossier' | 'notification'): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=eiso-source', '--import', 'tsx', 'src/worker.ts'], {
    cwd: path.join(root, 'services', service),
    env: {
      ...process.env,
      ...stack.env,
      LOG_LEVEL: 'info',
      DEADLINE_SWEEP_INTERVAL_MS: '1000',
      TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.tsx.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${service} worker not ready: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      // TEST_LOG_LEVEL=debug shows what the workers say.
      if (process.env.TEST_LOG_LEVEL) process.stderr.write(`[${service}-worker] ${chunk}`);
      if (output.includes(' ready"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${service} worker exited (${code}): ${output}`)));
  });
  return child;
}

async function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** Imports open dossiers of the commune that fell due two days ago. */
async function importOverdue(count: number, tag: string): Promise<string[]> {
  const day = 86_400_000;
  const dossiers = Array.from({ length: count }, (_, i) => ({
    externalId: `${tag}-${i}`,
    procedureCode,
    unitCode: commune,
    channel: 'COUNTER',
    applicant: { name: 'Phạm Văn Dũng', idNumber: '022085001234' },
    status: 'IN_PROGRESS',
    receivedAt: new Date(Date.now() - 10 * day).toISOString(),
    dueAt: new Date(Date.now() - 2 * day).toISOString(),
  }));
  const imported = await gql(operation('ImportDossiers'), { input: { dossiers } }, 'admin');
  expect(imported.errors).toBeUndefined();
  expect(imported.data.importDossiers.imported).toBe(count);
  const rows: { id: string }[] = await dossierDb.query(`SELECT id FROM dossier WHERE external_id LIKE $1`, [
    `${tag}-%`,
  ]);
  return rows.map((r) => r.id);
}

/** The handler's OVERDUE notices about these dossiers: subject → how many. */
async function overdueNotices(dossierIds: string[]): Promise<Map<string, number>> {
  const handlerId = (await gql('{ me { id } }', {}, 'handler')).data.me.id;
  const rows: { subject: string; n: number }[] = await notificationDb.query(
    `SELECT subject, count(*)::int AS n FROM notification
     WHERE official_id = $1 AND kind = 'OVERDUE' AND dossier_id = ANY($2) GROUP BY subject`,
    [handlerId, dossierIds],
  );
  return new Map(rows.map((r) => [r.subject, r.n]));
}

describe('the workers, as processes', () => {
  it('tell the handler of an imported, already overdue dossier once, in MyWorkspace', async () => {
    const [id] = await importOverdue(1, `overdue-once-${Date.now()}`);
    const [{ code }] = await dossierDb.query(`SELECT code FROM dossier WHERE id = $1`, [id]);
    const workers = [await startWorker('dossier'), await startWorker('notification')];
    try {
      const workspace = () => gql(operation('MyWorkspace'), { first: 5 }, 'handler');
      const seen = await waitFor(
        workspace,
        (r) => r.data?.me.notifications.edges.some((e: any) => e.node.dossier?.code === code),
        120_000,
      );
      const mine = seen.data.me.notifications.edges.filter((e: any) => e.node.dossier?.code === code);
      expect(mine.map((e: any) => e.node.kind).sort()).toEqual(['APOLOGY_REQUIRED', 'OVERDUE']);
      // Several more sweeps (one a second) find the dossier again and tell nobody twice.
      const sweepsBefore = await sweepsRun();
      await waitFor(sweepsRun, (n) => n >= sweepsBefore + 3, 30_000);
      expect([...(await overdueNotices([id])).values()]).toEqual([1]);
    } finally {
      for (const worker of workers) await kill(worker, 'SIGTERM');
    }
  }, 240_000);

  it('lose nothing and double nothing when killed with SIGKILL mid-sweep and mid-job, then restarted', async () => {
    const ids = await importOverdue(300, `killed-${Date.now()}`);
    // The dossier worker, killed five times in the middle of its sweep: the test holds a lock on the
    // outbox, so each sweep has written its deadline notices and waits to write their events.
    for (let round = 0; round < 5; round++) {
      const release = await lockTable(dossierDb, 'outbox');
      const worker = await startWorker('dossier');
      const seen = await waitFor(() => blockedOn(dossierDb, 'outbox', 'deadline_notice'), Boolean, 20_000);
      expect([round, seen]).toEqual([round, true]);
      await kill(worker);
      await release();
    }
    const dossierWorker = await startWorker('dossier');
    // The notification worker, killed three times in the middle of applying an event.
    for (let round = 0; round < 3; round++) {
      const release = await lockTable(notificationDb, 'notification');
      const worker = await startWorker('notification');
      expect(
        await waitFor(() => blockedOn(notificationDb, 'notification', 'applied_event'), Boolean, 20_000),
      ).toBe(true);
      await kill(worker);
      await release();
    }
    const notificationWorker = await startWorker('notification');
    try {
      // Jobs a killed worker held are recovered once their lock lapses (BullMQ's stalled check).
      const told = await waitFor(
        () => overdueNotices(ids),
        (notices) => notices.size === ids.length,
        150_000,
      );
      expect(told.size).toBe(ids.length);
      expect([...told.values()].every((n) => n === 1)).toBe(true);
      const [events] = await dossierDb.query(
        `SELECT count(*)::int AS n, count(DISTINCT aggregate_id)::int AS dossiers FROM outbox
         WHERE type = 'dossier.overdue' AND aggregate_id = ANY($1)`,
        [ids],
      );
      expect(events).toEqual({ n: ids.length, dossiers: ids.length });
    } finally {
      await kill(dossierWorker, 'SIGTERM');
      await kill(notificationWorker, 'SIGTERM');
    }
  }, 420_000);
});

/** Holds a SHARE lock on a table (writers wait) until the returned function is called. */
async function lockTable(db: DataSource, table: string): Promise<() => Promise<void>> {
  const runner = db.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  await runner.query(`LOCK TABLE ${table} IN SHARE MODE`);
  return async () => {
    await runner.rollbackTransaction();
    await runner.release();
  };
}

/**
 * Whether another session's transaction has written to `written` and now waits for a lock on
 * `table` — a worker caught in the middle of its work (pg_locks is visible to the service's role).
 */
async function blockedOn(db: DataSource, table: string, written: string): Promise<boolean> {
  const [row] = await db.query(
    `SELECT count(*)::int AS n FROM pg_locks waiting
     JOIN pg_locks holding ON holding.pid = waiting.pid AND holding.granted
       AND holding.relation = $2::regclass AND holding.mode = 'RowExclusiveLock'
     WHERE NOT waiting.granted AND waiting.relation = $1::regclass`,
    [table, written],
  );
  return row.n > 0;
}

/** Sweeps finished so far (the scheduler's completed jobs). */
async function sweepsRun(): Promise<number> {
  return (await sweeps.getJobCounts('completed')).completed;
}
