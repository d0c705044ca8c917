import type { JwtVerifier, OfficialCaller } from '@eiso/auth';
import { rememberVerified } from '../src/gateway';

const caller = { kind: 'official', officialId: 'o1', username: 'handler.22' } as OfficialCaller;
const tokenExpiringAt = (expSeconds: number, tag = 'x') =>
  `h.${Buffer.from(JSON.stringify({ exp: expSeconds, sub: 'o1' })).toString('base64url')}.${tag}`;

function counting(result: (token: string) => Promise<OfficialCaller>) {
  const calls: string[] = [];
  const verify: JwtVerifier = async (token) => {
    calls.push(token);
    return result(token);
  };
  return { verify, calls };
}

describe('rememberVerified: a token that verified is not verified again until it expires', () => {
  it('verifies a token once, then answers from memory within a minute', async () => {
    let now = 1_000_000;
    const { verify, calls } = counting(async () => caller);
    const remembered = rememberVerified(verify, { now: () => now });
    const token = tokenExpiringAt(now / 1000 + 3600);
    await expect(remembered(token)).resolves.toBe(caller);
    now += 59_000;
    await expect(remembered(token)).resolves.toBe(caller);
    expect(calls).toHaveLength(1);
    now += 2_000; // past the minute: verified afresh
    await remembered(token);
    expect(calls).toHaveLength(2);
  });

  it('verifies afresh once the token has expired, and the verifier refuses it', async () => {
    let now = 1_000_000;
    let valid = true;
    const { verify, calls } = counting(async () => {
      if (!valid) throw new Error('Invalid token: expired');
      return caller;
    });
    const remembered = rememberVerified(verify, { now: () => now });
    const token = tokenExpiringAt(now / 1000 + 10);
    await remembered(token);
    now += 10_000;
    valid = false;
    await expect(remembered(token)).rejects.toThrow('expired');
    expect(calls).toHaveLength(2);
  });

  it('never remembers a refused token', async () => {
    const { verify, calls } = counting(async () => {
      throw new Error('Invalid token: signature');
    });
    const remembered = rememberVerified(verify);
    const token = tokenExpiringAt(Date.now() / 1000 + 3600);
    await expect(remembered(token)).rejects.toThrow('signature');
    await expect(remembered(token)).rejects.toThrow('signature');
    expect(calls).toHaveLength(2);
  });

  it('keeps at most maxEntries tokens, forgetting the oldest', async () => {
    const { verify, calls } = counting(async () => caller);
    const remembered = rememberVerified(verify, { maxEntries: 2 });
    const exp = Date.now() / 1000 + 3600;
    const [a, b, c] = ['a', 'b', 'c'].map((tag) => tokenExpiringAt(exp, tag));
    for (const token of [a, b, c, c, b, a]) await remembered(token);
    expect(calls).toEqual([a, b, c, a]);
  });
});
