/**
 * Read latency of UnitStatistics (a province-year) and NationalCompliance through the gateway, on
 * the seeded demo country (run `pnpm start` first). Prints p50/p95/p99 and writes
 * bench/results/reads.json.
 *
 *   pnpm bench            # against http://localhost:4000/graphql
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDays, todayInVietnam } from '@eiso/calendar';
import { operation } from '@eiso/contract';
import { devTokenFor } from '@eiso/org';

const GATEWAY = process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/eiso';
const WARMUP = 20;
const RUNS = 200;

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
  const result = {
    benchmark: 'Read latency of contract operations through @apollo/gateway, sequential, after warm-up',
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    dataset: 'the seeded demo country (pnpm start): 12,016 units, 10,000 dossiers',
    results,
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  writeFileSync(path.join(__dirname, 'results', 'reads.json'), `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
