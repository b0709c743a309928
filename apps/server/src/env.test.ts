import { expect, test } from 'vitest';
import { readConfig } from './env.ts';

test('numbers come from the environment as written, defaults when unset', () => {
  expect(readConfig({}).port).toBe(8080);
  expect(readConfig({ PORT: '0' }).port).toBe(0);
  expect(readConfig({ PORT: '8099', NITEOS_VERIFY_THREADS: '0' })).toMatchObject({
    port: 8099,
    verifyThreads: 0,
  });
});

test.each([
  ['PORT', ''],
  ['PORT', '80x'],
  ['PORT', '-1'],
  ['PORT', '65536'],
  ['NITEOS_VERIFY_THREADS', ''],
  ['NITEOS_SHUTDOWN_TIMEOUT_MS', ' '],
  ['DB_POOL_SIZE', '2.5'],
  // A scheme-less address parses as a URL whose scheme is the host name.
  ['REDIS_URL', 'localhost:6379'],
  ['DATABASE_URL', 'localhost:5432/niteos'],
  ['DATABASE_URL', 'mysql://db/niteos'],
  ['NITEOS_REDIS_PREFIX', 'niteos'],
  ['NITEOS_REDIS_PREFIX', 'a b:'],
  ['NITEOS_TRUSTED_PROXIES', '10.0.0.5, nginx.internal'],
  ['NITEOS_TRUSTED_PROXIES', '10.0.0.0/33'],
  ['NITEOS_TRUSTED_PROXIES', 'fd00::/8/1'],
  ['NITEOS_DATA_DIR', ''],
  ['NODE_ENV', 'prod'],
  ['NODE_ENV', 'Production'],
])('%s=%j is refused with its name, not taken as written', (name, value) => {
  expect(() => readConfig({ [name]: value })).toThrow(new RegExp(`${name}: `));
});

test('in production, no DATABASE_URL is refused unless embedded is asked for by name', () => {
  // A misspelt DATABASE_URL, as an env file might have it.
  const production = { NODE_ENV: 'production', DATABSE_URL: 'postgres://db/niteos' };
  expect(() => readConfig(production)).toThrow(/NODE_ENV=production needs DATABASE_URL/);
  expect(
    readConfig({ ...production, NITEOS_EMBEDDED_IN_PRODUCTION: 'yes' }).databaseUrl,
  ).toBeNull();
  expect(
    readConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/niteos',
      REDIS_URL: 'redis://cache',
    }).databaseUrl,
  ).toBe('postgres://db/niteos');
  expect(readConfig({}).databaseUrl).toBeNull();
});

test('in production, PostgreSQL without REDIS_URL is refused unless one process is said by name', () => {
  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://db/niteos',
    REDIS_URI: 'redis://cache',
  };
  expect(() => readConfig(production)).toThrow(/NODE_ENV=production needs REDIS_URL/);
  expect(readConfig({ ...production, NITEOS_SINGLE_PROCESS: 'yes' }).redisUrl).toBeNull();
  expect(readConfig({ ...production, REDIS_URL: 'redis://cache' }).redisUrl).toBe('redis://cache');
  expect(readConfig({ DATABASE_URL: 'postgres://db/niteos' }).redisUrl).toBeNull();
});

test('demo data (public logins) is seeded by default, but not in production unless asked', () => {
  const database = { DATABASE_URL: 'postgresql://db/niteos', REDIS_URL: 'rediss://cache:6380' };
  expect(readConfig({}).demoSeed).toBe(true);
  expect(readConfig(database).demoSeed).toBe(true);
  expect(readConfig({ ...database, NITEOS_DEMO_SEED: 'off' }).demoSeed).toBe(false);
  const production = { ...database, NODE_ENV: 'production' };
  expect(readConfig(production).demoSeed).toBe(false);
  expect(readConfig({ ...production, NITEOS_DEMO_SEED: 'auto' }).demoSeed).toBe(true);
});

test('relative app folders are read from where pnpm was run, as the data folder is', () => {
  const config = readConfig({
    INIT_CWD: '/srv/niteos',
    NITEOS_DATA_DIR: 'data',
    NITEOS_POS_DIR: 'build/pos',
    NITEOS_GUEST_DIR: '/var/www/guest',
  });
  expect(config).toMatchObject({
    dataDir: '/srv/niteos/data',
    posDir: '/srv/niteos/build/pos',
    guestDir: '/var/www/guest',
  });
});

test('trusted proxies are a list of addresses and CIDR ranges; none by default', () => {
  expect(readConfig({}).trustedProxies).toEqual([]);
  expect(
    readConfig({ NITEOS_TRUSTED_PROXIES: '10.0.0.5, 10.1.0.0/16 fd00::/8' }).trustedProxies,
  ).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8']);
});
