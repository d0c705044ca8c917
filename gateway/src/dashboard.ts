/**
 * The ministry dashboard at /dashboard (packages/dashboard): one page and its bundled script and
 * stylesheet, built in memory when the gateway starts. The page calls this gateway's /graphql with
 * the official's Bearer token, which it keeps in sessionStorage: never in a URL or a cookie.
 *
 * Every answer carries a strict Content-Security-Policy: scripts, styles and requests from this
 * origin only, no inline script or style, no framing, no plugins, no form posts.
 */
import express from 'express';
import { buildDashboard, type DashboardFiles } from '@eiso/dashboard';
import type { Logger } from '@eiso/logging';

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': DASHBOARD_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function dashboardRouter(logger: Logger): express.Router {
  const started = Date.now();
  // Built once, off the request path; a request that comes first waits for it.
  const files: Promise<DashboardFiles | null> = buildDashboard().then(
    (built) => {
      logger.info({ ms: Date.now() - started, files: built.size }, 'dashboard bundled');
      return built;
    },
    (error: unknown) => {
      logger.error({ err: error }, 'the dashboard could not be bundled');
      return null;
    },
  );
  const router = express.Router();
  router.use((req, res, next) => {
    res.set(SECURITY_HEADERS);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.set('Allow', 'GET, HEAD').status(405).type('text/plain').send('Method Not Allowed');
      return;
    }
    next();
  });
  router.get(/.*/, async (req, res) => {
    // /dashboard → /dashboard/, so the page's relative asset and API paths resolve under it.
    if (req.path === '/' && !req.originalUrl.split('?')[0].endsWith('/')) {
      res.redirect(301, `${req.baseUrl}/`);
      return;
    }
    const built = await files;
    if (!built) {
      res.status(503).type('text/plain').send('The dashboard is unavailable (see the gateway log).');
      return;
    }
    const file = built.get(req.path === '/' ? 'index.html' : req.path.slice(1));
    if (!file) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    res.set({
      'Content-Type': file.contentType,
      ETag: file.etag,
      // Revalidated each time (a 304 while the gateway serves the same build).
      'Cache-Control': 'no-cache',
    });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.send(file.body);
  });
  return router;
}
