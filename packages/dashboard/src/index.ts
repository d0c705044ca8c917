/**
 * The ministry dashboard's files, bundled in memory by esbuild: the browser code in web/ (with the
 * contract's operation texts compiled in and exceljs's own browser build split into a chunk loaded
 * only for an XLSX export) and the one HTML page. The gateway serves them at /dashboard
 * (gateway/src/dashboard.ts). Nothing is fetched from elsewhere: the page works offline.
 *
 * Bundled when the gateway starts (a few hundred milliseconds, off the request path) rather than
 * by a build step, so `pnpm start`, the tests (which run the sources) and a clean checkout all
 * serve the same page without a generated file to keep in step.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build, stop, type Plugin } from 'esbuild';
import { operation } from '@eiso/contract';

/** The contract operations the dashboard sends — and the only ones. */
export const DASHBOARD_OPERATIONS = [
  'NationalCompliance',
  'Rankings',
  'UnitsByLevel',
  'UnitByCode',
  'UnitStatistics',
] as const;
export type DashboardOperation = (typeof DASHBOARD_OPERATIONS)[number];

export interface DashboardFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

/** Files by their path under the dashboard's root: `index.html`, `assets/app.js`, … */
export type DashboardFiles = Map<string, DashboardFile>;

const SOURCES = path.join(__dirname, '..', 'src', 'web');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** exceljs's browser build without polyfills (the page targets current browsers). */
const excelBrowserBuild: Plugin = {
  name: 'exceljs-browser',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^exceljs$/ }, () => ({
      path: require.resolve('exceljs/dist/exceljs.bare.min.js'),
    }));
  },
};

export async function buildDashboard(options: { minify?: boolean } = {}): Promise<DashboardFiles> {
  const operations = Object.fromEntries(DASHBOARD_OPERATIONS.map((name) => [name, operation(name)]));
  const result = await build({
    entryPoints: { app: path.join(SOURCES, 'main.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
    minify: options.minify ?? true,
    sourcemap: false,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    outdir: '/assets',
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    define: { __EISO_OPERATIONS__: JSON.stringify(operations) },
    plugins: [excelBrowserBuild],
    logLevel: 'silent',
  });
  // esbuild keeps its service process (~16–50 MiB) for the next build; the gateway builds once.
  // A later build in this process starts a new one.
  await stop();
  const files: DashboardFiles = new Map();
  for (const output of result.outputFiles) {
    files.set(`assets/${path.basename(output.path)}`, file(Buffer.from(output.contents), output.path));
  }
  files.set('index.html', file(await readFile(path.join(SOURCES, 'index.html')), 'index.html'));
  return files;
}

function file(body: Buffer, name: string): DashboardFile {
  return {
    body,
    contentType: CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}
