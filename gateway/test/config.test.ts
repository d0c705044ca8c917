import { generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '@eiso/config';
import { devPublicKeyPem } from '@eiso/auth';
import { loadGatewayConfig } from '../src';

const productionSecret = 'p'.repeat(48);
const otherKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('gateway configuration in production', () => {
  it('refuses the development JWT key, given or defaulted', () => {
    for (const key of [undefined, devPublicKeyPem()]) {
      const env = { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: productionSecret, JWT_PUBLIC_KEY: key };
      expect(() => loadGatewayConfig(env)).toThrow(ConfigError);
    }
  });

  it('refuses the development JWT key among several PEM keys (a rotation)', () => {
    const env = {
      NODE_ENV: 'production',
      GATEWAY_SIGNING_SECRET: productionSecret,
      REDIS_URL: 'redis://redis.internal:6379',
      JWT_PUBLIC_KEY: otherKey + devPublicKeyPem(),
    };
    expect(() => loadGatewayConfig(env)).toThrow(/JWT_PUBLIC_KEY: the development key/);
    const newKey = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(loadGatewayConfig({ ...env, JWT_PUBLIC_KEY: newKey + otherKey }).publicKeyPem).toBe(
      newKey + otherKey,
    );
  });

  it('refuses the development signing secret', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production', JWT_PUBLIC_KEY: otherKey })).toThrow(
      /GATEWAY_SIGNING_SECRET/,
    );
  });

  it('accepts a real key and secret, with Redis named (the rate limits)', () => {
    const config = loadGatewayConfig({
      NODE_ENV: 'production',
      GATEWAY_SIGNING_SECRET: productionSecret,
      JWT_PUBLIC_KEY: otherKey,
      REDIS_URL: 'redis://redis.internal:6379',
    });
    expect(config.publicKeyPem).toBe(otherKey);
  });

  it('names the development key and Redis left to its default in one message', () => {
    expect(() =>
      loadGatewayConfig({ NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: productionSecret }),
    ).toThrow(/REDIS_URL: must be set[\s\S]*JWT_PUBLIC_KEY: must be set/);
  });

  it('reads the limits from the environment', () => {
    const config = loadGatewayConfig({
      QUERY_MAX_DEPTH: '20',
      RATE_LIMIT_PER_ADDRESS: '50',
      TRUST_PROXY: '2',
    });
    expect([config.QUERY_MAX_DEPTH, config.RATE_LIMIT_PER_ADDRESS, config.TRUST_PROXY]).toEqual([20, 50, 2]);
    expect(() => loadGatewayConfig({ QUERY_MAX_COST: '0' })).toThrow(/QUERY_MAX_COST/);
  });

  it('names every bad variable at once', () => {
    const attempt = () =>
      loadGatewayConfig({ GATEWAY_PORT: 'x', ORG_URL: 'not a url', GATEWAY_SIGNING_SECRET: 'short' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      for (const name of ['GATEWAY_PORT', 'ORG_URL', 'GATEWAY_SIGNING_SECRET'])
        expect((error as Error).message).toContain(name);
    }
  });
});

describe('the explorer and the queue board', () => {
  const production = {
    NODE_ENV: 'production',
    GATEWAY_SIGNING_SECRET: productionSecret,
    JWT_PUBLIC_KEY: otherKey,
    REDIS_URL: 'redis://redis.internal:6379',
  };

  it('GRAPHQL_EXPLORER: on outside production, off in production, either way when set', () => {
    expect(loadGatewayConfig({}).explorer).toBe(true);
    expect(loadGatewayConfig({ NODE_ENV: 'test' }).explorer).toBe(true);
    expect(loadGatewayConfig(production).explorer).toBe(false);
    expect(loadGatewayConfig({ ...production, GRAPHQL_EXPLORER: 'true' }).explorer).toBe(true);
    expect(loadGatewayConfig({ GRAPHQL_EXPLORER: 'false' }).explorer).toBe(false);
    expect(loadGatewayConfig({ GRAPHQL_EXPLORER: '' }).explorer).toBe(true);
    expect(() => loadGatewayConfig({ GRAPHQL_EXPLORER: 'maybe' })).toThrow(
      /GRAPHQL_EXPLORER: must be true or false/,
    );
  });

  it('QUEUE_BOARD_ACTIONS: read-only unless true; REDIS_CLUSTER_NODES: the board reads a cluster too', () => {
    const defaults = loadGatewayConfig({});
    expect([defaults.QUEUE_BOARD_ACTIONS, defaults.REDIS_CLUSTER_NODES]).toEqual([false, []]);
    const set = loadGatewayConfig({
      QUEUE_BOARD_ACTIONS: 'true',
      REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7000',
    });
    expect([set.QUEUE_BOARD_ACTIONS, set.REDIS_CLUSTER_NODES]).toEqual([
      true,
      ['10.0.0.1:7000', '10.0.0.2:7000'],
    ]);
    expect(() => loadGatewayConfig({ REDIS_CLUSTER_NODES: 'nohost' })).toThrow(/REDIS_CLUSTER_NODES/);
  });
});
