/**
 * One webhook POST over node:http(s), with the address checked where the connection is made: the
 * name is resolved once, by the guarded lookup, and the socket goes to the address that passed —
 * so a name that resolves to a private address (or is re-pointed there between a check and the
 * request: DNS rebinding) never reaches the inside of the network.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressAllowed, hostAllowed, type PrivateAddressPolicy } from '../domain/addresses';

/** The endpoint's address is one webhooks may not reach: retrying will not help. */
export class ForbiddenAddressError extends Error {}

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  privateAddresses: PrivateAddressPolicy;
}

/** POSTs `body`; resolves with the HTTP status (redirects are not followed). */
export function postWebhook(url: string, body: string, options: PostOptions): Promise<number> {
  const target = new URL(url);
  if (!hostAllowed(target.hostname, options.privateAddresses)) {
    return Promise.reject(new ForbiddenAddressError(`${target.hostname} is not a public address`));
  }
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-length': Buffer.byteLength(body) },
        lookup: options.privateAddresses === 'all' ? undefined : guardedLookup(options.privateAddresses),
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        // The answer's body is not needed; draining it frees the connection.
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', (error) =>
      reject(error.name === 'AbortError' ? new Error(`no answer within ${options.timeoutMs} ms`) : error),
    );
    request.end(body);
  });
}

type Resolve = (
  hostname: string,
  options: { all: true; family?: number },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** A socket lookup that refuses a name when the policy refuses any of its addresses (`resolve`: the DNS). */
export const guardedLookup =
  (policy: PrivateAddressPolicy, resolve: Resolve = dnsLookup as unknown as Resolve): LookupFunction =>
  (hostname, options, callback) => {
    resolve(hostname, { family: options.family as number | undefined, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const forbidden = addresses.find((a) => !addressAllowed(a.address, policy));
      if (forbidden || addresses.length === 0) {
        return callback(
          new ForbiddenAddressError(
            `${hostname} resolves to ${forbidden?.address ?? 'nothing'}, not a public address`,
          ),
          '',
          0,
        );
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
