/**
 * Two of everything that scales out: two gateway replicas and two workers of each kind (dossier,
 * audit, notification) over the same database and Redis. The same load goes through both
 * gateways (each client alternates); every event is relayed and applied once by each consumer,
 * every notification made once, and the schedulers (deadline sweep, QMS reminders, the missed
 * night's rankings) run once per tick, not once per replica.
 */
import { createRedisConnection } from '@eiso/outbox';
import { Queue } from 'bullmq';
import { sleep, startFaultStack, type FaultStack, type Proc } from './harness';
import { prepareDossierLoad, runDossierLoad, settledLedger, type DossierLoad } from './support';

const DOSSIERS = 100;
const TICK_MS = 2000;
let stack: FaultStack;
let load: DossierLoad;
const workers: Proc[] = [];

beforeAll(async () => {
  stack = await startFaultStack({
    services: ['org', 'catalog', 'dossier', 'audit', 'notification'],
    gateways: 2,
  });
  const ticks = { DEADLINE_SWEEP_INTERVAL_MS: String(TICK_MS), REMINDER_SWEEP_INTERVAL_MS: String(TICK_MS) };
  for (const name of ['dossier', 'audit', 'notification'] as const)
    for (let i = 0; i < 2; i++) workers.push(await stack.startWorker(name, ticks));
  load = await prepareDossierLoad(stack);
}, 300_000);
afterAll(() => stack?.stop());

describe('two gateways and two workers of each kind', () => {
  it('apply every event once, make every notification once, and run each scheduled tick once', async () => {
    const redis = createRedisConnection(stack.redis.url);
    const prefix = stack.env.QUEUE_PREFIX;
    const queues = ['dossier.sweeps', 'notification.reminders', 'audit.rankings'].map(
      (name) => new Queue(name, { connection: redis, prefix }),
    );
    try {
      const completed = async () =>
        Promise.all(queues.map(async (q) => (await q.getJobCounts('completed')).completed));
      const before = await completed();
      const started = Date.now();
      const result = await runDossierLoad(stack, load, {
        dossiers: DOSSIERS,
        concurrency: 6,
        gateways: stack.gatewayUrls,
        tag: `replicas-${Date.now()}`,
      });
      expect(result.failures).toEqual([]);
      const { ledger, want } = await settledLedger(stack, result.dossierIds);
      expect(ledger).toEqual(want);

      await sleep(Math.max(0, 10_000 - (Date.now() - started)));
      const [sweeps, reminders, rankings] = (await completed()).map((n, i) => n - before[i]);
      const ticks = Math.floor((Date.now() - started) / TICK_MS);
      // One run a tick across both replicas (a doubled scheduler would run about 2 × ticks).
      expect(sweeps).toBeLessThanOrEqual(ticks + 1);
      expect(reminders).toBeLessThanOrEqual(ticks + 1);
      expect(sweeps).toBeGreaterThan(ticks / 3);
      // The missed night was ranked once, not by each audit worker.
      expect(before[2] + rankings).toBe(1);
      for (const worker of workers) expect([worker.name, worker.alive]).toEqual([worker.name, true]);
      expect(stack.gateways.every((g) => g.alive)).toBe(true);
    } finally {
      await Promise.all(queues.map((q) => q.close()));
      await redis.quit();
    }
  });
});
