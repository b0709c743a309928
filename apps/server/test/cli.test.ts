import { readdir } from 'node:fs/promises';
import {
  childEnv,
  createStorage,
  REPO_ROOT,
  runCaptured,
  type Storage,
} from '@niteos/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';

let storage: Storage;
beforeAll(async () => {
  storage = await createStorage('pglite');
});
afterAll(() => storage?.dispose());

const cli = (script: string, args: string[]) =>
  runCaptured(process.execPath, ['--import', 'tsx', `apps/server/src/cli/${script}`, ...args], {
    cwd: REPO_ROOT,
    env: childEnv(storage.env),
  });

test('a tool given an argument it does not take refuses it and does nothing', async () => {
  const dryRun = await cli('migrate.ts', ['--dry-run']);
  expect(dryRun.code).toBe(2);
  expect(dryRun.stderr).toContain('unknown argument --dry-run');
  expect(dryRun.stderr).toContain('usage: pnpm db:migrate');
  // Nothing was migrated, nor even created.
  expect(await readdir(storage.env.NITEOS_DATA_DIR as string)).toEqual([]);
});

test('--help prints what the tool does and touches nothing', async () => {
  const help = await cli('ledger-verify.ts', ['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('usage: pnpm ledger:verify');
  expect(await readdir(storage.env.NITEOS_DATA_DIR as string)).toEqual([]);
});
