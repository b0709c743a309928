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
])('%s=%j is refused with its name, not read as a number', (name, value) => {
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
    readConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/niteos' }).databaseUrl,
  ).toBe('postgres://db/niteos');
  expect(readConfig({}).databaseUrl).toBeNull();
});
