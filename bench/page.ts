/**
 * The dossier list page — the contract's `UnitDossiers`, 50 rows with fields from dossier, catalog
 * and org — under load, against a started system (`pnpm start`; see README for the rate limits):
 *
 *  1. autocannon at 10, 50 and 200 connections, warm-up excluded, in one run so the ratios hold:
 *     (a) through our @apollo/gateway (GATEWAY_URL), (b) through Hive Gateway on the same
 *     supergraph file and subgraphs (hive-gateway.ts, a child process), (c) straight to the dossier
 *     subgraph with the request our gateway sends it for the page, signed as the gateway signs;
 *  2. SQL per request at 10, 50 and 200 rows, from PostgreSQL's statistics (pg_stat_database);
 *  3. the resident memory of every eiso process (and Hive's) during the load.
 *
 * Prints the figures beside the targets and writes bench/results/page.json.
 *
 *   pnpm bench page.ts [--quick]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { readFileSync } from 'node:fs';
import { createJwtVerifier, signCallerContext, type Caller } from '@eiso/auth';
import { operation } from '@eiso/contract';
import { loadGatewayConfig } from '@eiso/gateway';
import { REQUEST_ID_HEADER } from '@eiso/logging';
import { devTokenFor } from '@eiso/org';
import {
  DATABASE_URL,
  DATASET,
  GATEWAY_URL,
  MEMORY_TARGET_MIB,
  QUICK,
  STATS_FLUSH_MS,
  databaseTransactions,
  eisoProcesses,
  figures,
  load,
  loadNote,
  machine,
  packageVersion,
  postgresVersion,
  cpuPerRequest,
  printMemory,
  sampleMemory,
  rowContext,
  saveResult,
  sleep,
  type EisoProcess,
} from './support';

const UNIT = process.env.BENCH_PAGE_UNIT ?? 'VN';
const OFFICIAL = process.env.BENCH_PAGE_OFFICIAL ?? 'viewer.BKHCN';
const CONNECTIONS = [10, 50, 200];
const WARMUP_S = Number(process.env.BENCH_WARMUP_SECONDS ?? (QUICK ? 3 : 10));
const DURATION_S = Number(process.env.BENCH_SECONDS ?? (QUICK ? 10 : 30));
const SQL_REQUESTS = Number(process.env.BENCH_SQL_REQUESTS ?? (QUICK ? 60 : 300));
const SQL_CONCURRENCY = 4;
const HIVE_PORT = Number(process.env.HIVE_PORT ?? 4090);
const TARGETS = {
  p95At50ConnectionsUnderMs: 50,
  gatewayOverDirectAtMost: 1.5,
  apolloAtLeastAsFastAsHive: true,
  allProcessesAtMostMiB: MEMORY_TARGET_MIB,
};

const variablesFor = (first: number) => ({ unitCode: UNIT, filter: { includeDescendants: true }, first });
const query = operation('UnitDossiers');

interface SubgraphRequest {
  subgraph: string;
  url: string;
  query: string;
  variables: Record<string, unknown>;
}

/** The subgraph requests our gateway's planner makes for one page (an in-process ApolloGateway). */
async function subgraphRequestsOfPage(
  caller: Caller,
  secret: string,
  supergraphPath: string,
  urls: Record<string, string>,
) {
  const seen: SubgraphRequest[] = [];
  class Recording extends RemoteGraphQLDataSource<{ caller: Caller; requestId: string }> {
    constructor(
      private readonly subgraph: string,
      url: string,
    ) {
      super({ url });
    }
    override willSendRequest({
      request,
      context,
    }: GraphQLDataSourceProcessOptions<{ caller: Caller; requestId: string }>): void {
      const variables = (request.variables ?? {}) as Record<string, unknown>;
      seen.push({ subgraph: this.subgraph, url: this.url ?? '', query: request.query ?? '', variables });
      request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
      const signed = signCallerContext(
        context.caller,
        { requestId: context.requestId, query: request.query ?? '', variables },
        secret,
      );
      for (const [name, value] of Object.entries(signed)) request.http?.headers.set(name, value);
    }
  }
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(supergraphPath, 'utf8'),
    buildService: ({ name, url }) => new Recording(name, urls[name] ?? url ?? ''),
  });
  const server = new ApolloServer({ gateway });
  await server.start();
  try {
    const response = await server.executeOperation(
      { query, variables: variablesFor(50) },
      { contextValue: { caller, requestId: 'bench-page-plan' } },
    );
    const body = response.body as { kind: string; singleResult?: { errors?: unknown } };
    if (body.singleResult?.errors)
      throw new Error(`planning the page: ${JSON.stringify(body.singleResult.errors)}`);
  } finally {
    await server.stop();
  }
  return seen;
}

function startHive(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=eiso-source', '--import', 'tsx', 'hive-gateway.ts'], {
    cwd: __dirname,
    env: { ...process.env, HIVE_PORT: String(HIVE_PORT) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Hive Gateway did not start within 60 s')), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => reject(new Error(`Hive Gateway exited (${code})`)));
  });
}

interface Target {
  name: string;
  url: string;
  body: string;
  headers: () => Record<string, string>;
}

async function check(target: Target): Promise<unknown> {
  const response = await fetch(target.url, { method: 'POST', headers: target.headers(), body: target.body });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (response.status !== 200 || body.errors)
    throw new Error(
      `${target.name} answered ${response.status}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`,
    );
  return body.data;
}

function cannon(target: Target, connections: number, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const run = autocannon(
      {
        url: target.url,
        connections,
        duration: seconds,
        timeout: 30, // on a loaded machine a page can queue for seconds: count it slow, not lost
        requests: [
          {
            method: 'POST',
            body: target.body,
            // Re-read per request: the direct call's signature is renewed every second.
            setupRequest: (request) => ({ ...request, headers: target.headers() }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    run.on('error', reject);
  });
}

async function main(): Promise<void> {
  const started = load();
  const config = loadGatewayConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const token = await devTokenFor(OFFICIAL, { DATABASE_URL });
  const verify = await createJwtVerifier({
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    publicKeyPem: config.publicKeyPem,
    jwksUrl: config.JWT_JWKS_URL,
  });
  const caller = await verify(token);

  const plan = await subgraphRequestsOfPage(
    caller,
    config.GATEWAY_SIGNING_SECRET,
    config.SUPERGRAPH_PATH,
    config.subgraphUrls,
  );
  const dossierPart = plan.find((r) => r.subgraph === 'dossier' && /dossiers\(/.test(r.query));
  if (!dossierPart)
    throw new Error(`no dossier fetch in the page's plan: ${plan.map((r) => r.subgraph).join(', ')}`);

  const gatewayBody = JSON.stringify({ query, variables: variablesFor(50) });
  const viaGateway = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  let signedAt = 0;
  let signed: Record<string, string> = {};
  const directBody = JSON.stringify({ query: dossierPart.query, variables: dossierPart.variables });
  const directHeaders = () => {
    const now = Date.now();
    if (now - signedAt > 1000) {
      const requestId = `bench-direct-${now}`;
      signed = {
        'content-type': 'application/json',
        [REQUEST_ID_HEADER]: requestId,
        ...signCallerContext(
          caller,
          { requestId, query: dossierPart.query, variables: dossierPart.variables },
          config.GATEWAY_SIGNING_SECRET,
          now,
        ),
      };
      signedAt = now;
    }
    return signed;
  };
  const targets: Target[] = [
    { name: 'apollo-gateway', url: GATEWAY_URL, body: gatewayBody, headers: () => viaGateway },
    {
      name: 'hive-gateway',
      url: `http://127.0.0.1:${HIVE_PORT}/graphql`,
      body: gatewayBody,
      headers: () => viaGateway,
    },
    { name: 'direct-dossier', url: dossierPart.url, body: directBody, headers: directHeaders },
  ];

  const processes: EisoProcess[] = eisoProcesses();
  const gatewayProcess = processes.find((p) => p.name === 'gateway');
  const gatewayEnv = gatewayProcess ? environOf(gatewayProcess.pid) : {};
  let hive: ChildProcess | undefined;
  let hiveSkipped: string | undefined;
  try {
    hive = await startHive();
  } catch (error) {
    hiveSkipped = error instanceof Error ? error.message : String(error);
  }
  try {
    const active = targets.filter((t) => hive || t.name !== 'hive-gateway');
    const apolloData = await check(active[0]);
    if (hive) {
      const hiveData = await check(active[1]);
      if (JSON.stringify(hiveData) !== JSON.stringify(apolloData))
        throw new Error('Hive Gateway and our gateway answered the page differently');
    }
    await check(active[active.length - 1]);

    // SQL first, on a quiet system: after the load, the services would still be draining it.
    const sql = await sqlPerRequest(token);

    const stopSampling = sampleMemory([
      ...processes,
      ...(hive?.pid ? [{ pid: hive.pid, name: 'hive gateway (bench child)' }] : []),
    ]);
    const runs: Record<string, unknown>[] = [];
    for (const connections of CONNECTIONS) {
      for (const target of active) {
        await cannon(target, connections, WARMUP_S);
        let raw: autocannon.Result | undefined;
        // Through our gateway, also where each page's CPU goes (gateway, subgraphs, PostgreSQL).
        const cpu =
          target.name === 'apollo-gateway'
            ? await cpuPerRequest(processes, async () => {
                raw = await cannon(target, connections, DURATION_S);
                return raw.requests.total;
              })
            : undefined;
        const result = figures(raw ?? (await cannon(target, connections, DURATION_S)));
        // Drain: one more request answers only once the server has worked off the run's backlog.
        await check(target).catch(() => undefined);
        runs.push({ target: target.name, connections, ...result, ...(cpu ? { cpuMsPerPage: cpu } : {}) });
        console.error(
          `${target.name.padEnd(15)} ${String(connections).padStart(3)} connections: ${result.requestsPerSecond} req/s, p50 ${result.ms.p50} ms, p95 ${result.ms.p95} ms, p99 ${result.ms.p99} ms${result.non2xx ? `, ${result.non2xx} non-2xx` : ''}${result.errors ? `, ${result.errors} errors` : ''}${result.timeouts ? `, ${result.timeouts} timeouts` : ''}`,
        );
        if (cpu)
          console.error(
            `  CPU a page: ${cpu.totalMs} ms (${Object.entries(cpu.msPerRequest)
              .filter(([, ms]) => ms >= 0.05)
              .map(([name, ms]) => `${name} ${ms}`)
              .join(', ')})`,
          );
        if (result.non2xx > 0)
          console.error(
            target.name === 'direct-dossier'
              ? '  non-2xx answers: requests that queued past the signature freshness (10 s) are refused'
              : '  non-2xx answers: is the running gateway rate-limited? see bench/README.md',
          );
      }
    }
    const memory = stopSampling();
    printMemory(memory);
    const afterLoad = load();

    // A run none of whose requests came back within the run has no figures to compare.
    const at = (name: string, c: number) => {
      const run = runs.find((r) => r.target === name && r.connections === c) as
        ReturnType<typeof figures> | undefined;
      return run && run.requests > 0 && run.ms.p95 > 0 ? run : undefined;
    };
    const verdicts = CONNECTIONS.map((c) => {
      const apollo = at('apollo-gateway', c);
      const hiveRun = at('hive-gateway', c);
      const direct = at('direct-dossier', c);
      return {
        connections: c,
        apolloOverDirectP95: direct && apollo ? round(apollo.ms.p95 / direct.ms.p95) : null,
        apolloOverDirectThroughput:
          direct && apollo ? round(direct.requestsPerSecond / apollo.requestsPerSecond) : null,
        apolloOverHiveP95: hiveRun && apollo ? round(apollo.ms.p95 / hiveRun.ms.p95) : null,
        hiveOverApolloThroughput:
          hiveRun && apollo ? round(hiveRun.requestsPerSecond / apollo.requestsPerSecond) : null,
      };
    });
    const apollo50 = at('apollo-gateway', 50);
    const v50 = verdicts.find((v) => v.connections === 50);
    const targetsMet = {
      p95At50Connections: apollo50
        ? `${apollo50.ms.p95} ms (target < ${TARGETS.p95At50ConnectionsUnderMs} ms): ${apollo50.ms.p95 < TARGETS.p95At50ConnectionsUnderMs ? 'met' : `missed by ${round(apollo50.ms.p95 - TARGETS.p95At50ConnectionsUnderMs)} ms`}`
        : null,
      gatewayOverDirect:
        v50?.apolloOverDirectP95 != null
          ? `${v50.apolloOverDirectP95}× the direct p95 at 50 connections (target ≤ ${TARGETS.gatewayOverDirectAtMost}×): ${v50.apolloOverDirectP95 <= TARGETS.gatewayOverDirectAtMost ? 'met' : 'missed'}`
          : null,
      apolloVsHive:
        v50?.apolloOverHiveP95 != null
          ? `our p95 is ${v50.apolloOverHiveP95}× Hive's at 50 connections (target ≤ 1×): ${v50.apolloOverHiveP95 <= 1 ? 'met' : 'missed'}`
          : hiveSkipped
            ? `Hive skipped: ${hiveSkipped}`
            : null,
      sqlConstant: sql.constant ? 'met: constant in the page size' : 'MISSED: grows with the page size',
      memory: memory.missing.length
        ? `${memory.verdict}; NOT FOUND: ${memory.missing.join(', ')}`
        : memory.verdict,
    };
    const m = machine();
    m.postgres = await postgresVersion();
    const note = loadNote(started, afterLoad);
    const result = {
      benchmark:
        'Dossier list page (UnitDossiers): our @apollo/gateway vs Hive Gateway vs the dossier subgraph directly; SQL per request; memory',
      mode: QUICK ? 'quick' : 'full',
      date: new Date().toISOString(),
      machine: m,
      versions: versions(),
      dataset: DATASET,
      load: { started, afterLoad, note },
      system: {
        gateway: GATEWAY_URL,
        gatewayEnvironment: gatewayEnv,
        page: { operation: 'UnitDossiers', official: OFFICIAL, variables: variablesFor(50) },
        subgraphFetchesPerPage: plan.map((r) => r.subgraph),
        direct: { url: dossierPart.url, query: dossierPart.query, variables: dossierPart.variables },
      },
      method: `autocannon, each target ${WARMUP_S} s warm-up (not recorded) then ${DURATION_S} s measured, at ${CONNECTIONS.join(', ')} connections, the three targets one after another at each level`,
      runs,
      ratios: verdicts,
      sql,
      memory,
      targets: TARGETS,
      verdict: targetsMet,
      hiveSkipped,
    };
    console.error('\ntargets:', targetsMet);
    const fig = CONNECTIONS.map((c) => {
      const cell = (n: string, label: string) => {
        if (!active.some((t) => t.name === n)) return '';
        const r = at(n, c);
        return r
          ? `${label} ${Math.round(r.requestsPerSecond)}/s p50 ${r.ms.p50} p95 ${r.ms.p95} p99 ${r.ms.p99}`
          : `${label} none back within ${DURATION_S} s`;
      };
      return `**${c} conn**: ${[cell('apollo-gateway', 'apollo'), cell('hive-gateway', 'hive'), cell('direct-dossier', 'direct')].filter(Boolean).join('; ')}`;
    }).join('<br>');
    saveResult('page', result, {
      figures: `${fig}<br>SQL/request (10/50/200 rows): ${sql.perRequest.map((s) => `${s.transactionsPerRequest}±${s.plusMinus}`).join(' / ')}<br>memory: ${memory.totalPeakRssMiB} MiB for all ${memory.processCount} processes (sum of peaks; together ${memory.peakTogetherRssMiB}; + ${memory.tsxHelpers.totalPeakRssMiB} tsx helpers)${memory.missing.length ? `, NOT FOUND: ${memory.missing.join(', ')}` : ''}`,
      target: 'p95 < 50 ms at 50 conn; gateway ≤ 1.5× direct; ≥ Hive; SQL constant; ≤ 1.5 GB',
      ...rowContext(
        m,
        result.date,
        started,
        afterLoad,
        `@apollo/gateway ${result.versions['@apollo/gateway']}, Hive ${result.versions['@graphql-hive/gateway-runtime']}`,
      ),
    });
  } finally {
    hive?.kill('SIGTERM');
  }
}

/**
 * PostgreSQL's own count: transactions committed in the system's database (pg_stat_database) per
 * page, a few requests at a time, each statement outside an explicit transaction being one. The
 * background (workers' polls) is measured over an idle window and subtracted.
 */
async function sqlPerRequest(token: string) {
  const database = new URL(DATABASE_URL).pathname.slice(1) || 'postgres';
  const admin = new URL(DATABASE_URL);
  admin.pathname = '/postgres'; // reading the statistics from another database adds none to this one
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const page = async (body: string) => {
      const response = (await (await fetch(GATEWAY_URL, { method: 'POST', headers, body })).json()) as {
        data?: { unit?: { dossiers?: { edges: unknown[] } } };
        errors?: unknown;
      };
      if (response.errors) throw new Error(JSON.stringify(response.errors));
      return response.data?.unit?.dossiers?.edges.length ?? 0;
    };
    await sleep(STATS_FLUSH_MS); // earlier counters, flushed
    const perRequest = [];
    for (const first of [10, 50, 200]) {
      const body = JSON.stringify({ query, variables: variablesFor(first) });
      const before = await databaseTransactions(client, database);
      const from = Date.now();
      let rows = 0;
      let sent = 0;
      // A few at a time (each request has its own DataLoaders: concurrency changes no count).
      await Promise.all(
        Array.from({ length: SQL_CONCURRENCY }, async () => {
          while (sent < SQL_REQUESTS) {
            sent++;
            rows = await page(body);
          }
        }),
      );
      await sleep(STATS_FLUSH_MS); // this size's counters, flushed
      const after = await databaseTransactions(client, database);
      const activeMs = Date.now() - from;
      // Then an idle window of the same system: its background (workers' polls, syncs).
      await sleep(STATS_FLUSH_MS);
      const idle = (await databaseTransactions(client, database)) - after;
      const background = (idle / STATS_FLUSH_MS) * activeMs;
      const counted = after - before;
      perRequest.push({
        first,
        rows,
        requests: SQL_REQUESTS,
        transactionsCounted: counted,
        backgroundSubtracted: round(background),
        backgroundPerSecond: round((idle / STATS_FLUSH_MS) * 1000),
        transactionsPerRequest: round((counted - background) / SQL_REQUESTS),
        // The background's own spread (Poisson-like) over the requests: how far to trust the figure.
        plusMinus: round((2 * Math.sqrt(Math.max(idle, 1)) * (activeMs / STATS_FLUSH_MS)) / SQL_REQUESTS),
      });
      const last = perRequest[perRequest.length - 1];
      console.error(`SQL at ${first} rows: ${last.transactionsPerRequest} ± ${last.plusMinus} per request`);
    }
    const values = perRequest.map((p) => p.transactionsPerRequest);
    return {
      source: `pg_stat_database.xact_commit + xact_rollback of database "${database}" (pg_stat_statements is available but not in shared_preload_libraries, and the shared server is not ours to restart), ${SQL_REQUESTS} pages through the gateway per size (4 at a time), the background rate of the idle window that follows subtracted; each autocommit statement is one transaction, so this counts statements unless a service groups reads in one transaction`,
      perRequest,
      // Constant within the measurement's own noise.
      constant:
        Math.max(...values) - Math.min(...values) <=
        Math.max(1, 2 * Math.max(...perRequest.map((p) => p.plusMinus))),
    };
  } finally {
    await client.end();
  }
}

function environOf(pid: number): Record<string, string> {
  const keep = /^(NODE_ENV|LOG_LEVEL|RATE_LIMIT_.*|QUERY_MAX_.*)$/;
  try {
    return Object.fromEntries(
      readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])
        .filter(([k]) => keep.test(k)),
    );
  } catch {
    return {};
  }
}

function versions(): Record<string, string | undefined> {
  return Object.fromEntries(
    ['@apollo/gateway', '@apollo/server', '@graphql-hive/gateway-runtime', 'autocannon', 'graphql'].map(
      (n) => [n, packageVersion(n)],
    ),
  );
}

const round = (x: number) => Math.round(x * 100) / 100;

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
