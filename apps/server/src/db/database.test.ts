import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { openPglite } from './database.ts';

let dir: string;
afterEach(() => rm(dir, { recursive: true, force: true }));

test('a second process cannot open an embedded database another live process holds', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'niteos-lock-'));
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    await writeFile(path.join(dir, 'niteos.pid'), String(sleeper.pid));
    await expect(openPglite(dir)).rejects.toThrow(/in use by process/);
  } finally {
    sleeper.kill('SIGKILL');
  }
});

test('a lock left by a dead process is taken over and released on close', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'niteos-lock-'));
  const dead = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => dead.once('exit', resolve));
  await writeFile(path.join(dir, 'niteos.pid'), String(dead.pid));
  const database = await openPglite(dir);
  expect(await readFile(path.join(dir, 'niteos.pid'), 'utf8')).toBe(String(process.pid));
  await database.close();
  await expect(readFile(path.join(dir, 'niteos.pid'), 'utf8')).rejects.toThrow(/ENOENT/);
}, 60_000);
