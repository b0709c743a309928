import path from 'node:path';
import { type Captured, REPO_ROOT, runCaptured } from './server-process.ts';

export type ScriptRun = Captured;

/**
 * Runs one of infra/'s shell scripts with bash and only the given
 * environment (plus PATH and HOME), as an operator would on the host.
 */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 240_000,
): Promise<ScriptRun> {
  return runCaptured('bash', [path.join(REPO_ROOT, 'infra', script), ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
    timeoutMs,
  });
}
