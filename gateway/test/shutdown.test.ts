/**
 * Graceful shutdown of real processes: on SIGTERM a server logs that it drains, stops accepting,
 * and exits 0 by itself — once, not killed by a re-raised signal.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@eiso/db';
import { orgModule } from '@eiso/org';
import { testEnv } from '@eiso/testing';

const root = path.join(__dirname, '..', '..');
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await orgModule.migrate(testEnv(database.url));
});
afterAll(() => database?.drop());

async function runUntilReadyThenTerm(dir: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=eiso-source', '--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(root, dir),
    env: {
      ...process.env,
      ...env,
      LOG_LEVEL: 'info',
      TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.tsx.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready: ${output}`)), 30_000);
    child.stdout.on('data', () => {
      if (output.includes(' ready"')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return { code: await exited, output };
}

describe('on SIGTERM', () => {
  it('the org subgraph drains and exits 0', async () => {
    const env = { ...testEnv(database.url), ORG_PORT: '0' };
    const { code, output } = await runUntilReadyThenTerm('services/org', env);
    expect(output).toContain('draining, then exiting');
    expect(output).not.toContain('second signal');
    expect(code).toBe(0);
  });

  it('the gateway drains and exits 0', async () => {
    const env = { ...testEnv(database.url), GATEWAY_PORT: '0' };
    const { code, output } = await runUntilReadyThenTerm('gateway', env);
    expect(output).toContain('draining, then exiting');
    expect(output).not.toContain('second signal');
    expect(code).toBe(0);
  });
});
