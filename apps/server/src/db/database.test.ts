import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { openPglite } from './database.ts';

let dir: string;
afterEach(() => rm(dir, { recursive: true, force: true }));

test.skipIf(process.platform !== 'linux')(
  'a stale pid file naming some other live program does not keep the folder (Linux kernel lock; skipped elsewhere)',
  async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'niteos-lock-'));
    // After a crash or a reboot the pid in the file may belong to anything.
    const unrelated = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await writeFile(path.join(dir, 'niteos.pid'), String(unrelated.pid));
      const database = await openPglite(dir);
      expect(await readFile(path.join(dir, 'niteos.pid'), 'utf8')).toBe(String(process.pid));
      await database.close();
    } finally {
      unrelated.kill('SIGKILL');
    }
  },
  60_000,
);

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

test.skipIf(process.platform !== 'linux')(
  'a process holding the folder keeps it even when its pid file says otherwise (Linux kernel lock; skipped elsewhere)',
  async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'niteos-lock-'));
    const module = fileURLToPath(new URL('./database.ts', import.meta.url));
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { openPglite } from ${JSON.stringify(module)};
       await openPglite(${JSON.stringify(dir)});
       console.log('OPENED');
       setTimeout(() => {}, 60000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) => d.toString().includes('OPENED') && resolve());
        holder.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      // What another process starting at the same moment would see: a stale pid file.
      const dead = spawn(process.execPath, ['-e', '0']);
      await new Promise((resolve) => dead.once('exit', resolve));
      await writeFile(path.join(dir, 'niteos.pid'), String(dead.pid));
      await expect(openPglite(dir)).rejects.toThrow(/in use by process/);
    } finally {
      holder.kill('SIGKILL');
    }
  },
  60_000,
);

test('a folder with files but no database is refused, never replaced by a new one', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'niteos-lock-'));
  await mkdir(path.join(dir, 'pglite', 'base'), { recursive: true });
  await expect(openPglite(dir)).rejects.toThrow(/PG_VERSION is missing/);
  expect(await readdir(path.join(dir, 'pglite'))).toEqual(['base']);
});

test('a tool that only reads does not create a database where there is none', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'niteos-lock-'));
  await expect(openPglite(path.join(dir, 'typo'), { create: false })).rejects.toThrow(
    /there is no embedded database in .*typo/,
  );
  expect(await readdir(dir)).toEqual([]);
});
