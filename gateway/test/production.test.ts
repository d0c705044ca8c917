/**
 * Production mode refuses development secrets and keys at start-up: real processes — the gateway,
 * a subgraph and a worker — started with NODE_ENV=production and the development defaults exit
 * non-zero before listening, with one message naming the variable.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { DEV_DEFAULTS } from '@eiso/config';
import { devPublicKeyPem } from '@eiso/auth';

const root = path.join(__dirname, '..', '..');
const productionSecret = 'q'.repeat(48);
const realKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** Runs `entry` in `dir` with only these variables (plus PATH), returns its exit code and output. */
function run(dir: string, entry: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=eiso-source', '--import', 'tsx', entry], {
    cwd: path.join(root, dir),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.tsx.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running: ${output}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('NODE_ENV=production with development secrets', () => {
  it('the gateway refuses the development signing secret, naming it', async () => {
    const { code, output } = await run('gateway', 'src/main.ts', {
      GATEWAY_SIGNING_SECRET: DEV_DEFAULTS.gatewaySigningSecret,
      JWT_PUBLIC_KEY: realKey,
      GATEWAY_PORT: '0',
    });
    expect(code).not.toBe(0);
    expect(output).toContain(
      'GATEWAY_SIGNING_SECRET: the development secret is refused when NODE_ENV=production',
    );
    expect(output).not.toContain(' ready"');
  });

  it('the gateway refuses the development JWT key, given or left to its default', async () => {
    for (const key of [{ JWT_PUBLIC_KEY: devPublicKeyPem() }, {}]) {
      const { code, output } = await run('gateway', 'src/main.ts', {
        GATEWAY_SIGNING_SECRET: productionSecret,
        GATEWAY_PORT: '0',
        ...key,
      });
      expect(code).not.toBe(0);
      expect(output).toMatch(/JWT_PUBLIC_KEY: .*development key/);
    }
  });

  it('a subgraph refuses an unset secret and a database left to its development default', async () => {
    const { code, output } = await run('services/org', 'src/main.ts', { ORG_PORT: '0' });
    expect(code).not.toBe(0);
    expect(output).toContain('GATEWAY_SIGNING_SECRET: must be set when NODE_ENV=production');
    expect(output).toContain('DATABASE_URL: must be set when NODE_ENV=production');
    expect(output).not.toContain(' ready"');
  });

  it('a worker refuses Redis left to its development default and the development database URL', async () => {
    const { code, output } = await run('services/notification', 'src/worker.ts', {
      GATEWAY_SIGNING_SECRET: productionSecret,
      DATABASE_URL: DEV_DEFAULTS.databaseUrl,
    });
    expect(code).not.toBe(0);
    expect(output).toContain('REDIS_URL: must be set when NODE_ENV=production');
    expect(output).toContain('DATABASE_URL: the development database URL is refused');
    expect(output).not.toContain(productionSecret);
  });
});
