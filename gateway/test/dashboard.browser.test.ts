/**
 * The ministry dashboard (packages/dashboard, served at /dashboard) in a real headless Chromium —
 * Debian's `chromium`, driven by playwright-core — against the real stack: the whole demo country
 * (63 provinces, 696 districts, 10,035 communes, 22 ministries) with a seeded year of dossiers and
 * two nightly rankings half a year apart, so ranks move. It signs in with a token, shows the 63
 * provinces and the totals NationalCompliance answers, drills into a province's districts and a
 * district's communes, saves a screenshot, and exports files that open with the right rows. The
 * page may send only the contract's operations. `eiso export` writes the same rows from the CLI.
 *
 * No Chromium is a failure, not a skip: .ci/run installs it (apt-get install chromium).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { addDays, todayInVietnam } from '@eiso/calendar';
import { computeRankings, createAuditDataSource } from '@eiso/audit';
import { signToken } from '@eiso/auth';
import { operation } from '@eiso/contract';
import { DASHBOARD_OPERATIONS } from '@eiso/dashboard';
import { bearer, postGraphQL, type Stack } from '@eiso/testing';
import type { DataSource } from 'typeorm';
import { startEisoStack, tokenFor } from './support';

// A loaded machine (other test files run beside this one) slows the stack and the browser alike.
jest.setTimeout(180_000);

const CHROMIUM = process.env.EISO_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = path.join(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'test-results');
const today = todayInVietnam();
const year = Number(today.slice(0, 4));

let browser: Browser | undefined;
let stack: Stack;
let auditDb: DataSource | undefined;
let viewer: string;
let dashboardUrl: string;

const gql = async (name: string, variables: Record<string, unknown>, token = viewer): Promise<any> => {
  const answer = await postGraphQL(stack.gatewayUrl, operation(name), variables, bearer(token));
  expect(answer.errors).toBeUndefined();
  return answer.data;
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}, and the dashboard's browser test needs it: ` +
        'install Debian’s package as root (apt-get install -y chromium; .ci/run does this when it is missing) ' +
        'or set EISO_CHROMIUM to a Chromium or Chrome binary.',
    );
  mkdirSync(RESULTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Chromium refuses its sandbox to root (CI runs as root).
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  stack = await startEisoStack({ services: ['org', 'catalog', 'dossier', 'audit'], dossiers: 2000 });
  viewer = await tokenFor(stack, 'viewer.BKHCN');
  dashboardUrl = stack.gatewayUrl.replace(/\/graphql$/, '/dashboard');
  // Two nightly rankings half a year apart: different dossiers fall in each one's year, so ranks move.
  auditDb = createAuditDataSource(stack.env, 2).dataSource;
  await auditDb.initialize();
  const sources = {
    catalogUrl: stack.env.CATALOG_URL,
    dossierUrl: stack.env.DOSSIER_URL,
    secret: stack.env.GATEWAY_SIGNING_SECRET,
  };
  await computeRankings(auditDb, sources, { day: addDays(today, -180) });
  await computeRankings(auditDb, sources, { day: today });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await auditDb?.destroy();
  await stack?.stop();
});

/** A page that records what it sends to /graphql and every console error or CSP violation. */
async function openPage(): Promise<{
  context: BrowserContext;
  page: Page;
  sent: { url: string; body: any; authorization?: string }[];
  problems: string[];
}> {
  const context = await browser!.newContext({
    acceptDownloads: true,
    viewport: { width: 1400, height: 1000 },
  });
  const page = await context.newPage();
  const sent: { url: string; body: any; authorization?: string }[] = [];
  const problems: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/graphql')
      sent.push({
        url: request.url(),
        body: request.postDataJSON(),
        authorization: request.headers().authorization,
      });
  });
  page.on('console', (message) => {
    // A refused token answers 401, which Chromium logs as a failed resource: expected there.
    if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  watched = page;
  return { context, page, sent, problems };
}

/** The page a failed wait photographs (test-results/dashboard-failure-*.png). */
let watched: Page | undefined;

/** Polls until the assertion passes on what `read` answers (the page renders asynchronously). */
async function settle<T>(read: () => Promise<T>, assert: (value: T) => void, timeout = 60_000): Promise<T> {
  const until = Date.now() + timeout;
  for (;;) {
    const value = await read();
    try {
      assert(value);
      return value;
    } catch (error) {
      if (Date.now() > until) {
        await watched
          ?.screenshot({ path: path.join(RESULTS, `dashboard-failure-${Date.now()}.png`), fullPage: true })
          .catch(() => undefined);
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
const count = (locator: Locator, n: number, timeout?: number) =>
  settle(
    () => locator.count(),
    (c) => expect(c).toBe(n),
    timeout,
  );
const text = (locator: Locator, expected: string) =>
  settle(
    () => locator.textContent(),
    (t) => expect(t).toContain(expected),
  );
const attribute = (locator: Locator, name: string, matches: string | RegExp) =>
  settle(
    () => locator.getAttribute(name),
    (v) => (typeof matches === 'string' ? expect(v).toBe(matches) : expect(v).toMatch(matches)),
  );
const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 60_000 });

async function signIn(page: Page, token: string) {
  await page.locator('#token').fill(token);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

describe('the dashboard in Chromium', () => {
  it('is served with a strict CSP and no inline script, at /dashboard/', async () => {
    const { context, page } = await openPage();
    const response = await page.goto(dashboardUrl);
    expect(page.url()).toBe(`${dashboardUrl}/`);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['content-security-policy']).not.toContain('unsafe');
    expect(headers['x-content-type-options']).toBe('nosniff');
    const html = await response!.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/); // every script is a file
    expect(html).not.toMatch(/\bstyle=|https?:\/\//); // no inline style, nothing from elsewhere
    await visible(page.locator('#signin'));
    await context.close();
  });

  it('says in Vietnamese why a token is refused: malformed, expired, invalid, not the ministry’s', async () => {
    const { context, page, sent } = await openPage();
    await page.goto(`${dashboardUrl}/`);
    const error = page.locator('#signin-error');

    await signIn(page, 'không phải mã');
    await text(error, 'không đúng định dạng JWT');

    const expired = await signToken(
      {
        officialId: '00000000-0000-0000-0000-000000000000',
        username: 'viewer.BKHCN',
        unitId: '00000000-0000-0000-0000-000000000000',
        unitCode: 'BKHCN',
        unitPath: '/VN/BKHCN/',
        roles: ['MINISTRY_VIEWER'],
      },
      { expiresIn: Math.floor(Date.now() / 1000) - 60 },
    );
    await signIn(page, expired);
    await text(error, 'đã hết hạn');
    expect(sent).toHaveLength(0); // an expired token is not even sent

    const [head, body] = viewer.split('.');
    await signIn(page, `${head}.${body}.${'A'.repeat(86)}`); // a forged signature
    await text(error, 'không hợp lệ hoặc đã hết hạn');

    await signIn(page, await tokenFor(stack, 'leader.22'));
    await text(error, 'không có quyền xem báo cáo toàn quốc');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await context.close();
  });
});

/** One signed-in page, step by step, as an official would use it. */
describe('signed in as the ministry', () => {
  let context: BrowserContext;
  let page: Page;
  let sent: { url: string; body: any; authorization?: string }[];
  let problems: string[];
  let report: any;
  let ranking: any;
  const STEP = 180_000;

  beforeAll(async () => {
    ({ context, page, sent, problems } = await openPage());
    [report, ranking] = await Promise.all([
      gql('NationalCompliance', { year }).then((d) => d.complianceReport),
      gql('Rankings', { level: 'PROVINCE' }).then((d) => d.rankings),
    ]);
    await page.goto(`${dashboardUrl}/`);
    await signIn(page, viewer);
  }, STEP);
  afterAll(() => context?.close());

  it(
    'shows the 63 provinces, coloured by compliance, and the national totals NationalCompliance answers',
    async () => {
      await count(page.locator('[data-province]'), 63);
      expect(report.provinces).toHaveLength(63);
      const n = report.national;
      expect(n).toMatchObject({ provincesTotal: 63, ministriesTotal: 22, communesTotal: 10035 });
      const total = (key: string) => page.locator(`[data-total="${key}"]`);
      const totals: [string, number, number][] = [
        ['ministries', n.ministriesCompliant, n.ministriesTotal],
        ['provinces', n.provincesCompliant, n.provincesTotal],
        ['communes', n.communesAnnounced, n.communesTotal],
      ];
      for (const [key, done, of] of totals) {
        await attribute(total(key), 'data-count', String(done));
        await attribute(total(key), 'data-of', String(of));
        await text(
          total(key).locator('.value'),
          `${done.toLocaleString('vi-VN')}/${of.toLocaleString('vi-VN')}`,
        );
      }
      for (const p of report.provinces)
        await attribute(
          page.locator(`[data-province="${p.unit.code}"]`),
          'class',
          p.compliant ? /\byes\b/ : /\bno\b/,
        );
      // Coloured by on-time rate on demand.
      await page.locator('[data-colouring="onTime"]').click();
      await attribute(page.locator('[data-province="22"]'), 'class', /\bband-\d|\bnone\b/);
      await page.locator('[data-colouring="compliance"]').click();
    },
    STEP,
  );

  it(
    'ranks the provinces with arrows for their movement since the previous ranking',
    async () => {
      expect(ranking.date).toBe(today);
      await count(page.locator('[data-ranked-province]'), 63);
      const up = ranking.entries.filter((e: any) => e.previousRank > e.rank).length;
      const down = ranking.entries.filter((e: any) => e.previousRank < e.rank).length;
      expect(up + down).toBeGreaterThan(0);
      await count(page.locator('[data-ranked-province] .move.up'), up);
      await count(page.locator('[data-ranked-province] .move.down'), down);
      await attribute(
        page.locator('[data-ranked-province]').first(),
        'data-ranked-province',
        ranking.entries[0].unit.code,
      );
    },
    STEP,
  );

  it(
    'shows the national on-time rate month by month',
    async () => {
      await count(page.locator('#trend [data-month]'), 12);
      await visible(page.locator('#trend rect.bar').first());
    },
    STEP,
  );

  it(
    'drills into a province’s districts, then a district’s communes, and saves a screenshot',
    async () => {
      const districts = (await gql('UnitsByLevel', { level: 'DISTRICT', underCode: '22', first: 200 })).units;
      expect(districts.totalCount).toBeGreaterThan(5);
      await page.locator('[data-province="22"]').click();
      await text(page.locator('#drill-title'), 'Quảng Ninh');
      await count(page.locator('#districts tr[data-district]'), districts.totalCount);
      const district = districts.edges[0].node;
      const communes = (await gql('UnitsByLevel', { level: 'COMMUNE', underCode: district.code, first: 200 }))
        .units;
      expect(communes.totalCount).toBeGreaterThan(3);
      await page.locator(`#districts tr[data-district="${district.code}"]`).click();
      await count(page.locator('#communes tr[data-commune]'), communes.totalCount);
      await text(page.locator('#communes'), communes.edges[0].node.name);
      await text(page.locator('#trend h2'), 'Quảng Ninh');
      await count(page.locator('#trend [data-month]'), 12);
      await page.screenshot({ path: path.join(RESULTS, 'dashboard.png'), fullPage: true });
    },
    STEP,
  );

  it(
    'exports the compliance report as an XLSX that opens with a row per province and ministry',
    async () => {
      const [xlsx] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('[data-export="compliance-xlsx"]').click(),
      ]);
      expect(xlsx.suggestedFilename()).toBe(`eiso-tuan-thu-iso-${year}.xlsx`);
      const xlsxPath = path.join(RESULTS, xlsx.suggestedFilename());
      await xlsx.saveAs(xlsxPath);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(xlsxPath);
      const sheet = workbook.getWorksheet(`Tuân thủ ISO ${year}`)!;
      expect(sheet.rowCount).toBe(1 + 63 + 22);
      const rows = sheet.getSheetValues().slice(2) as unknown[][];
      expect(rows.map((r) => [r[2], r[3], r[4]])).toEqual([
        ...report.provinces.map((p: any) => [p.unit.code, p.unit.name, p.compliant ? 'Đạt' : 'Chưa đạt']),
        ...report.ministries.map((m: any) => [m.unit.code, m.unit.name, m.compliant ? 'Đạt' : 'Chưa đạt']),
      ]);
      expect(rows.map((r) => r[8])).toEqual(
        report.provinces.map((p: any) => p.communesAnnounced).concat(Array(22).fill(undefined)),
      );
      const national = workbook.getWorksheet(`Toàn quốc ${year}`)!;
      expect(national.getRow(4).getCell(2).value).toBe(report.national.communesAnnounced);
    },
    STEP,
  );

  it(
    'exports the province ranking as CSV: UTF-8 with a BOM, a row per province in rank order',
    async () => {
      const [csv] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('[data-export="rankings-csv"]').click(),
      ]);
      const csvPath = path.join(RESULTS, csv.suggestedFilename());
      await csv.saveAs(csvPath);
      const csvText = readFileSync(csvPath, 'utf8');
      expect(csvText.charCodeAt(0)).toBe(0xfeff);
      const lines = csvText.slice(1).trimEnd().split('\r\n');
      expect(lines).toHaveLength(64);
      const first = ranking.entries[0];
      expect(lines[1].split(',').slice(0, 4)).toEqual([
        String(first.rank),
        first.previousRank === null ? '' : String(first.previousRank),
        first.previousRank === null ? '' : String(first.previousRank - first.rank),
        first.unit.code,
      ]);
    },
    STEP,
  );

  it('sent only the contract’s operations, with the token in a header and never in a URL', () => {
    expect(sent.length).toBeGreaterThan(20);
    for (const request of sent) {
      expect(DASHBOARD_OPERATIONS).toContain(request.body.operationName);
      expect(request.body.query).toBe(operation(request.body.operationName));
      expect(request.authorization).toBe(`Bearer ${viewer}`);
    }
    expect(sent.some((r) => r.url.includes(viewer.slice(-20)))).toBe(false);
    expect(problems).toEqual([]);
  });

  it(
    'keeps the token for the tab’s session: a reload shows the country; signing out forgets it',
    async () => {
      await page.reload();
      await count(page.locator('[data-province]'), 63);
      await page.locator('#signout').click();
      await visible(page.locator('#signin'));
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    },
    STEP,
  );
});

describe('eiso export', () => {
  const cli = path.join(ROOT, 'packages', 'cli');
  const run = (args: string[], env: Record<string, string> = {}) =>
    promisify(execFile)(
      process.execPath,
      ['--conditions=eiso-source', '--import', 'tsx', 'src/main.ts', 'export', ...args],
      {
        cwd: cli,
        encoding: 'buffer',
        maxBuffer: 16 * 1024 * 1024,
        env: {
          ...process.env,
          DATABASE_URL: stack.env.DATABASE_URL,
          TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.tsx.json'),
          ...env,
        },
      },
    );

  it('writes the compliance report as CSV on stdout and a district ranking as XLSX, through the gateway', async () => {
    const report = (await gql('NationalCompliance', { year })).complianceReport;
    const { stdout } = await run(['compliance', '--year', String(year), '--gateway', stack.gatewayUrl], {
      EISO_TOKEN: viewer,
    });
    const csvText = stdout.toString('utf8');
    expect(csvText.charCodeAt(0)).toBe(0xfeff);
    const lines = csvText.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 63 + 22);
    expect(lines[1]).toMatch(new RegExp(`^"Tỉnh, thành phố",${report.provinces[0].unit.code},`));

    const ranking = (await gql('Rankings', { level: 'DISTRICT', parentCode: '22' })).rankings;
    await run(
      [
        'rankings',
        '--level',
        'DISTRICT',
        '--parent',
        '22',
        '--out',
        'districts-22.xlsx',
        '--as',
        'viewer.BKHCN',
      ],
      {
        EISO_GATEWAY_URL: stack.gatewayUrl,
        INIT_CWD: RESULTS,
      },
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path.join(RESULTS, 'districts-22.xlsx'));
    const sheet = workbook.worksheets[0];
    expect(sheet.name).toBe('Xếp hạng cấp huyện – Quảng Ninh');
    const rows = sheet.getSheetValues().slice(2) as unknown[][];
    expect(rows.map((r) => [r[1], r[4], r[6]])).toEqual(
      ranking.entries.map((e: any) => [e.rank, e.unit.code, e.score]),
    );
  }, 120_000);

  it('says why the gateway refused', async () => {
    const refused = await run(['compliance', '--gateway', stack.gatewayUrl], { EISO_TOKEN: 'a.b.c' }).catch(
      (error) => error,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr.toString()).toContain('UNAUTHENTICATED');
  }, 60_000);
});
