import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import serverPackage from '../../package.json' with { type: 'json' };
import { serverVersion } from './version.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function releaseDir(release?: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'niteos-version-'));
  dirs.push(dir);
  if (release !== undefined) await writeFile(path.join(dir, 'RELEASE'), release);
  return dir;
}

test('a checkout reports the server package version', async () => {
  expect(serverVersion(await releaseDir())).toBe(serverPackage.version);
});

test('a release unpacked by deploy.sh reports its name after the version', async () => {
  const dir = await releaseDir('20261124T080000Z-0123456789ab\n');
  expect(serverVersion(dir)).toBe(`${serverPackage.version}+20261124T080000Z-0123456789ab`);
});
