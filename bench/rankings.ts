/**
 * The nightly rankings on the seeded demo country (run `pnpm start` first): how long the audit
 * job takes to rank every level — 63 provinces, 22 ministries, the districts and the communes
 * (within their province and within their district) — reading the dossier and catalog figures
 * through their APIs. Each run stores the day before the first stored ranking (no stored day is
 * touched) and deletes it after. Prints the figures and writes bench/results/rankings.json.
 *
 *   pnpm bench rankings.ts        # DATABASE_URL, CATALOG_URL, DOSSIER_URL as for the audit worker
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeRankings, createAuditDataSource, loadAuditConfig, type RankingSummary } from '@eiso/audit';
import { todayInVietnam } from '@eiso/calendar';

// The running system's database and URLs, from the same variables (and defaults) as the audit worker.
const config = loadAuditConfig({ ...process.env, LOG_LEVEL: 'warn' });
const sources = {
  catalogUrl: config.CATALOG_URL,
  dossierUrl: config.DOSSIER_URL,
  secret: config.GATEWAY_SIGNING_SECRET,
};
const WARMUP = 1;
const RUNS = 5;

async function main(): Promise<void> {
  const { dataSource } = createAuditDataSource(config, 2);
  await dataSource.initialize();
  // The day before the first stored ranking (yesterday when there is none): no stored day is
  // overwritten, and the day's row is deleted after.
  const [{ day }]: { day: string }[] = await dataSource.query(
    `SELECT coalesce(min(day), $1::date) - 1 AS day FROM ranking`,
    [todayInVietnam()],
  );
  const runs: RankingSummary[] = [];
  try {
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const summary = await computeRankings(dataSource, sources, { day });
      if (i >= WARMUP) runs.push(summary);
    }
    const [{ units }] = await dataSource.query(`SELECT count(*)::int AS units FROM unit_directory`);
    const times = runs.map((r) => r.ms).sort((a, b) => a - b);
    const last = runs[runs.length - 1];
    const result = {
      benchmark: 'Nightly rankings: every level, figures through the dossier and catalog APIs, stored',
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
      },
      dataset: `the seeded demo country (pnpm start): ${units} units`,
      runs: RUNS,
      ms: { min: times[0], median: times[Math.floor(times.length / 2)], max: times[times.length - 1] },
      lists: last.lists,
      entries: last.entries,
      unitsWithDossiers: last.figureRows,
      target: { underMs: 10_000 },
    };
    console.log(JSON.stringify(result, null, 2));
    mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    writeFileSync(path.join(__dirname, 'results', 'rankings.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await dataSource.query(`DELETE FROM ranking WHERE day = $1`, [day]);
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
