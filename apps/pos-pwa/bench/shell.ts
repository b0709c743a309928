import { spawnSync } from 'node:child_process';

/** Runs `cmd` and returns its trimmed stdout, or null when it failed. */
export function sh(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
