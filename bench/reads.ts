/**
 * Read latency of UnitStatistics (a province-year) and NationalCompliance through the gateway, on
 * the seeded demo country (run `pnpm start` first). Prints p50/p95/p99 and writes
 * bench/results/reads.json.
 *
 *   pnpm bench            # against http://localhost:4000/graphql
 */
import { addDays, todayInVietnam } from '@eiso/calendar';
import { operation } from '@eiso/contract';
import { devTokenFor } from '@eiso/org';
import { DATASET, QUICK, load, loadNote, machine, postgresVersion, rowContext, saveResult } from './support';

const GATEWAY = process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/eiso';
const WARMUP = 20;
const RUNS = QUICK ? 100 : 200;

async function measure(name: string, query: string, variables: Record<string, unknown>, token: string) {
  const ask = async () => {
    const started = process.hrtime.bigint();
    const response = await fetch(GATEWAY, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  for (let i = 0; i < WARMUP; i++) await ask();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await ask());
  times.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] * 10) / 10;
  return {
    operation: name,
    runs: RUNS,
    ms: { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) },
    target: { p95UnderMs: 100 },
  };
}

async function main(): Promise<void> {
  const started = load();
  const token = await devTokenFor('viewer.BKHCN', { DATABASE_URL });
  const year = Number(todayInVietnam().slice(0, 4));
  const results = [
    await measure(
      'UnitStatistics (province 22, one year, includeDescendants)',
      operation('UnitStatistics'),
      {
        unitCode: '22',
        from: addDays(todayInVietnam(), -365),
        to: todayInVietnam(),
        includeDescendants: true,
      },
      token,
    ),
    await measure(
      'NationalCompliance (63 provinces, 22 ministries)',
      operation('NationalCompliance'),
      { year },
      token,
    ),
  ];
  const finished = load();
  const m = machine();
  m.postgres = await postgresVersion();
  const note = loadNote(started, finished);
  const result = {
    benchmark: 'Read latency of contract operations through @apollo/gateway, sequential, after warm-up',
    mode: QUICK ? 'quick' : 'full',
    date: new Date().toISOString(),
    machine: m,
    dataset: DATASET,
    load: { started, finished, note },
    results,
  };
  saveResult('reads', result, {
    figures: results
      .map((r) => `${r.operation.split(' ')[0]} p50 ${r.ms.p50} p95 ${r.ms.p95} p99 ${r.ms.p99} ms`)
      .join('; '),
    target: 'p95 < 100 ms',
    ...rowContext(m, result.date, started, finished),
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
