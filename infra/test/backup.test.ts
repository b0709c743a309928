import { randomInt } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCaptured, runScript } from '@niteos/test-support';
import { afterAll, expect, test } from 'vitest';
import {
  createPostgresDatabase,
  createVenue,
  describeWithServers,
  enrollTill,
  expectBooksBalance,
  loginAdmin,
  newNitetapId,
  pushOk,
  runLedgerVerify,
  ServerProcess,
  type Storage,
  seededRandom,
  walletBalance,
} from '../../apps/server/test/support/server-process.ts';
import { expectedBalances, planTillOps } from '../../apps/server/test/support/till-ops.ts';

/** infra/backup.sh and infra/restore.sh on the real PostgreSQL, checked by ledger:verify. */
describeWithServers('postgres', 'database backup and restore', (suite) => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  test('a backup restored into a new database passes ledger:verify with the same balances', async () => {
    const seed = randomInt(2 ** 31);
    const storage = await suite.storage();
    const server = await suite.start('original');
    const token = await loginAdmin(server);
    const till = await enrollTill(server, token, await createVenue(server, token), 'Bar');
    const plan = await planTillOps(
      till,
      Array.from({ length: 6 }, newNitetapId),
      240,
      seededRandom(seed),
    );
    const ops = plan.ops.map((o) => o.signed);
    const backupDir = await mkdtemp(path.join(tmpdir(), 'niteos-backups-'));
    cleanup.push(() => rm(backupDir, { recursive: true, force: true }));
    const backup = () =>
      runScript('backup.sh', [], {
        DATABASE_URL: storage.env.DATABASE_URL as string,
        NITEOS_BACKUP_DIR: backupDir,
        NITEOS_BACKUP_KEEP: '2',
        NITEOS_ENV_FILE: '/nonexistent',
      });

    // Three nights: push a third of the ops, back up; only the newest two dumps stay.
    for (let night = 0; night < 3; night++) {
      const part = ops.slice(night * 80, (night + 1) * 80);
      for (let i = 0; i < part.length; i += 40)
        await pushOk(till, server.send, part.slice(i, i + 40));
      const run = await backup();
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    const dumps = (await readdir(backupDir)).sort();
    expect(dumps).toHaveLength(2);
    expect(dumps.every((d) => /^niteos-\d{8}T\d{6}\.\d{3}Z\.dump$/.test(d))).toBe(true);
    const newest = path.join(backupDir, dumps[1] as string);

    const target = await createPostgresDatabase();
    const restored: Storage = {
      mode: 'postgres',
      env: { ...storage.env, DATABASE_URL: target.url },
      dispose: () => target.drop(),
    };
    cleanup.push(() => restored.dispose());
    const restore = await runScript('restore.sh', [newest, target.url], {});
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);

    await expectBooksBalance(restored);
    const copy = await ServerProcess.start(restored, 'restored');
    cleanup.push(() => copy.stop());
    const copyToken = await loginAdmin(copy);
    const expected = expectedBalances(ops);
    for (const [tag, balance] of expected) {
      expect(await walletBalance(server, token, tag)).toBe(balance);
      expect(await walletBalance(copy, copyToken, tag), `seed ${seed}`).toBe(balance);
    }
    // The restored books are the same books: the same verify report, line for line
    // (after the first, which names the database).
    const report = async (s: Storage) => (await runLedgerVerify(s)).stdout.split('\n').slice(1);
    expect(await report(restored)).toEqual(await report(storage));
  });

  test('restore refuses a database that already holds data and leaves it untouched', async () => {
    const storage = await suite.storage();
    const backupDir = await mkdtemp(path.join(tmpdir(), 'niteos-backups-'));
    cleanup.push(() => rm(backupDir, { recursive: true, force: true }));
    // DATABASE_URL from the server's settings file, next to a value with spaces
    // that systemd takes as one value (and bash, sourcing the file, as a command).
    const envFile = path.join(backupDir, 'niteos.env');
    await writeFile(
      envFile,
      `DATABASE_URL=${storage.env.DATABASE_URL}\nNITEOS_BOOTSTRAP_ADMIN_PASSWORD='a long one'\n`,
    );
    const run = await runScript('backup.sh', [], {
      NITEOS_BACKUP_DIR: path.join(backupDir, 'dumps'),
      NITEOS_ENV_FILE: envFile,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [dump] = await readdir(path.join(backupDir, 'dumps'));
    const before = await runLedgerVerify(storage);
    const refused = await runScript(
      'restore.sh',
      [path.join(backupDir, 'dumps', dump as string), storage.env.DATABASE_URL as string],
      {},
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already has \d+ tables; restore into a new, empty one/);
    expect((await runLedgerVerify(storage)).stdout).toBe(before.stdout);
  });

  test('a DATABASE_URL given by the caller wins over the settings file', async () => {
    const production = await createPostgresDatabase();
    const restored = await createPostgresDatabase();
    cleanup.push(
      () => production.drop(),
      () => restored.drop(),
    );
    await runCaptured('psql', [restored.url, '-qc', 'create table restored_marker (id int)'], {
      env: process.env,
    });
    const dir = await mkdtemp(path.join(tmpdir(), 'niteos-backups-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const envFile = path.join(dir, 'niteos.env');
    await writeFile(envFile, `DATABASE_URL=${production.url}\n`);
    const run = await runScript('backup.sh', [], {
      DATABASE_URL: restored.url,
      NITEOS_BACKUP_DIR: path.join(dir, 'dumps'),
      NITEOS_ENV_FILE: envFile,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`of ${restored.url}`);
    const [dump] = await readdir(path.join(dir, 'dumps'));
    const listed = await runCaptured(
      'pg_restore',
      ['--list', path.join(dir, 'dumps', dump as string)],
      { env: process.env },
    );
    expect(listed.stdout).toContain('restored_marker');
  });

  test('the password reaches pg_dump through the environment, never its arguments (seen by ps)', async () => {
    const target = await createPostgresDatabase();
    cleanup.push(() => target.drop());
    const dir = await mkdtemp(path.join(tmpdir(), 'niteos-backups-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    // A wrapper ahead of the real pg_dump on PATH records what it was given, then runs it.
    const realPgDump = (
      await runCaptured('bash', ['-c', 'command -v pg_dump'], { env: process.env })
    ).stdout.trim();
    const bin = path.join(dir, 'bin');
    await mkdir(bin);
    await writeFile(
      path.join(bin, 'pg_dump'),
      `#!/usr/bin/env bash\nprintf '%s\\n' "$*" "\${PGPASSWORD-unset}" > ${dir}/seen\nexec ${realPgDump} "$@"\n`,
    );
    await chmod(path.join(bin, 'pg_dump'), 0o755);
    // The machine's PostgreSQL trusts local connections, so any password is let in.
    const url = new URL(target.url);
    url.username = 'postgres';
    url.password = 's3cr%40t%5Cx';
    const run = await runScript('backup.sh', [], {
      PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      DATABASE_URL: url.toString(),
      NITEOS_BACKUP_DIR: path.join(dir, 'dumps'),
      NITEOS_ENV_FILE: '/nonexistent',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [args, password] = (await readFile(path.join(dir, 'seen'), 'utf8')).split('\n');
    expect(args).toContain(`--dbname=postgres://postgres@${url.host}${url.pathname}`);
    expect(args).not.toContain('s3cr');
    expect(password).toBe('s3cr@t\\x');
    expect(await readdir(path.join(dir, 'dumps'))).toHaveLength(1);
  });
});
