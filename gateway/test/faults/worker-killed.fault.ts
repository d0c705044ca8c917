/**
 * Workers killed with SIGKILL in the middle of their work: the dossier worker three times after it
 * has handed a batch of events to BullMQ but before it marked them sent (the test holds the
 * outbox), then the notification worker ten times in the middle of applying an event (the test
 * holds the notification table). Restarted each time, they lose no event and make no notification
 * twice: the relay re-sends (BullMQ keeps one job per event id) and the consumer applies each
 * event once (applied_event in the effect's transaction); a job a killed worker held is taken up
 * again once its lock lapses. The relay puts 5 events in a job (100 in production), so the
 * consumer is caught mid-run in every round, each time on a job of its own.
 */
import { startFaultStack, waitFor, type FaultStack } from './harness';
import {
  blockedOn,
  lockTable,
  prepareDossierLoad,
  runDossierLoad,
  settledLedger,
  type DossierLoad,
} from './support';

const DOSSIERS = 100;
let stack: FaultStack;
let load: DossierLoad;

beforeAll(async () => {
  stack = await startFaultStack({ services: ['org', 'catalog', 'dossier', 'audit', 'notification'] });
  await stack.startWorker('audit');
  load = await prepareDossierLoad(stack);
}, 300_000);
afterAll(() => stack?.stop());

describe('workers killed with SIGKILL mid-job, again and again', () => {
  it('lose no event and make no notification twice', async () => {
    // The events wait in the outbox: no relay runs yet.
    const result = await runDossierLoad(stack, load, {
      dossiers: DOSSIERS,
      concurrency: 4,
      tag: `killed-${Date.now()}`,
    });
    expect(result.failures).toEqual([]);

    for (let round = 0; round < 3; round++) {
      const release = await lockTable(stack, 'dossier.outbox');
      const worker = await stack.startWorker('dossier', { OUTBOX_EVENTS_PER_JOB: '5' });
      const caught = await waitFor(() => blockedOn(stack, 'dossier.outbox'), Boolean, 30_000);
      expect([round, caught]).toEqual([round, true]);
      await worker.stop('SIGKILL');
      await release();
    }
    const relay = await stack.startWorker('dossier', { OUTBOX_EVENTS_PER_JOB: '5' });

    for (let round = 0; round < 10; round++) {
      const release = await lockTable(stack, 'notification.notification');
      const worker = await stack.startWorker('notification');
      const caught = await waitFor(
        () => blockedOn(stack, 'notification.notification', 'notification.applied_event'),
        Boolean,
        30_000,
      );
      expect([round, caught]).toEqual([round, true]);
      await worker.stop('SIGKILL');
      await release();
    }
    const consumer = await stack.startWorker('notification');

    const { ledger, want } = await settledLedger(stack, result.dossierIds, 150_000);
    expect(ledger).toEqual(want);
    expect([relay.alive, consumer.alive]).toEqual([true, true]);
  });
});
