/**
 * Metrics and trace ids on the real stack (issue 10): `/metrics` on the gateway, a subgraph and the
 * workers, and one trace id followed from a client's `traceparent` through the gateway, the dossier
 * subgraph and its outbox event to the notification worker's job — every hop read from the log
 * lines each process wrote (captured through the logger's destination), nothing mocked.
 */
import { Writable } from 'node:stream';
import { operation } from '@eiso/contract';
import {
  createDossierDataSource,
  dossierModule,
  loadDossierConfig,
  startDossierService,
  startDossierWorker,
} from '@eiso/dossier';
import { catalogModule } from '@eiso/catalog';
import { createLogger, parseTraceparent } from '@eiso/logging';
import { loadNotificationConfig, notificationModule, startNotificationWorker } from '@eiso/notification';
import { devTokenFor, orgModule } from '@eiso/org';
import {
  bearer,
  findSamples,
  metricValue,
  postGraphQL,
  scrapeMetrics,
  startStack,
  waitFor,
  type Stack,
} from '@eiso/testing';
import type { DataSource } from 'typeorm';
import { loadGatewayConfig, startGateway } from '../src';

type Line = Record<string, unknown>;

/** A logger whose JSON lines land in `lines`. */
function captured(service: string, level = 'debug') {
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n')) if (text) lines.push(JSON.parse(text));
      done();
    },
  });
  return { logger: createLogger(service, level, { destination }), lines };
}

const logs = {
  gateway: captured('gateway'),
  dossier: captured('dossier'),
  dossierWorker: captured('dossier-worker'),
  notificationWorker: captured('notification-worker'),
};

let stack: Stack;
let commune: string;
let procedureCode: string;
let receiverToken: string;
let dossierDb: DataSource;
const workers: { healthPort?: number; stop(): Promise<void> }[] = [];
const metricsUrl = (graphqlUrl: string) => graphqlUrl.replace(/\/graphql$/, '/metrics');
const workerMetrics = (i: number) => `http://127.0.0.1:${workers[i].healthPort}/metrics`;

beforeAll(async () => {
  stack = await startStack({
    services: [
      { ...orgModule, seed: (env) => orgModule.seed(env, { provinceCodes: ['22'] }) },
      catalogModule,
      {
        ...dossierModule,
        seed: undefined,
        start: (env) => startDossierService(loadDossierConfig(env), logs.dossier.logger),
      },
      notificationModule,
    ],
    seed: true,
    startGateway: (env) => startGateway(loadGatewayConfig(env), logs.gateway.logger),
  });
  const workerEnv = { ...stack.env, WORKER_HEALTH_PORT: '0' };
  workers.push(
    await startDossierWorker(loadDossierConfig(workerEnv), logs.dossierWorker.logger, workerEnv),
    await startNotificationWorker(
      loadNotificationConfig(workerEnv),
      logs.notificationWorker.logger,
      workerEnv,
    ),
  );
  dossierDb = createDossierDataSource(stack.env, 2).dataSource;
  await dossierDb.initialize();
  const communes = await postGraphQL<any>(stack.gatewayUrl, operation('UnitsByLevel'), {
    level: 'COMMUNE',
    underCode: '22',
    first: 1,
  });
  commune = communes.data.units.edges[0].node.code;
  receiverToken = await devTokenFor(`receiver.${commune}`, stack.env);
  const list = await postGraphQL<any>(
    stack.gatewayUrl,
    operation('UnitProcedures'),
    { unitCode: commune, first: 1 },
    bearer(receiverToken),
  );
  procedureCode = list.data.unit.procedures.edges[0].node.code;
}, 180_000);

afterAll(async () => {
  for (const worker of workers) await worker.stop();
  await dossierDb?.destroy();
  await stack?.stop();
});

/** ReceiveDossier through the gateway, with these headers; the HTTP response and its body. */
async function receiveDossier(headers: Record<string, string> = {}) {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(receiverToken), ...headers },
    body: JSON.stringify({
      query: operation('ReceiveDossier'),
      variables: {
        input: {
          procedureCode,
          unitCode: commune,
          channel: 'COUNTER',
          applicant: { name: 'Lê Văn Cường', idNumber: '022091007788', phone: '0912000222' },
          idempotencyKey: `observability-${Date.now()}-${Math.random()}`,
        },
      },
    }),
  });
  const body = (await response.json()) as any;
  expect(body.errors).toBeUndefined();
  return { response, dossier: body.data.receiveDossier.dossier as { id: string; code: string } };
}

const TRACE = 'a3ce929d0e0e47364bf92f3577b34da6';
const CLIENT_SPAN = '00f067aa0ba902b7';

describe('trace ids', () => {
  it("follow a client's traceparent from the gateway through the dossier subgraph into the notification worker's job", async () => {
    const { response, dossier } = await receiveDossier({ traceparent: `00-${TRACE}-${CLIENT_SPAN}-01` });
    expect(response.headers.get('x-trace-id')).toBe(TRACE);
    expect(response.headers.get('x-request-id')).toBeTruthy();

    // The gateway's access line: no operationName was sent, so it names the document's operation.
    const gatewayLine = logs.gateway.lines.find((l) => l.msg === 'operation' && l.trace_id === TRACE);
    expect(gatewayLine).toMatchObject({ operation: 'ReceiveDossier' });
    expect(gatewayLine!.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(gatewayLine!.span_id).not.toBe(CLIENT_SPAN);
    // The dossier subgraph's line for its part of the operation: same trace, a span of its own,
    // and the request id the gateway gave it.
    const subgraphLine = logs.dossier.lines.find(
      (l) =>
        l.msg === 'operation' && String(l.operation).startsWith('ReceiveDossier') && l.trace_id === TRACE,
    );
    expect(subgraphLine).toMatchObject({ requestId: gatewayLine!.requestId });
    expect(subgraphLine!.span_id).not.toBe(gatewayLine!.span_id);
    // The event it wrote records the trace.
    const [event] = await dossierDb.query(
      `SELECT traceparent FROM outbox WHERE aggregate_id = $1 AND type = 'dossier.received'`,
      [dossier.id],
    );
    expect(parseTraceparent(event.traceparent)?.traceId).toBe(TRACE);
    // The notification worker applies the relayed job in that trace.
    const inTrace = (l: Line) =>
      l.trace_id === TRACE || (Array.isArray(l.trace_ids) && l.trace_ids.includes(TRACE));
    const applied = await waitFor(
      () =>
        logs.notificationWorker.lines.find(
          (l) => l.msg === 'events applied' && l.queue === 'notification.dossier-events' && inTrace(l),
        ),
      (line) => line !== undefined,
      30_000,
    );
    expect(applied).toMatchObject({ queue: 'notification.dossier-events' });
    expect(applied!.applied).toBeGreaterThanOrEqual(1);
  });

  it('start a fresh trace for a request without one, or with a malformed one', async () => {
    for (const headers of [
      {},
      { traceparent: 'not-a-traceparent' },
      { traceparent: `00-${TRACE.toUpperCase()}-${CLIENT_SPAN}-01` },
      { traceparent: `00-${'0'.repeat(32)}-${CLIENT_SPAN}-01` },
    ]) {
      const response = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.status).toBe(200);
      const traceId = response.headers.get('x-trace-id');
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(traceId).not.toBe(TRACE);
    }
  });
});

describe('/metrics', () => {
  it('answers on the gateway, a subgraph and the workers, and counts the operation by name', async () => {
    const requests = (text: string) =>
      metricValue(text, 'eiso_graphql_requests_total', { operation: 'ReceiveDossier', outcome: 'ok' }) ?? 0;
    const gatewayUrl = metricsUrl(stack.gatewayUrl);
    const dossierUrl = metricsUrl(stack.subgraphs.dossier.url);
    // The open dossiers are counted at the first scrape, then kept 30 s (services/dossier metrics.ts).
    const [{ n: openWhenCounted }] = await dossierDb.query(
      `SELECT count(*)::int AS n FROM dossier WHERE completed_at IS NULL`,
    );
    const before = {
      gateway: requests(await scrapeMetrics(gatewayUrl)),
      dossier: requests(await scrapeMetrics(dossierUrl)),
    };
    await receiveDossier();

    const gateway = await scrapeMetrics(gatewayUrl);
    expect(requests(gateway)).toBe(before.gateway + 1);
    expect(
      metricValue(gateway, 'eiso_graphql_request_duration_seconds_count', { operation: 'ReceiveDossier' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metricValue(gateway, 'eiso_subgraph_fetch_duration_seconds_count', {
        subgraph: 'dossier',
        outcome: 'ok',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(metricValue(gateway, 'process_cpu_user_seconds_total', { service: 'gateway' })).toBeGreaterThan(0);

    const subgraph = await scrapeMetrics(dossierUrl);
    expect(requests(subgraph)).toBe(before.dossier + 1);
    expect(
      findSamples(subgraph, 'eiso_graphql_requests_total').every((s) => s.labels.service === 'dossier'),
    ).toBe(true);
    // The open dossiers by timeliness as the first scrape counted them (the cache outlives the test).
    const open = ['OVERDUE', 'DUE_SOON', 'ON_TRACK'].map(
      (timeliness) => metricValue(subgraph, 'eiso_dossiers_open', { timeliness }) ?? -1,
    );
    expect(open.every((n) => n >= 0)).toBe(true);
    expect(openWhenCounted).toBeGreaterThanOrEqual(1);
    expect(open.reduce((a, b) => a + b, 0)).toBe(openWhenCounted);

    // The notification worker: the relayed job completed, the queue's depth by state.
    const notification = await waitFor(
      () => scrapeMetrics(workerMetrics(1)),
      (text) =>
        (metricValue(text, 'eiso_jobs_processed_total', {
          queue: 'notification.dossier-events',
          outcome: 'completed',
        }) ?? 0) >= 2,
      30_000,
    );
    expect(
      metricValue(notification, 'eiso_jobs_processed_total', {
        queue: 'notification.dossier-events',
        outcome: 'completed',
      }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      metricValue(notification, 'eiso_queue_jobs', {
        queue: 'notification.dossier-events',
        state: 'waiting',
      }),
    ).toBeGreaterThanOrEqual(0);
    expect(
      metricValue(notification, 'eiso_job_duration_seconds_count', { queue: 'notification.dossier-events' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      metricValue(notification, 'process_cpu_user_seconds_total', { service: 'notification-worker' }),
    ).toBeGreaterThan(0);

    // The dossier worker: its sweeps' queue.
    const dossierWorker = await scrapeMetrics(workerMetrics(0));
    expect(findSamples(dossierWorker, 'eiso_queue_jobs', { queue: 'dossier.sweeps' }).length).toBeGreaterThan(
      0,
    );
  });

  it('holds no personal data, ids, nor the text of any query', async () => {
    const { dossier } = await receiveDossier();
    for (const url of [
      metricsUrl(stack.gatewayUrl),
      metricsUrl(stack.subgraphs.dossier.url),
      workerMetrics(1),
    ]) {
      const text = await scrapeMetrics(url);
      for (const secret of [
        '022091007788',
        '0912000222',
        'Lê Văn Cường',
        receiverToken,
        'mutation',
        'receiver.',
      ])
        expect(text).not.toContain(secret);
      expect(text).not.toContain(dossier.id);
      expect(text).not.toContain(dossier.code);
    }
  });
});
