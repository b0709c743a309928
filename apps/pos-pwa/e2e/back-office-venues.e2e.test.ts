import {
  ADMIN,
  buildPwa,
  createStorage,
  postgresSkipReason,
  ServerProcess,
  type Storage,
} from '@niteos/test-support';
import { chromiumUnavailable, launchChromium } from '@niteos/test-support/browser';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openBackOffice } from './back-office-page.ts';

const skip = chromiumUnavailable() ?? postgresSkipReason;

let storage: Storage;
let server: ServerProcess;
let browser: Browser;
let root: string;
const contexts: BrowserContext[] = [];

/** A new venue, with a radio URL of its own to tell it by on the settings screen. */
async function createVenue(name: string, slug: string) {
  const created = await server.json('POST', '/api/admin/venues', root, {
    name,
    slug,
    city: 'Basel',
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const radioUrl = `https://radio.example/${slug}.m3u8`;
  expect((await server.json('PATCH', `/api/admin/venues/${id}`, root, { radioUrl })).status).toBe(
    200,
  );
  return { id, name, radioUrl };
}

/** A new venue and the venue admin who runs it. */
async function venueWithAdmin(name: string, slug: string) {
  const venue = await createVenue(name, slug);
  const admin = { email: `admin@${slug}.niteos.test`, password: `${slug}-password` };
  const created = await server.json('POST', `/api/admin/venues/${venue.id}/staff`, root, {
    ...admin,
    displayName: `${name} admin`,
    role: 'venue_admin',
  });
  expect(created.status).toBe(201);
  return { venue, admin };
}

const suite = skip ? describe.skip : describe;
suite(`back office venues in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    buildPwa('pos-pwa');
    storage = await createStorage('postgres');
    server = await ServerProcess.start(storage, 'back-office venues e2e server');
    browser = await launchChromium();
    root = (await server.json('POST', '/api/auth/login', null, ADMIN)).body.accessToken;
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    await storage?.dispose();
  });

  test('after settings are saved the picker still shows the venue the screens edit', async () => {
    const alpha = await createVenue('A1 Alpha', 'a1-alpha');
    const zeta = await createVenue('Zz Zeta', 'zz-zeta');
    const page = await openBackOffice(browser, contexts, server.port, ADMIN);
    const picker = page.getByTestId('admin-venue');
    expect(await picker.locator('option').first().getAttribute('value')).toBe(alpha.id);
    await picker.selectOption(zeta.id);
    await page.getByTestId('admin-tab-settings').click();
    await expect.poll(() => page.getByTestId('settings-radio').inputValue()).toBe(zeta.radioUrl);

    await page.getByTestId('settings-offline-cap').fill('12');
    const reloaded = page.waitForResponse(
      (r) => r.request().method() === 'GET' && new URL(r.url()).pathname === '/api/admin/venues',
    );
    await page.getByTestId('settings-save').click();
    await reloaded;
    await expect.poll(() => page.getByText('Saved: tills use the new policy').count()).toBe(1);
    expect(await picker.inputValue()).toBe(zeta.id);
    expect(await picker.locator('option:checked').textContent()).toBe(zeta.name);

    await picker.selectOption(alpha.id);
    await expect.poll(() => page.getByTestId('settings-radio').inputValue()).toBe(alpha.radioUrl);
  });

  test('settings show what another admin saved after sign-in, and Save compares with that', async () => {
    const venue = await createVenue('Changed meanwhile', 'changed-meanwhile');
    const page = await openBackOffice(browser, contexts, server.port, ADMIN);
    // The venue list is loaded; another admin changes the venue behind the page's back.
    const radioUrl = 'https://radio.example/changed-later.m3u8';
    const meanwhile = await server.json('PATCH', `/api/admin/venues/${venue.id}`, root, {
      radioUrl,
      policy: { offlineCapNc: 7_700 },
    });
    expect(meanwhile.status).toBe(200);

    await page.getByTestId('admin-venue').selectOption(venue.id);
    await page.getByTestId('admin-tab-settings').click();
    await expect.poll(() => page.getByTestId('settings-radio').inputValue()).toBe(radioUrl);
    expect(await page.getByTestId('settings-offline-cap').inputValue()).toBe('77');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByText('Nothing changed').count()).toBe(1);
  });

  test('disabling a staff member from the keyboard leaves the focus on that row', async () => {
    const { venue, admin } = await venueWithAdmin('Focus bar', 'focus-bar');
    const leaver = { email: 'leaver@focus-bar.niteos.test', password: 'leaver-password' };
    const added = await server.json('POST', `/api/admin/venues/${venue.id}/staff`, root, {
      ...leaver,
      displayName: 'Leaving barman',
      role: 'staff',
    });
    expect(added.status).toBe(201);
    const page = await openBackOffice(browser, contexts, server.port, admin);
    await page.getByTestId('admin-tab-people').click();
    const row = page.getByTestId('staff-row').filter({ hasText: leaver.email });
    await row.getByRole('button', { name: 'Disable' }).focus();
    page.once('dialog', (d) => d.accept());
    await page.keyboard.press('Enter');
    await row.getByText('disabled', { exact: true }).waitFor();

    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return {
        tag: el?.tagName,
        text: el?.textContent,
        row: el?.closest('[data-testid="staff-row"]')?.textContent,
      };
    });
    // The button pressed, now the one that undoes it.
    expect(focused).toMatchObject({ tag: 'BUTTON', text: 'Enable' });
    expect(focused.row).toContain(leaver.email);
  });

  test('messages are live regions and an armed Remove says it removes for good', async () => {
    const { venue, admin } = await venueWithAdmin('Spoken bar', 'spoken-bar');
    const item = await server.json('POST', `/api/admin/venues/${venue.id}/market-items`, root, {
      name: 'Old cider',
      category: 'Cider',
      priceNc: 500,
      priceChf: 500,
    });
    expect(item.status).toBe(201);
    const page = await openBackOffice(browser, contexts, server.port, admin);

    await page.getByTestId('admin-tab-market').click();
    await page.getByRole('button', { name: 'Remove Old cider', exact: true }).click();
    await expect
      .poll(() => page.getByRole('button', { name: /^Remove Old cider.*for good/ }).count())
      .toBe(1);

    await page.getByTestId('admin-tab-settings').click();
    const settings = page.getByTestId('admin-settings');
    await page.getByTestId('settings-offline-cap').waitFor();
    // The regions are in the page before anything is said: a reader announces what then appears.
    const said = await settings.evaluate((el) =>
      [...el.querySelectorAll('[role="status"], [role="alert"]')].map((r) => r.textContent),
    );
    expect(said.length).toBeGreaterThanOrEqual(2);
    expect(said.every((text) => text === '')).toBe(true);
    await page.getByTestId('settings-offline-cap').fill('not money');
    await page.getByTestId('settings-save').click();
    await expect
      .poll(() => settings.getByRole('alert').filter({ hasText: 'The limits' }).allTextContents())
      .toEqual(['The limits are NC amounts like 50 or 12.50.']);
    await page.getByTestId('settings-offline-cap').fill('15');
    await page.getByTestId('settings-save').click();
    await expect
      .poll(() => settings.getByRole('status').filter({ hasText: 'Saved' }).allTextContents())
      .toEqual(['Saved: tills use the new policy after their next sync']);
  });

  test("after sign-out the next admin's picker never lists the previous admin's venues", async () => {
    const elsewhere = await createVenue('Nitecore only', 'nitecore-only');
    const { venue, admin } = await venueWithAdmin('Own bar', 'own-bar');
    const page = await openBackOffice(browser, contexts, server.port, ADMIN);
    const options = () => page.getByTestId('admin-venue').locator('option').allTextContents();
    expect(await options()).toContain(elsewhere.name);
    await page.getByTestId('admin-signout').click();
    await page.getByTestId('admin-email').waitFor();

    // The next admin's venue list is held back until the picker has been looked at.
    let asked!: () => void;
    const listAsked = new Promise<void>((resolve) => {
      asked = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/admin/venues', async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      asked();
      await released;
      await route.continue();
    });
    await page.getByTestId('admin-email').fill(admin.email);
    await page.getByTestId('admin-password').fill(admin.password);
    await page.getByTestId('admin-signin').click();
    await listAsked;
    await page.getByTestId('admin-venue').waitFor();
    expect(await options()).toEqual([]);

    release();
    await page.getByTestId('admin-conflicts').waitFor();
    expect(await options()).toEqual([venue.name]);
  });
});
