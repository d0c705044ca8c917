/**
 * Writes through the gateway against a started system (`pnpm start`; see README for the rate
 * limits): a fixed number of concurrent clerks, each receiving a dossier (`receiveDossier`) at a
 * commune's counter and taking it through every step of its process (`completeStep`, as the
 * step's role), over and over. A transition is one accepted mutation. Warm-up excluded.
 *
 * The clerks sit at BENCH_WRITE_UNITS communes (default: one each), as the country's load comes
 * from thousands of counters. One commune for all (BENCH_WRITE_UNITS=1) measures a hot unit: its
 * receipts queue on the unit-day's code sequence, which numbers them without gaps.
 * Prints transitions per second beside the target and writes bench/results/writes.json.
 *
 * The dossiers it receives stay (idempotency keys `bench-…`), in the communes of province 22 it
 * picks: the demo dataset grows by a few thousand dossiers a run.
 *
 *   pnpm bench writes.ts [--quick]      # BENCH_WRITE_CONCURRENCY (default 32)
 */
import { operation } from '@eiso/contract';
import { devTokenFor } from '@eiso/org';
import {
  DATABASE_URL,
  DATASET,
  GATEWAY_URL,
  QUICK,
  load,
  loadNote,
  machine,
  postgresVersion,
  rowContext,
  saveResult,
  sleep,
} from './support';

// Past the dossier service's pool of 10 connections on purpose: before efc19e4 a completeStep
// naming the next assignee read it on a second connection inside its transaction, and ten at once
// waited on each other for ever. Requests time out, so such a stall shows as failures, not a hang.
const CONCURRENCY = Number(process.env.BENCH_WRITE_CONCURRENCY ?? 32);
const REQUEST_TIMEOUT_MS = 30_000;
const WARMUP_S = Number(process.env.BENCH_WARMUP_SECONDS ?? (QUICK ? 3 : 10));
const DURATION_S = Number(process.env.BENCH_SECONDS ?? (QUICK ? 10 : 60));
const TARGET_PER_SECOND = 1000;
const PROVINCE = process.env.BENCH_WRITE_PROVINCE ?? '22';
const UNITS = Math.max(1, Number(process.env.BENCH_WRITE_UNITS ?? CONCURRENCY));

/** A commune's counter: its officials' tokens and ids, and the procedure taken through its steps. */
interface Counter {
  commune: string;
  tokens: Record<string, string>;
  ids: Record<string, string>;
  procedure: { code: string };
  roles: string[];
}

async function counterAt(commune: string): Promise<Counter> {
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  for (const role of ['receiver', 'handler', 'leader']) {
    tokens[role] = await devTokenFor(`${role}.${commune}`, { DATABASE_URL });
    ids[role] = (await gql('{ me { id } }', {}, tokens[role])).me.id;
  }
  const list = await gql(operation('UnitProcedures'), {
    unitCode: commune,
    search: 'đăng ký khai sinh',
    first: 1,
  });
  const procedure = list.unit.procedures.edges[0].node;
  const roles: string[] = procedure.process.steps.map((s: { role: string }) => s.role.toLowerCase());
  return { commune, tokens, ids, procedure, roles };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function gql(query: string, variables: Json, token?: string): Promise<Json> {
  const response = await fetch(GATEWAY_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await response.json()) as { data?: Json; errors?: { extensions?: { code?: string } }[] };
  if (response.status !== 200 || body.errors)
    throw new Error(`${response.status} ${body.errors?.map((e) => e.extensions?.code).join(',') ?? ''}`);
  return body.data ?? {};
}

async function main(): Promise<void> {
  const started = load();
  const units = await gql(operation('UnitsByLevel'), {
    level: 'COMMUNE',
    underCode: PROVINCE,
    first: Math.min(UNITS, 200),
  });
  const counters: Counter[] = [];
  for (const edge of units.units.edges as { node: { code: string } }[])
    counters.push(await counterAt(edge.node.code));
  const { procedure, roles } = counters[0];

  let counting = false;
  let stopping = false;
  let serial = 0;
  const latencies: Record<string, number[]> = { receiveDossier: [], completeStep: [] };
  const failures: Record<string, number> = {};
  let transitions = 0;
  let dossiers = 0;
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = process.hrtime.bigint();
    const value = await work();
    if (counting) {
      latencies[name].push(Number(process.hrtime.bigint() - t0) / 1e6);
      transitions++;
    }
    return value;
  };

  const clerk = async (n: number) => {
    const { commune, tokens, ids, procedure, roles } = counters[n % counters.length];
    while (!stopping) {
      try {
        const received = await timed('receiveDossier', () =>
          gql(
            operation('ReceiveDossier'),
            {
              input: {
                procedureCode: procedure.code,
                unitCode: commune,
                channel: 'COUNTER',
                applicant: { name: 'Nguyễn Văn Bench', idNumber: '022090001234', phone: '0912345678' },
                idempotencyKey: `bench-${process.pid}-${n}-${serial++}`,
              },
            },
            tokens.receiver,
          ),
        );
        let { id, version } = received.receiveDossier.dossier as { id: string; version: number };
        for (let i = 0; i < roles.length && !stopping; i++) {
          const next = roles[i + 1];
          const done = await timed('completeStep', () =>
            gql(
              operation('CompleteStep'),
              { input: { dossierId: id, expectedVersion: version, nextAssigneeId: next ? ids[next] : null } },
              tokens[roles[i]],
            ),
          );
          version = done.completeStep.dossier.version;
          id = done.completeStep.dossier.id;
        }
        if (counting) dossiers++;
      } catch (error) {
        const key = error instanceof Error ? error.message : String(error);
        failures[key] = (failures[key] ?? 0) + 1;
        await sleep(50);
      }
    }
  };

  const clerks = Array.from({ length: CONCURRENCY }, (_, n) => clerk(n));
  await sleep(WARMUP_S * 1000);
  counting = true;
  const from = process.hrtime.bigint();
  await sleep(DURATION_S * 1000);
  counting = false;
  const seconds = Number(process.hrtime.bigint() - from) / 1e9;
  stopping = true;
  await Promise.all(clerks);
  const finished = load();

  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (q: number) =>
      s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 10) / 10 : null;
    return { count: s.length, ms: { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) } };
  };
  const perSecond = Math.round((transitions / seconds) * 10) / 10;
  const gap =
    perSecond >= TARGET_PER_SECOND
      ? `met (${perSecond}/s ≥ ${TARGET_PER_SECOND}/s)`
      : `missed by ${Math.round(TARGET_PER_SECOND - perSecond)}/s (${Math.round((perSecond / TARGET_PER_SECOND) * 1000) / 10}% of the target; ×${Math.round((TARGET_PER_SECOND / Math.max(perSecond, 0.1)) * 10) / 10} to go)`;
  const m = machine();
  m.postgres = await postgresVersion();
  const note = loadNote(started, finished);
  const result = {
    benchmark: 'Writes through the gateway: receiveDossier + completeStep (every step of the process)',
    mode: QUICK ? 'quick' : 'full',
    date: new Date().toISOString(),
    machine: m,
    dataset: DATASET,
    load: { started, finished, note },
    method: `${CONCURRENCY} concurrent clerks at ${counters.length} communes of province ${PROVINCE} (${counters[0].commune}…), each: receiveDossier at its commune, then completeStep for each of the ${roles.length} steps (${roles.join(' → ')}) as that step's role; ${WARMUP_S} s warm-up not counted, then ${DURATION_S} s counted`,
    procedure: procedure.code,
    transitionsPerSecond: perSecond,
    transitions,
    dossiersCompleted: dossiers,
    seconds: Math.round(seconds * 10) / 10,
    latency: { receiveDossier: stats(latencies.receiveDossier), completeStep: stats(latencies.completeStep) },
    failures,
    target: { transitionsPerSecondAtLeast: TARGET_PER_SECOND },
    verdict: gap,
  };
  console.error(
    `\n${perSecond} transitions/s at ${CONCURRENCY} concurrent in ${counters.length} communes — target ≥ ${TARGET_PER_SECOND}/s: ${gap}`,
  );
  if (Object.keys(failures).length)
    console.error('failures:', failures, '(429s: is the gateway rate-limited? see bench/README.md)');
  const r = result.latency;
  saveResult('writes', result, {
    figures: `${perSecond} transitions/s at ${CONCURRENCY} concurrent in ${counters.length} communes; receive p50 ${r.receiveDossier.ms.p50} p95 ${r.receiveDossier.ms.p95} ms; completeStep p50 ${r.completeStep.ms.p50} p95 ${r.completeStep.ms.p95} ms${Object.keys(failures).length ? `; ${Object.values(failures).reduce((a, b) => a + b, 0)} failed` : ''}`,
    target: `≥ ${TARGET_PER_SECOND}/s: ${gap}`,
    ...rowContext(m, result.date, started, finished),
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
