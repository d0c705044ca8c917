/**
 * What every benchmark of bench/ shares: the machine and its load (so figures taken on a busy
 * machine say so), the results file and the README's table row, autocannon's figures, the eiso
 * processes of the running system and their memory, and PostgreSQL's transaction counters.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type autocannon from 'autocannon';
import { Client } from 'pg';

export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
export const GATEWAY_URL = process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql';
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/eiso';
export const DATASET =
  process.env.BENCH_DATASET ?? 'the seeded demo country (pnpm start): 12,016 units, ~10,000 dossiers';

export function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: undefined as string | undefined,
  };
}

/** The load average at a moment: on 2 cores, anything much over 2 means the figures are shared. */
export function load(): { loadavg1m: number; loadavg5m: number; loadavg15m: number; cpus: number } {
  const [one, five, fifteen] = os.loadavg().map((x) => Math.round(x * 100) / 100);
  return { loadavg1m: one, loadavg5m: five, loadavg15m: fifteen, cpus: os.cpus().length };
}

/** A note for a result: whether other work shared the machine while it was measured. */
export function loadNote(before: ReturnType<typeof load>, after: ReturnType<typeof load>): string {
  const worst = Math.max(before.loadavg1m, after.loadavg1m);
  const extra = process.env.BENCH_NOTE ? ` ${process.env.BENCH_NOTE}` : '';
  return worst > before.cpus * 0.75
    ? `UNDER LOAD: 1-minute load average ${before.loadavg1m} before, ${after.loadavg1m} after on ${before.cpus} cores; other work shared the machine, so latencies are pessimistic and ratios within one run are the figures to trust.${extra}`
    : `quiet machine: 1-minute load average ${before.loadavg1m} before, ${after.loadavg1m} after on ${before.cpus} cores.${extra}`;
}

/** The load column of the README's table: quick or full, and whether the machine was shared. */
export function loadCell(before: ReturnType<typeof load>, after: ReturnType<typeof load>): string {
  const note = loadNote(before, after);
  return `${QUICK ? 'quick; ' : ''}${note.startsWith('UNDER') ? `UNDER LOAD (loadavg ${before.loadavg1m}→${after.loadavg1m})` : `quiet (loadavg ${before.loadavg1m})`}`;
}

export async function postgresVersion(): Promise<string | undefined> {
  const client = new Client({ connectionString: DATABASE_URL });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function packageVersion(name: string): string | undefined {
  try {
    const file = require.resolve(`${name}/package.json`, { paths: [__dirname] });
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    // Packages whose exports hide package.json: walk up from their entry point.
    try {
      let dir = path.dirname(require.resolve(name, { paths: [__dirname] }));
      for (let i = 0; i < 6; i++) {
        try {
          const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
            name?: string;
            version: string;
          };
          if (pkg.name === name) return pkg.version;
        } catch {
          // not here
        }
        dir = path.dirname(dir);
      }
    } catch {
      // not installed
    }
    return undefined;
  }
}

/** Writes bench/results/<name>.json and replaces the benchmark's row of bench/README.md's table. */
export function saveResult(name: string, result: Record<string, unknown>, row: ReadmeRow): void {
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  writeFileSync(path.join(__dirname, 'results', `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  updateReadmeRow(name, row);
}

/** The cells every benchmark's row shares: machine, versions, dataset, date, load. */
export function rowContext(
  m: ReturnType<typeof machine> & { postgres?: string },
  date: string,
  started: ReturnType<typeof load>,
  finished: ReturnType<typeof load>,
  moreVersions?: string,
): Omit<ReadmeRow, 'figures' | 'target'> {
  return {
    machine: machineLabel(m),
    versions: `node ${m.node}, PostgreSQL ${m.postgres ?? '?'}${moreVersions ? `, ${moreVersions}` : ''}`,
    dataset: DATASET,
    date: date.slice(0, 10),
    load: loadCell(started, finished),
  };
}

export interface ReadmeRow {
  figures: string;
  target: string;
  machine: string;
  versions: string;
  dataset: string;
  date: string;
  load: string;
}

const TABLE_START = '<!-- results:start -->';
const TABLE_END = '<!-- results:end -->';
const HEADER = [
  '| benchmark | figures | target | machine | versions | dataset | date | load |',
  '| --------- | ------- | ------ | ------- | -------- | ------- | ---- | ---- |',
];

function updateReadmeRow(name: string, row: ReadmeRow): void {
  const file = path.join(__dirname, 'README.md');
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start) return;
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = text
    .slice(start + TABLE_START.length, end)
    .split('\n')
    .filter((l) => l.startsWith('| `'));
  const mine = `| \`${name}\` | ${[row.figures, row.target, row.machine, row.versions, row.dataset, row.date, row.load].map(cell).join(' | ')} |`;
  // Prettier pads the cells: a row is the benchmark's whatever the spaces.
  const others = lines.filter((l) => !new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`).test(l));
  const rows = [...others, mine].sort();
  writeFileSync(
    file,
    `${text.slice(0, start + TABLE_START.length)}\n${[...HEADER, ...rows].join('\n')}\n${text.slice(end)}`,
  );
}

export function machineLabel(m: ReturnType<typeof machine>): string {
  return `${m.cpus} × ${m.model ?? 'cpu'}, ${m.memoryGiB} GiB`;
}

/** autocannon's figures, trimmed to what the tables show. */
export function figures(r: autocannon.Result) {
  return {
    requestsPerSecond: Math.round(r.requests.average * 10) / 10,
    ms: { p50: r.latency.p50, p95: percentile(r, 95), p99: r.latency.p99, max: r.latency.max },
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    durationSeconds: r.duration,
  };
}

// autocannon reports p97.5 and p99 but not p95: interpolate from its histogram percentiles.
function percentile(r: autocannon.Result, p: 95): number {
  const l = r.latency as unknown as Record<string, number>;
  if (typeof l[`p${p}`] === 'number') return l[`p${p}`];
  const p90 = l.p90;
  const p97 = l.p97_5;
  return Math.round((p90 + ((p - 90) / 7.5) * (p97 - p90)) * 10) / 10;
}

// ---------------------------------------------------------------------------------------------
// The processes of the running system

export interface EisoProcess {
  pid: number;
  name: string;
}

/** The entry points of the system's processes: compiled (`pnpm start`) or under tsx. */
const ENTRY = /(src|dist)\/(main|worker)\.(ts|js)/;

/**
 * The processes of the system serving GATEWAY_URL: the one listening on its port, its parent (the
 * `eiso start` supervisor) and the supervisor's children that run a `main` or `worker` entry —
 * `dist/main.js` as `pnpm start` runs them, or `src/main.ts` from the sources under tsx
 * (subgraphs, gateway, workers), named from their directory under services/ or gateway/.
 */
export function eisoProcesses(gatewayUrl = GATEWAY_URL): EisoProcess[] {
  const port = Number(new URL(gatewayUrl).port || 80);
  const gatewayPid = listeningPid(port);
  if (!gatewayPid) return [];
  const supervisor = parentOf(gatewayPid);
  const isEiso = (pid: number) => ENTRY.test(cmdline(pid));
  const found: EisoProcess[] = [];
  if (supervisor && isEiso(supervisor)) found.push({ pid: supervisor, name: 'supervisor (eiso start)' });
  const children = supervisor && isEiso(supervisor) ? childrenOf(supervisor) : [gatewayPid];
  for (const pid of children) {
    if (!isEiso(pid)) continue;
    found.push({ pid, name: processName(pid) });
  }
  return found;
}

export function processName(pid: number): string {
  let cwd = '';
  try {
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    // gone
  }
  const dir = path.basename(cwd) || `pid ${pid}`;
  return /(src|dist)\/worker\.(ts|js)/.test(cmdline(pid)) ? `${dir} worker` : dir;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => parentOf(pid) === parent);
}

function listeningPid(port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
    const match = /pid=(\d+)/.exec(out);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** VmRSS and VmHWM (the peak since the process started) of a process, in MiB. */
export function memoryOf(pid: number): { rssMiB: number; hwmMiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
    return { rssMiB: Math.round(kib('VmRSS') / 1024), hwmMiB: Math.round(kib('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far; undefined once it is gone. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, in clock ticks (USER_HZ: 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Every process of the PostgreSQL server (all its databases: run on a quiet server). */
function postgresPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    });
}

/**
 * The CPU each of the system's processes, and PostgreSQL, spends per request while `run` sends
 * requests (it returns how many were answered): where a request's cost goes across the processes,
 * which the latency alone does not say.
 */
export async function cpuPerRequest(
  processes: EisoProcess[],
  run: () => Promise<number>,
): Promise<{ msPerRequest: Record<string, number>; totalMs: number }> {
  const postgresCpu = () => postgresPids().reduce((sum, pid) => sum + (cpuSecondsOf(pid) ?? 0), 0);
  const before = processes.map((p) => cpuSecondsOf(p.pid));
  const postgresBefore = postgresCpu();
  const requests = await run();
  const msPerRequest: Record<string, number> = {};
  processes.forEach((p, i) => {
    const now = cpuSecondsOf(p.pid);
    if (now !== undefined && before[i] !== undefined && requests > 0)
      msPerRequest[p.name] = Math.round(((now - before[i]!) / requests) * 1e5) / 100;
  });
  if (requests > 0)
    msPerRequest.postgresql = Math.round(((postgresCpu() - postgresBefore) / requests) * 1e5) / 100;
  const totalMs = Math.round(Object.values(msPerRequest).reduce((a, b) => a + b, 0) * 100) / 100;
  return { msPerRequest, totalMs };
}

/**
 * What `eiso start` runs (issue 9, #8: "all processes together ≤ 1.5 GB"): the supervisor, the
 * five subgraphs, the gateway and the three workers. A benchmark's memory figures say which of
 * these it found, so a sum that misses one is not taken for the whole system.
 */
export const SYSTEM_PROCESSES = [
  'supervisor (eiso start)',
  'org',
  'catalog',
  'dossier',
  'dossier worker',
  'audit',
  'audit worker',
  'notification',
  'notification worker',
  'gateway',
];
export const MEMORY_TARGET_MIB = 1536;

/**
 * The processes' helpers: under tsx (the system run from its TypeScript sources, `pnpm eiso
 * start`), an esbuild service is a child of every process (~14 MB each). They exist only because
 * of tsx; they are summed apart. The compiled system (`pnpm start`) has none.
 */
function helpersOf(processes: EisoProcess[]): EisoProcess[] {
  const listed = new Set(processes.map((p) => p.pid));
  return processes.flatMap((p) =>
    childrenOf(p.pid)
      .filter((pid) => !listed.has(pid) && /esbuild/.test(cmdline(pid)))
      .map((pid) => ({ pid, name: `esbuild of ${p.name}` })),
  );
}

/** Samples the resident memory of some processes every 250 ms until stopped: the peak under a load. */
export function sampleMemory(processes: EisoProcess[]) {
  const isSystem = (p: EisoProcess) => !p.name.includes('bench');
  const helpers = helpersOf(processes.filter(isSystem));
  const all = [...processes, ...helpers];
  const peak = new Map<number, number>();
  // The system's processes together at one instant: a sum of simultaneous values, at most the
  // sum of each one's own peak.
  let peakTogether = 0;
  const sample = () => {
    let together = 0;
    for (const p of all) {
      const m = memoryOf(p.pid);
      if (!m) continue;
      peak.set(p.pid, Math.max(peak.get(p.pid) ?? 0, m.rssMiB));
      if (isSystem(p) && !helpers.includes(p)) together += m.rssMiB;
    }
    peakTogether = Math.max(peakTogether, together);
  };
  sample();
  const timer = setInterval(sample, 250);
  return () => {
    clearInterval(timer);
    sample();
    const row = (p: EisoProcess) => ({
      process: p.name,
      pid: p.pid,
      peakRssDuringLoadMiB: peak.get(p.pid) ?? null,
      vmHwmMiB: memoryOf(p.pid)?.hwmMiB ?? null,
    });
    const rows = processes.map(row);
    const helperRows = helpers.map(row);
    const sum = (xs: typeof rows) => xs.reduce((total, r) => total + (r.peakRssDuringLoadMiB ?? 0), 0);
    const system = rows.filter((r) => !r.process.includes('bench'));
    const found = new Set(system.map((r) => r.process));
    const totalPeakRssMiB = sum(system);
    return {
      processes: rows,
      // The system's own processes; a benchmark's helpers (Hive Gateway) are listed but not summed.
      totalPeakRssMiB,
      peakTogetherRssMiB: peakTogether,
      processCount: system.length,
      missing: SYSTEM_PROCESSES.filter((name) => !found.has(name)),
      tsxHelpers: { processes: helperRows, totalPeakRssMiB: sum(helperRows) },
      note: 'each peak is the largest VmRSS sampled every 250 ms during the load, and the total their sum (at least the peak of the processes together, also given); VmHWM is the peak since the process started (start-up included); under tsx each process also has an esbuild helper (summed apart)',
      target: { allProcessesUnderMiB: MEMORY_TARGET_MIB },
      verdict: `${totalPeakRssMiB} MiB for ${system.length} processes together (target ≤ ${MEMORY_TARGET_MIB} MiB): ${totalPeakRssMiB <= MEMORY_TARGET_MIB ? 'met' : `missed by ${totalPeakRssMiB - MEMORY_TARGET_MIB} MiB`}`,
    };
  };
}

/** The memory of every process, one line each, and the sum against the target (stderr). */
export function printMemory(memory: ReturnType<ReturnType<typeof sampleMemory>>): void {
  for (const r of [...memory.processes, ...memory.tsxHelpers.processes])
    console.error(
      `  ${r.process.padEnd(36)} pid ${String(r.pid).padStart(7)}  peak ${String(r.peakRssDuringLoadMiB ?? '?').padStart(5)} MiB  (VmHWM ${r.vmHwmMiB ?? '?'} MiB)`,
    );
  console.error(
    `memory: ${memory.verdict}; together at one instant ${memory.peakTogetherRssMiB} MiB; tsx's esbuild helpers ${memory.tsxHelpers.totalPeakRssMiB} MiB more`,
  );
  if (memory.missing.length > 0)
    console.error(`memory: NOT FOUND, so not summed: ${memory.missing.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL's statistics

/** Committed and rolled-back transactions of a database so far (pg_stat_database). */
export async function databaseTransactions(client: Client, database: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
    [database],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * A backend hands its counters to the shared statistics when it goes idle, at most once a second,
 * else within PGSTAT_IDLE_INTERVAL (10 s): wait that long before reading them.
 */
export const STATS_FLUSH_MS = 11_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
