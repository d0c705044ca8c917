#!/usr/bin/env node
/**
 * The test command: runs every jest project once (real PostgreSQL and Redis, each test file in a
 * fresh database) and ends with the line `tests: N passed, N failed`.
 */
'use strict';
const { runJest } = require('./run-jest.cjs');

process.exit(runJest({ label: 'tests', args: process.argv.slice(2) }));
