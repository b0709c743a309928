import { readFileSync } from 'node:fs';
import path from 'node:path';

const PACKAGE = new URL('../../package.json', import.meta.url);

/**
 * What this process says it runs: the server package's version, and the
 * release deploy.sh unpacked it as (the RELEASE file it writes in each
 * release), so /health and deploy.sh can tell an old process from a new one.
 */
export function serverVersion(releaseDir = process.cwd()): string {
  const { version } = JSON.parse(readFileSync(PACKAGE, 'utf8')) as { version: string };
  let release = '';
  try {
    release = readFileSync(path.join(releaseDir, 'RELEASE'), 'utf8').trim();
  } catch (err) {
    // Not deployed by deploy.sh (a checkout, `pnpm start`): the package version alone.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return release ? `${version}+${release}` : version;
}
