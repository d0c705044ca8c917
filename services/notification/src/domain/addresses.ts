/**
 * Where webhooks may not go (server-side request forgery): a province registers a URL, and eiso
 * POSTs to it from inside its own network — so loopback, private, link-local (cloud metadata at
 * 169.254.169.254), carrier-grade NAT, multicast and reserved ranges are refused. The policy
 * (`WEBHOOK_PRIVATE_ADDRESSES`) may let loopback through (the default in development, where
 * front-ends run on localhost) or every private address (a closed network); production's default
 * is none.
 */
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

export type PrivateAddressPolicy = 'none' | 'loopback' | 'all';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Whether an IP address (v4, v6, or v4 mapped into v6) is private: one webhooks may not reach by default. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]);
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: refuse rather than guess
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function isLoopback(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = mapped ? mapped[1] : address;
  const family = isIP(plain);
  return family !== 0 && loopback.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether the policy lets a webhook reach this resolved address. */
export function addressAllowed(address: string, policy: PrivateAddressPolicy): boolean {
  if (!isPrivateAddress(address) || policy === 'all') return true;
  return policy === 'loopback' && isLoopback(address);
}

/**
 * Whether the policy lets a webhook name this URL host, judged without a lookup: a name for this
 * machine counts as loopback, an address literal by its range; other names pass here and are
 * judged by the addresses they resolve to when the connection is made.
 */
export function hostAllowed(hostname: string, policy: PrivateAddressPolicy): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return policy !== 'none';
  return isIP(host) === 0 || addressAllowed(host, policy);
}
