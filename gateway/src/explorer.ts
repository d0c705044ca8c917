/**
 * The explorer: GraphiQL at /graphql for a browser, from npm (@graphql-yoga/render-graphiql: its
 * JavaScript, CSS, fonts and Monaco workers are all inside the page), so it works offline and
 * nothing is fetched from a CDN. It replaces Apollo's landing page, which loads Apollo Sandbox
 * from one (gateway.ts turns that page off).
 *
 * - Only a GET that prefers HTML gets the page — a browser's navigation, Apollo's own rule for its
 *   landing page; every other request (POST, a GET with `?query=` and a JSON Accept) goes on to
 *   Apollo unchanged.
 * - The contract's operations (shared/contract/operations.graphql, through @eiso/contract) are the
 *   ready examples: one tab per subgraph section, with the contract's comments, and variables that
 *   run against the development seed (province 22).
 * - A token field above GraphiQL: its token goes out as `Authorization: Bearer …` on the page's
 *   requests to the gateway (unless the headers editor sets Authorization itself), kept in the
 *   tab's sessionStorage only; GraphiQL's headers are not persisted either.
 * - A strict Content-Security-Policy: scripts only by the SHA-256 of the page's two inline scripts
 *   (the renderer's bundle and the token bar's; no 'unsafe-inline', no 'unsafe-eval', no URL),
 *   Monaco's workers from blob: URLs, fonts and images from data: URLs, requests only to this
 *   origin, no framing, no forms, no <base>. Styles need 'unsafe-inline': Monaco and React set
 *   inline styles at run time, which no hash or nonce can name (tried in Chromium: with hashes
 *   alone the editor's styles are refused). CSS cannot run script, so that is the small gap left.
 *
 * On when NODE_ENV is not production; in production only with GRAPHQL_EXPLORER=true (config.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type express from 'express';
import { Kind, parse } from 'graphql';
import { OPERATIONS_PATH } from '@eiso/contract';

// Required untyped: its typings import graphql-yoga's, whose augmentation of GraphQLErrorExtensions
// (`http.headers` a plain record) conflicts with Apollo's (a HeaderMap) across the gateway.
const { renderGraphiQL } = require('@graphql-yoga/render-graphiql') as {
  renderGraphiQL: (options: Record<string, unknown>) => string;
};

/** One tab of examples: a section of the contract's operations and variables to run them with. */
export interface ExplorerTab {
  title: string;
  query: string;
  variables: Record<string, unknown>;
}

/**
 * Variables that run the contract's reads against the development seed (`pnpm start`: province
 * 22, Quảng Ninh), by the subgraph a section of operations.graphql belongs to. Only the variables
 * a section's operations declare are kept; the others (a dossier's code, a mutation's input) are
 * the user's to fill in.
 */
function exampleVariables(subgraph: string, today: string): Record<string, unknown> {
  const year = Number(today.slice(0, 4));
  switch (subgraph) {
    case 'org':
      return { code: '22', level: 'PROVINCE', first: 10 };
    case 'catalog':
      return { unitCode: '22', first: 10 };
    case 'dossier':
      return { unitCode: '22', first: 10, from: `${year}-01-01`, to: today, includeDescendants: true };
    case 'audit':
      return { unitCode: '22', year, level: 'PROVINCE' };
    case 'notification':
      return { first: 10 };
    default:
      return {};
  }
}

const SECTION = /^# ─+ (.+?) ─+\s*$/gm;

/** The contract's operations split at its section lines (`# ─── organization (org subgraph) ───`). */
export function explorerTabs(contract: string, today: string): ExplorerTab[] {
  const starts = [...contract.matchAll(SECTION)];
  if (starts.length === 0)
    throw new Error('operations.graphql: no section lines to split the explorer tabs at');
  const intro = contract.slice(0, starts[0].index).trimEnd();
  return starts.map((start, i) => {
    const body = contract.slice(start.index, starts[i + 1]?.index ?? contract.length).trim();
    const declared = new Set<string>();
    for (const definition of parse(body).definitions)
      if (definition.kind === Kind.OPERATION_DEFINITION)
        for (const v of definition.variableDefinitions ?? []) declared.add(v.variable.name.value);
    const subgraph = /\((\w+) subgraph\)/.exec(start[1])?.[1] ?? '';
    const variables = Object.fromEntries(
      Object.entries(exampleVariables(subgraph, today)).filter(([name]) => declared.has(name)),
    );
    const howTo =
      '# Put the cursor in an operation and press Ctrl-Enter (or ▶ and pick one by name).\n' +
      '# Signing in: paste a token in the field above (pnpm -s eiso token handler.22).';
    return {
      title: start[1],
      query: `${i === 0 ? `${intro}\n#\n` : ''}${howTo}\n\n${body}\n`,
      variables,
    };
  });
}

const TOKEN_STORAGE_KEY = 'eiso.explorer.token';

/** The bar above GraphiQL: the token field, and who the token says it is for. */
const BAR_HTML = `<form id="eiso-bar" autocomplete="off">
  <strong>eiso explorer</strong>
  <label for="eiso-token">Token (sent as Authorization: Bearer …)</label>
  <input id="eiso-token" type="password" spellcheck="false" placeholder="paste a JWT — pnpm -s eiso token handler.22" />
  <button type="button" id="eiso-clear">Clear</button>
  <span id="eiso-who" aria-live="polite"></span>
</form>`;

const BAR_STYLE = `#eiso-bar{box-sizing:border-box;height:44px;display:flex;align-items:center;gap:10px;padding:0 12px;font:13px system-ui,sans-serif;background:#0b2545;color:#fff}
#eiso-bar input{flex:0 1 420px;min-width:120px;padding:5px 8px;border:1px solid #8da9c4;border-radius:4px;font:12px ui-monospace,monospace}
#eiso-bar button{padding:4px 10px;border-radius:4px;border:1px solid #8da9c4;background:#13315c;color:#fff;cursor:pointer}
#eiso-who{opacity:.85;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
#root .graphiql-container{height:calc(100vh - 44px)}`;

/**
 * Runs before GraphiQL: keeps the token in sessionStorage, shows whom it names (read from its
 * payload, unverified: the gateway verifies it), and adds it to the page's requests to this
 * origin's /graphql unless a request already carries Authorization (GraphiQL's headers editor).
 * On a first visit it also gives the first tab its variables: GraphiQL fills the variables editor
 * from its own storage, not from the first of `defaultTabs` (the other tabs load theirs).
 */
const barScript = (firstTabVariables: string) => `(function () {
  try {
    if (!localStorage.getItem('graphiql:tabState')) localStorage.setItem('graphiql:variables', ${JSON.stringify(firstTabVariables)});
  } catch (e) {}
  var KEY = ${JSON.stringify(TOKEN_STORAGE_KEY)};
  var input = document.getElementById('eiso-token');
  var who = document.getElementById('eiso-who');
  function token() { return input.value.trim(); }
  function describe() {
    var t = token();
    if (!t) return 'No token: anonymous (only public operations such as PublicDossierStatus).';
    try {
      var p = JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      var exp = typeof p.exp === 'number' ? new Date(p.exp * 1000) : null;
      return (p.preferred_username || p.sub || '?') + (Array.isArray(p.roles) ? ' · ' + p.roles.join(', ') : '') +
        (exp ? (exp.getTime() < Date.now() ? ' · EXPIRED ' : ' · until ') + exp.toLocaleString() : '');
    } catch (e) {
      return 'Not a JWT: the gateway will refuse it (UNAUTHENTICATED).';
    }
  }
  function update() {
    try { if (token()) sessionStorage.setItem(KEY, token()); else sessionStorage.removeItem(KEY); } catch (e) {}
    who.textContent = describe();
  }
  try { input.value = sessionStorage.getItem(KEY) || ''; } catch (e) {}
  input.addEventListener('input', update);
  document.getElementById('eiso-clear').addEventListener('click', function () { input.value = ''; update(); });
  document.getElementById('eiso-bar').addEventListener('submit', function (e) { e.preventDefault(); });
  update();
  var endpoint = new URL(location.pathname, location.href).href;
  var send = window.fetch.bind(window);
  window.fetch = function (resource, init) {
    var url = new URL(typeof resource === 'string' || resource instanceof URL ? resource : resource.url, location.href);
    var t = token();
    if (t && url.origin + url.pathname === endpoint) {
      var headers = new Headers((init && init.headers) || (resource instanceof Request ? resource.headers : undefined));
      if (!headers.has('authorization')) headers.set('authorization', 'Bearer ' + t);
      init = Object.assign({}, init, { headers: headers });
    }
    return send(resource, init);
  };
})();`;

export interface ExplorerPage {
  html: Buffer;
  gzipped: Buffer;
  etag: string;
  contentSecurityPolicy: string;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The page, with the CSP that names its inline scripts and styles by hash. */
export async function renderExplorerPage(today: string): Promise<ExplorerPage> {
  const tabs = explorerTabs(readFileSync(OPERATIONS_PATH, 'utf8'), today);
  const defaultTabs = tabs.map((tab) => ({
    query: tab.query,
    variables: JSON.stringify(tab.variables, null, 2),
  }));
  const options = {
    title: 'eiso explorer',
    defaultTabs,
    // The headers editor's content (where a token may be pasted) is not written to localStorage.
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: 'variables',
  };
  // The renderer writes the options into an inline script as JSON: nothing may close that script.
  if (JSON.stringify(options).includes('</')) throw new Error('explorer examples may not contain "</"');
  let html: string = renderGraphiQL(options);
  const root = '<div id="root"></div>';
  if (!html.includes(root) || !html.includes('</head>'))
    throw new Error('@graphql-yoga/render-graphiql: unexpected page layout (no #root or </head>)');
  html = html
    .replace('</head>', () => `<style>${BAR_STYLE}</style>\n</head>`)
    .replace(root, () => `${BAR_HTML}\n<script>${barScript(defaultTabs[0].variables)}</script>\n${root}`)
    .replace('<html lang="en">', '<html lang="en"><!-- eiso explorer: GraphiQL served offline -->');
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => sha256(m[1]));
  if (scripts.length !== 2 || /<script[^>]*\ssrc=/i.test(html))
    throw new Error('@graphql-yoga/render-graphiql: unexpected scripts in the page');
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${scripts.join(' ')}`,
    'worker-src blob:',
    // Monaco and React style elements at run time: 'unsafe-inline' (a hash would switch it off).
    "style-src 'unsafe-inline'",
    'img-src data:',
    'font-src data:',
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const body = Buffer.from(html, 'utf8');
  return {
    html: body,
    gzipped: await promisify(gzip)(body),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    contentSecurityPolicy,
  };
}

/** Whether a request is a browser's navigation to the page (Apollo's rule for its landing page). */
export function prefersHtml(req: express.Request): boolean {
  return (
    req.method === 'GET' &&
    req.accepts(['application/json', 'application/graphql-response+json', 'multipart/mixed', 'text/html']) ===
      'text/html'
  );
}

/**
 * Express middleware for /graphql: the page to a browser's GET, everything else to `next`
 * (Apollo). The page is rendered on its first request and kept (for the day: the examples' dates).
 */
export function explorer(): express.RequestHandler {
  let rendered: { day: string; page: Promise<ExplorerPage> } | undefined;
  return (req, res, next) => {
    if (!prefersHtml(req)) return next();
    const today = new Date().toISOString().slice(0, 10);
    if (rendered?.day !== today) {
      const page = renderExplorerPage(today);
      rendered = { day: today, page };
      page.catch(() => (rendered = undefined));
    }
    rendered.page.then((page) => {
      res.vary('Accept').vary('Accept-Encoding');
      res.set({
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': page.contentSecurityPolicy,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-cache',
        ETag: page.etag,
      });
      if (req.fresh) return void res.status(304).end();
      if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
        res.set('Content-Encoding', 'gzip');
        return void res.send(page.gzipped);
      }
      res.send(page.html);
    }, next);
  };
}
