/**
 * `eiso generate --dossiers N [--seed S] [--year YYYY] [--replace] [--keep-indexes] [--workers K] [--json FILE]`: a national year
 * of dossiers in the database at DATABASE_URL (see docs/scaling.md). Progress goes to stderr; with
 * `--json FILE` the figures (machine, versions, N, seconds, rows/s, load average) are written to FILE.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DEFAULT_GENERATE_DOSSIERS, generateNationalYear, type GenerateResult } from '@eiso/dossier';
import { UsageError } from './token';

export const GENERATE_USAGE =
  'usage: eiso generate [--dossiers N] [--seed S] [--year YYYY] [--replace] [--keep-indexes] [--workers K] [--json FILE]';

/**
 * Planning threads by default: all cores but two (this thread writes, PostgreSQL ingests). On two
 * cores none: planning here, between writes, was faster than a worker thread (1 M: 41 s against
 * 43 s, 3 M: 99 s against 126 s; the buffers a worker hands over make this thread's heap collected
 * again and again, docs/scaling.md).
 */
export const DEFAULT_GENERATE_WORKERS = Math.max(0, os.availableParallelism() - 2);

export interface GenerateArguments {
  dossiers: number;
  seed: number;
  year?: number;
  replace: boolean;
  keepIndexes?: boolean;
  /** Worker threads planning the days (0: on the main thread); the rows do not depend on it. */
  workers: number;
  json?: string;
}

export function parseGenerateArguments(args: string[]): GenerateArguments {
  const parsed: GenerateArguments = {
    dossiers: DEFAULT_GENERATE_DOSSIERS,
    seed: 1,
    replace: false,
    workers: DEFAULT_GENERATE_WORKERS,
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split('=', 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${GENERATE_USAGE}`);
      return v;
    };
    const integer = (v: string, min: number) => {
      const n = Number(v.replace(/[_,]/g, ''));
      if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag}: not an integer ≥ ${min}: ${v}`);
      return n;
    };
    if (flag === '--dossiers') parsed.dossiers = integer(value(), 1);
    else if (flag === '--seed') parsed.seed = integer(value(), 0);
    else if (flag === '--year') parsed.year = integer(value(), 2000);
    else if (flag === '--workers') parsed.workers = integer(value(), 0);
    else if (flag === '--json') parsed.json = value();
    else if (flag === '--replace') parsed.replace = true;
    else if (flag === '--keep-indexes') parsed.keepIndexes = true;
    else throw new UsageError(GENERATE_USAGE);
  }
  return parsed;
}

export async function generate(
  args: string[],
  env: NodeJS.ProcessEnv & { DATABASE_URL: string },
  say: (message: string) => void,
): Promise<GenerateResult> {
  if (env.NODE_ENV === 'production')
    throw new UsageError('eiso generate is refused when NODE_ENV=production');
  const options = parseGenerateArguments(args);
  const load: number[] = [];
  const sample = setInterval(() => load.push(os.loadavg()[0]), 5000);
  const before = os.loadavg()[0];
  const cpuBefore = process.cpuUsage();
  // Ctrl-C stops between two days, so the indexes dropped for the load are rebuilt; a second one exits.
  const abort = new AbortController();
  const stop = () => {
    if (abort.signal.aborted) process.exit(130);
    say('generate: stopping after this day (Ctrl-C again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  try {
    const result = await generateNationalYear({
      DATABASE_URL: env.DATABASE_URL,
      DOSSIER_DATABASE_URL: env.DOSSIER_DATABASE_URL,
      ...options,
      progress: say,
      signal: abort.signal,
    });
    const cpu = process.cpuUsage(cpuBefore);
    const rate = (n: number) => Math.round(n / result.seconds.total);
    say(
      `generate: ${result.dossiers.toLocaleString('en')} dossiers, ${result.rows.toLocaleString('en')} rows in ` +
        `${result.seconds.total.toFixed(1)} s (${rate(result.dossiers).toLocaleString('en')} dossiers/s, ` +
        `${rate(result.rows).toLocaleString('en')} rows/s; load ${result.seconds.load.toFixed(1)} s, ` +
        `indexes ${result.seconds.indexes.toFixed(1)} s, foreign keys ${result.seconds.foreignKeys.toFixed(1)} s; ` +
        `node CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s); ` +
        `${pct(result.open, result.dossiers)} not yet returned, ` +
        `${pct(result.inProgress, result.dossiers)} in progress`,
    );
    if (options.json) {
      const figures = {
        date: new Date().toISOString(),
        command: `pnpm eiso generate ${args.join(' ')}`,
        machine: {
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model,
          memoryGiB: Math.round(os.totalmem() / 2 ** 30),
          platform: `${os.platform()} ${os.release()}`,
        },
        versions: { node: process.version, postgres: await postgresVersion(env.DATABASE_URL) },
        loadAverage1m: {
          before,
          during: {
            min: Math.min(...load, before),
            mean: load.length ? +(load.reduce((a, b) => a + b, 0) / load.length).toFixed(2) : before,
            max: Math.max(...load, before),
          },
        },
        workers: options.workers,
        ...result,
        // This process, all its threads (the planning workers too).
        nodeCpuSeconds: { user: cpu.user / 1e6, system: cpu.system / 1e6 },
        rowsPerSecond: rate(result.rows),
        dossiersPerSecond: rate(result.dossiers),
      };
      // Relative to where `pnpm eiso` was typed (pnpm runs the command line from its package).
      const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), options.json);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
      say(`generate: figures written to ${file}`);
    }
    return result;
  } finally {
    clearInterval(sample);
    process.off('SIGINT', stop).off('SIGTERM', stop);
  }
}

const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)} %`;

async function postgresVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
  } finally {
    await client.end();
  }
}
