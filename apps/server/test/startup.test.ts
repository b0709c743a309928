import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import {
  childEnv,
  createStorage,
  REPO_ROOT,
  runFailingStart,
  type Storage,
  sleep,
} from '@niteos/test-support';
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

test('SIGTERM to `pnpm start`, as a process supervisor sends it, reaches the server, which drains and exits', async () => {
  const port = await closedPort();
  // The server's own script: `pnpm start` execs it after building the apps.
  const pnpm = spawn('pnpm', ['--filter', '@niteos/server', 'start'], {
    cwd: REPO_ROOT,
    env: childEnv({ ...storage.env, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  pnpm.stdout.on('data', (d: Buffer) => (output += d.toString()));
  pnpm.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise((resolve) => pnpm.once('exit', resolve));
  const health = () =>
    fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.status,
      () => 0,
    );
  while ((await health()) !== 200) await sleep(250);

  pnpm.kill('SIGTERM');
  await exited;
  await expect.poll(health, { timeout: 15_000 }).toBe(0);
  expect(output).toContain('"msg":"shutting down"');
});
