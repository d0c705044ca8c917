#!/usr/bin/env node
/**
 * The test command: checks PostgreSQL and Redis answer (tests use real ones, each run in a fresh
 * database), runs every jest project once, and ends with the line `tests: N passed, N failed`.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const say = (message) => process.stderr.write(`eiso: ${message}\n`);

const result = path.join(os.tmpdir(), `eiso-jest-${process.pid}.json`);
const jest = require.resolve('jest/bin/jest', { paths: [ROOT] });
const run = spawnSync(
  process.execPath,
  [jest, '--json', `--outputFile=${result}`, ...process.argv.slice(2)],
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
  say('jest wrote no result file');
  failed = Math.max(failed, 1);
}
process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
