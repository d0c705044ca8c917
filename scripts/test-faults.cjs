#!/usr/bin/env node
/**
 * The fault suite (`pnpm test:faults`; `.ci/run` runs it after `npm test`): the slow tests of
 * gateway/test/faults/*.fault.ts that kill subgraphs and workers, stop Redis and restart
 * PostgreSQL — each file on its own private PostgreSQL cluster (initdb from /usr/lib/postgresql)
 * and its own redis-server, never the shared ones. Ends with the line
 * `fault tests: N passed, N failed`.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const result = path.join(os.tmpdir(), `eiso-jest-faults-${process.pid}.json`);
const jest = require.resolve('jest/bin/jest', { paths: [ROOT] });
const started = Date.now();
const run = spawnSync(
  process.execPath,
  [
    jest,
    '-c',
    path.join(ROOT, 'jest.faults.config.js'),
    '--json',
    `--outputFile=${result}`,
    ...process.argv.slice(2),
  ],
  {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: '1' },
  },
);

let passed = 0;
let failed = 0;
try {
  const summary = JSON.parse(fs.readFileSync(result, 'utf8'));
  passed = summary.numPassedTests;
  failed = summary.numFailedTests + (summary.numRuntimeErrorTestSuites || 0);
  fs.rmSync(result, { force: true });
} catch {
  process.stderr.write('eiso: jest wrote no result file\n');
  failed = Math.max(failed, 1);
}
const seconds = Math.round((Date.now() - started) / 1000);
process.stdout.write(`fault tests: ${passed} passed, ${failed} failed (${seconds} s)\n`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
