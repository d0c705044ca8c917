/**
 * Hive Gateway (@graphql-hive/gateway-runtime) on the checked-in supergraph and the running
 * subgraphs, for page.ts to compare with our @apollo/gateway. The subgraphs answer only requests
 * signed by the eiso gateway, so a plugin does what gateway/src/signed-data-source.ts does: it
 * verifies the Bearer JWT once per request (the same verifier) and, on every subgraph fetch
 * (`onFetch`), signs the caller with the request id over the very query text and variables sent.
 * Our gateway also rate-limits (Redis) and bounds query cost; this one does neither.
 *
 *   node --conditions=eiso-source --import tsx hive-gateway.ts   # HIVE_PORT, default 4090
 */
import { createServer } from 'node:http';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { ANONYMOUS, createJwtVerifier, signCallerContext, type Caller } from '@eiso/auth';
import { loadGatewayConfig } from '@eiso/gateway';
import { REQUEST_ID_HEADER, requestIdFrom } from '@eiso/logging';

const PORT = Number(process.env.HIVE_PORT ?? 4090);

async function main(): Promise<void> {
  const config = loadGatewayConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const verify = await createJwtVerifier({
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    publicKeyPem: config.publicKeyPem,
    jwksUrl: config.JWT_JWKS_URL,
  });
  // One caller and one request id per client request, shared by all its subgraph fetches.
  const perRequest = new WeakMap<object, Promise<{ caller: Caller; requestId: string }>>();
  const identify = (request: Request) => {
    let found = perRequest.get(request);
    if (!found) {
      const header = request.headers.get('authorization');
      const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(header?.trim() ?? '')?.[1];
      found = (token ? verify(token) : Promise.resolve(ANONYMOUS)).then((caller) => ({
        caller,
        requestId: requestIdFrom(request.headers.get(REQUEST_ID_HEADER) ?? undefined),
      }));
      perRequest.set(request, found);
    }
    return found;
  };
  // Subgraph URLs from the same variables as our gateway (the supergraph's are the defaults).
  const urlOf = new Map<string, string>();
  for (const [name, url] of Object.entries(config.subgraphUrls)) urlOf.set(defaultUrl(name) ?? url, url);

  const signing: GatewayPlugin = {
    async onFetch({ context, options, setOptions, url, setURL }) {
      const request = (context as { request?: Request }).request;
      if (!request || typeof options.body !== 'string') return;
      const { caller, requestId } = await identify(request);
      const { query, variables } = JSON.parse(options.body) as { query: string; variables?: unknown };
      const override = urlOf.get(url);
      if (override && override !== url) setURL(override);
      setOptions({
        ...options,
        headers: {
          ...(options.headers as Record<string, string>),
          [REQUEST_ID_HEADER]: requestId,
          ...signCallerContext(caller, { requestId, query, variables }, config.GATEWAY_SIGNING_SECRET),
        },
      });
    },
  };

  const gateway = createGatewayRuntime({
    supergraph: config.SUPERGRAPH_PATH,
    logging: 'warn',
    landingPage: false,
    maskedErrors: process.env.HIVE_UNMASKED !== '1',
    plugins: () => [signing],
    // Hive's HTTP transport shares one subgraph response among identical requests in flight, on by
    // default. Every request of the page benchmark is the same query of the same official, so it
    // would answer many clients with one subgraph call, which real pages (many officials, units and
    // cursors) do not allow; off, so both gateways do the same work. HIVE_DEDUPE=1 turns it back on.
    transportEntries: {
      '*.http': { options: { deduplicateInflightRequests: process.env.HIVE_DEDUPE === '1' } },
    },
  });
  const server = createServer(gateway);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  console.log(`hive gateway ready at http://127.0.0.1:${PORT}/graphql`);
  const stop = () => {
    server.close();
    void Promise.resolve(gateway.dispose()).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function defaultUrl(name: string): string | undefined {
  const ports: Record<string, number> = {
    org: 4001,
    catalog: 4002,
    dossier: 4003,
    audit: 4004,
    notification: 4005,
  };
  return ports[name] ? `http://127.0.0.1:${ports[name]}/graphql` : undefined;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
