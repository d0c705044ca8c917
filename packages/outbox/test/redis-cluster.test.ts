/**
 * BullMQ on a real Redis Cluster (three masters of Debian's redis-server, started on private ports
 * for this file): the relay and a consumer work through `REDIS_CLUSTER_NODES`, each queue's keys
 * share one hash slot (BullMQ's scripts need that) and different queues land in different slots
 * (spread over the nodes). Without the hash tags BullMQ's first write fails with CROSSSLOT — the
 * reason for them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { TestDatabase } from '@eiso/db';
import { waitFor } from '@eiso/testing';
import {
  appendEvents,
  createRedisConnection,
  OutboxRelay,
  queueConnection,
  startConsumer,
  type EisoEvent,
} from '../src';
import { outboxTestDatabase } from './outbox-database';

const MASTERS = 3;
let directory: string;
let servers: ChildProcess[] = [];
const nodes: string[] = [];
let database: TestDatabase;
let db: DataSource;
let cluster: Cluster;
const prefix = `eiso-test-${randomBytes(4).toString('hex')}`;

/** Polls `check` until it holds; throws with `what` when it never does. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  if (!(await waitFor(check, (ok) => ok))) throw new Error(`timed out waiting for ${what}`);
}

/** A port free for redis-server and for its cluster bus (port + 10000). */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if ((await canListen(port)) && (await canListen(port + 10_000))) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function startCluster(): Promise<void> {
  directory = mkdtempSync(path.join(os.tmpdir(), 'eiso-redis-cluster-'));
  for (let i = 0; i < MASTERS; i++) {
    const port = await freePort();
    // Spawned only once the port is taken, so the next freePort() cannot choose it again.
    const server = spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', path.join(directory, `nodes-${port}.conf`)],
        ...['--dir', directory],
      ],
      { stdio: 'ignore' },
    );
    servers.push(server);
    nodes.push(`127.0.0.1:${port}`);
    await until(async () => {
      const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    }, `redis-server on ${port}`);
  }
  const create = spawnSync(
    'redis-cli',
    ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (create.status !== 0)
    throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  for (const node of nodes) {
    const [, port] = node.split(':');
    await until(async () => {
      const probe = new Redis(Number(port), '127.0.0.1');
      try {
        return /cluster_state:ok/.test(await probe.cluster('INFO'));
      } finally {
        probe.disconnect();
      }
    }, `cluster state ok on ${node}`);
  }
}

beforeAll(async () => {
  await startCluster();
  ({ database, db } = await outboxTestDatabase());
  const connection = createRedisConnection('redis://127.0.0.1:6379', nodes);
  if (!(connection instanceof Cluster)) throw new Error('REDIS_CLUSTER_NODES must give a cluster client');
  cluster = connection;
}, 60_000);

afterAll(async () => {
  await cluster?.quit();
  await db?.destroy();
  await database?.drop();
  for (const server of servers) server.kill('SIGKILL');
  servers = [];
  rmSync(directory, { recursive: true, force: true });
});

/** Every key under `pattern` on every master, with its hash slot. */
async function keySlots(pattern: string): Promise<Map<string, number>> {
  const slots = new Map<string, number>();
  for (const node of cluster.nodes('master'))
    for (const key of await node.keys(pattern)) slots.set(key, Number(await node.cluster('KEYSLOT', key)));
  return slots;
}

describe('BullMQ on a Redis Cluster', () => {
  it('gives each queue its own hash tag, and keeps a single server’s keys as they were', () => {
    expect(queueConnection(cluster, 'eiso', 'audit.dossier-events').prefix).toBe(
      '{eiso:audit.dossier-events}',
    );
    expect(queueConnection(cluster, '{ops}', 'audit.dossier-events').prefix).toBe('{ops}');
    const single = new Redis({ lazyConnect: true });
    expect(queueConnection(single, 'eiso', 'audit.dossier-events').prefix).toBe('eiso');
    single.disconnect();
  });

  it('relays events to two queues and consumes them once each, every queue in one slot', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `d${i}`);
    await db.transaction((m) =>
      appendEvents(
        m,
        ids.map((aggregateId) => ({
          type: 'dossier.received',
          unitPath: '/VN/22/',
          aggregateId,
          payload: {},
        })),
      ),
    );
    const relay = new OutboxRelay({
      db,
      connection: cluster,
      prefix,
      routes: [
        { queue: 'audit.dossier-events', types: ['dossier.'] },
        { queue: 'notification.dossier-events', types: ['dossier.received'] },
      ],
    });
    expect(await relay.drain()).toBe(ids.length);
    await relay.close();

    const seen = new Map<string, string[]>();
    const workers = ['audit.dossier-events', 'notification.dossier-events'].map((queue) =>
      startConsumer({
        db,
        consumer: queue,
        queue,
        connection: cluster,
        prefix,
        handle: async (event: EisoEvent) => {
          seen.set(queue, [...(seen.get(queue) ?? []), event.aggregateId]);
        },
      }),
    );
    try {
      await until(
        async () => [...seen.values()].every((list) => list.length === ids.length) && seen.size === 2,
        'both consumers applied every event',
      );
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
    expect(seen.get('audit.dossier-events')).toEqual(ids);
    expect(seen.get('notification.dossier-events')).toEqual(ids);
    const [{ applied }] = await db.query(`SELECT count(*)::int AS applied FROM applied_event`);
    expect(applied).toBe(2 * ids.length);

    const audit = new Set((await keySlots(`{${prefix}:audit.dossier-events}*`)).values());
    const notification = new Set((await keySlots(`{${prefix}:notification.dossier-events}*`)).values());
    expect(audit.size).toBe(1);
    expect(notification.size).toBe(1);
    expect([...audit][0]).not.toBe([...notification][0]);
  });

  it('fails with CROSSSLOT without the hash tags', async () => {
    const untagged = new Queue('untagged', { connection: cluster, prefix: `${prefix}-plain` });
    try {
      await expect(untagged.add('job', {})).rejects.toThrow(/CROSSSLOT/);
    } finally {
      await untagged.close();
    }
  });
});
