import {
  buildPwa,
  createStorage,
  DEMO_MANAGER,
  postgresSkipReason,
  ServerProcess,
  type Storage,
  stopAndVerify,
} from '@niteos/test-support';
import { chromiumUnavailable, launchChromium, type TillPage } from '@niteos/test-support/browser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { claimInApp, GuestPages, shownClaimCode } from './guest-pages.ts';

const skip = chromiumUnavailable() ?? postgresSkipReason;
const WEEKDAY = '(Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
/** "Wed 26 Nov, 15:28": English names, 24-hour clock. */
const ENGLISH_MOMENT = `${WEEKDAY} \\d{1,2} ${MONTH}, \\d\\d:\\d\\d`;

let storage: Storage;
let server: ServerProcess;
let browser: Browser;
let pages: GuestPages;
let managerToken: string;
let demoId: string;

/** Tops up each tag at the till and returns the claim codes it showed. */
async function topUp(till: TillPage, bands: [string, number][]): Promise<string[]> {
  const codes: string[] = [];
  for (const [tag, amountNc] of bands) {
    await till.topup(tag, amountNc);
    codes.push(await shownClaimCode(till));
  }
  await till.waitForQueue(0);
  return codes;
}

/** A signed-up guest whose wallet shows the band just claimed. */
async function guestWithBand(email: string, tag: string, code: string): Promise<Page> {
  const page = await pages.phone();
  await pages.registerInApp(page, email);
  await page.goto(`${pages.base}/claim`);
  await claimInApp(page, tag, code);
  await page.getByTestId('balance').waitFor();
  return page;
}

/** Opening the wallet again fetches it again. */
async function reopenWallet(page: Page) {
  await page.getByRole('link', { name: 'Feed' }).click();
  await page.getByRole('link', { name: 'Wallet' }).click();
}

const suite = skip ? describe.skip : describe;
suite(`guest screens in Chromium against the real server${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    buildPwa('guest-pwa');
    buildPwa('pos-pwa');
    storage = await createStorage('postgres');
    storage.env.NITEOS_DEMO_SEED = 'auto';
    server = await ServerProcess.start(storage, 'guest screens e2e server');
    managerToken = (await server.json('POST', '/api/auth/login', null, DEMO_MANAGER)).body
      .accessToken;
    const venues = await server.json('GET', '/api/public/venues');
    demoId = venues.body.venues.find((v: { slug: string }) => v.slug === 'demo-club').id;
    browser = await launchChromium();
    pages = new GuestPages(browser, `http://127.0.0.1:${server.port}`);
  });

  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    const verify = await stopAndVerify(server, storage);
    if (verify) expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });

  test('a held purchase shows what it would cost until the venue settles it, then says how', async () => {
    const tag = '0e0e5e5e0e01';
    const tills = [await pages.openTill('Held bar 1')];
    const [code] = await topUp(tills[0] as TillPage, [[tag, 2000]]);
    tills.push(await pages.openTill('Held bar 2'), await pages.openTill('Held bar 3'));
    for (const till of tills) {
      await till.page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      await till.page.context().setOffline(true);
    }
    // Three bars, offline, each sell 14 NC of the guest's 20: the server holds two.
    for (const till of tills) {
      expect(await till.sell('Beer', 'Lager 0.33', 2, tag, 'nc')).toBe('Paid 14.00 NC');
    }
    for (const till of tills) await till.page.context().setOffline(false);
    for (const till of tills) await till.waitForQueue(0);

    const page = await guestWithBand('held-sale@niteos.test', tag, code ?? '');
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe('6.00 NC');
    const rows = (standing: string) =>
      page.getByTestId('activity').locator(`li[data-standing="${standing}"]`);
    await expect.poll(() => rows('held').count()).toBe(2);
    for (const row of await rows('held').all()) {
      const text = await row.textContent();
      expect(text).toContain('waiting for the venue to confirm');
      expect(text).toContain('−14.00 NC');
    }

    const open = await server.json('GET', '/api/admin/conflicts?status=open', managerToken);
    const held = open.body.conflicts.filter((c: { nitetapId: string }) => c.nitetapId === tag);
    expect(held).toHaveLength(2);
    for (const [conflict, resolution] of [
      [held[0], 'reject'],
      [held[1], 'write_off'],
    ]) {
      const settled = await server.json(
        'POST',
        `/api/admin/conflicts/${conflict.id}/resolve`,
        managerToken,
        { resolution, note: 'settled at the bar' },
      );
      expect(settled.status).toBe(200);
    }
    await reopenWallet(page);
    await expect.poll(() => rows('rejected').textContent()).toContain('not charged');
    expect(await rows('written_off').textContent()).toContain('paid by the venue');
    expect(await page.getByTestId('activity').textContent()).not.toMatch(
      /held|rejected|written off|waiting/,
    );
    expect(await page.getByTestId('balance').textContent()).toBe('6.00 NC');
  });

  test('after adding a second wristband the wallet shows that band', async () => {
    const [first, second] = ['0e0e5e5e0e11', '0e0e5e5e0e12'];
    const till = await pages.openTill('Second band bar');
    const [firstCode, secondCode] = await topUp(till, [
      [first, 1000],
      [second, 1500],
    ]);
    const page = await guestWithBand('second-band@niteos.test', first, firstCode ?? '');
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe('10.00 NC');
    await page.goto(`${pages.base}/claim`);
    await claimInApp(page, second.toUpperCase(), secondCode ?? '');
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe('15.00 NC');
    expect(await page.getByTestId('wallet').textContent()).toContain(second.toUpperCase());
    expect(
      await page.getByRole('tab', { name: second.toUpperCase() }).getAttribute('aria-selected'),
    ).toBe('true');
  });

  test('the account screen names the signed-in email, after a reload and a new sign-in too', async () => {
    const page = await pages.phone();
    const email = 'shared-phone@niteos.test';
    await pages.registerInApp(page, email);
    await page.getByRole('link', { name: 'Account' }).click();
    const signedIn = page.getByTestId('signed-in');
    await expect.poll(() => signedIn.textContent()).toBe(`Signed in as ${email}.`);
    await page.reload();
    await expect.poll(() => signedIn.textContent()).toBe(`Signed in as ${email}.`);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill(email.toUpperCase());
    await page.getByLabel('Password').fill('guest-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in, the app opens the wallet.
    await page.getByText('No wristband yet').waitFor();
    await page.getByRole('link', { name: 'Account' }).click();
    await expect.poll(() => signedIn.textContent()).toBe(`Signed in as ${email}.`);
  });

  test('the header names the venue; a venue link that names none offers the venue list', async () => {
    const page = await pages.phone();
    await page.goto(`${pages.base}/feed?venue=demo-club`);
    await page.getByRole('link', { name: 'Demo Club', exact: true }).waitFor();

    await page.goto(`${pages.base}/feed?venue=nope-club`);
    const main = page.locator('main');
    await expect.poll(() => main.textContent()).toContain('NiteOS knows no venue “nope-club”');
    expect(await main.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Choose venue', exact: true }).count()).toBe(1);
    await main.getByRole('link', { name: 'Choose a venue' }).click();
    await page.getByRole('button', { name: 'Demo Club' }).click();
    await expect.poll(() => page.getByTestId('feed').count()).toBe(1);
    await page.getByRole('link', { name: 'Demo Club', exact: true }).waitFor();
  });

  test('dates read in English, and a teaser says it was posted then, not that it happens then', async () => {
    const title = 'Techno night next Friday';
    const posted = await server.json('POST', `/api/admin/venues/${demoId}/feed`, managerToken, {
      kind: 'teaser',
      title,
    });
    expect(posted.status).toBe(201);
    const page = await pages.phone();
    await page.goto(`${pages.base}/feed?venue=demo-club`);
    const post = page.locator('li.post').filter({ hasText: title });
    await expect
      .poll(() => post.locator('p.muted').first().textContent())
      .toMatch(new RegExp(`^Coming up · posted ${ENGLISH_MOMENT}$`));
  });
});
