import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPwa } from '../../../apps/server/test/support/server-process.ts';

/**
 * Both PWAs built from this checkout, as `pnpm build` builds them, into a
 * temp dir of their own: the browser suites rebuild each app's dist/ while other
 * suites run, and nginx must not serve a folder that is being emptied.
 */
export async function buildAppRoots(): Promise<{
  guestRoot: string;
  posRoot: string;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'niteos-apps-'));
  // nginx's workers (nobody, when the tests run as root) read from here.
  await chmod(dir, 0o755);
  const guestRoot = path.join(dir, 'guest');
  const posRoot = path.join(dir, 'pos');
  buildPwa('guest-pwa', ['--outDir', guestRoot, '--emptyOutDir']);
  buildPwa('pos-pwa', ['--outDir', posRoot, '--emptyOutDir']);
  return { guestRoot, posRoot, remove: () => rm(dir, { recursive: true, force: true }) };
}
