import { createHmac, randomBytes } from 'node:crypto';
import type { LoginResponse } from '@niteos/schema/wire';
import {
  ADMIN,
  buildPwa,
  createStorage,
  DEMO_MANAGER,
  postgresSkipReason,
  runSql,
  ServerProcess,
  type Storage,
} from '@niteos/test-support';
import { chromiumUnavailable, launchChromium } from '@niteos/test-support/browser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nc } from '../src/format.ts';
import { openBackOffice } from './back-office-page.ts';

const skip = chromiumUnavailable() ?? postgresSkipReason;
const SESSION_KEY = 'niteos-admin-session';

let storage: Storage;
let server: ServerProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** The back office in a fresh browser profile, signed in. */
const backOffice = (who: { email: string; password: string }) =>
  openBackOffice(browser, contexts, server.port, who);

const storedSession = (page: Page) =>
  page.evaluate(
    (key) => JSON.parse(sessionStorage.getItem(key) ?? 'null'),
    SESSION_KEY,
  ) as Promise<LoginResponse>;

/**
 * An access token as the server signs it, issued `ageSeconds` ago. The
 * server's tokens last 15 minutes and its clock cannot be moved, so this is
 * how a test holds one that has really expired.
 */
function accessToken(user: LoginResponse['user'], ageSeconds: number): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000) - ageSeconds;
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
    sub: user.id,
    role: user.role,
    venueId: user.venueId,
    iat,
    exp: iat + 15 * 60,
  })}`;
  const secret = storage.env.NITEOS_JWT_SECRET ?? '';
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** The back office's venue list answers 503 from now on (its reload after a change fails). */
function failVenueListReloads(page: Page) {
  return page.route('**/api/admin/venues', (route) =>
    route.request().method() === 'GET'
      ? route.fulfill({ status: 503, contentType: 'application/json', body: '{}' })
      : route.continue(),
  );
}

const suite = skip ? describe.skip : describe;
suite(`back office in Chromium against the real server${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    buildPwa('pos-pwa');
    storage = await createStorage('postgres');
    storage.env.NITEOS_DEMO_SEED = 'auto';
    server = await ServerProcess.start(storage, 'back-office e2e server');
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    await storage?.dispose();
  });

  test('a Nitecore admin who switches venue sees and saves the settings of the venue picked', async () => {
    const root = (await server.json('POST', '/api/auth/login', null, ADMIN)).body.accessToken;
    const created = await server.json('POST', '/api/admin/venues', root, {
      name: 'Second venue',
      slug: 'second-venue',
      city: 'Basel',
    });
    expect(created.status).toBe(201);
    const b = created.body.id as string;
    const venues = (await server.json('GET', '/api/admin/venues', root)).body.venues;
    const a = venues.find((v: { id: string }) => v.id !== b).id as string;
    for (const [id, radioUrl, offlineCapNc] of [
      [a, 'https://radio.example/a.m3u8', 2_000],
      [b, 'https://radio.example/b.m3u8', 3_000],
    ] as const) {
      const res = await server.json('PATCH', `/api/admin/venues/${id}`, root, {
        radioUrl,
        policy: { offlineCapNc },
      });
      expect(res.status).toBe(200);
    }

    const page = await backOffice(ADMIN);
    await page.getByTestId('admin-venue').selectOption(a);
    await page.getByTestId('admin-tab-settings').click();
    await expect
      .poll(() => page.getByTestId('settings-radio').inputValue())
      .toBe('https://radio.example/a.m3u8');
    await page.getByTestId('admin-venue').selectOption(b);
    await expect
      .poll(() => page.getByTestId('settings-radio').inputValue())
      .toBe('https://radio.example/b.m3u8');
    expect(await page.getByTestId('settings-offline-cap').inputValue()).toBe('30');

    // Another admin changes the radio while this form is open: saving the cap keeps theirs.
    const meanwhile = await server.json('PATCH', `/api/admin/venues/${b}`, root, {
      radioUrl: 'https://radio.example/b-new.m3u8',
    });
    expect(meanwhile.status).toBe(200);
    await page.getByTestId('settings-offline-cap').fill('45');
    const patch = page.waitForRequest((r) => r.method() === 'PATCH');
    await page.getByTestId('settings-save').click();
    const sent = await patch;
    expect(new URL(sent.url()).pathname).toBe(`/api/admin/venues/${b}`);
    expect(sent.postDataJSON()).toEqual({ policy: { offlineCapNc: 4_500 } });
    await expect.poll(() => page.getByText('Saved: tills use the new policy').count()).toBe(1);
    // Saving again with nothing typed since sends nothing.
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByText('Nothing changed').count()).toBe(1);

    const after = (await server.json('GET', '/api/admin/venues', root)).body.venues;
    const byId = (id: string) => after.find((v: { id: string }) => v.id === id);
    expect(byId(a)).toMatchObject({
      radioUrl: 'https://radio.example/a.m3u8',
      policy: { offlineCapNc: 2_000 },
    });
    expect(byId(b)).toMatchObject({
      radioUrl: 'https://radio.example/b-new.m3u8',
      policy: { offlineCapNc: 4_500 },
    });

    // The list's reload after a save fails: the save stands, and the screen says so still.
    await failVenueListReloads(page);
    await page.getByTestId('settings-offline-cap').fill('50');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByText('Saved: tills use the new policy').count()).toBe(1);
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByText('Nothing changed').count()).toBe(1);
    expect(await page.getByTestId('load-error').count()).toBe(0);
  });

  test('a Nitecore admin creates a venue and goes on to its settings; a bad slug is explained', async () => {
    const page = await backOffice(ADMIN);
    await page.getByTestId('admin-tab-venues').click();
    await page.getByTestId('venue-name').fill('Zürich Nightowl');
    expect(await page.getByTestId('venue-slug').inputValue()).toBe('zurich-nightowl');
    await page.getByTestId('venue-slug').fill('Bad Slug');
    await page.getByTestId('venue-city').fill('Zürich');
    await page.getByRole('button', { name: 'Create venue' }).click();
    await expect
      .poll(() => page.getByTestId('venue-create-message').textContent())
      .toContain('lower-case letters, digits and dashes');
    await page.getByTestId('venue-slug').fill('zurich-nightowl');
    await page.getByRole('button', { name: 'Create venue' }).click();
    await page.getByTestId('admin-settings').waitFor();
    const picked = page.getByTestId('admin-venue');
    expect(await picked.locator('option:checked').textContent()).toBe('Zürich Nightowl');
    const listed = await server.json('GET', '/api/public/venues');
    expect(listed.body.venues.map((v: { slug: string }) => v.slug)).toContain('zurich-nightowl');

    // Created, but the list cannot load again: said so, not an error screen nor a form to resend.
    await failVenueListReloads(page);
    await page.getByTestId('admin-tab-venues').click();
    await page.getByTestId('venue-name').fill('Bern Lantern');
    await page.getByTestId('venue-city').fill('Bern');
    await page.getByRole('button', { name: 'Create venue' }).click();
    await expect
      .poll(() => page.getByTestId('venue-create-message').textContent())
      .toBe(
        'Created Bern Lantern, but the venue list did not load again: reload the page to open it.',
      );
    expect(await page.getByTestId('load-error').count()).toBe(0);
  });

  test('an access token that expired is renewed on the way: a reload lands on the screen', async () => {
    const page = await backOffice(DEMO_MANAGER);
    const before = await storedSession(page);
    const expired = accessToken(before.user, 20 * 60);
    // The server refuses it only for its age: the same token, fresh, is taken.
    expect((await server.json('GET', '/api/admin/venues', expired)).status).toBe(401);
    expect(
      (await server.json('GET', '/api/admin/venues', accessToken(before.user, 0))).status,
    ).toBe(200);

    await page.evaluate(
      ([key, value]) => sessionStorage.setItem(key as string, value as string),
      [SESSION_KEY, JSON.stringify({ ...before, accessToken: expired })],
    );
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/auth/refresh'));
    await page.reload();
    expect((await refreshed).status()).toBe(200);
    await page.getByTestId('admin-tab-market').click();
    await page.getByText('Lager 0.33').waitFor();
    const after = await storedSession(page);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(expired);
  });

  test('a duplicated tab follows the renewals of the first: neither is signed out for theft', async () => {
    const first = await backOffice(DEMO_MANAGER);
    const start = await storedSession(first);
    const expireIn = (page: Page, session: LoginResponse) =>
      page.evaluate(
        ([key, value]) => sessionStorage.setItem(key as string, value as string),
        [
          SESSION_KEY,
          JSON.stringify({ ...session, accessToken: accessToken(session.user, 20 * 60) }),
        ],
      );
    const renewedOnReload = async (page: Page) => {
      const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/auth/refresh'));
      await page.reload();
      expect((await refreshed).status()).toBe(200);
      await page.getByTestId('admin-conflicts').waitFor();
    };
    // Duplicating a tab copies its sessionStorage into the new one.
    const copy = await first.context().newPage();
    await copy.addInitScript(
      ([key, value]) => {
        if (!sessionStorage.getItem(key as string))
          sessionStorage.setItem(key as string, value as string);
      },
      [SESSION_KEY, JSON.stringify(start)],
    );
    await copy.goto(first.url());
    await copy.getByTestId('admin-conflicts').waitFor();

    // The first tab renews twice, so the copy's token is spent and so is its successor.
    await expireIn(first, start);
    await renewedOnReload(first);
    await expireIn(first, await storedSession(first));
    await renewedOnReload(first);
    await expect
      .poll(async () => (await storedSession(copy)).refreshToken)
      .toBe((await storedSession(first)).refreshToken);

    await expireIn(copy, await storedSession(copy));
    await renewedOnReload(copy);
    // And the first tab, told of the copy's renewal, still works.
    await first.getByTestId('admin-tab-market').click();
    await first.getByText('Lager 0.33').waitFor();
    expect(await first.getByTestId('admin-signin-message').count()).toBe(0);
  });

  test('a session that can no longer be renewed returns to sign-in and says it expired', async () => {
    const page = await backOffice(DEMO_MANAGER);
    // Signed out everywhere from another device: the access token and every refresh token die.
    const other = (await server.json('POST', '/api/auth/login', null, DEMO_MANAGER)).body
      .accessToken;
    expect((await server.json('POST', '/api/auth/logout-everywhere', other)).status).toBe(204);

    await page.getByTestId('admin-tab-market').click();
    await expect
      .poll(() => page.getByTestId('admin-signin-message').textContent())
      .toBe('Your session has expired: sign in again.');
    expect(await page.getByTestId('admin-email').isVisible()).toBe(true);
    expect(await storedSession(page)).toBeNull();
  });

  test('the night report prints the venue, the period up to the moment of printing, and staff by name', async () => {
    const page = await backOffice(DEMO_MANAGER);
    await page.getByTestId('admin-tab-report').click();
    await page.getByTestId('expected-cash').first().waitFor();
    expect(await page.getByTestId('report-period').textContent()).toMatch(/^Demo Club: .+ to .+$/);
    expect(await page.getByTestId('expected-card').first().textContent()).toMatch(/CHF/);
    expect(await page.getByTestId('held').first().textContent()).toMatch(/to take .* to credit/);
    const captions = await page.locator('caption').allTextContents();
    const staff = captions.filter((c) => c.startsWith('Staff '));
    expect(staff.length).toBeGreaterThan(0);
    for (const caption of staff) expect(caption).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);

    // Opened a while ago, printed now: the report is fetched again, up to now.
    await page.evaluate(() => {
      window.print = () => document.body.setAttribute('data-printed', 'yes');
    });
    const again = page.waitForResponse((r) => r.url().includes('/reports/night'));
    await page.getByTestId('report-print').click();
    const to = new URL((await again).url()).searchParams.get('to') ?? '';
    expect(Date.now() - Date.parse(to)).toBeLessThan(60_000);
    await expect.poll(() => page.locator('body').getAttribute('data-printed')).toBe('yes');
  });

  test('a screen that cannot load says why and offers a retry', async () => {
    const page = await backOffice(DEMO_MANAGER);
    await page.getByTestId('admin-tab-report').click();
    await page.getByTestId('expected-cash').first().waitFor();
    // A range that ends before it starts: the server's 400 and its reason are shown.
    await page.getByTestId('report-to').fill('2020-01-01T00:00');
    await expect
      .poll(() => page.getByTestId('load-error').textContent())
      .toContain('from must be before to');
    await page.getByTestId('report-to').fill('');
    await expect
      .poll(() => page.getByTestId('load-error').textContent())
      .toContain('Choose a date and time for both "from" and "to".');
    await page.getByTestId('report-to').fill('2099-01-01T00:00');
    await page.getByTestId('expected-cash').first().waitFor();

    await page.context().setOffline(true);
    await page.getByTestId('admin-tab-market').click();
    await expect
      .poll(() => page.getByTestId('load-error').textContent())
      .toContain('No connection');
    await page.context().setOffline(false);
    await page.getByTestId('load-retry').click();
    await page.getByText('Lager 0.33').waitFor();

    // The report, opened offline, says so, and loads once retried.
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.context().setOffline(true);
    await page.getByTestId('admin-tab-report').click();
    await expect
      .poll(() => page.getByTestId('load-error').textContent())
      .toContain('No connection');
    await page.context().setOffline(false);
    await page.getByTestId('load-retry').click();
    await page.getByTestId('expected-cash').first().waitFor();
    expect(await page.getByTestId('report-to').inputValue()).not.toBe('');
    expect(pageErrors).toEqual([]);
  });

  test('Sign out ends the session on the server too: its refresh token no longer renews', async () => {
    const page = await backOffice(DEMO_MANAGER);
    const { refreshToken } = await storedSession(page);
    const told = page.waitForResponse((r) => r.url().endsWith('/api/auth/logout'));
    await page.getByTestId('admin-signout').click();
    expect((await told).status()).toBe(204);
    await page.getByTestId('admin-email').waitFor();
    expect(await storedSession(page)).toBeNull();
    expect((await server.json('POST', '/api/auth/refresh', null, { refreshToken })).status).toBe(
      401,
    );
    // The form comes back for the next person at the bar tablet: without the password.
    expect(await page.getByTestId('admin-password').inputValue()).toBe('');
  });

  test('a manager disables a bartender: they cannot sign in until enabled again', async () => {
    const page = await backOffice(DEMO_MANAGER);
    await page.getByTestId('admin-tab-people').click();
    const who = { email: 'leaver@demo.niteos.app', password: 'leaver-password' };
    const form = page.getByTestId('admin-people').locator('form');
    await form.getByPlaceholder('name').fill('Leaving barman');
    await form.getByPlaceholder('email').fill(who.email);
    await form.getByPlaceholder('password (8+)').fill(who.password);
    await form.getByRole('button', { name: 'Add' }).click();
    const row = page.getByTestId('staff-row').filter({ hasText: who.email });
    await row.waitFor();

    page.once('dialog', (d) => d.accept());
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByText('disabled', { exact: true }).waitFor();
    expect((await server.json('POST', '/api/auth/login', null, who)).status).toBe(403);

    await row.getByRole('button', { name: 'Enable' }).click();
    await row.getByRole('button', { name: 'Disable' }).waitFor();
    expect((await server.json('POST', '/api/auth/login', null, who)).status).toBe(200);
    // The manager's own row offers neither: the server would refuse them.
    const own = page.getByTestId('staff-row').filter({ hasText: DEMO_MANAGER.email });
    expect(await own.getByRole('button', { name: 'Disable' }).count()).toBe(0);
    expect(await own.getByRole('button', { name: 'Make staff' }).count()).toBe(0);
  });

  test('a mistyped price is refused and the table shows what is saved; a comma is a decimal point', async () => {
    const page = await backOffice(DEMO_MANAGER);
    await page.getByTestId('admin-tab-market').click();
    const lagerChf = page.getByLabel('Lager 0.33 CHF', { exact: true });
    const saved = await lagerChf.inputValue();
    await lagerChf.fill('');
    await lagerChf.press('Tab');
    await expect
      .poll(() => page.getByTestId('admin-market').locator('.error').textContent())
      .toBe('Prices are amounts like 4 or 4.50.');
    await expect.poll(() => lagerChf.inputValue()).toBe(saved);

    await page.getByPlaceholder('name', { exact: true }).fill('Espresso');
    await page.getByPlaceholder('category', { exact: true }).fill('Coffee');
    await page.getByPlaceholder('CHF', { exact: true }).fill('4,50');
    await page.getByRole('button', { name: 'Add item' }).click();
    await expect
      .poll(() => page.getByLabel('Espresso NC', { exact: true }).inputValue())
      .toBe('4.50');
    await page.getByPlaceholder('name', { exact: true }).fill('Free by mistake');
    await page.getByPlaceholder('CHF', { exact: true }).fill('4.505');
    await page.getByRole('button', { name: 'Add item' }).click();
    await expect
      .poll(() => page.getByTestId('admin-market').locator('.error').textContent())
      .toBe('Prices are amounts like 4 or 4.50.');
    expect(await page.getByLabel('Free by mistake CHF', { exact: true }).count()).toBe(0);

    // Off the menu: the first tap asks, the second removes.
    const remove = page.getByRole('button', { name: /^Remove Espresso( for good\?)?$/ });
    await remove.click();
    await expect.poll(() => remove.textContent()).toBe('Remove for good?');
    expect(await page.getByLabel('Espresso NC', { exact: true }).count()).toBe(1);
    await remove.click();
    await expect
      .poll(() => page.getByTestId('admin-market').locator('.ok-text').textContent())
      .toContain('Removed Espresso');
    await expect.poll(() => page.getByLabel('Espresso NC', { exact: true }).count()).toBe(0);
    const market = await server.json('GET', '/api/public/venues/demo-club/market');
    expect(market.body.items.map((i: { name: string }) => i.name)).not.toContain('Espresso');
  });

  test('a price typed while the previous one saves is kept, and both are saved', async () => {
    const manager = (await server.json('POST', '/api/auth/login', null, DEMO_MANAGER)).body;
    const venueId = manager.user.venueId as string;
    const itemsPath = `/api/admin/venues/${venueId}/market-items`;
    const added = await server.json('POST', itemsPath, manager.accessToken, {
      name: 'Tonic water',
      category: 'Soft',
      priceNc: 400,
      priceChf: 400,
    });
    expect(added.status).toBe(201);
    const page = await backOffice(DEMO_MANAGER);
    await page.getByTestId('admin-tab-market').click();
    // The list reloads after each save; slowed down, the next field is typed in meanwhile.
    let reloaded!: () => void;
    const reload = new Promise<void>((resolve) => {
      reloaded = resolve;
    });
    await page.route('**/market-items', async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      await new Promise((r) => setTimeout(r, 400));
      await route.continue();
      reloaded();
    });
    await page.getByLabel('Tonic water CHF', { exact: true }).fill('5.20');
    await page.getByLabel('Tonic water CHF', { exact: true }).press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('6.10');
    await reload;
    const nc = page.getByLabel('Tonic water NC', { exact: true });
    await expect.poll(() => page.getByText('Saved Tonic water').count()).toBe(1);
    expect(await nc.inputValue()).toBe('6.10');
    await nc.press('Tab');
    const stored = async () =>
      (await server.json('GET', itemsPath, manager.accessToken)).body.items.find(
        (i: { itemId: string }) => i.itemId === added.body.itemId,
      );
    await expect.poll(async () => (await stored()).priceNc).toBe(610);
    expect((await stored()).priceChf).toBe(520);
  });

  test('a manager posts to the feed, guests see it, and a deleted post is gone for both', async () => {
    const guestFeed = async () =>
      (await server.json('GET', '/api/public/venues/demo-club/feed')).body.posts as {
        title: string;
        body: string;
        kind: string;
        publishedAt: string;
      }[];
    const page = await backOffice(DEMO_MANAGER);
    await page.getByTestId('admin-tab-feed').click();
    // Spaces pass the browser's check of a required field: the server's reason is shown.
    await page.getByTestId('feed-title').fill('   ');
    await page.getByTestId('feed-post').click();
    await expect.poll(() => page.getByTestId('feed-message').textContent()).toMatch(/^title: /);

    await page.getByTestId('feed-title').fill('Doors at 22:00');
    await page.getByTestId('feed-body').fill('DJ set till late.\nFree entry before 23:00.');
    await page.getByTestId('feed-post').click();
    const row = page.getByTestId('feed-row').filter({ hasText: 'Doors at 22:00' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Free entry before 23:00.');
    expect(await page.getByTestId('feed-title').inputValue()).toBe('');
    const published = (await guestFeed()).find((p) => p.title === 'Doors at 22:00');
    expect(published).toMatchObject({
      kind: 'post',
      body: 'DJ set till late.\nFree entry before 23:00.',
    });
    // When it was published, in the admin's own time zone and format.
    expect(await row.getByTestId('feed-time').textContent()).toBe(
      await page.evaluate((iso) => new Date(iso).toLocaleString(), published?.publishedAt ?? ''),
    );

    page.once('dialog', (d) => d.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect(await page.getByTestId('feed-message').textContent()).toBe('Deleted Doors at 22:00');
    expect((await guestFeed()).map((p) => p.title)).not.toContain('Doors at 22:00');
  });

  test('a flagged till shows when and why, and the manager clears the flag once looked into', async () => {
    const manager = (await server.json('POST', '/api/auth/login', null, DEMO_MANAGER)).body;
    const venueId = manager.user.venueId as string;
    const enrolled = await server.json(
      'POST',
      `/api/admin/venues/${venueId}/tills`,
      manager.accessToken,
      { name: 'Bar by the stage', publicKey: randomBytes(32).toString('base64url') },
    );
    expect(enrolled.status).toBe(201);
    // As a push with an op its basis does not justify leaves it (tills/flag.db.test.ts does
    // that through the API): no till in a browser breaks the offline rules to order.
    await runSql(
      storage.env.DATABASE_URL ?? '',
      "update tills set flagged_at = '2026-11-21T23:40:00Z', flag_reason = 'basis_violation' where id = $1",
      [enrolled.body.tillId],
    );
    const page = await backOffice(DEMO_MANAGER);
    await page.getByTestId('admin-tab-people').click();
    const row = page.getByTestId('till-row').filter({ hasText: 'Bar by the stage' });
    const flag = row.getByTestId('till-flag');
    expect(await flag.textContent()).toContain(
      `flagged ${await page.evaluate(() => new Date('2026-11-21T23:40:00Z').toLocaleString())}: basis_violation`,
    );
    page.once('dialog', (d) => d.accept());
    await flag.getByRole('button', { name: 'Clear flag' }).click();
    await expect.poll(() => flag.count()).toBe(0);
    expect(await page.getByText('Cleared the flag of Bar by the stage').count()).toBe(1);
    const tills = await server.json(
      'GET',
      `/api/admin/venues/${venueId}/tills`,
      manager.accessToken,
    );
    expect(
      tills.body.tills.find((t: { tillId: string }) => t.tillId === enrolled.body.tillId),
    ).toMatchObject({ flagReason: null, flaggedAt: null });
  });

  test("a stranger guessing a manager's password does not keep them out of a browser they used before", async () => {
    const root = (await server.json('POST', '/api/auth/login', null, ADMIN)).body.accessToken;
    const venue = (await server.json('GET', '/api/admin/venues', root)).body.venues[0];
    const who = { email: 'guessed@demo.niteos.app', password: 'guessed-password-1' };
    const created = await server.json('POST', `/api/admin/venues/${venue.id}/staff`, root, {
      ...who,
      displayName: 'Guessed Manager',
      role: 'venue_admin',
    });
    expect(created.status).toBe(201);
    const known = await backOffice(who);
    await known.getByTestId('admin-signout').click();
    await known.getByTestId('admin-email').waitFor();

    const strangers: number[] = [];
    for (let i = 0; i < 11; i++) {
      const wrong = { email: who.email, password: 'not-the-password' };
      strangers.push((await server.json('POST', '/api/auth/login', null, wrong)).status);
    }
    expect(strangers.at(-1)).toBe(429);

    await known.getByTestId('admin-email').fill(who.email);
    await known.getByTestId('admin-password').fill(who.password);
    await known.getByTestId('admin-signin').click();
    await known.getByTestId('admin-conflicts').waitFor();

    const context = await browser.newContext();
    contexts.push(context);
    const fresh = await context.newPage();
    await fresh.goto(`http://127.0.0.1:${server.port}/pos/admin`);
    await fresh.getByTestId('admin-email').fill(who.email);
    await fresh.getByTestId('admin-password').fill(who.password);
    await fresh.getByTestId('admin-signin').click();
    expect(await fresh.getByTestId('admin-signin-message').textContent()).toMatch(
      /too many attempts/,
    );
  });

  test('the audit log shows the newest 200 entries and older ones on request', async () => {
    const root = (await server.json('POST', '/api/auth/login', null, ADMIN)).body.accessToken;
    const created = await server.json('POST', '/api/admin/venues', root, {
      name: 'Audited venue',
      slug: 'audited-venue',
      city: 'Bern',
    });
    const venue = created.body.id as string;
    for (let i = 0; i < 204; i++) {
      await server.json('PATCH', `/api/admin/venues/${venue}`, root, { city: `Bern ${i}` });
    }
    const page = await backOffice(ADMIN);
    await page.getByTestId('admin-venue').selectOption(venue);
    await page.getByTestId('admin-tab-audit').click();
    await expect.poll(() => page.getByTestId('audit-entry').count()).toBe(200);
    // Who did it, by email, and what they set.
    const newest = (await page.getByTestId('audit-entry').first().textContent()) ?? '';
    expect(newest).toContain(`${ADMIN.email} (nitecore_admin)`);
    expect(newest).toContain('venue.update');
    expect(newest).toContain('city: "Bern 203"');
    expect(newest).not.toContain('name:');
    await page.getByTestId('audit-older').click();
    // 204 updates and the creation.
    await expect.poll(() => page.getByTestId('audit-entry').count()).toBe(205);
    expect(await page.getByTestId('audit-older').count()).toBe(0);
  });

  test('a lost band claimed in the app by someone else: the admin sees a hint of who, and leaves them behind', async () => {
    const lost = '04c3d4e5f6a7b8';
    const fresh = 'c0ffee0000000042';
    const registered = await server.json('POST', '/api/auth/register', null, {
      email: 'finder@guest.niteos.test',
      password: 'guest-password',
    });
    expect(registered.status).toBe(201);
    // As if the finder had claimed the band with a top-up receipt of theirs.
    await runSql(
      storage.env.DATABASE_URL ?? '',
      'update wallets set guest_user_id = $1 where nitetap_id = $2',
      [registered.body.user.id, lost],
    );
    const page = await backOffice(DEMO_MANAGER);
    await page.getByTestId('admin-tab-settings').click();
    await page.getByTestId('lost-tag').fill(lost);
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect
      .poll(() => page.getByTestId('found-wallet').textContent())
      .toContain('Claimed in the NiteOS app by f…@guest.niteos.test.');
    const keep = page.getByTestId('keep-owner');
    expect(await keep.isChecked()).toBe(true);
    await keep.uncheck();
    await page.getByTestId('new-tag').fill(fresh);
    await page.getByTestId('replace-tag').click();
    await expect
      .poll(() => page.getByTestId('wristband-message').textContent())
      .toContain('The old one is blocked');
    const finders = await server.json('GET', '/api/me/wallets', registered.body.accessToken);
    expect(finders.body.wallets.map((w: { nitetapId: string }) => w.nitetapId)).toEqual([lost]);
    const manager = (await server.json('POST', '/api/auth/login', null, DEMO_MANAGER)).body
      .accessToken;
    const owner = await server.json('GET', `/api/admin/wallets/${fresh}/owner`, manager);
    expect(owner.body).toMatchObject({ claimed: false, emailHint: null });

    // An unclaimed band offers no such choice.
    await page.getByTestId('lost-tag').fill(fresh);
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect
      .poll(() => page.getByTestId('found-wallet').textContent())
      .toContain('Not claimed in the NiteOS app.');
    expect(await page.getByTestId('keep-owner').count()).toBe(0);
  });

  test('a new tag that is already a funded wristband is only moved into on a second press; a fresh one on the first', async () => {
    const lost = '04b2c3d4e5f6a7'; // 50 NC in the demo data
    const funded = '04a1b2c3d4e5f6'; // 100 NC
    const fresh = 'c0ffee0000000043';
    const manager = (await server.json('POST', '/api/auth/login', null, DEMO_MANAGER)).body
      .accessToken;
    const balance = async (tag: string) =>
      (await server.json('GET', `/api/wallets/${tag}`, manager)).body.balanceNc as number;
    const [lostNc, fundedNc] = [await balance(lost), await balance(funded)];
    expect(lostNc).toBeGreaterThan(0);
    expect(fundedNc).toBeGreaterThan(0);
    const page = await backOffice(DEMO_MANAGER);
    await page.getByTestId('admin-tab-settings').click();
    const question = page.getByTestId('merge-question');
    const lookUp = async (tag: string) => {
      await page.getByTestId('lost-tag').fill(tag);
      await page.getByRole('button', { name: 'Look up' }).click();
      await page.getByTestId('found-wallet').waitFor();
    };

    await lookUp(lost);
    // A mistyped digit that hits another guest's band: asked, nothing moved.
    await page.getByTestId('new-tag').fill(funded);
    await page.getByTestId('replace-tag').click();
    await expect
      .poll(() => question.textContent())
      .toBe(
        `${funded} is already a wristband holding ${nc(fundedNc)}: press again to move ${nc(lostNc)} into it.`,
      );
    expect([await balance(lost), await balance(funded)]).toEqual([lostNc, fundedNc]);
    // Editing the tag withdraws the question: a fresh band moves on the first press.
    await page.getByTestId('new-tag').fill(fresh);
    expect(await question.textContent()).toBe('');
    await page.getByTestId('replace-tag').click();
    await expect
      .poll(() => page.getByTestId('wristband-message').textContent())
      .toBe(`Moved ${nc(lostNc)}; the new wristband holds ${nc(lostNc)}. The old one is blocked.`);
    expect([await balance(lost), await balance(fresh)]).toEqual([0, lostNc]);

    // Into a band that holds money on purpose: the second press moves.
    await lookUp(funded);
    await page.getByTestId('new-tag').fill(fresh);
    await page.getByTestId('replace-tag').click();
    await expect.poll(() => question.textContent()).toContain('press again');
    await page.getByTestId('replace-tag').click();
    await expect
      .poll(() => page.getByTestId('wristband-message').textContent())
      .toContain(`the new wristband holds ${nc(lostNc + fundedNc)}`);
    expect([await balance(funded), await balance(fresh)]).toEqual([0, lostNc + fundedNc]);
    expect(await question.count()).toBe(0);
  });

  test('the night report opened the next afternoon covers the whole night, from 06:00 UTC the day before', async () => {
    const HOUR = 3_600_000;
    // The business day (from 06:00 UTC, as Tonight) in which the demo top-ups were made.
    const nightStart = Math.floor((Date.now() - 6 * HOUR) / (24 * HOUR)) * 24 * HOUR + 6 * HOUR;
    const page = await backOffice(DEMO_MANAGER);
    // 15:00 UTC the day after: the manager comes in to do the books.
    const afternoon = nightStart + 33 * HOUR;
    await page.clock.setFixedTime(afternoon);
    const loaded = page.waitForResponse((r) => r.url().includes('/reports/night'));
    await page.getByTestId('admin-tab-report').click();
    const asked = new URL((await loaded).url()).searchParams;
    expect(Date.parse(asked.get('from') ?? '')).toBe(nightStart);
    expect(Date.parse(asked.get('to') ?? '')).toBe(afternoon);
    await page.getByTestId('expected-cash').first().waitFor();
    const topups = page.locator('tr', { hasText: 'Top-ups cash' }).first().locator('td').nth(1);
    expect(Number(await topups.textContent())).toBeGreaterThan(0);
    expect(await page.getByTestId('report-period').textContent()).toContain(
      `from the start of business day ${new Date(nightStart).toISOString().slice(0, 10)}, 06:00 UTC`,
    );
  });
});
