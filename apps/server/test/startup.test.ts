import { createServer } from 'node:net';
import { createStorage, runFailingStart, type Storage } from '@niteos/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { closedPort } from '../src/test-support/closed-port.ts';

let storage: Storage;
beforeAll(async () => {
  storage = await createStorage('pglite');
});
afterAll(() => storage?.dispose());

/** What the operator reads: exit 1 and one line, no stack trace. */
function expectOneLine(run: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(run.code, run.stderr).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

test('a port in use stops the start with one line that says so', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    const port = (taken.address() as { port: number }).port;
    const run = await runFailingStart(storage, { PORT: String(port), HOST: '127.0.0.1' });
    expectOneLine(run, /^NiteOS cannot start: listen EADDRINUSE.*:\d+$/);
  } finally {
    taken.close();
  }
});

test('a database that cannot be reached stops the start with one line that says so', async () => {
  const run = await runFailingStart(storage, {
    PORT: '0',
    DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/niteos`,
  });
  expectOneLine(run, /^NiteOS cannot start: .*ECONNREFUSED/);
});
