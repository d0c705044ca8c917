/**
 * Where webhooks may not go: private, loopback and link-local addresses, by URL host and by what a
 * name resolves to at connection time; a real local endpoint is refused unless the policy lets
 * loopback through (development).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import {
  addressAllowed,
  ForbiddenAddressError,
  guardedLookup,
  hostAllowed,
  isPrivateAddress,
  postWebhook,
  type PrivateAddressPolicy,
} from '../src';

describe('private addresses', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'not-an-address',
  ])('%s is private', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(['8.8.8.8', '172.32.0.1', '203.113.131.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => expect(isPrivateAddress(address)).toBe(false),
  );

  it('hosts: names for this machine and private literals are refused without a lookup', () => {
    const refused = [
      'localhost',
      'api.localhost',
      'LOCALHOST',
      '127.0.0.1',
      '[::1]',
      '10.0.0.8',
      '169.254.169.254',
    ];
    for (const host of refused) expect(hostAllowed(host, 'none')).toBe(false);
    for (const host of ['hanoi.gov.vn', '8.8.8.8', '[2001:4860:4860::8888]'])
      expect(hostAllowed(host, 'none')).toBe(true);
  });

  it('the development policy lets loopback through, and nothing else private', () => {
    for (const host of ['localhost', '127.0.0.1', '[::1]']) expect(hostAllowed(host, 'loopback')).toBe(true);
    for (const address of ['169.254.169.254', '10.0.0.8', '192.168.1.1', 'fd00::1'])
      expect(addressAllowed(address, 'loopback')).toBe(false);
    expect(addressAllowed('::ffff:127.0.0.1', 'loopback')).toBe(true);
    expect(addressAllowed('10.0.0.8', 'all')).toBe(true);
  });
});

describe('the connection-time lookup', () => {
  const lookupWith = (policy: PrivateAddressPolicy, answers: LookupAddress[]) =>
    new Promise<{ error: Error | null; address?: unknown }>((resolve) =>
      guardedLookup(policy, (_host, _options, callback) => callback(null, answers))(
        'intranet.example',
        { family: 0 } as never,
        ((error: Error | null, address?: unknown) => resolve({ error, address })) as never,
      ),
    );

  it('refuses a name when any address it resolves to is private (DNS rebinding included)', async () => {
    const refused = await lookupWith('loopback', [
      { address: '203.113.131.1', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ]);
    expect(refused.error).toBeInstanceOf(ForbiddenAddressError);
    expect(refused.error!.message).toContain('10.0.0.5');
    expect((await lookupWith('none', [{ address: '127.0.0.1', family: 4 }])).error).toBeInstanceOf(
      ForbiddenAddressError,
    );
  });

  it('passes a public name through to the address it resolved to', async () => {
    expect(await lookupWith('none', [{ address: '203.113.131.1', family: 4 }])).toEqual({
      error: null,
      address: '203.113.131.1',
    });
  });
});

describe('postWebhook to a real local endpoint', () => {
  let server: http.Server;
  let url: string;
  let received = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      received++;
      req.resume();
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const post = (privateAddresses: PrivateAddressPolicy) =>
    postWebhook(url, '{"id":"1"}', {
      headers: { 'content-type': 'application/json' },
      timeoutMs: 2000,
      privateAddresses,
    });

  it('is refused, and nothing is sent, where private addresses are not allowed', async () => {
    await expect(post('none')).rejects.toBeInstanceOf(ForbiddenAddressError);
    expect(received).toBe(0);
  });

  it('is delivered where loopback is allowed (development)', async () => {
    expect(await post('loopback')).toBe(204);
    expect(received).toBe(1);
  });
});
