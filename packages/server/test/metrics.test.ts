/** /metrics: bounded operation labels, the token, and the families a scrape shows. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { metricValue } from '@eiso/testing';
import {
  graphqlMetricsPlugin,
  MAX_OPERATION_NAMES,
  Metrics,
  metricsHandler,
  metricsTokenFromEnv,
} from '../src';

describe('operation labels', () => {
  it("keep the client's name, the gateway's fetch names by the client's name", () => {
    const metrics = new Metrics('test');
    expect(metrics.operationLabel('ReceiveDossier')).toBe('ReceiveDossier');
    expect(metrics.operationLabel('ReceiveDossier__dossier__0')).toBe('ReceiveDossier');
    expect(metrics.operationLabel('Unit_Dossiers__org__12')).toBe('Unit_Dossiers');
    expect(metrics.operationLabel(null)).toBe('anonymous');
    expect(metrics.operationLabel(undefined)).toBe('anonymous');
    expect(metrics.operationLabel('Anything', false)).toBe('unknown');
  });

  it('never hold what is no GraphQL name, nor long digit runs (an id number in a name)', () => {
    const metrics = new Metrics('test');
    expect(metrics.operationLabel('query { me { id } }')).toBe('other');
    expect(metrics.operationLabel('Find_022085001234')).toBe('other');
    expect(metrics.operationLabel('x'.repeat(500))).toBe('other');
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (name) => {
        const label = metrics.operationLabel(name);
        expect(label).toMatch(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/);
        expect(label).not.toMatch(/\d{6}/);
      }),
    );
  });

  it(`stop at ${MAX_OPERATION_NAMES} distinct names; later ones are "other", known ones stay`, () => {
    const metrics = new Metrics('test');
    for (let i = 0; i < MAX_OPERATION_NAMES; i++) expect(metrics.operationLabel(`Op${i}`)).toBe(`Op${i}`);
    expect(metrics.operationLabel('OneTooMany')).toBe('other');
    expect(metrics.operationLabel('Op7')).toBe('Op7');
  });
});

describe('/metrics', () => {
  async function serve(metrics: Metrics, token?: string) {
    const server = http.createServer(metricsHandler(metrics, { token }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    return { url, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('shows the default Node metrics and what was observed, labelled by service', async () => {
    const metrics = new Metrics('org');
    metrics.observeRequest('UnitByCode', 'ok', 0.012);
    metrics.observeRequest('UnitByCode', 'FORBIDDEN', 0.003);
    metrics.observeSubgraphFetch('org', true, 0.004);
    const { url, close } = await serve(metrics);
    try {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toContain('process_cpu_user_seconds_total{service="org"}');
      expect(text).toContain('nodejs_eventloop_lag_seconds{service="org"}');
      const requests = { service: 'org', operation: 'UnitByCode' };
      expect(metricValue(text, 'eiso_graphql_requests_total', { ...requests, outcome: 'ok' })).toBe(1);
      expect(metricValue(text, 'eiso_graphql_requests_total', { ...requests, outcome: 'FORBIDDEN' })).toBe(1);
      expect(metricValue(text, 'eiso_graphql_request_duration_seconds_count', requests)).toBe(2);
      expect(
        metricValue(text, 'eiso_subgraph_fetch_duration_seconds_count', { subgraph: 'org', outcome: 'ok' }),
      ).toBe(1);
    } finally {
      await close();
    }
  });

  it('lists the request families before the first request', async () => {
    const metrics = new Metrics('catalog');
    graphqlMetricsPlugin(metrics);
    const text = await metrics.scrape();
    expect(text).toContain('# TYPE eiso_graphql_requests_total counter');
    expect(text).toContain('# TYPE eiso_graphql_request_duration_seconds histogram');
  });

  it('wants the bearer token when one is set', async () => {
    const token = 'a-metrics-token-of-some-length';
    const { url, close } = await serve(new Metrics('gateway'), token);
    try {
      expect((await fetch(url)).status).toBe(401);
      expect(
        (await fetch(url, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status,
      ).toBe(401);
      expect((await fetch(url, { headers: { authorization: token } })).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await close();
    }
  });

  it('reads METRICS_TOKEN, refusing a short one', () => {
    expect(metricsTokenFromEnv({})).toBeUndefined();
    expect(metricsTokenFromEnv({ METRICS_TOKEN: '' })).toBeUndefined();
    expect(metricsTokenFromEnv({ METRICS_TOKEN: 'x'.repeat(16) })).toBe('x'.repeat(16));
    expect(() => metricsTokenFromEnv({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});
