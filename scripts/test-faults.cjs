#!/usr/bin/env node
/**
 * The fault suite (`pnpm test:faults`; `.ci/run` runs it after `npm test`): the slow tests of
 * gateway/test/faults/*.fault.ts that kill subgraphs and workers, stop Redis and restart
 * PostgreSQL — each file on its own private PostgreSQL cluster (initdb from /usr/lib/postgresql)
 * and its own redis-server, never the shared ones. Ends with the line
 * `fault tests: N passed, N failed`.
 */
'use strict';
const { runJest } = require('./run-jest.cjs');

process.exit(
  runJest({
    label: 'fault tests',
    config: 'jest.faults.config.js',
    args: process.argv.slice(2),
    timed: true,
  }),
);
