import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

test('the committed migrations produce exactly the tables of the schema', () => {
  const run = spawnSync(process.execPath, ['scripts/db-check.mjs'], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(run.stderr + run.stdout).toContain('schema and migrations agree');
  expect(run.status).toBe(0);
}, 60_000);
