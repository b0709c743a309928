import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  buildPwa,
  createPostgresDatabase,
  createStorage,
  DEMO_MANAGER,
  DEMO_STAFF,
  postgresSkipReason,
  runLedgerVerify,
  runScript,
  ServerProcess,
  type Storage,
} from '@niteos/test-support';
import { chromiumUnavailable, launchChromium, TillPage } from '@niteos/test-support/browser';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';

const skip = chromiumUnavailable() ?? postgresSkipReason;
const GUEST_A = '04a1b2c3d4e5f6'; // 100 NC in the demo data
const GUEST_D = 'dd00000000000002';

/** infra/backup.sh or restore.sh, run as an operator would, and expected to succeed. */
async function infraScript(script: string, args: string[], env: Record<string, string>) {
  const run = await runScript(script, args, env, 120_000);
  expect(run.code, `${script}: ${run.stdout}${run.stderr}`).toBe(0);
}

const cleanup: (() => Promise<unknown>)[] = [];
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  for (const c of cleanup.reverse()) await c().catch(() => {});
});

/** The till app built, and a server on a new PostgreSQL database with the demo data. */
async function startDemoServer() {
  buildPwa('pos-pwa');
  const storage: Storage = await createStorage('postgres');
  storage.env.NITEOS_DEMO_SEED = 'auto';
  cleanup.push(() => storage.dispose());
  const first = await ServerProcess.start(storage, 'before the restore');
  cleanup.push(() => first.stop());
  return { storage, first };
}

/** `backup.sh` on `storage`'s database, as the nightly timer runs it: the folder it wrote. */
async function backUp(storage: Storage): Promise<string> {
  const backups = await mkdtemp(path.join(tmpdir(), 'niteos-restore-e2e-'));
  cleanup.push(() => rm(backups, { recursive: true, force: true }));
  await infraScript('backup.sh', [], {
    DATABASE_URL: storage.env.DATABASE_URL as string,
    NITEOS_BACKUP_DIR: backups,
    NITEOS_ENV_FILE: '/nonexistent',
  });
  return backups;
}

/** `restore.sh` of the backup into a new database, and a server on it at `port`. */
async function restoreAndStart(storage: Storage, backups: string, port: number) {
  const target = await createPostgresDatabase();
  cleanup.push(() => target.drop());
  const [dump] = await readdir(backups);
  await infraScript('restore.sh', [path.join(backups, dump as string), target.url], {});
  const restored: Storage = {
    ...storage,
    env: { ...storage.env, DATABASE_URL: target.url },
    dispose: () => target.drop(),
  };
  const second = await ServerProcess.start(restored, 'restored', { port });
  cleanup.push(() => second.stop());
  return { restored, second };
}

const suite = skip ? describe.skip : describe;
suite(`a till and a server restored from a backup${skip ? ` (skipped: ${skip})` : ''}`, () => {
  test('the till sends again every op the restored server lost, and the books end whole', async () => {
    const { storage, first } = await startDemoServer();
    const tokens = new Map<ServerProcess, string>();
    const balance = async (server: ServerProcess, tag: string) => {
      if (!tokens.has(server)) {
        const login = await server.json('POST', '/api/auth/login', null, DEMO_MANAGER);
        expect(login.status, 'manager login').toBe(200);
        tokens.set(server, login.body.accessToken);
      }
      const res = await server.json('GET', `/api/wallets/${tag}`, tokens.get(server));
      expect(res.status, `wallet ${tag}`).toBe(200);
      return res.body.balanceNc as number;
    };

    browser ??= await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${first.port}/pos/`);
    const till = new TillPage(page);
    await till.enroll(DEMO_MANAGER.email, DEMO_MANAGER.password, 'Bar');
    await till.signIn(DEMO_STAFF.name, DEMO_STAFF.pin);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));

    expect(await till.topup(GUEST_D, 2_000)).toContain('Topped up 20.00 NC');
    expect(await till.sell('Beer', 'Lager 0.33', 1, GUEST_A, 'nc')).toBe('Paid 7.00 NC');
    await till.waitForQueue(0);

    const backups = await backUp(storage);

    // The rest of the night, acknowledged by the server and gone from the queue.
    for (let i = 0; i < 3; i++)
      expect(await till.sell('Beer', 'Lager 0.33', 1, GUEST_A, 'nc')).toBe('Paid 7.00 NC');
    expect(await till.topup(GUEST_D, 10_000)).toContain('Topped up 100.00 NC');
    await till.waitForQueue(0);
    expect(await balance(first, GUEST_A)).toBe(10_000 - 4 * 700);
    expect(await balance(first, GUEST_D)).toBe(12_000);

    // The database is lost. The till stays on the Wi-Fi and keeps selling:
    // 96 NC that only the lost top-up covers.
    await first.stop();
    expect(await till.sell('Cocktails', 'Gin Tonic', 6, GUEST_D, 'nc')).toBe('Paid 96.00 NC');
    // The push failed (the detail, in the bar's tooltip, names the exchange).
    await expect
      .poll(() => till.page.getByTestId('status-error').getAttribute('title'))
      .toMatch(/^sync: /);
    expect(await till.waiting()).toBe(1);

    // The operator restores the last backup into a new database.
    const { restored, second } = await restoreAndStart(storage, backups, first.port);

    // The till's retry pulls first: the four lost ops go back ahead of the
    // sale, and all five are judged in the order they were sold.
    await till.waitForQueue(0, 90_000);
    expect(await balance(second, GUEST_A)).toBe(10_000 - 4 * 700);
    expect(await balance(second, GUEST_D)).toBe(12_000 - 9_600);
    const conflicts = await second.json(
      'GET',
      '/api/admin/conflicts?status=open',
      tokens.get(second),
    );
    expect(conflicts.body.conflicts).toEqual([]);
    const resent = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open('niteos-till');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('meta').objectStore('meta').get('resent');
            get.onsuccess = () => resolve(get.result?.value);
            get.onerror = () => reject(get.error);
          };
        }),
    );
    expect(resent).toMatchObject({ count: 4 });
    await second.stop();
    const verify = await runLedgerVerify(restored);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });

  test('a till enrolled after the backup is re-enrolled by an admin and keeps every op', async () => {
    const { storage, first } = await startDemoServer();
    // Last night's backup: the venue and its staff, but not the till set up today.
    const backups = await backUp(storage);

    browser ??= await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${first.port}/pos/`);
    const till = new TillPage(page);
    await till.enroll(DEMO_MANAGER.email, DEMO_MANAGER.password, 'New bar');
    await till.signIn(DEMO_STAFF.name, DEMO_STAFF.pin);
    expect(await till.topup(GUEST_D, 2_000)).toContain('Topped up 20.00 NC');
    expect(await till.sell('Beer', 'Lager 0.33', 1, GUEST_A, 'nc')).toBe('Paid 7.00 NC');
    await till.waitForQueue(0);

    await first.stop();
    expect(await till.sell('Beer', 'Lager 0.33', 1, GUEST_D, 'nc')).toBe('Paid 7.00 NC');
    const { restored, second } = await restoreAndStart(storage, backups, first.port);

    // The restored server has never heard of this till: it refuses its token.
    const banner = page.getByTestId('status-unknown-till');
    await banner.waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('status-online').textContent()).toBe('Server problem');
    expect(await till.waiting()).toBe(1);
    // Selling goes on meanwhile.
    expect(await till.sell('Beer', 'Lager 0.33', 1, GUEST_A, 'nc')).toBe('Paid 7.00 NC');

    await page.getByTestId('reenroll').click();
    await page.getByTestId('enroll-email').fill(DEMO_MANAGER.email);
    await page.getByTestId('enroll-password').fill(DEMO_MANAGER.password);
    await page.getByTestId('enroll-signin').click();
    expect(await page.getByTestId('enroll-name').inputValue()).toBe('New bar');
    await page.getByTestId('enroll-submit').click();
    await page.getByTestId('tab-sell').waitFor();
    await till.waitForQueue(0, 90_000);
    expect(await banner.count()).toBe(0);

    // The ops the lost database had acknowledged come back from the till's history.
    const login = await second.json('POST', '/api/auth/login', null, DEMO_MANAGER);
    const balance = async (tag: string) =>
      (await second.json('GET', `/api/wallets/${tag}`, login.body.accessToken)).body.balanceNc;
    expect(await balance(GUEST_A)).toBe(10_000 - 2 * 700);
    expect(await balance(GUEST_D)).toBe(2_000 - 700);
    await second.stop();
    const verify = await runLedgerVerify(restored);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
