import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../../apps/server/test/support/server-process.ts';

const run = promisify(execFile);

/** Where root `pnpm build` puts the two PWAs: what nginx serves in production. */
export const APP_ROOTS = {
  guestRoot: path.join(REPO_ROOT, 'apps/guest-pwa/dist'),
  posRoot: path.join(REPO_ROOT, 'apps/pos-pwa/dist'),
};

/** The built apps' directories; runs root `pnpm build` first when either is missing. */
export async function builtAppRoots(): Promise<typeof APP_ROOTS> {
  const missing = Object.values(APP_ROOTS).filter((d) => !existsSync(path.join(d, 'index.html')));
  if (missing.length > 0) {
    await run('pnpm', ['build'], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
    const still = missing.filter((d) => !existsSync(path.join(d, 'index.html')));
    if (still.length > 0) throw new Error(`pnpm build did not produce ${still.join(', ')}`);
  }
  return APP_ROOTS;
}
