/**
 * `pnpm bench`: every benchmark of bench/ in turn, each in its own process, against a started
 * system (`pnpm start` in another terminal). Each prints its figures, writes
 * bench/results/<name>.json and its row of bench/README.md's table.
 *
 *   pnpm bench                 # reads, page, sweep, rankings, notifications, writes: the full runs
 *   pnpm bench --quick         # the same in short runs: a few minutes on the demo dataset
 *   pnpm bench page.ts [--quick]   # one benchmark
 */
import { spawnSync } from 'node:child_process';
import { QUICK } from './support';

// Writes last: the events of its dossiers keep the audit and notification workers busy for a while
// after it, and page.ts counts SQL on a quiet system.
const FULL = ['reads.ts', 'page.ts', 'sweep.ts', 'rankings.ts', 'notifications.ts', 'writes.ts'];
// Every benchmark has a short run (--quick); the 10-million runs are the full ones.
const QUICK_SET = FULL;

function main(): void {
  const named = process.argv.slice(2).filter((a) => a.endsWith('.ts'));
  const list = named.length > 0 ? named : QUICK ? QUICK_SET : FULL;
  const flags = QUICK ? ['--quick'] : [];
  const failed: string[] = [];
  for (const file of list) {
    const t0 = Date.now();
    console.error(`\n== ${file}${QUICK ? ' (quick)' : ''}`);
    const run = spawnSync(process.execPath, [...process.execArgv, file, ...flags], {
      cwd: __dirname,
      stdio: 'inherit',
      env: process.env,
    });
    console.error(
      `== ${file}: ${run.status === 0 ? 'done' : `FAILED (${run.status ?? run.signal})`} in ${Math.round((Date.now() - t0) / 1000)} s`,
    );
    if (run.status !== 0) failed.push(file);
  }
  if (failed.length > 0) {
    console.error(`\nfailed: ${failed.join(', ')}`);
    process.exit(1);
  }
}

main();
