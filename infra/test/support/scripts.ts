import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../../apps/server/test/support/server-process.ts';

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

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
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(REPO_ROOT, 'infra', script), ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
