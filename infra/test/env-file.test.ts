import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCaptured } from '@niteos/test-support';
import { afterAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../apps/server/test/support/server-process.ts';

/**
 * infra/env-file.sh reads /etc/niteos/niteos.env for deploy.sh and backup.sh
 * as systemd reads it for the units (systemd's env-file.c), never as shell.
 */
describe('load_env_file', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  /** Loads `text` as a settings file; prints KEY=[value] for each of `keys`. */
  async function load(text: string, keys: string[]) {
    const dir = await mkdtemp(path.join(tmpdir(), 'niteos-env-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'niteos.env'), text);
    const script = path.join(dir, 'load.sh');
    await writeFile(
      script,
      `set -euo pipefail\ncd "$(dirname "$0")"\n. ${JSON.stringify(path.join(REPO_ROOT, 'infra/env-file.sh'))}\n` +
        `load_env_file niteos.env\nfor k in ${keys.join(' ')}; do printf '%s=[%s]\\n' "$k" "\${!k-unset}"; done\n`,
    );
    return runCaptured('bash', [script], { env: { PATH: process.env.PATH } });
  }

  test.each([
    ["P='a long one'", 'a long one'],
    ['P="a \\"long\\" \\$one \\\\ \\n"', 'a "long" $one \\ \\n'],
    ['P=a long one   ', 'a long one'],
    ['  P  =   spaced key and value', 'spaced key and value'],
    ['P=a=b', 'a=b'],
    ['P=$(touch pwned) `touch pwned` $HOME', '$(touch pwned) `touch pwned` $HOME'],
    ["P=it's", "it's"],
    ['P=a\\ b\\\\c', 'a b\\c'],
    ['P=\'a b\'  "c d" e', 'a bc de'],
    ['P=a #not a comment', 'a #not a comment'],
    ['P=', ''],
  ])('%s reads as [%s]', async (line, value) => {
    const run = await load(`# a comment\n; another\n\n${line}\n`, ['P']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`P=[${value}]\n`);
  });

  test('skips what systemd skips: no =, bad names (with a warning), comments', async () => {
    const run = await load('just words\nexport A=1\n#B=2\nC=3', ['A', 'B', 'C']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('A=[unset]\nB=[unset]\nC=[3]\n');
    expect(run.stderr).toContain("niteos.env:2: ignoring 'export A': not a variable name");
  });

  test('refuses a value that goes on to the next line instead of misreading it', async () => {
    for (const text of ['P="open\nquote"\n', 'P=a\\\nb\n']) {
      const run = await load(text, ['P']);
      expect(run.code, text).toBe(1);
      expect(run.stderr).toContain('niteos.env:1: P goes on to the next line');
    }
  });
});
