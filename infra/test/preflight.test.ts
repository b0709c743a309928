import { execFile, spawn } from 'node:child_process';
import { chmod, copyFile, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inCi, runScript } from '@niteos/test-support';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../apps/server/test/support/server-process.ts';

const run = promisify(execFile);

/**
 * infra/preflight.sh can only be applied to a fresh host; here it runs in
 * --check mode on this machine, which must report without changing anything.
 */

const psql = async (sql: string) =>
  (
    await run('psql', [
      process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      '-qtAXc',
      sql,
    ])
  ).stdout.trim();

/** What --check must never change: users, settings, database roles. */
async function hostState(): Promise<string> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const settings = await stat('/etc/niteos').then(
    (s) => `dir ${s.mode}`,
    () => 'absent',
  );
  const roles = await psql(
    "select string_agg(rolname, ',' order by rolname) from pg_roles where rolname = 'niteos'",
  );
  return JSON.stringify({ passwd, settings, roles });
}

/** runuser (which asks PostgreSQL as its superuser) needs root: CI runs as root, and must. */
const notRoot = process.getuid?.() === 0 ? null : 'not root: runuser needs it';
if (notRoot && inCi()) throw new Error(`CI requires root for preflight's cron test (${notRoot})`);

function findings(stdout: string) {
  const lines = stdout.split('\n').filter((l) => /^(ok|PROBLEM) /.test(l));
  return {
    lines,
    ok: lines.filter((l) => l.startsWith('ok ')).map((l) => l.slice(9)),
    problems: lines.filter((l) => l.startsWith('PROBLEM ')).map((l) => l.slice(9)),
  };
}

describe('preflight.sh --check', () => {
  test('reports this machine honestly, exits 1 on problems and changes nothing', async () => {
    const before = await hostState();
    const result = await runScript('preflight.sh', ['--check'], {});
    expect(await hostState()).toBe(before);
    const { lines, ok, problems } = findings(result.stdout);
    expect(lines.length).toBeGreaterThanOrEqual(15);
    // What this machine (and CI) is known to have.
    expect(ok).toContain('nginx installed');
    expect(ok).toContain('PostgreSQL answers on 127.0.0.1:5432');
    expect(ok).toContain('Redis answers on 127.0.0.1:6379');
    expect(ok.some((l) => /^node >= 20\.19\.0 \(v2\d\./.test(l))).toBe(true);
    expect(ok).toContain('no radio or streaming engine installed or running');
    // A test machine is not a provisioned host: there is always something to fix.
    expect(problems.length).toBeGreaterThan(0);
    expect(result.stdout).toContain(`preflight.sh: ${problems.length} problem(s)`);
    expect(result.code).toBe(1);
  });

  test('finds a running streaming engine (a sleep process named icecast2)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'niteos-radio-'));
    const fake = path.join(dir, 'icecast2');
    await copyFile('/bin/sleep', fake);
    await run('chmod', ['+x', fake]);
    const engine = spawn(fake, ['60'], { stdio: 'ignore' });
    try {
      const result = await runScript('preflight.sh', ['--check'], {});
      expect(findings(result.stdout).problems).toContain(
        'radio or streaming engine present: process icecast2 (remove it: NiteOS hosts run nothing else)',
      );
      expect(result.code).toBe(1);
    } finally {
      engine.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('accepts firewall rules added by hand next to 22, 80 and 443 (a fake ufw)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'niteos-ufw-'));
    const status = [
      'Status: active',
      'Default: deny (incoming), allow (outgoing), disabled (routed)',
      '',
      'To                         Action      From',
      '--                         ------      ----',
      '22/tcp                     ALLOW IN    Anywhere',
      '80/tcp                     ALLOW IN    Anywhere',
      '443/tcp                    ALLOW IN    Anywhere',
      '9100/tcp                   ALLOW IN    10.0.0.0/8',
      '2222/tcp                   ALLOW IN    Anywhere',
      '22/tcp (v6)                ALLOW IN    Anywhere (v6)',
    ].join('\n');
    await writeFile(path.join(dir, 'ufw'), `#!/bin/sh\ncat <<'STATUS'\n${status}\nSTATUS\n`);
    await chmod(path.join(dir, 'ufw'), 0o755);
    try {
      const result = await runScript('preflight.sh', ['--check'], {
        PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      });
      const { ok } = findings(result.stdout);
      expect(ok).toContain('firewall (ufw) denies in, allows 22, 80, 443');
      expect(ok).toContain('firewall also allows, added by hand: 2222/tcp 9100/tcp');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("reports last night's backup missing: none yet, too old, or fresh", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'niteos-backups-'));
    const check = async () =>
      findings((await runScript('preflight.sh', ['--check'], { NITEOS_BACKUP_DIR: dir })).stdout);
    const dump = async (name: string, hoursAgo: number) => {
      await writeFile(path.join(dir, name), 'dump');
      const at = new Date(Date.now() - hoursAgo * 3600_000);
      await utimes(path.join(dir, name), at, at);
    };
    try {
      expect((await check()).problems).toContain(
        `no backup in ${dir} yet ('systemctl start niteos-backup' takes one now)`,
      );
      await dump('niteos-20261101T060000.000Z.dump', 30);
      expect((await check()).problems).toContain(
        'newest backup niteos-20261101T060000.000Z.dump is 30 h old: the nightly backup is failing (journalctl -u niteos-backup)',
      );
      // A half-written dump is no backup: only complete ones count.
      await dump('.niteos-20261102T060000.000Z.dump.partial', 1);
      expect((await check()).problems.some((p) => p.includes('30 h old'))).toBe(true);
      await dump('niteos-20261102T060000.000Z.dump', 2);
      const fresh = await check();
      expect(fresh.ok).toContain('newest backup niteos-20261102T060000.000Z.dump (2 h old)');
      expect(fresh.problems.filter((p) => /^(newest|no) backup/.test(p))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test.skipIf(notRoot)(
    `from cron (PATH=/usr/bin:/bin) finds runuser in /usr/sbin${notRoot ? ` (skipped: ${notRoot})` : ''}`,
    async () => {
      // The role a provisioned host has, unless this machine has one already.
      const created = (await psql("select 1 from pg_roles where rolname = 'niteos'")) !== '1';
      if (created) await psql('create role niteos nologin');
      try {
        const result = await runScript('preflight.sh', ['--check'], { PATH: '/usr/bin:/bin' });
        expect(findings(result.stdout).ok).toContain('database role niteos');
      } finally {
        if (created) await psql('drop role niteos');
      }
    },
  );

  test('refuses unknown arguments', async () => {
    const result = await runScript('preflight.sh', ['--fix-everything'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: preflight.sh [--check]');
  });
});

const shellcheckMissing = await run('shellcheck', ['--version']).then(
  () => null,
  () => 'shellcheck not installed (apt-get install shellcheck)',
);
if (shellcheckMissing && inCi()) throw new Error(`CI requires ${shellcheckMissing}`);

describe('infra shell scripts', () => {
  test.skipIf(shellcheckMissing)(
    `are clean under shellcheck${shellcheckMissing ? ` (skipped: ${shellcheckMissing})` : ''}`,
    async () => {
      const scripts = [
        'preflight.sh',
        'deploy.sh',
        'backup.sh',
        'restore.sh',
        'env-file.sh',
        'nginx/render.sh',
      ];
      // Findings go to stdout with exit 1; a script it cannot read goes to stderr.
      const result = await run(
        'shellcheck',
        scripts.map((s) => path.join(REPO_ROOT, 'infra', s)),
      ).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (err: { code: number; stdout: string; stderr: string }) => err,
      );
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    },
  );
});
