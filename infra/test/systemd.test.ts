import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inCi } from '@niteos/test-support';
import { describe, expect, test } from 'vitest';
import { ConfigError, readConfig } from '../../apps/server/src/env.ts';
import { REPO_ROOT } from '../../apps/server/test/support/server-process.ts';

const run = promisify(execFile);
const UNITS = path.join(REPO_ROOT, 'infra/systemd');

async function analyzeUnavailable(): Promise<string | null> {
  try {
    await run('systemd-analyze', ['--version']);
    return null;
  } catch (err) {
    const problem = `systemd-analyze not runnable (${err instanceof Error ? err.message : err}); apt-get install systemd`;
    if (inCi()) throw new Error(`CI requires ${problem}`);
    return problem;
  }
}

const skip = await analyzeUnavailable();

/** The units as installed, but run from this checkout instead of /opt/niteos/current. */
async function unitsForThisCheckout(): Promise<{ dir: string; files: string[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'niteos-units-'));
  const files: string[] = [];
  for (const name of await readdir(UNITS)) {
    const text = (await readFile(path.join(UNITS, name), 'utf8')).replaceAll(
      '/opt/niteos/current',
      REPO_ROOT.replace(/\/$/, ''),
    );
    // A template is verified through an instance, as systemctl would start it.
    const file = path.join(dir, name.replace('@.service', '@8081.service'));
    await writeFile(file, text);
    files.push(file);
  }
  return { dir, files };
}

describe.skipIf(skip !== null)(`systemd units${skip ? ` (skipped: ${skip})` : ''}`, () => {
  test('pass systemd-analyze verify without a single warning', async () => {
    const { dir, files } = await unitsForThisCheckout();
    try {
      expect(files.map((f) => path.basename(f)).sort()).toEqual([
        'niteos-backup.service',
        'niteos-backup.timer',
        'niteos@8081.service',
      ]);
      // Unknown or bad settings are only warnings (exit 0): stderr must be empty.
      const { stdout, stderr } = await run('systemd-analyze', ['verify', ...files]);
      expect(stderr).toBe('');
      expect(stdout).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the server unit runs as niteos, hardened, one port per instance, with time to drain', async () => {
    const unit = await readFile(path.join(UNITS, 'niteos@.service'), 'utf8');
    const settings = new Map<string, string[]>();
    for (const line of unit.split('\n')) {
      const m = /^(\w+)=(.*)$/.exec(line);
      if (m)
        settings.set(m[1] as string, [...(settings.get(m[1] as string) ?? []), m[2] as string]);
    }
    const one = (key: string) => settings.get(key)?.at(-1);
    expect(one('User')).toBe('niteos');
    expect(settings.get('Environment')).toContain('PORT=%i');
    expect(settings.get('Environment')).toContain('HOST=127.0.0.1');
    expect(one('EnvironmentFile')).toBe('/etc/niteos/niteos.env');
    expect(one('Restart')).toBe('on-failure');
    // systemd SIGKILLs a process still draining after TimeoutStopSec: the server
    // must refuse any drain time that would not end (plus 2 s for connections
    // and some for closing the pools) before that.
    const stopSec = /^(\d+)s$/.exec(one('TimeoutStopSec') ?? '')?.[1];
    expect(stopSec, 'TimeoutStopSec in seconds').toBeDefined();
    const tooLongMs = Number(stopSec) * 1000 - 10_000 + 1;
    expect(() => readConfig({ NITEOS_SHUTDOWN_TIMEOUT_MS: String(tooLongMs) })).toThrow(
      ConfigError,
    );
    for (const [key, value] of Object.entries({
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      CapabilityBoundingSet: '',
      ReadWritePaths: '/var/lib/niteos',
    }))
      expect(one(key), key).toBe(value);
  });

  test('the backup unit gives up on a hung dump instead of blocking every later night', async () => {
    const unit = await readFile(path.join(UNITS, 'niteos-backup.service'), 'utf8');
    expect(unit).toMatch(/^Type=oneshot$/m);
    const timeout = /^TimeoutStartSec=(\d+)h$/m.exec(unit)?.[1];
    expect(Number(timeout), 'TimeoutStartSec in hours').toBeGreaterThan(0);
    expect(Number(timeout)).toBeLessThan(24);
  });
});
