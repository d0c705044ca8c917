/**
 * Runs jest once (with `--json`) and prints `<label>: N passed, N failed` from its result file —
 * the line CI reads. Shared by the test command (scripts/test.cjs) and the fault suite
 * (scripts/test-faults.cjs).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');

/** Returns the exit status: 0 when jest passed and reported no failed test. */
function runJest({ label, config, args, timed = false }) {
  const started = Date.now();
  const result = path.join(os.tmpdir(), `eiso-jest-${process.pid}-${Date.now()}.json`);
  const jest = require.resolve('jest/bin/jest', { paths: [ROOT] });
  const run = spawnSync(
    process.execPath,
    [jest, ...(config ? ['-c', path.join(ROOT, config)] : []), '--json', `--outputFile=${result}`, ...args],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, APOLLO_TELEMETRY_DISABLED: '1' } },
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
  process.stdout.write(`${label}: ${passed} passed, ${failed} failed${timed ? ` (${seconds} s)` : ''}\n`);
  return run.status === 0 && failed === 0 ? 0 : 1;
}

module.exports = { runJest };
