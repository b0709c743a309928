import { execFile } from 'node:child_process';
import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runScript } from '@niteos/test-support';
import { afterAll, describe, expect, test } from 'vitest';

const git = promisify(execFile);

/**
 * infra/deploy.sh's rolling restart, with systemctl, curl and pnpm replaced on
 * PATH by scripts that write down what they are asked. The fake systemctl
 * notes which release a port now runs; the fake curl answers a port's
 * /api/health 503 on its first poll after a restart (node is still booting),
 * then 200 with the version the server reports (naming the release's RELEASE
 * file), unless the release it runs has a file BROKEN that names the port
 * (the release crashes there at start): it never answers 200 then. A file
 * STUCK in the release naming the port leaves the old process on it: the
 * restart changes nothing there. A file INTERRUPT holding `PORT SIGNAL` has
 * the first poll of that port send deploy.sh (curl's parent) the signal, as
 * an SSH drop or Ctrl-C would while it waits.
 */
const FAKES = {
  systemctl: `#!/usr/bin/env bash
set -euo pipefail
[[ $1 == restart ]] || exit 2
port="\${2#niteos@}"; port="\${port%.service}"
release="$(readlink -f "$NITEOS_HOME/current")"
grep -qx "$port" "$release/STUCK" 2>/dev/null || echo "$release" >"$FAKE_STATE/$port.release"
echo 0 >"$FAKE_STATE/$port.polls"
echo "restart $port $(basename "$release")" >>"$FAKE_STATE/log"
`,
  curl: `#!/usr/bin/env bash
set -euo pipefail
url="\${*: -1}"; port="\${url#http://127.0.0.1:}"; port="\${port%%/*}"
polls=$(($(cat "$FAKE_STATE/$port.polls") + 1))
echo "$polls" >"$FAKE_STATE/$port.polls"
release="$(cat "$FAKE_STATE/$port.release")"
if read -r at signal 2>/dev/null <"$release/INTERRUPT" && [[ $at == "$port" ]]; then
  echo "health $port down, SIG$signal to deploy.sh" >>"$FAKE_STATE/log"
  kill -s "$signal" "$PPID"
  exit 22
fi
if ((polls >= 2)) && ! grep -qx "$port" "$release/BROKEN" 2>/dev/null; then
  echo "health $port ok" >>"$FAKE_STATE/log"
  printf '{"status":"ok","version":"0.1.0+%s"}' "$(cat "$release/RELEASE")"
else
  echo "health $port down" >>"$FAKE_STATE/log"
  exit 22
fi
`,
  pnpm: `#!/usr/bin/env bash
set -euo pipefail
if [[ $1 == db:migrate ]]; then
  printf '%s' "$DATABASE_URL" >"$FAKE_STATE/migrate-database"
  printf '%s' "$NITEOS_BOOTSTRAP_ADMIN_PASSWORD" >"$FAKE_STATE/migrate-password"
  printf '%s' "$NITEOS_JWT_SECRET" >"$FAKE_STATE/migrate-secret"
fi
`,
};

/**
 * A fresh host and origin with one good commit; `deploy` runs deploy.sh there.
 * With `repoUrl`, deploy.sh is given that URL, which git maps to the origin.
 */
async function createHost(cleanup: string[], repoUrl?: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'niteos-rolling-'));
  cleanup.push(dir);
  const home = path.join(dir, 'niteos');
  const state = path.join(dir, 'state');
  const work = path.join(dir, 'work');
  const bin = path.join(dir, 'bin');
  const origin = path.join(dir, 'origin.git');
  await mkdir(state);
  await mkdir(bin);
  for (const [name, text] of Object.entries(FAKES)) {
    await writeFile(path.join(bin, name), text);
    await chmod(path.join(bin, name), 0o755);
  }
  await git('git', ['init', '--quiet', '--bare', '--initial-branch=main', origin]);
  await git('git', ['clone', '--quiet', origin, work]);
  const commit = async (file: string, text: string) => {
    await writeFile(path.join(work, file), text);
    await git('git', ['add', file], { cwd: work });
    const who = ['-c', 'user.name=test', '-c', 'user.email=test@niteos.test'];
    await git('git', [...who, 'commit', '--quiet', '-m', `add ${file}`], { cwd: work });
    await git('git', ['push', '--quiet', 'origin', 'main'], { cwd: work });
  };
  await commit('README', 'a release');
  // Values systemd reads as one value each; sourced by bash, the first runs `long`.
  const envFile = path.join(dir, 'niteos.env');
  await writeFile(
    envFile,
    [
      `DATABASE_URL=${SETTINGS_DATABASE}`,
      '# as an operator would add the first admin',
      "NITEOS_BOOTSTRAP_ADMIN_PASSWORD='a long one'",
      'NITEOS_JWT_SECRET=$(touch pwned) and `touch pwned`',
      '',
    ].join('\n'),
  );
  const gitConfig = path.join(dir, 'gitconfig');
  await writeFile(gitConfig, repoUrl ? `[url "${origin}"]\n\tinsteadOf = ${repoUrl}\n` : '');
  const env = {
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    FAKE_STATE: state,
    GIT_CONFIG_GLOBAL: gitConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    NITEOS_REPO: repoUrl ?? origin,
    NITEOS_HOME: home,
    NITEOS_ENV_FILE: envFile,
    NITEOS_PORTS: `${P1} ${P2}`,
    NITEOS_HEALTH_TIMEOUT: '3',
    NITEOS_UPSTREAM_SETTLE: '1',
  };
  return {
    home,
    state,
    envFile,
    commit,
    deploy: (extra: Record<string, string> = {}) =>
      runScript('deploy.sh', [], { ...env, ...extra }),
    current: async () => path.basename(await readlink(path.join(home, 'current'))),
    /** What the fakes saw since the last call; repeated polls of one state count once. */
    async takeLog(): Promise<string[]> {
      const file = path.join(state, 'log');
      const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
      await writeFile(file, '');
      return lines.filter((l, i) => l !== lines[i - 1]);
    },
  };
}

const [P1, P2] = ['18081', '18082'];
const SETTINGS_DATABASE = 'postgres://niteos:pw@127.0.0.1:5432/niteos';

describe('deploy.sh restarts one port at a time (systemctl, curl, pnpm faked)', () => {
  const cleanup: string[] = [];
  afterAll(async () => {
    for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
  });

  test('restarts the second port only once the first answers healthy', async () => {
    const host = await createHost(cleanup);
    // The units never see a DATABASE_URL of the caller's: neither does the migration.
    const run = await host.deploy({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/elsewhere' });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    // nginx gets the first port back before the second goes down.
    expect(run.stdout).toMatch(
      new RegExp(
        `restart port ${P1}\\n.*waiting 1s for nginx to take port ${P1} back\\n.*restart port ${P2}\\n`,
      ),
    );
    const r1 = await host.current();
    expect(await host.takeLog()).toEqual([
      `restart ${P1} ${r1}`,
      `health ${P1} down`,
      `health ${P1} ok`,
      `restart ${P2} ${r1}`,
      `health ${P2} down`,
      `health ${P2} ok`,
    ]);
    // The migration saw the settings as systemd does: spaces kept, nothing run.
    expect(await readFile(path.join(host.state, 'migrate-database'), 'utf8')).toBe(
      SETTINGS_DATABASE,
    );
    expect(await readFile(path.join(host.state, 'migrate-password'), 'utf8')).toBe('a long one');
    expect(await readFile(path.join(host.state, 'migrate-secret'), 'utf8')).toBe(
      '$(touch pwned) and `touch pwned`',
    );
  });

  test('without the settings file or a DATABASE_URL in it, fails before it clones anything', async () => {
    const host = await createHost(cleanup);
    const missing = path.join(path.dirname(host.home), 'missing.env');
    const unread = await host.deploy({ NITEOS_ENV_FILE: missing });
    expect(unread.code).toBe(1);
    expect(unread.stderr).toContain(`cannot read the server settings ${missing}`);
    await writeFile(host.envFile, 'REDIS_URL=redis://127.0.0.1:6379\n');
    const unset = await host.deploy({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/elsewhere',
    });
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain(`${host.envFile} sets no DATABASE_URL`);
    expect(await readdir(host.home).catch(() => [])).toEqual([]);
    expect(await host.takeLog()).toEqual([]);
  });

  test('a token in NITEOS_REPO is never printed nor left in the release', async () => {
    const token = 's3cret-deploy-token';
    const host = await createHost(
      cleanup,
      `https://deployer:${token}@git.example.invalid/niteos.git`,
    );
    const run = await host.deploy();
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('from https://***@git.example.invalid/niteos.git');
    expect(`${run.stdout}${run.stderr}`).not.toContain(token);
    const release = path.join(host.home, 'releases', await host.current());
    expect(await readFile(path.join(release, '.git', 'config'), 'utf8')).not.toContain(token);
  });

  /**
   * A host running one good release r1, then a deploy of the next commit,
   * which adds `file` naming `port` (BROKEN, STUCK: see FAKES); it fails. r2
   * is the new release, as the fakes logged it.
   */
  async function failedDeploy(file: string, port: string) {
    const host = await createHost(cleanup);
    expect((await host.deploy()).code).toBe(0);
    const r1 = await host.current();
    await host.takeLog();
    await host.commit(file, `${port}\n`);
    const run = await host.deploy();
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1);
    const log = await host.takeLog();
    const r2 = log[0]?.split(' ')[2];
    expect(r2).not.toBe(r1);
    return { host, run, log, r1, r2 };
  }

  test('a release that fails on the first port never touches the second', async () => {
    const { host, run, log, r1, r2 } = await failedDeploy('BROKEN', P1);
    expect(run.stderr).toContain(`port ${P1} not healthy after 3s`);
    expect(run.stderr).toContain(`rolled back to ${r1}, which is healthy`);
    expect(log).toEqual([
      `restart ${P1} ${r2}`,
      `health ${P1} down`,
      `restart ${P1} ${r1}`,
      `health ${P1} down`,
      `health ${P1} ok`,
    ]);
    expect(await host.current()).toBe(r1);
  });

  test('a release that fails on the second port rolls both back, the failed one first', async () => {
    const { host, log, r1, r2 } = await failedDeploy('BROKEN', P2);
    expect(log).toEqual([
      `restart ${P1} ${r2}`,
      `health ${P1} down`,
      `health ${P1} ok`,
      `restart ${P2} ${r2}`,
      `health ${P2} down`,
      `restart ${P2} ${r1}`,
      `health ${P2} down`,
      `health ${P2} ok`,
      `restart ${P1} ${r1}`,
      `health ${P1} down`,
      `health ${P1} ok`,
    ]);
    expect(await host.current()).toBe(r1);
  });

  test('a port still answering from the old release is not taken for the new one', async () => {
    const { host, run, r1, r2 } = await failedDeploy('STUCK', P1);
    expect(run.stderr).toContain(
      `port ${P1} is ready but does not run ${r2} (an old process still on the port?)`,
    );
    expect(run.stderr).toContain(`rolled back to ${r1}, which is healthy`);
    expect(await host.current()).toBe(r1);
  });

  test.each(['HUP', 'INT', 'TERM', 'PIPE'])(
    'SIG%s while the second port is checked rolls both back, as a failed check does',
    async (signal) => {
      const { host, run, log, r1, r2 } = await failedDeploy('INTERRUPT', `${P2} ${signal}`);
      expect(run.stderr).toContain(
        `interrupted (SIG${signal}) before ${r2} was checked on every port; rolling back to ${r1} on ports ${P1} ${P2}`,
      );
      expect(run.stderr).toContain(`rolled back to ${r1}, which is healthy`);
      expect(log).toEqual([
        `restart ${P1} ${r2}`,
        `health ${P1} down`,
        `health ${P1} ok`,
        `restart ${P2} ${r2}`,
        `health ${P2} down, SIG${signal} to deploy.sh`,
        `restart ${P2} ${r1}`,
        `health ${P2} down`,
        `health ${P2} ok`,
        `restart ${P1} ${r1}`,
        `health ${P1} down`,
        `health ${P1} ok`,
      ]);
      expect(await host.current()).toBe(r1);
    },
  );
});
