/**
 * `pnpm bench`: every benchmark of bench/ in turn, each in its own process, against a started
 * system (`pnpm start` in another terminal). Each prints its figures, writes
 * bench/results/<name>.json and its row of bench/README.md's table.
 *
 *   pnpm bench                 # reads, page, writes, rankings: the full runs
 *   pnpm bench --quick         # reads, page, writes in short runs: a few minutes on the demo dataset
 *   pnpm bench page.ts [--quick]   # one benchmark
 */
import { spawnSync } from 'node:child_process';
import { QUICK } from './support';

const FULL = ['reads.ts', 'page.ts', 'writes.ts', 'rankings.ts'];
const QUICK_SET = ['reads.ts', 'page.ts', 'writes.ts'];

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
