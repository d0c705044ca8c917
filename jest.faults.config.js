/**
 * The fault suite (`pnpm test:faults`, also run by `.ci/run`): slow tests that kill processes,
 * stop Redis and restart PostgreSQL — each on its own private PostgreSQL cluster and Redis, never
 * the shared ones. Same transform as the main run; files end in `.fault.ts`, so the main run
 * (`*.test.ts`) never picks them up.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/gateway/test/faults'],
  testMatch: ['**/*.fault.ts'],
  // No shared database to clean: each file makes (and removes) its own cluster.
  globalSetup: undefined,
  testTimeout: 300_000,
  // Each file runs a whole stack of processes and its own PostgreSQL cluster. Two at once on this
  // 2-core machine once left the PostgreSQL restart's stack unanswered past its 20 s window (one
  // CI run in five, 3 December; 4 of 4 alone): one at a time, ~2 minutes longer, no such flake.
  maxWorkers: 1,
};
