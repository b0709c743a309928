import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runScript, type ScriptRun } from '@niteos/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  describeWithServers,
  REPO_ROOT,
  type Storage,
} from '../../apps/server/test/support/server-process.ts';
import { freePort } from './support/nginx.ts';

const git = promisify(execFile);

/**
 * infra/deploy.sh for real: it clones this repository's HEAD from a local
 * bare repo, installs, builds, migrates a real PostgreSQL database and
 * restarts two real server processes. Only the restart is a stand-in for
 * systemctl (a script that stops the port's old process and starts the new
 * one from `current`); the health check is the script's own.
 */

// What `systemctl restart niteos@$NITEOS_PORT` does, without systemd: stop, start from current.
// The servers listen on another loopback address, as on a host of a multi-host site (HOST).
const RESTART = `set -euo pipefail
pidfile="$NITEOS_HOME/server-$NITEOS_PORT.pid"
if [[ -f "$pidfile" ]]; then
  pid="$(cat "$pidfile")"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
fi
cd "$NITEOS_HOME/current"
set -a; . "$NITEOS_ENV_FILE"; set +a
PORT="$NITEOS_PORT" HOST="$NITEOS_HEALTH_HOST" setsid node --import tsx apps/server/src/index.ts \\
  >>"$NITEOS_HOME/server.log" 2>&1 </dev/null &
echo $! >"$pidfile"
`;

/** Not 127.0.0.1: deploy.sh must ask the address the servers listen on. */
const SERVER_HOST = '127.0.0.2';

describeWithServers('postgres', 'deploy.sh with a local bare repo', (suite) => {
  let dir: string;
  let home: string;
  let origin: string;
  let ports: number[];
  let env: Record<string, string>;

  const deploy = () => runScript('deploy.sh', [], env, 600_000);
  const serverPid = async (port: number) =>
    Number(await readFile(path.join(home, `server-${port}.pid`), 'utf8'));
  const health = (port: number) =>
    fetch(`http://${SERVER_HOST}:${port}/api/health`).then((r) => r.status);
  const explain = async (run: ScriptRun) =>
    `${run.stdout}\n${run.stderr}\n--- server.log ---\n${await readFile(path.join(home, 'server.log'), 'utf8').catch(() => '')}`;

  beforeAll(async () => {
    const storage: Storage = await suite.storage();
    dir = await mkdtemp(path.join(tmpdir(), 'niteos-deploy-'));
    home = path.join(dir, 'niteos');
    origin = path.join(dir, 'origin.git');
    ports = [await freePort(), await freePort()];
    await git('git', ['init', '--quiet', '--bare', '--initial-branch=main', origin]);
    await git('git', ['push', '--quiet', origin, 'HEAD:refs/heads/main'], { cwd: REPO_ROOT });
    const envFile = path.join(dir, 'niteos.env');
    await writeFile(
      envFile,
      Object.entries(storage.env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    env = {
      NITEOS_REPO: origin,
      NITEOS_REF: 'main',
      NITEOS_HOME: home,
      NITEOS_ENV_FILE: envFile,
      NITEOS_PORTS: ports.join(' '),
      NITEOS_RESTART_CMD: RESTART,
      NITEOS_HEALTH_TIMEOUT: '30',
      NITEOS_HEALTH_HOST: SERVER_HOST,
    };
  });
  afterAll(async () => {
    for (const port of ports) {
      const pid = await serverPid(port).catch(() => 0);
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  test('deploys a release to both ports, then rolls back one that crashes on the first', async () => {
    const [p1, p2] = ports as [number, number];
    const first = await deploy();
    expect(first.code, await explain(first)).toBe(0);
    expect(first.stdout).toMatch(/healthy: \d{8}T\d{6}Z-[0-9a-f]{12} is live/);
    const release1 = await realpath(path.join(home, 'current'));
    expect(path.dirname(release1)).toBe(await realpath(path.join(home, 'releases')));
    // The build ran in the release: nginx serves these files from current/.
    expect(await readdir(path.join(release1, 'apps/pos-pwa/dist'))).toContain('index.html');
    const pids1 = [await serverPid(p1), await serverPid(p2)];
    for (const [i, port] of ports.entries()) {
      expect(await health(port)).toBe(200);
      expect(await realpath(`/proc/${pids1[i]}/cwd`)).toBe(release1);
      // What deploy.sh waited for: the process names the release it runs.
      const { version } = await fetch(`http://${SERVER_HOST}:${port}/api/health`).then((r) =>
        r.json(),
      );
      expect(version).toMatch(new RegExp(`^\\d+\\.\\d+\\.\\d+\\+${path.basename(release1)}$`));
    }

    // The next commit crashes at start: the first port's check fails and undoes the switch.
    const work = path.join(dir, 'work');
    await git('git', ['clone', '--quiet', origin, work]);
    const entry = path.join(work, 'apps/server/src/index.ts');
    await writeFile(entry, `throw new Error('broken release');\n${await readFile(entry, 'utf8')}`);
    const commit = ['-c', 'user.name=test', '-c', 'user.email=test@niteos.test', 'commit'];
    await git('git', [...commit, '--quiet', '-am', 'break the server'], { cwd: work });
    await git('git', ['push', '--quiet', 'origin', 'main'], { cwd: work });

    // The second port keeps serving the old release all along.
    let deploying = true;
    const secondPort: number[] = [];
    const watch = (async () => {
      while (deploying) {
        secondPort.push(await health(p2).catch(() => 0));
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const second = await deploy();
    deploying = false;
    await watch;
    expect(second.code, await explain(second)).toBe(1);
    expect(second.stderr).toContain(`port ${p1} not healthy`);
    expect(second.stderr).toMatch(/is not healthy; rolling back to/);
    expect(second.stderr).toContain(`rolled back to ${path.basename(release1)}, which is healthy`);
    expect(await readlink(path.join(home, 'current'))).toBe(release1);
    expect(secondPort.length).toBeGreaterThan(10);
    expect(secondPort.every((status) => status === 200)).toBe(true);
    expect(await serverPid(p2)).toBe(pids1[1]);
    expect(await health(p1)).toBe(200);
    const pid = await serverPid(p1);
    expect(pid).not.toBe(pids1[0]);
    expect(await realpath(`/proc/${pid}/cwd`)).toBe(release1);
    // The broken release stays on disk for a look, but nothing runs it.
    const releases = await readdir(path.join(home, 'releases'));
    expect(releases.filter((r) => !r.startsWith('.'))).toHaveLength(2);
  });
});
