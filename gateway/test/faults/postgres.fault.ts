/**
 * PostgreSQL restarted and stopped under a running system (a private cluster): requests in flight
 * fail cleanly with INTERNAL_SERVER_ERROR (none hangs), later ones succeed without restarting any
 * service, and a retried receipt makes exactly one dossier. `/ready` of every subgraph and worker
 * says 503 while the database is away and 200 when it is back; `/live` stays 200; a service whose
 * migrations are not all applied is not ready.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { operation } from '@eiso/contract';
import type { Client as PgClient } from 'pg';
import {
  codes,
  freePort,
  Proc,
  ROOT,
  sleep,
  startFaultStack,
  waitFor,
  type FaultStack,
  type WorkerName,
} from './harness';

const { Client } = createRequire(path.join(ROOT, 'packages', 'db', 'package.json'))(
  'pg',
) as typeof import('pg');

let stack: FaultStack;
const tokens: Record<string, string> = {};
let commune: string;
let procedureCode: string;
/** Every probe-able process: name → base URL (http://127.0.0.1:<port>). */
const probes: Record<string, string> = {};
const workerNames: WorkerName[] = ['dossier', 'audit', 'notification'];

beforeAll(async () => {
  stack = await startFaultStack({ services: ['org', 'catalog', 'dossier', 'audit', 'notification'] });
  for (const [name, port] of Object.entries(stack.ports))
    if (name !== 'gateway') probes[name] = `http://127.0.0.1:${port}`;
  probes.gateway = stack.gatewayUrl.replace(/\/graphql$/, '');
  for (const worker of workerNames) {
    const port = await freePort();
    await stack.startWorker(worker, { WORKER_HEALTH_PORT: String(port) });
    probes[`${worker}-worker`] = `http://127.0.0.1:${port}`;
  }
  const units = await stack.gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 1 });
  commune = units.data.units.edges[0].node.code;
  tokens.receiver = await stack.token(`receiver.${commune}`);
  tokens.handler = await stack.token(`handler.${commune}`);
  const list = await stack.gql(operation('UnitProcedures'), { unitCode: commune, first: 1 });
  procedureCode = list.data.unit.procedures.edges[0].node.code;
}, 300_000);
afterAll(() => stack?.stop());

const status = async (url: string): Promise<number> =>
  (await fetch(url, { signal: AbortSignal.timeout(5000) }).catch(() => ({ status: 0 }))).status;

/** What the last readiness probes said, for the failure message. */
let lastBodies: Record<string, unknown> = {};

async function readiness(): Promise<Record<string, number>> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, base]) => {
      const response = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(5000) }).catch(
        (error: Error) => ({ status: 0, json: async () => error.message }),
      );
      lastBodies[name] = await response.json().catch(() => null);
      return [name, response.status] as const;
    }),
  );
  return Object.fromEntries(entries);
}

const allReady = () => Object.fromEntries(Object.keys(probes).map((name) => [name, 200]));

afterEach(() => {
  if (Object.values(lastBodies).some((b) => (b as { status?: string })?.status !== 'ready'))
    process.stderr.write(`last /ready answers: ${JSON.stringify(lastBodies)}\n`);
  lastBodies = {};
});

const receive = (idempotencyKey: string) =>
  stack.gql(
    operation('ReceiveDossier'),
    {
      input: {
        procedureCode,
        unitCode: commune,
        channel: 'COUNTER',
        applicant: { name: 'Trần Thị Bình', idNumber: '022090004321' },
        idempotencyKey,
      },
    },
    tokens.receiver,
  );

const WORKSPACE = operation('MyWorkspace');

async function superuser(): Promise<PgClient> {
  const client = new Client({ connectionString: stack.env.DATABASE_URL });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describe('PostgreSQL restarted', () => {
  it('every subgraph, the gateway and every worker (health port) are live and ready', async () => {
    const ready = await waitFor(readiness, (r) => Object.values(r).every((s) => s === 200), 20_000);
    expect(ready).toEqual(allReady());
    expect(Object.keys(ready).sort()).toEqual(
      [
        'audit',
        'audit-worker',
        'catalog',
        'dossier',
        'dossier-worker',
        'gateway',
        'notification',
        'notification-worker',
        'org',
      ].sort(),
    );
    for (const base of Object.values(probes)) expect(await status(`${base}/live`)).toBe(200);
  });

  it('fails the requests in flight cleanly, then serves later ones without a restart; a retried receipt makes one dossier', async () => {
    const pids = [...Object.values(stack.services), ...stack.gateways].map((p) => p!.child.pid);
    // A receipt caught in the middle of its transaction: the test holds the outbox.
    const holder = await superuser();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE dossier.outbox IN SHARE MODE');
    const key = `pg-restart-${Date.now()}`;
    const inFlight = (async () => {
      const started = Date.now();
      return { response: await receive(key), ms: Date.now() - started };
    })();
    // And readers, all the while.
    const until = { stop: false };
    const reads: { ms: number; codes: string[] }[] = [];
    const reader = async () => {
      while (!until.stop) {
        const started = Date.now();
        const response = await stack.gql(WORKSPACE, { first: 5 }, tokens.handler);
        reads.push({ ms: Date.now() - started, codes: codes(response) });
      }
    };
    const readers = Promise.all([reader(), reader(), reader()]);
    await sleep(1500);
    await stack.pg.restart();
    const { response, ms } = await inFlight;
    expect(codes(response)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(ms).toBeLessThan(15_000);
    await holder.end().catch(() => undefined);

    // Later requests succeed, from the same processes.
    const back = await waitFor(
      () => stack.gql(WORKSPACE, { first: 5 }, tokens.handler),
      (r) => !r.errors,
      20_000,
    );
    expect(back.errors).toBeUndefined();
    until.stop = true;
    await readers;
    expect(Math.max(...reads.map((r) => r.ms))).toBeLessThan(15_000);
    for (const read of reads) expect(read.codes.filter((c) => c !== 'INTERNAL_SERVER_ERROR')).toEqual([]);

    const retried = await receive(key);
    expect(retried.errors).toBeUndefined();
    const db = await superuser();
    try {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM dossier.dossier WHERE code = $1`, [
        retried.data.receiveDossier.dossier.code,
      ]);
      expect(rows[0].n).toBe(1);
    } finally {
      await db.end();
    }
    const after = [...Object.values(stack.services), ...stack.gateways].map((p) => p!.child.pid);
    expect(after).toEqual(pids);
    for (const proc of [...Object.values(stack.services), ...stack.gateways]) expect(proc!.alive).toBe(true);
    // Workers too reconnect by themselves.
    expect(await waitFor(readiness, (r) => Object.values(r).every((s) => s === 200), 30_000)).toEqual(
      allReady(),
    );
  });

  it('is told to the load balancer: /ready 503 while the database is away, 200 when it is back', async () => {
    await stack.pg.stop();
    try {
      const down = await waitFor(
        readiness,
        (r) => Object.entries(r).every(([name, s]) => s === (name === 'gateway' ? 200 : 503)),
        20_000,
      );
      // The gateway has no database: it stays ready and answers for the graph with errors.
      expect(down).toEqual(
        Object.fromEntries(Object.keys(probes).map((name) => [name, name === 'gateway' ? 200 : 503])),
      );
      for (const base of Object.values(probes)) expect(await status(`${base}/live`)).toBe(200);
      const answer = await stack.gql(WORKSPACE, { first: 5 }, tokens.handler);
      expect(new Set(codes(answer))).toEqual(new Set(['INTERNAL_SERVER_ERROR']));
    } finally {
      await stack.pg.start();
    }
    const up = await waitFor(readiness, (r) => Object.values(r).every((s) => s === 200), 30_000);
    expect(up).toEqual(allReady());
  });

  it('is not ready while its migrations are not all applied', async () => {
    const db = await superuser();
    try {
      const [{ timestamp, name }] = (
        await db.query(`SELECT timestamp, name FROM org.migrations ORDER BY timestamp DESC, id DESC LIMIT 1`)
      ).rows;
      await db.query(`DELETE FROM org.migrations WHERE name = $1`, [name]);
      const port = await freePort();
      const second = await Proc.start('org-2', 'services/org', 'src/main.ts', {
        ...stack.env,
        ORG_PORT: String(port),
      });
      try {
        const response = await fetch(`http://127.0.0.1:${port}/ready`);
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({ checks: { database: true, migrations: false } });
        // `eiso migrate` finishes (here: the row is back): ready.
        await db.query(`INSERT INTO org.migrations (timestamp, name) VALUES ($1, $2)`, [timestamp, name]);
        const ready = () => status(`http://127.0.0.1:${port}/ready`);
        expect(await waitFor(ready, (s) => s === 200, 10_000)).toBe(200);
      } finally {
        await second.stop();
      }
    } finally {
      await db.end();
    }
  });
});
