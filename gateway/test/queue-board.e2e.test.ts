/**
 * The queue board (bull-board at /admin/queues, gateway/src/queue-board.ts) on a real stack with
 * its three workers running as `pnpm start` runs them: the queues the workers create in Redis are
 * exactly EISO_QUEUES (so a queue added to a worker and not to the list fails here), and the board
 * lists every one of them — for a SYSTEM_ADMIN only, by Bearer header or by the sign-in cookie;
 * 401 without a token, 403 for another official; read-only unless QUEUE_BOARD_ACTIONS=true.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '@eiso/logging';
import { createRedisConnection, EISO_QUEUES } from '@eiso/outbox';
import { waitFor, type Stack } from '@eiso/testing';
import type { Redis } from 'ioredis';
import { loadGatewayConfig, startGateway } from '../src';
import { startEisoStack, tokenFor } from './support';

const root = path.join(__dirname, '..', '..');
const BOARD = '/admin/queues';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let stack: Stack;
let origin: string;
let redis: Redis;
const workers = new Set<ChildProcess>();
const tokens: Record<string, string> = {};
const every = EISO_QUEUES.map((q) => q.name).sort();

beforeAll(async () => {
  stack = await startEisoStack({
    provinceCodes: ['22'],
    services: ['org', 'catalog', 'dossier', 'audit', 'notification'],
  });
  origin = new URL(stack.gatewayUrl).origin;
  redis = createRedisConnection(stack.env.REDIS_URL) as Redis;
  tokens.admin = await tokenFor(stack, 'admin');
  tokens.leader = await tokenFor(stack, 'leader.22');
  // SMTP_URL turns the e-mail channel (and its queue) on; nothing is sent in this test.
  await Promise.all(
    (['dossier', 'audit', 'notification'] as const).map((service) =>
      startWorker(service, { SMTP_URL: 'smtp://127.0.0.1:9' }),
    ),
  );
}, 240_000);

afterAll(async () => {
  for (const child of workers) child.kill('SIGTERM');
  await Promise.all([...workers].map((child) => new Promise((resolve) => child.once('exit', resolve))));
  await redis?.quit();
  await stack?.stop();
});

/** Starts a service's worker (src/worker.ts) and resolves once it logs that it is ready. */
async function startWorker(service: string, env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, ['--conditions=eiso-source', '--import', 'tsx', 'src/worker.ts'], {
    cwd: path.join(root, 'services', service),
    env: {
      ...process.env,
      ...stack.env,
      ...env,
      LOG_LEVEL: 'info',
      TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.tsx.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.add(child);
  child.once('exit', () => workers.delete(child));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${service} worker not ready: ${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes(' ready"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${service} worker exited (${code}): ${output}`)));
  });
}

/** The queues that exist in Redis under the stack's prefix (BullMQ writes `<prefix>:<queue>:meta`). */
async function queuesInRedis(): Promise<string[]> {
  const prefix = stack.env.QUEUE_PREFIX;
  const names = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*:meta`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) names.add(key.slice(prefix.length + 1, -':meta'.length));
  } while (cursor !== '0');
  return [...names].sort();
}

const request = (url: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  fetch(`${origin}${url}`, { redirect: 'manual', ...init });
const asJson = { accept: 'application/json' };
const asBrowser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

async function signIn(token: string, headers: Record<string, string> = {}) {
  return request(`${BOARD}/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...asBrowser, ...headers },
    body: new URLSearchParams({ token, next: `${BOARD}/queue/dossier.sweeps` }).toString(),
  });
}

describe('the queues of eiso', () => {
  it('are the queues the running workers create in Redis, no more and no fewer', async () => {
    const found = await waitFor(queuesInRedis, (names) => names.length >= every.length, 60_000);
    expect(found).toEqual(every);
  });
});

describe('the queue board at /admin/queues', () => {
  it('lists every queue to a SYSTEM_ADMIN with a Bearer token, with its counts, read-only', async () => {
    const response = await request(`${BOARD}/api/queues`, {
      headers: { ...asJson, authorization: `Bearer ${tokens.admin}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      queues: { name: string; counts: Record<string, number>; readOnlyMode: boolean; description?: string }[];
    };
    expect(body.queues.map((q) => q.name).sort()).toEqual(every);
    for (const queue of body.queues) {
      expect(queue.readOnlyMode).toBe(true);
      expect(queue.description).toBe(EISO_QUEUES.find((q) => q.name === queue.name)!.description);
      expect(typeof queue.counts.failed).toBe('number');
    }
    // The workers' job schedulers are there to see (the deadline sweep, the nightly rankings…).
    const sweeps = body.queues.find((q) => q.name === 'dossier.sweeps')!;
    expect(sweeps).toBeDefined();
    const schedulers = await request(`${BOARD}/api/job-schedulers`, {
      headers: { ...asJson, authorization: `Bearer ${tokens.admin}` },
    });
    expect(schedulers.status).toBe(200);
    expect(JSON.stringify(await schedulers.json())).toContain('deadline-sweep');
  });

  it('refuses actions: the board is read-only unless QUEUE_BOARD_ACTIONS=true', async () => {
    const response = await request(`${BOARD}/api/queues/dossier.sweeps/pause`, {
      method: 'PUT',
      headers: { ...asJson, authorization: `Bearer ${tokens.admin}` },
    });
    expect(response.status).toBe(405);
    expect(await redis.hget(`${stack.env.QUEUE_PREFIX}:dossier.sweeps:meta`, 'paused')).toBeNull();
  });

  it('with QUEUE_BOARD_ACTIONS=true, lets a SYSTEM_ADMIN act (pause and resume a queue)', async () => {
    const gateway = await startGateway(
      loadGatewayConfig({ ...stack.env, QUEUE_BOARD_ACTIONS: 'true' }),
      createLogger('gateway', 'silent'),
    );
    try {
      const act = (action: string, token = tokens.admin) =>
        fetch(`${new URL(gateway.url).origin}${BOARD}/api/queues/notification.emails/${action}`, {
          method: 'PUT',
          headers: { ...asJson, authorization: `Bearer ${token}` },
        });
      expect((await act('pause', tokens.leader)).status).toBe(403);
      expect((await act('pause')).status).toBe(200);
      const meta = `${stack.env.QUEUE_PREFIX}:notification.emails:meta`;
      expect(await redis.hget(meta, 'paused')).toBe('1');
      expect((await act('resume')).status).toBe(200);
      expect(await redis.hget(meta, 'paused')).toBeNull();
    } finally {
      await gateway.stop();
    }
  });

  it('answers 401 without a token: the sign-in page to a browser, JSON to a script', async () => {
    const page = await request(`${BOARD}/`, { headers: asBrowser });
    expect(page.status).toBe(401);
    const html = await page.text();
    expect(html).toContain(`action="${BOARD}/sign-in"`);
    expect(html).toContain('SYSTEM_ADMIN');
    const api = await request(`${BOARD}/api/queues`, { headers: asJson });
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await api.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    // A token that does not verify is refused the same way, never downgraded.
    const forged = `${tokens.admin.slice(0, -4)}AAAA`;
    const refused = await request(`${BOARD}/api/queues`, {
      headers: { ...asJson, authorization: `Bearer ${forged}` },
    });
    expect(refused.status).toBe(401);
    // The board's own files are behind the sign-in too.
    expect((await request(`${BOARD}/static/favicon-32x32.png`)).status).toBe(401);
  });

  it('answers 403 to an official who is not SYSTEM_ADMIN, by header or at sign-in (no cookie then)', async () => {
    const api = await request(`${BOARD}/api/queues`, {
      headers: { ...asJson, authorization: `Bearer ${tokens.leader}` },
    });
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const signedIn = await signIn(tokens.leader);
    expect(signedIn.status).toBe(403);
    expect(signedIn.headers.get('set-cookie')).toBeNull();
    expect(await signedIn.text()).toContain('leader.22 is not one');
  });

  it('signs a SYSTEM_ADMIN in with a cookie (HttpOnly, SameSite=Strict, the board only) that opens the board and its API', async () => {
    const signedIn = await signIn(tokens.admin);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe(`${BOARD}/queue/dossier.sweeps`);
    const setCookie = signedIn.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^eiso_queue_board=[\w.-]+;/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\/admin\/queues/);
    expect(setCookie).toMatch(/; Max-Age=\d+/);
    expect(setCookie).not.toMatch(/; Secure/); // plain HTTP here; Secure over HTTPS (req.secure)
    const cookie = setCookie.split(';')[0];

    const board = await request(`${BOARD}/`, { headers: { ...asBrowser, cookie } });
    expect(board.status).toBe(200);
    const html = await board.text();
    expect(html).toContain(`<base href="${BOARD}/"`);
    expect(html).toContain('eiso queues');
    expect(html).not.toMatch(/fonts\.googleapis|https?:\/\/(?!www\.w3\.org)/);
    const csp = board.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    const api = await request(`${BOARD}/api/queues`, { headers: { ...asJson, cookie } });
    expect(api.status).toBe(200);
    expect(((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort()).toEqual(
      every,
    );

    // A change carried by the cookie from another site is refused (SameSite aside).
    const crossSite = await request(`${BOARD}/api/queues/dossier.sweeps/pause`, {
      method: 'PUT',
      headers: { ...asJson, cookie, origin: 'https://elsewhere.example' },
    });
    expect(crossSite.status).toBe(403);

    // Signing out clears the cookie.
    const signedOut = await request(`${BOARD}/sign-out`, { headers: { cookie } });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('set-cookie')).toMatch(/^eiso_queue_board=;.*Expires=Thu, 01 Jan 1970/);
  });

  it('refuses a cookie that does not verify, and a sign-in posted from another site', async () => {
    const bad = await request(`${BOARD}/api/queues`, {
      headers: { ...asJson, cookie: 'eiso_queue_board=not.a.token' },
    });
    expect(bad.status).toBe(401);
    const crossSite = await signIn(tokens.admin, { origin: 'https://elsewhere.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
  });

  it('keeps "next" on the board: a sign-in never redirects elsewhere', async () => {
    for (const next of [
      'https://elsewhere.example/',
      '//elsewhere.example/',
      '/graphql',
      `${BOARD}/../graphql`,
    ]) {
      const response = await request(`${BOARD}/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: tokens.admin, next }).toString(),
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`${BOARD}/`);
    }
  });

  (existsSync(CHROMIUM) ? it : it.skip)(
    'in Chromium, with no network but the gateway: sign in on the form, then the board shows every queue',
    async () => {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      try {
        const context = await browser.newContext();
        const outside: string[] = [];
        await context.route('**/*', (route) => {
          if (route.request().url().startsWith(origin)) return route.continue();
          outside.push(route.request().url());
          return route.abort();
        });
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('pageerror', (e) => problems.push(e.message));
        page.on('console', (m) => {
          // The first answer (401, the sign-in page) is logged by Chromium as a failed load.
          if (m.type() === 'error' && !m.text().includes('401')) problems.push(m.text());
        });
        expect((await page.goto(`${origin}${BOARD}`))?.status()).toBe(401);
        await page.fill('#token', tokens.admin);
        await Promise.all([
          page.waitForURL(`${origin}${BOARD}`) /* back where it was asked for */,
          page.click('button[type=submit]'),
        ]);
        const text = await waitFor(
          () => page.evaluate(() => document.body.innerText),
          (t) => every.every((name) => t.includes(name)),
        );
        for (const name of every) expect(text).toContain(name);
        expect(outside).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
