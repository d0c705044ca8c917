import {
  ConfigError,
  DEV_DEFAULTS,
  env,
  loadConfig,
  loadServerConfig,
  productionProblems,
  requireProductionSafe,
  signingSecrets,
  z,
} from '../src';

const shape = {
  PORT: env.port(4000),
  GATEWAY_URL: env.url('http://127.0.0.1:4000/graphql'),
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  TRACE_SQL: env.flag(false),
  GATEWAY_SIGNING_SECRET: z.string().min(32),
};
const SECRET = 'a-long-enough-gateway-signing-secret';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills in defaults for unset variables', () => {
    expect(loadConfig(shape, { GATEWAY_SIGNING_SECRET: SECRET })).toEqual({
      PORT: 4000,
      GATEWAY_URL: 'http://127.0.0.1:4000/graphql',
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      TRACE_SQL: false,
      GATEWAY_SIGNING_SECRET: SECRET,
    });
  });

  it('parses the values that are set', () => {
    const config = loadConfig(shape, {
      PORT: '8080',
      GATEWAY_URL: 'https://eiso.gov.vn/graphql',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      TRACE_SQL: 'true',
      GATEWAY_SIGNING_SECRET: SECRET,
    });
    expect(config).toEqual({
      PORT: 8080,
      GATEWAY_URL: 'https://eiso.gov.vn/graphql',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      TRACE_SQL: true,
      GATEWAY_SIGNING_SECRET: SECRET,
    });
  });

  it('names every bad variable in one error', () => {
    const error = configError(() =>
      loadConfig(shape, {
        PORT: 'abc',
        GATEWAY_URL: 'not a url',
        NODE_ENV: 'staging',
        LOG_LEVEL: 'loud',
        TRACE_SQL: 'maybe',
      }),
    );
    const names = ['PORT', 'GATEWAY_URL', 'NODE_ENV', 'LOG_LEVEL', 'TRACE_SQL', 'GATEWAY_SIGNING_SECRET'];
    expect(error.problems).toHaveLength(names.length);
    for (const name of names) expect(error.message).toContain(`${name}:`);
    expect(error.message).toContain('(got "abc")');
    expect(error.message).toMatch(/GATEWAY_SIGNING_SECRET: .*\(unset\)/);
  });

  it('never echoes the value of a secret', () => {
    const leaked = 'hunter2-short';
    const error = configError(() =>
      loadConfig(
        {
          GATEWAY_SIGNING_SECRET: z.string().min(32),
          DB_PASSWORD: z.string().min(20),
          API_KEY: z.string().regex(/^k-/),
        },
        { GATEWAY_SIGNING_SECRET: leaked, DB_PASSWORD: `${leaked}-pw`, API_KEY: `${leaked}-key` },
      ),
    );
    expect(error.problems).toHaveLength(3);
    expect(error.message).not.toContain(leaked);
    expect(error.message).toContain('GATEWAY_SIGNING_SECRET: ');
    expect(error.message.match(/got "\*\*\*"/g)).toHaveLength(3);
  });
});

describe('env.port', () => {
  const port = z.object({ PORT: env.port(4000) });

  it.each(['70000', 'abc', '-1', '80.5'])('refuses %p', (value) => {
    expect(port.safeParse({ PORT: value }).success).toBe(false);
  });

  it.each([
    ['0', 0],
    ['65535', 65535],
    ['4001', 4001],
  ])('accepts %p as %p', (value, expected) => {
    expect(port.parse({ PORT: value })).toEqual({ PORT: expected });
  });
});

describe('env.flag', () => {
  const flag = z.object({ F: env.flag(true) });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('parses %p as %p', (value, expected) => {
    expect(flag.parse({ F: value })).toEqual({ F: expected });
  });

  it('uses its fallback when unset', () => {
    expect(flag.parse({})).toEqual({ F: true });
    expect(z.object({ F: env.flag(false) }).parse({})).toEqual({ F: false });
  });

  it.each(['maybe', ''])('refuses %p', (value) => {
    expect(flag.safeParse({ F: value }).success).toBe(false);
  });
});

describe('requireProductionSafe', () => {
  const values = { DATABASE_URL: DEV_DEFAULTS.databaseUrl, GATEWAY_SIGNING_SECRET: 'a-production-secret' };
  const devValues = {
    DATABASE_URL: DEV_DEFAULTS.databaseUrl,
    GATEWAY_SIGNING_SECRET: DEV_DEFAULTS.gatewaySigningSecret,
  };

  it('refuses a development default when NODE_ENV=production, naming it', () => {
    const error = configError(() => requireProductionSafe('production', values, devValues));
    expect(error.problems).toEqual([
      'DATABASE_URL: the development default is refused when NODE_ENV=production',
    ]);
  });

  it('allows development defaults outside production', () => {
    expect(() => requireProductionSafe('development', values, devValues)).not.toThrow();
    expect(() => requireProductionSafe('test', values, devValues)).not.toThrow();
  });

  it('allows production values and unset optional ones in production', () => {
    expect(() =>
      requireProductionSafe(
        'production',
        { DATABASE_URL: 'postgres://eiso@db:5432/eiso', ORG_DATABASE_URL: undefined },
        { ...devValues, ORG_DATABASE_URL: undefined },
      ),
    ).not.toThrow();
  });
});

describe('values an operator may leave half-set', () => {
  it('treats an empty variable as unset, so the default applies', () => {
    expect(loadConfig({ PORT: env.port(4000) }, { PORT: '' })).toEqual({ PORT: 4000 });
  });

  it('accepts only plain decimal ports', () => {
    for (const bad of ['0x50', ' 80 ', '1e3', '80.0']) {
      expect(() => loadConfig({ PORT: env.port(4000) }, { PORT: bad })).toThrow(ConfigError);
    }
  });

  it('never echoes the password inside a bad URL', () => {
    const run = () =>
      loadConfig(
        { DATABASE_URL: env.url('postgres://x@h/db') },
        { DATABASE_URL: 'postgres://eiso:hunter2@db host:5432/eiso' },
      );
    expect(run).toThrow(/DATABASE_URL/);
    expect(run).not.toThrow(/hunter2/);
  });

  it('reads flags case-insensitively', () => {
    expect(loadConfig({ F: env.flag(false) }, { F: 'TRUE' })).toEqual({ F: true });
    expect(() => loadConfig({ F: env.flag(false) }, { F: 'maybe' })).toThrow(ConfigError);
  });
});

describe('loadServerConfig in production', () => {
  const shape = {
    DATABASE_URL: env.url(DEV_DEFAULTS.databaseUrl),
    DOSSIER_DATABASE_URL: env.optionalUrl(),
    REDIS_URL: env.url(DEV_DEFAULTS.redisUrl),
  };
  const good = {
    NODE_ENV: 'production',
    GATEWAY_SIGNING_SECRET: 's'.repeat(40),
    DATABASE_URL: 'postgres://eiso:pw@db:5432/eiso',
    REDIS_URL: 'redis://redis:6379',
  };

  it('starts with every secret and address from the environment', () => {
    expect(loadServerConfig(shape, good)).toMatchObject({
      NODE_ENV: 'production',
      REDIS_URL: 'redis://redis:6379',
    });
  });

  it.each([
    ['GATEWAY_SIGNING_SECRET', undefined, 'GATEWAY_SIGNING_SECRET: must be set when NODE_ENV=production'],
    [
      'GATEWAY_SIGNING_SECRET',
      DEV_DEFAULTS.gatewaySigningSecret,
      'GATEWAY_SIGNING_SECRET: the development secret is refused',
    ],
    ['GATEWAY_SIGNING_SECRET', 'short', 'GATEWAY_SIGNING_SECRET: must be at least 32 characters'],
    [
      'GATEWAY_SIGNING_SECRET_PREVIOUS',
      DEV_DEFAULTS.gatewaySigningSecret,
      'GATEWAY_SIGNING_SECRET_PREVIOUS: the development secret is refused',
    ],
    [
      'GATEWAY_SIGNING_SECRET_PREVIOUS',
      'short',
      'GATEWAY_SIGNING_SECRET_PREVIOUS: must be at least 32 characters',
    ],
    ['DATABASE_URL', undefined, 'DATABASE_URL: must be set when NODE_ENV=production'],
    ['DATABASE_URL', DEV_DEFAULTS.databaseUrl, 'DATABASE_URL: the development database URL is refused'],
    ['REDIS_URL', undefined, 'REDIS_URL: must be set when NODE_ENV=production'],
  ])('refuses %s = %p with one message naming it', (name, value, message) => {
    const error = configError(() => loadServerConfig(shape, { ...good, [name]: value }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(message);
    if (value)
      expect(error.message).not.toContain(value === 'short' ? 'short"' : DEV_DEFAULTS.gatewaySigningSecret);
  });

  it('accepts a previous signing secret during a rotation, and leaves it optional', () => {
    const previous = 'o'.repeat(40);
    const rotating = loadServerConfig(shape, { ...good, GATEWAY_SIGNING_SECRET_PREVIOUS: previous });
    expect(signingSecrets(rotating)).toEqual(['s'.repeat(40), previous]);
    expect(signingSecrets(loadServerConfig(shape, good))).toEqual(['s'.repeat(40)]);
    // The same value twice is one secret.
    expect(
      signingSecrets({ GATEWAY_SIGNING_SECRET: previous, GATEWAY_SIGNING_SECRET_PREVIOUS: previous }),
    ).toEqual([previous]);
  });

  it("accepts the service's own database URL instead of DATABASE_URL", () => {
    const { DATABASE_URL: _unset, ...rest } = good;
    expect(() =>
      loadServerConfig(shape, { ...rest, DOSSIER_DATABASE_URL: 'postgres://eiso_dossier:pw@db/eiso' }),
    ).not.toThrow();
  });

  it('names every refused variable at once', () => {
    const error = configError(() => loadServerConfig(shape, { NODE_ENV: 'production' }));
    expect(error.problems.map((p) => p.split(':')[0])).toEqual([
      'GATEWAY_SIGNING_SECRET',
      'DATABASE_URL',
      'REDIS_URL',
    ]);
  });

  it('leaves development and test alone', () => {
    for (const NODE_ENV of ['development', 'test'])
      expect(() => loadServerConfig(shape, { NODE_ENV })).not.toThrow();
  });

  it('checks only the variables a process reads', () => {
    expect(
      productionProblems(['GATEWAY_SIGNING_SECRET'], { GATEWAY_SIGNING_SECRET: 'x'.repeat(32) }),
    ).toEqual([]);
  });
});
