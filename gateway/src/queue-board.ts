/**
 * The queue board: bull-board at /admin/queues, for SYSTEM_ADMIN officials, showing every BullMQ
 * queue of eiso (`EISO_QUEUES` of @eiso/outbox) where the workers keep it: under QUEUE_PREFIX, on
 * one Redis server or a Redis Cluster (REDIS_CLUSTER_NODES, each queue under its hash tag).
 *
 * Signing in. A browser cannot put a Bearer header on a navigation, so the board has a sign-in
 * page: POST /admin/queues/sign-in with a token (`pnpm -s eiso token admin`, or the identity
 * provider's) verifies it with the gateway's own JWT verifier and, when its roles hold
 * SYSTEM_ADMIN, sets a cookie holding it — HttpOnly, SameSite=Strict, Path=/admin/queues, Secure
 * over HTTPS, living until the token expires (at most 12 hours). Every request under the path,
 * the board's API included, is verified again (signature, expiry, role); scripts send
 * `Authorization: Bearer <JWT>` instead, which takes precedence over the cookie. No token, or one
 * refused: 401 (the sign-in page for a browser, JSON otherwise); an official without SYSTEM_ADMIN:
 * 403. A cookie-borne request that changes something must come from this origin (Origin header),
 * on top of SameSite=Strict.
 *
 * Read-only unless QUEUE_BOARD_ACTIONS=true. bull-board's actions cannot be granted one by one:
 * allowing retries also allows adding a job with any data to a queue (a forged dossier event,
 * which the consumers would apply as if the outbox had sent it), removing the deadline sweep's
 * scheduler, emptying or obliterating a queue. Looking is what an operator needs day to day; an
 * operator who must retry failed jobs turns the actions on for that maintenance and off again.
 *
 * The board connects to Redis on its first signed-in request, not at the gateway's start, and
 * reads without writing (`skipMetasUpdate`: opening a queue does not create it).
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import type { IServerAdapter } from '@bull-board/api/typings/app';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import { GraphQLError } from 'graphql';
import { tokenExpiryMs, type JwtVerifier, type OfficialCaller } from '@eiso/auth';
import type { Logger } from '@eiso/logging';
import { createRedisConnection, EISO_QUEUES, queueConnection, type RedisConnection } from '@eiso/outbox';

export const QUEUE_BOARD_PATH = '/admin/queues';
export const QUEUE_BOARD_COOKIE = 'eiso_queue_board';
const MAX_SESSION_MS = 12 * 3600_000;

export interface QueueBoardOptions {
  redisUrl: string;
  clusterNodes: readonly string[];
  prefix: string;
  /** bull-board's actions (retry, clean, add, pause…); read-only when false. */
  actions: boolean;
  verify: JwtVerifier;
  logger: Logger;
}

export interface QueueBoard {
  close(): Promise<void>;
}

/** Mounts the board and its sign-in at /admin/queues. */
export function mountQueueBoard(app: express.Express, options: QueueBoardOptions): QueueBoard {
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  const board = createBullBoard({
    queues: [],
    // @bull-board/express 9.10.1 is typed against @bull-board/api 9.10.1 (its own dependency); the
    // adapter interface is the same in 9.10.2, whose classes differ only in private members.
    serverAdapter: serverAdapter as unknown as IServerAdapter,
    options: {
      uiConfig: {
        boardTitle: 'eiso queues',
        miscLinks: [{ text: 'Sign out', url: `${QUEUE_BOARD_PATH}/sign-out` }],
      },
    },
  });
  let opened: { connection: RedisConnection; queues: Queue[] } | undefined;
  /** The queues, opened on the first signed-in request. */
  const open = () => {
    if (opened) return;
    const connection = createRedisConnection(options.redisUrl, options.clusterNodes);
    connection.on('error', (error: Error) => options.logger.warn({ err: error }, 'queue board: Redis error'));
    const queues = EISO_QUEUES.map(
      (info) =>
        new Queue(info.name, {
          ...queueConnection(connection, options.prefix, info.name),
          skipMetasUpdate: true,
        }),
    );
    board.replaceQueues(
      queues.map(
        (queue, i) =>
          new BullMQAdapter(queue, {
            readOnlyMode: !options.actions,
            description: EISO_QUEUES[i].description,
            delimiter: '.',
          }),
      ),
    );
    opened = { connection, queues };
  };

  const router = express.Router();
  router.use((_req, res, next) => {
    // bull-board's page links a Google Fonts stylesheet: refused here, the board keeps to this origin.
    res.set({
      'Content-Security-Policy': BOARD_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
    });
    next();
  });
  router.get('/sign-in', (req, res) => void page(res, 200, signInPage(safeNext(req.query.next))));
  router.post('/sign-in', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res, next) => {
    try {
      const body = (req.body ?? {}) as { token?: unknown; next?: unknown };
      const back = safeNext(body.next);
      if (!sameOrigin(req)) return void page(res, 403, messagePage('Refused: a sign-in from another site.'));
      const token = typeof body.token === 'string' ? body.token.trim().replace(/^Bearer\s+/i, '') : '';
      const checked = await check(options.verify, token);
      if (checked.status !== 200)
        return void page(
          res,
          checked.status,
          checked.status === 401 ? signInPage(back, checked.message) : forbiddenPage(checked.message),
        );
      res.cookie(QUEUE_BOARD_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.secure,
        path: QUEUE_BOARD_PATH,
        maxAge: Math.max(0, Math.min(tokenExpiryMs(token) - Date.now(), MAX_SESSION_MS)),
      });
      options.logger.info({ official: checked.caller.username }, 'queue board: signed in');
      res.redirect(303, back);
    } catch (error) {
      next(error);
    }
  });
  router.all('/sign-out', (req, res) => {
    res.clearCookie(QUEUE_BOARD_COOKIE, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: QUEUE_BOARD_PATH,
    });
    res.redirect(303, `${QUEUE_BOARD_PATH}/sign-in`);
  });
  router.use(async (req, res, next) => {
    try {
      const header = req.headers.authorization;
      const fromCookie = header === undefined;
      const token = fromCookie
        ? cookie(req, QUEUE_BOARD_COOKIE)
        : /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1];
      const checked = await check(options.verify, token ?? '');
      if (checked.status !== 200) {
        if (fromCookie && token) res.clearCookie(QUEUE_BOARD_COOKIE, { path: QUEUE_BOARD_PATH });
        return void refuse(req, res, checked.status, checked.message, Boolean(token));
      }
      if (fromCookie && !SAFE_METHODS.has(req.method) && !sameOrigin(req))
        return void refuse(req, res, 403, 'Refused: a change from another site.');
      open();
      next();
    } catch (error) {
      next(error);
    }
  });
  router.use(withoutFontLink(serverAdapter.getRouter()));
  app.use(QUEUE_BOARD_PATH, router);

  return {
    close: async () => {
      if (!opened) return;
      const { connection, queues } = opened;
      opened = undefined;
      await Promise.all(queues.map((queue) => queue.close()));
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

type RenderEngine = (
  file: string,
  options: object,
  done: (error: Error | null, html?: string) => void,
) => void;

/**
 * bull-board's page links a Google Fonts stylesheet. The CSP refuses it anyway; taking the link out
 * of the page saves the browser the refusal (and its console error): the board uses system fonts.
 */
function withoutFontLink(boardApp: express.Express): express.Express {
  const render = (boardApp as unknown as { engines: Record<string, RenderEngine | undefined> }).engines[
    '.ejs'
  ];
  if (render)
    boardApp.engine('ejs', (file, options, done) =>
      render(file, options, (error, html) =>
        done(error, html?.replace(/<link\b[^>]*fonts\.(googleapis|gstatic)\.com[^>]*>\s*/g, '')),
      ),
    );
  return boardApp;
}

type Checked =
  { status: 200; caller: OfficialCaller } | { status: 401 | 403; message: string; caller?: undefined };

/** A token verified by the gateway's verifier, and SYSTEM_ADMIN among its roles. */
async function check(verify: JwtVerifier, token: string): Promise<Checked> {
  if (!token) return { status: 401, message: 'Sign in with the token of a SYSTEM_ADMIN official.' };
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return { status: 401, message: 'That is not a JWT.' };
  let caller: OfficialCaller;
  try {
    caller = await verify(token);
  } catch (error) {
    if (error instanceof GraphQLError) return { status: 401, message: error.message };
    throw error;
  }
  if (!caller.roles.includes('SYSTEM_ADMIN'))
    return {
      status: 403,
      message: `The queue board is for SYSTEM_ADMIN officials; ${caller.username} is not one.`,
    };
  return { status: 200, caller };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** No Origin (a same-origin GET, a script) or this request's own origin. */
function sameOrigin(req: express.Request): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return req.headers['sec-fetch-site'] !== 'cross-site';
  return origin === `${req.protocol}://${req.get('host')}`;
}

/** 401 or 403: a page for a browser (the sign-in form, with why when a token was refused), JSON otherwise. */
function refuse(
  req: express.Request,
  res: express.Response,
  status: 401 | 403,
  message: string,
  tokenGiven = true,
) {
  if (status === 401) res.set('WWW-Authenticate', 'Bearer realm="eiso queue board"');
  if (req.accepts(['application/json', 'text/html']) === 'text/html')
    return page(
      res,
      status,
      status === 401
        ? signInPage(safeNext(req.originalUrl), tokenGiven ? message : undefined)
        : forbiddenPage(message),
    );
  res.status(status).json({ error: { code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message } });
}

/** Where to go after signing in: a page of the board (normalized), never elsewhere. */
function safeNext(value: unknown): string {
  const fallback = `${QUEUE_BOARD_PATH}/`;
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || /[\\\s]/.test(value))
    return fallback;
  const url = new URL(value, 'http://board.invalid');
  const path = url.pathname;
  const inside = path === QUEUE_BOARD_PATH || path.startsWith(`${QUEUE_BOARD_PATH}/`);
  if (url.origin !== 'http://board.invalid' || !inside || path.startsWith(`${QUEUE_BOARD_PATH}/sign-`))
    return fallback;
  return path + url.search;
}

function cookie(req: express.Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

// The sign-in and refusal pages: static HTML, one inline stylesheet named by its hash.
const PAGE_STYLE =
  'body{font:15px system-ui,sans-serif;max-width:34rem;margin:12vh auto;padding:0 1rem;color:#1b263b}' +
  'h1{font-size:1.3rem}textarea{width:100%;height:7rem;font:12px ui-monospace,monospace;box-sizing:border-box}' +
  'button{margin-top:.8rem;padding:.4rem 1.2rem}.error{color:#a4161a}code{background:#eef;padding:0 .2rem}';
const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
const BOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function page(res: express.Response, status: number, body: string) {
  res
    .status(status)
    .set({ 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-store' })
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>eiso queues</title>` +
        `<meta name="robots" content="noindex"><style>${PAGE_STYLE}</style></head><body>${body}</body></html>`,
    );
}

function signInPage(next: string, error?: string): string {
  return (
    `<h1>eiso queues — sign in</h1>` +
    (error ? `<p class="error">${escapeHtml(error)}</p>` : '') +
    `<form method="post" action="${QUEUE_BOARD_PATH}/sign-in">` +
    `<label for="token">Token of a SYSTEM_ADMIN official (in development: <code>pnpm -s eiso token admin</code>)</label>` +
    `<textarea id="token" name="token" required autocomplete="off" spellcheck="false"></textarea>` +
    `<input type="hidden" name="next" value="${escapeHtml(next)}">` +
    `<button type="submit">Sign in</button></form>` +
    `<p>The token is kept in an HttpOnly cookie for this board only, until it expires.</p>`
  );
}

function forbiddenPage(message: string): string {
  return (
    `<h1>eiso queues</h1><p class="error">${escapeHtml(message)}</p>` +
    `<p><a href="${QUEUE_BOARD_PATH}/sign-out">Sign in as someone else</a></p>`
  );
}

function messagePage(message: string): string {
  return `<h1>eiso queues</h1><p class="error">${escapeHtml(message)}</p>`;
}
