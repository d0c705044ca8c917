#!/usr/bin/env node
/**
 * The entry point of `npm start`, `npm test`, `pnpm start`, `pnpm test` and `pnpm eiso …` on a
 * fresh clone: installs what is missing (pnpm, then the locked dependencies) and runs the command.
 * It needs only Node ≥ 20.19. Everything it says goes to stderr, so `pnpm -s eiso token …` prints
 * nothing but the token on stdout.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const PNPM_VERSION = '12.21.0';
const say = (message) => process.stderr.write(`eiso: ${message}\n`);

function fail(message) {
  say(message);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19))
    fail(
      `Node.js ≥ 20.19 is needed (this is ${process.version}). Install it from nodejs.org or your package manager.`,
    );
}

/** Runs a command with its output sent to our stderr; returns the exit status. */
function quietly(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: ['ignore', process.stderr, process.stderr],
    ...options,
  });
  return result.status ?? 1;
}

function pnpmCommand() {
  const local = path.join(ROOT, '.tools', 'node_modules', '.bin', 'pnpm');
  for (const candidate of ['pnpm', local]) {
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  say(`pnpm not found: installing pnpm@${PNPM_VERSION}`);
  if (quietly('npm', ['install', '--global', `pnpm@${PNPM_VERSION}`]) === 0) return 'pnpm';
  say('global install refused: installing pnpm into .tools/ instead');
  if (quietly('npm', ['install', '--prefix', path.join(ROOT, '.tools'), `pnpm@${PNPM_VERSION}`]) === 0)
    return local;
  fail('could not install pnpm; install it yourself (npm install -g pnpm) and run again');
}

/** Installs the locked dependencies unless node_modules already matches the lockfile. */
function ensureDependencies(pnpm) {
  const lock = path.join(ROOT, 'pnpm-lock.yaml');
  const installed = path.join(ROOT, 'node_modules', '.pnpm', 'lock.yaml');
  const upToDate =
    fs.existsSync(installed) && fs.readFileSync(installed, 'utf8') === fs.readFileSync(lock, 'utf8');
  if (upToDate) return;
  say('installing dependencies (pnpm install --frozen-lockfile)');
  if (quietly(pnpm, ['install', '--frozen-lockfile']) !== 0) fail('pnpm install failed (see above)');
}

/** Runs the command in the foreground, passing Ctrl-C and SIGTERM on so nothing is left running. */
function run(command, args, cwd = ROOT) {
  const child = spawn(command, args, {
    cwd,
    stdio: 'inherit',
    env: {
      ...process.env,
      APOLLO_TELEMETRY_DISABLED: '1',
      TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.tsx.json'),
    },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const TS = ['--conditions=eiso-source', '--import', 'tsx'];

/**
 * `start` runs the compiled JavaScript: `tsc -b` first, which rebuilds only what changed since the
 * last build (seconds when nothing did), then the supervisor from packages/cli/dist, which starts
 * every process from its dist/ entry (packages/cli/src/start.ts). tsx in ten processes cost
 * ~60-150 MB each.
 */
function build(pnpm) {
  say('building (tsc -b: only what changed)');
  if (quietly(pnpm, ['exec', 'tsc', '-b']) === 0) return;
  // tsc still writes the JavaScript of a file with type errors (no noEmitOnError), as tsx would
  // run it: start anyway, as `pnpm start` from the sources did, with the errors shown above.
  if (!fs.existsSync(path.join(ROOT, 'packages', 'cli', 'dist', 'main.js')))
    fail('the build failed (see above)');
  say('type errors (above): starting with the JavaScript tsc wrote all the same');
}

function main() {
  checkNode();
  const [command, ...args] = process.argv.slice(2);
  const pnpm = pnpmCommand();
  ensureDependencies(pnpm);
  switch (command) {
    case 'start':
      build(pnpm);
      return run(process.execPath, ['dist/main.js', 'start', ...args], path.join(ROOT, 'packages', 'cli'));
    case 'eiso':
      return run(process.execPath, [...TS, 'src/main.ts', ...args], path.join(ROOT, 'packages', 'cli'));
    case 'test':
      return run(process.execPath, [path.join(ROOT, 'scripts', 'test.cjs'), ...args]);
    case 'bench':
      // `pnpm bench` runs reads.ts; `pnpm bench rankings.ts` another benchmark of bench/.
      return args[0]?.endsWith('.ts')
        ? run(process.execPath, [...TS, ...args], path.join(ROOT, 'bench'))
        : run(process.execPath, [...TS, 'reads.ts', ...args], path.join(ROOT, 'bench'));
    case 'compose':
      return run(process.execPath, [...TS, 'scripts/compose.ts'], path.join(ROOT, 'gateway'));
    default:
      fail('usage: bootstrap.cjs start | test | eiso <command> | bench | compose');
  }
}

main();
