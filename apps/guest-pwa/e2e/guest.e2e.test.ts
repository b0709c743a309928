import { fileURLToPath } from 'node:url';
import type { LoginResponse } from '@niteos/schema/wire';
import {
  ADMIN,
  buildPwa,
  createStorage,
  DEMO_MANAGER,
  postgresSkipReason,
  ServerProcess,
  type Storage,
  stopAndVerify,
} from '@niteos/test-support';
import { chromiumUnavailable, installability, launchChromium } from '@niteos/test-support/browser';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { claimInApp, GuestPages, shownClaimCode } from './guest-pages.ts';
import { serveStream } from './hls-server.ts';

const skip = chromiumUnavailable() ?? postgresSkipReason;
const TAG = '0e0e5e5e0001';
const SESSION_KEY = 'niteos.guest.session';
const STREAM_DIR = fileURLToPath(new URL('./fixtures/radio', import.meta.url));

let storage: Storage;
let server: ServerProcess;
let browser: Browser;
let stream: Awaited<ReturnType<typeof serveStream>>;
let managerToken: string;
let pages: GuestPages;

const base = () => `http://127.0.0.1:${server.port}`;

const storedSession = (page: Page) =>
  page.evaluate(
    (key) => JSON.parse(localStorage.getItem(key) ?? 'null'),
    SESSION_KEY,
  ) as Promise<LoginResponse>;

/**
 * A page that plays HLS through hls.js, as Firefox does (Chromium would play
 * it itself), with hls.js held back when first asked for until `held.release()`.
 * No service worker, so that the page's own requests can be held.
 */
async function pageWithHlsHeldBack() {
  const context = await pages.context({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.addInitScript(() => {
    const canPlay = HTMLMediaElement.prototype.canPlayType;
    HTMLMediaElement.prototype.canPlayType = function (type: string) {
      return /mpegurl/i.test(type) ? '' : canPlay.call(this, type);
    };
  });
  const held: { release?: () => Promise<void> } = {};
  await page.route('**/assets/hls-*.js', async (route) => {
    const response = await route.fetch();
    held.release = () => route.fulfill({ response });
  });
  return { page, held };
}

const suite = skip ? describe.skip : describe;
suite(`guest app in Chromium against the real server on PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    buildPwa('guest-pwa');
    buildPwa('pos-pwa');
    stream = await serveStream(STREAM_DIR);
    storage = await createStorage('postgres');
    storage.env.NITEOS_DEMO_SEED = 'auto';
    server = await ServerProcess.start(storage, 'guest e2e server');
    managerToken = (await server.json('POST', '/api/auth/login', null, DEMO_MANAGER)).body
      .accessToken;
    const venues = await server.json('GET', '/api/public/venues');
    const demo = venues.body.venues.find((v: { slug: string }) => v.slug === 'demo-club');
    const patched = await server.json('PATCH', `/api/admin/venues/${demo.id}`, managerToken, {
      radioUrl: stream.url('stream.m3u8'),
    });
    expect(patched.status).toBe(200);
    browser = await launchChromium();
    pages = new GuestPages(browser, base());
  });

  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    await stream?.close();
    const verify = await stopAndVerify(server, storage);
    if (verify) expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });

  test('a guest claims a wristband, sees a till sale, and still sees it offline marked stale', async () => {
    const till = await pages.openTill('Guest e2e bar');
    expect(await till.topup(TAG, 4000)).toContain('Topped up 40.00 NC');
    const code = await shownClaimCode(till);
    expect(code).toBeTruthy();
    await till.waitForQueue(0);

    const page = await pages.phone();
    await page.goto(`${base()}/?venue=demo-club`);
    await page.getByRole('link', { name: 'Sign in or create an account' }).click();
    await pages.registerInApp(page, 'guest-e2e@niteos.test');
    await page.getByRole('link', { name: 'Add a wristband' }).click();
    // The claim screen is loaded on demand: its text arrives after the link's click.
    await expect
      .poll(() => page.locator('main').textContent())
      .toContain(
        "The claim code is shown on the till after a top-up; the bar can show it again from the till's recent list.",
      );
    await claimInApp(page, TAG.toUpperCase(), code);
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe('40.00 NC');
    await expect.poll(() => page.getByTestId('level').textContent()).toBe('Level 1');

    expect(await till.sell('Beer', 'Lager 0.33', 2, TAG, 'nc')).toBe('Paid 14.00 NC');
    await till.waitForQueue(0);
    // Opening the wallet again fetches it again; no reload needed.
    await page.getByRole('link', { name: 'Feed' }).click();
    await page.getByRole('link', { name: 'Wallet' }).click();
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe('26.00 NC');
    await expect.poll(() => page.getByTestId('activity').textContent()).toContain('Purchase');
    expect(await page.getByTestId('activity').textContent()).toContain('Demo Club');
    expect(await page.getByTestId('activity').textContent()).toContain('−14.00 NC');

    await page.getByRole('link', { name: 'Market' }).click();
    await expect.poll(() => page.getByTestId('market').first().textContent()).toContain('NC');
    expect(await page.locator('main').textContent()).toContain('CHF 7.00');
    await page.getByRole('link', { name: 'NiteTap' }).click();
    await expect(page.getByTestId('nitetap-qr').getAttribute('data-nitetap')).resolves.toBe(TAG);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));

    await page.context().setOffline(true);
    await page.reload();
    await page.getByTestId('offline').waitFor();
    expect(await page.getByTestId('nitetap-qr').locator('svg').count()).toBe(1);
    for (const [tab, what] of [
      ['Wallet', 'your wallet'],
      ['Market', 'the market'],
      ['Feed', 'the feed'],
    ] as const) {
      await page.getByRole('link', { name: tab }).click();
      await expect.poll(() => page.getByTestId('stale').first().textContent()).toContain(what);
    }
    await page.getByRole('link', { name: 'Wallet' }).click();
    expect(await page.getByTestId('balance').textContent()).toBe('26.00 NC');
    await page.getByRole('link', { name: 'Demo Club' }).click();
    // The venue list was never opened online: it says so plainly instead of spinning.
    await expect.poll(() => page.getByTestId('failed').textContent()).toContain('venues');
    await page.context().setOffline(false);
  });

  test('a guest with two wristbands keeps the one picked when a sale reorders the list', async () => {
    const [bandA, bandB] = ['0e0e5e5e00a1', '0e0e5e5e00b2'];
    const till = await pages.openTill('Two bands bar');
    const codes: string[] = [];
    for (const band of [bandA, bandB]) {
      await till.topup(band, 2000);
      codes.push(await shownClaimCode(till));
    }
    await till.waitForQueue(0);

    const page = await pages.phone();
    await pages.registerInApp(page, 'two-bands@niteos.test');
    for (const [i, band] of [bandA, bandB].entries()) {
      await page.goto(`${base()}/claim`);
      await claimInApp(page, band, codes[i] ?? '');
      await page.getByTestId('balance').waitFor();
    }
    await page.getByRole('link', { name: 'NiteTap' }).click();
    await page.getByRole('tab', { name: bandB.toUpperCase() }).click();
    await expect(page.getByTestId('nitetap-qr').getAttribute('data-nitetap')).resolves.toBe(bandB);

    // The bar charges the band shown; its row changes, and PostgreSQL may list it elsewhere now.
    expect(await till.sell('Beer', 'Lager 0.33', 1, bandB, 'nc')).toBe('Paid 7.00 NC');
    await till.waitForQueue(0);
    await page.getByRole('link', { name: 'Wallet' }).click();
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe('13.00 NC');
    expect(
      await page.getByRole('tab', { name: bandB.toUpperCase() }).getAttribute('aria-selected'),
    ).toBe('true');
    await page.getByRole('link', { name: 'NiteTap' }).click();
    await expect(page.getByTestId('nitetap-qr').getAttribute('data-nitetap')).resolves.toBe(bandB);
  });

  test('after a lost wristband is replaced, the guest sees where its balance went', async () => {
    const [lost, replacement] = ['0e0e5e5e00c1', '0e0e5e5e00c2'];
    const till = await pages.openTill('Lost band bar');
    await till.topup(lost, 2500);
    const code = await shownClaimCode(till);
    await till.waitForQueue(0);

    const page = await pages.phone();
    await pages.registerInApp(page, 'lost-band@niteos.test');
    await page.goto(`${base()}/claim`);
    await claimInApp(page, lost, code);
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe('25.00 NC');

    const replaced = await server.json('POST', `/api/admin/wallets/${lost}/replace`, managerToken, {
      newNitetapId: replacement,
    });
    expect(replaced.status).toBe(200);
    await page.reload();
    // The new band is shown first, though the lost one comes first in the list.
    await expect
      .poll(() =>
        page.getByRole('tab', { name: replacement.toUpperCase() }).getAttribute('aria-selected'),
      )
      .toBe('true');
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe('25.00 NC');
    await expect
      .poll(() => page.getByTestId('activity').textContent())
      .toContain(`Moved from lost wristband ${lost.toUpperCase()}`);
    await page.getByRole('tab', { name: lost.toUpperCase() }).click();
    await expect
      .poll(() => page.getByTestId('activity').textContent())
      .toContain(`Moved to new wristband ${replacement.toUpperCase()}`);
    expect(await page.getByTestId('balance').textContent()).toBe('0.00 NC');
  });

  test('the guest service worker leaves the till, the API and /health to the network', async () => {
    const page = await pages.phone();
    await page.goto(`${base()}/`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload();
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    const tillShell = await page.request.get(`${base()}/pos/`);
    expect(await tillShell.text()).toContain('NiteOS Till');
    await page.context().setOffline(true);
    const fromWorker = await page.evaluate(async () => {
      const tryFetch = (p: string) =>
        fetch(p).then(
          (r) => `status ${r.status}`,
          () => 'network error',
        );
      return {
        api: await tryFetch('/api/public/venues'),
        health: await tryFetch('/api/health'),
        till: await tryFetch('/pos/'),
      };
    });
    expect(fromWorker).toEqual({
      api: 'network error',
      health: 'network error',
      till: 'network error',
    });
    await page.context().setOffline(false);
  });

  test('the radio plays the venue HLS stream from another server, and says when it is down', async () => {
    const page = await pages.phone();
    await page.goto(`${base()}/radio?venue=demo-club`);
    await page.getByTestId('radio-toggle').click();
    await expect
      .poll(() => page.getByTestId('radio-status').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('playing');
    await expect
      .poll(async () => (await page.getByTestId('radio-elapsed').textContent()) ?? '', {
        timeout: 20_000,
      })
      .toMatch(/^0:0[1-9]$/);
    // The clock ticks every second outside the live region, which a screen reader reads out.
    expect(await page.getByTestId('radio-status').textContent()).toBe('Playing');
    expect(
      await page
        .getByTestId('radio-elapsed')
        .evaluate((el) => el.closest('[role="status"], [role="alert"], [aria-live]') === null),
    ).toBe(true);
    const metadata = await page.evaluate(() => navigator.mediaSession.metadata?.title);
    expect(metadata).toBe('Demo Club radio');

    // Another venue, with its own stream: its radio screen is not Demo Club's.
    const root = (await server.json('POST', '/api/auth/login', null, ADMIN)).body.accessToken;
    const second = await server.json('POST', '/api/admin/venues', root, {
      name: 'Second Bar',
      slug: 'second-bar',
      city: 'Basel',
    });
    await server.json('PATCH', `/api/admin/venues/${second.body.id}`, root, {
      radioUrl: stream.url('stream.m3u8?venue=second'),
    });
    await page.getByRole('link', { name: 'Demo Club' }).click();
    await page.getByRole('button', { name: 'Second Bar' }).click();
    await page.getByRole('link', { name: 'Radio' }).click();
    await expect
      .poll(() => page.getByTestId('radio-status').textContent())
      .toBe('Demo Club radio is on: press play to switch to this one.');
    expect(await page.getByTestId('radio-toggle').textContent()).toBe('Play');
    await page.getByRole('link', { name: 'Second Bar' }).click();
    await page.getByRole('button', { name: 'Demo Club' }).click();
    await page.getByRole('link', { name: 'Radio' }).click();
    await page.getByTestId('radio-toggle').click();
    await expect.poll(() => page.getByTestId('radio-status').textContent()).toBe('Paused');

    const venues = await server.json('GET', '/api/public/venues');
    const demo = venues.body.venues.find((v: { slug: string }) => v.slug === 'demo-club');
    await server.json('PATCH', `/api/admin/venues/${demo.id}`, managerToken, {
      radioUrl: stream.url('gone.m3u8'),
    });
    const other = await pages.phone();
    await other.goto(`${base()}/radio?venue=demo-club`);
    await other.getByTestId('radio-toggle').click();
    await expect
      .poll(() => other.getByTestId('radio-status').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('down');
    expect(await other.getByTestId('radio-status').textContent()).toContain('stream is down');
    await server.json('PATCH', `/api/admin/venues/${demo.id}`, managerToken, {
      radioUrl: stream.url('stream.m3u8'),
    });
  });

  test('Pause pressed while the radio is still connecting keeps it paused', async () => {
    // The stream player (hls.js) loads on the first Play: held back until Pause is pressed.
    const { page, held } = await pageWithHlsHeldBack();
    await page.goto(`${base()}/radio?venue=demo-club`);
    await page.getByTestId('radio-toggle').click();
    await expect.poll(() => held.release !== undefined).toBe(true);
    expect(await page.getByTestId('radio-status').getAttribute('data-state')).toBe('connecting');
    await page.getByTestId('radio-toggle').click();
    expect(await page.getByTestId('radio-status').textContent()).toBe('Paused');
    // Once hls.js runs it fetches the playlist; a Play that went on would start from there.
    const playlist = page.waitForResponse((r) => r.url().includes('stream.m3u8'));
    await held.release?.();
    await playlist;
    await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
    expect(await page.getByTestId('radio-status').getAttribute('data-state')).toBe('paused');
    expect(await page.getByTestId('radio-toggle').textContent()).toBe('Play');
    await page.getByTestId('radio-toggle').click();
    await expect
      .poll(() => page.getByTestId('radio-status').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('playing');
  });

  test('a stream that stops arriving says so instead of "Playing", and goes on when it returns', async () => {
    // No service worker, so that the page's own requests can be held back.
    const context = await pages.context({ serviceWorkers: 'block' });
    const page = await context.newPage();
    const held: (() => Promise<void>)[] = [];
    // Past the first two segments nothing comes, as on a dropped connection.
    const later = /segment[2-4]\.m2ts$/;
    await page.route(later, async (route) => {
      const response = await route.fetch();
      held.push(() => route.fulfill({ response }));
    });
    await page.goto(`${base()}/radio?venue=demo-club`);
    await page.getByTestId('radio-status').waitFor();
    // Every state the screen shows, in order, however briefly.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { radioStates: string[] }).radioStates = seen;
      const status = document.querySelector('[data-testid="radio-status"]');
      if (!status) throw new Error('no radio status');
      new MutationObserver(() => seen.push(status.getAttribute('data-state') ?? '')).observe(
        status,
        { attributes: true, attributeFilter: ['data-state'] },
      );
    });
    await page.getByTestId('radio-toggle').click();
    const state = () => page.getByTestId('radio-status').getAttribute('data-state');
    await expect.poll(state, { timeout: 20_000, message: 'first play' }).toBe('playing');
    await expect.poll(state, { timeout: 20_000, message: 'starved' }).toBe('connecting');
    expect(await page.getByTestId('radio-status').textContent()).toBe('Connecting to the stream…');
    // The connection is back: what was asked gets its answer, and anything asked again too.
    await page.unroute(later);
    await Promise.all(held.splice(0).map((fulfil) => fulfil().catch(() => undefined)));
    // It plays the rest (4 s of this short fixture), then ends.
    const states = () =>
      page.evaluate(() => (window as unknown as { radioStates: string[] }).radioStates);
    await expect
      .poll(async () => (await states()).slice((await states()).lastIndexOf('connecting')), {
        timeout: 20_000,
        message: 'plays on',
      })
      .toContain('playing');
  });

  test('a venue picked while the stream player still loads is the only one it plays', async () => {
    const root = (await server.json('POST', '/api/auth/login', null, ADMIN)).body.accessToken;
    const later = await server.json('POST', '/api/admin/venues', root, {
      name: 'Late Switch Bar',
      slug: 'late-switch-bar',
      city: 'Bern',
    });
    const laterUrl = stream.url('stream.m3u8?venue=late-switch');
    await server.json('PATCH', `/api/admin/venues/${later.body.id}`, root, { radioUrl: laterUrl });
    const { page, held } = await pageWithHlsHeldBack();
    const playlists: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('.m3u8')) playlists.push(r.url());
    });
    await page.goto(`${base()}/radio?venue=demo-club`);
    await page.getByTestId('radio-toggle').click();
    await expect.poll(() => held.release !== undefined).toBe(true);
    // On a slow phone hls.js is still loading when the guest picks another venue and plays it.
    await page.getByRole('link', { name: 'Demo Club' }).click();
    await page.getByRole('button', { name: 'Late Switch Bar' }).click();
    await page.getByRole('link', { name: 'Radio' }).click();
    await page.getByText('Demo Club radio is on').waitFor();
    await page.getByTestId('radio-toggle').click();
    await held.release?.();
    await expect
      .poll(() => page.getByTestId('radio-status').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('playing');
    expect(await page.evaluate(() => navigator.mediaSession.metadata?.title)).toBe(
      'Late Switch Bar radio',
    );
    // Demo Club's stream was never even asked for: nothing of it took over the audio element.
    expect(playlists.length).toBeGreaterThan(0);
    expect(playlists.filter((url) => url !== laterUrl)).toEqual([]);
  });

  test('a call NiteOS is too slow to answer is not called "Offline", and a change says to check first', async () => {
    const context = await pages.context({ serviceWorkers: 'block' });
    const page = await context.newPage();
    await pages.registerInApp(page, 'slow-server@niteos.test');
    await page.goto(`${base()}/market?venue=demo-club`);
    await page.getByTestId('fresh').waitFor();
    // The Wi-Fi is fine but NiteOS does not answer: the app gives up after its 8 s.
    await page.route('**/api/public/venues/*/market', () => undefined);
    await page.route('**/api/wallets/claim', () => undefined);
    await page.reload();
    await expect
      .poll(() => page.getByTestId('stale').textContent(), { timeout: 20_000 })
      .toMatch(/^NiteOS is not answering: showing the market from/);

    await page.goto(`${base()}/claim`);
    await claimInApp(page, '0e0e5e5e00d1', 'ABCD-EFGH');
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toBe(
      'NiteOS is slow to answer right now. It may have done it all the same: check before trying again.',
    );
  });

  test('a server error keeps the last copy and says NiteOS is not answering, not "Offline"', async () => {
    // No service worker, so that the page's own requests can be answered here.
    const context = await pages.context({ serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(`${base()}/market?venue=demo-club`);
    await page.getByTestId('fresh').waitFor();
    // A deploy in progress: the proxy answers 503 while the Wi-Fi is fine.
    await page.route('**/api/public/venues/*/market', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: '{}' }),
    );
    await page.reload();
    const stale = await page.getByTestId('stale').textContent();
    expect(stale).toMatch(/^NiteOS is not answering: showing the market from/);
    expect(await page.getByTestId('market').first().textContent()).toContain('NC');
  });

  test('a screen whose code is gone (a release since the page loaded) offers a reload, not a blank page', async () => {
    const context = await pages.context({ serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(`${base()}/?venue=demo-club`);
    const gone = '**/assets/market-screen-*.js';
    await page.route(gone, (route) => route.fulfill({ status: 404, body: 'not found' }));
    await page.getByRole('link', { name: 'Market' }).click();
    const failed = page.getByTestId('screen-failed');
    await failed.waitFor();
    expect(await failed.textContent()).toContain('could not be opened');
    // Another screen still opens.
    await page.getByRole('link', { name: 'Feed' }).click();
    await expect.poll(() => failed.count()).toBe(0);

    await page.getByRole('link', { name: 'Market' }).click();
    await failed.waitFor();
    await page.unroute(gone);
    await failed.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => page.getByTestId('market').first().textContent()).toContain('NC');
  });

  test('a guest cannot read another guest wallet', async () => {
    const page = await pages.phone();
    await pages.registerInApp(page, 'nosy-e2e@niteos.test');
    const { accessToken } = await storedSession(page);
    const peek = await page.evaluate(
      async ([tag, token]) => {
        const headers = { authorization: `Bearer ${token}` };
        return Promise.all(
          [`/api/wallets/${tag}`, `/api/me/wallets/${tag}/activity`].map((p) =>
            fetch(p, { headers }).then((r) => r.status),
          ),
        );
      },
      [TAG, accessToken],
    );
    expect(peek).toEqual([404, 404]);
  });

  test('two tabs share one session: both outlive an expired access token, and sign out together', async () => {
    const first = await pages.phone();
    await pages.registerInApp(first, 'two-tabs-e2e@niteos.test');
    const second = await first.context().newPage();
    const before = await storedSession(first);
    // The server's tokens last 15 minutes; one it refuses gets the app the same 401 as one expired.
    const refused = `${before.accessToken}x`;
    expect((await server.json('GET', '/api/me/wallets', refused)).status).toBe(401);
    await first.evaluate(({ key, value }) => localStorage.setItem(key, value), {
      key: SESSION_KEY,
      value: JSON.stringify({ ...before, accessToken: refused }),
    });
    const refreshes: number[] = [];
    first.context().on('response', (r) => {
      if (r.url().endsWith('/api/auth/refresh')) refreshes.push(r.status());
    });
    // Both tabs open with the refused token in memory, so each needs a refresh.
    for (const tab of [first, second]) await tab.goto(`${base()}/account`);

    await Promise.all(
      [first, second].map(async (tab) => {
        const wallets = tab.waitForResponse(
          (r) => r.url().endsWith('/api/me/wallets') && r.status() === 200,
        );
        await tab.getByRole('link', { name: 'Wallet' }).click();
        await wallets;
      }),
    );
    for (const tab of [first, second]) await tab.getByText('No wristband yet').waitFor();
    // One tab traded the refresh token; the other took the pair it stored instead of
    // spending the same token again, which the server would take for theft.
    expect(refreshes).toEqual([200]);
    const after = await storedSession(second);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect((await server.json('GET', '/api/me/wallets', after.accessToken)).status).toBe(200);

    await first.getByRole('link', { name: 'Account' }).click();
    await first.getByRole('button', { name: 'Sign out' }).click();
    await second.getByRole('link', { name: 'Sign in or create an account' }).waitFor();
    expect(await storedSession(second)).toBeNull();
    const reuse = await server.json('POST', '/api/auth/refresh', null, {
      refreshToken: after.refreshToken,
    });
    expect(reuse.status).toBe(401);
  });

  test('an answer that arrives after a newer one does not replace it', async () => {
    const context = await pages.context({ serviceWorkers: 'block' });
    const page = await context.newPage();
    const slow: { request?: Request; release?: () => Promise<void> } = {};
    await page.route('**/api/public/venues/demo-club/feed', async (route) => {
      if (slow.request) return route.continue();
      slow.request = route.request();
      // Answered by the server now, delivered only when the test says.
      const response = await route.fetch();
      slow.release = () => route.fulfill({ response });
    });
    await page.goto(`${base()}/feed?venue=demo-club`);
    await expect.poll(() => slow.release !== undefined).toBe(true);
    const venues = await server.json('GET', '/api/public/venues');
    const demo = venues.body.venues.find((v: { slug: string }) => v.slug === 'demo-club');
    const title = 'Doors open at ten tonight';
    const posted = await server.json('POST', `/api/admin/venues/${demo.id}/feed`, managerToken, {
      title,
    });
    expect(posted.status).toBe(201);
    // The phone comes back online and loads the feed again, which now has the post.
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect.poll(() => page.getByTestId('feed').textContent()).toContain(title);
    const delivered = page.waitForEvent('requestfinished', (r) => r === slow.request);
    await slow.release?.();
    await delivered;
    await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
    expect(await page.getByTestId('feed').textContent()).toContain(title);
  });

  test('a refresh whose answer was lost is tried again at once, before the server stops taking it', async () => {
    const page = await pages.phone();
    await pages.registerInApp(page, 'lost-refresh@niteos.test');
    const before = await storedSession(page);
    let lost = false;
    await page.route('**/api/auth/refresh', async (route) => {
      if (lost) return route.continue();
      lost = true;
      // The server spends the token and answers; the venue Wi-Fi drops the answer.
      await route.fetch();
      await route.abort('failed');
    });
    // The access token has run out: the wallet's next call needs a refresh.
    await page.evaluate(({ key, value }) => localStorage.setItem(key, value), {
      key: SESSION_KEY,
      value: JSON.stringify({ ...before, accessToken: `${before.accessToken}x` }),
    });
    await page.reload();
    await expect.poll(() => lost).toBe(true);
    // The guest then stays on a screen that makes no signed-in call.
    await page.getByRole('link', { name: 'Feed' }).click();
    await expect
      .poll(async () => (await storedSession(page))?.refreshToken, { timeout: 15_000 })
      .not.toBe(before.refreshToken);
    const after = await storedSession(page);
    expect((await server.json('GET', '/api/me/wallets', after.accessToken)).status).toBe(200);
  });

  test('a login signed out elsewhere leaves none of its offline copies on the phone', async () => {
    const page = await pages.phone();
    await pages.registerInApp(page, 'signed-out-elsewhere@niteos.test');
    const copies = () =>
      page.evaluate(() =>
        Object.keys(localStorage).filter((k) => k.startsWith('niteos.guest.cache.me.')),
      );
    await expect.poll(copies).not.toEqual([]);
    const stored = await storedSession(page);
    // Lost phone: "sign out everywhere" from another device; then the access token expires.
    expect(
      (await server.json('POST', '/api/auth/logout-everywhere', stored.accessToken)).status,
    ).toBe(204);
    await page.evaluate(({ key, value }) => localStorage.setItem(key, value), {
      key: SESSION_KEY,
      value: JSON.stringify({ ...stored, accessToken: `${stored.accessToken}x` }),
    });
    await page.reload();
    await page.getByRole('link', { name: 'Sign in or create an account' }).waitFor();
    expect(await storedSession(page)).toBeNull();
    expect(await copies()).toEqual([]);
  });

  test('a wallet answer that arrives after the guest signed out is not stored', async () => {
    const context = await pages.context({ serviceWorkers: 'block' });
    const page = await context.newPage();
    await pages.registerInApp(page, 'late-answer@niteos.test');
    const copies = () =>
      page.evaluate(() =>
        Object.keys(localStorage).filter((k) => k.startsWith('niteos.guest.cache.me.')),
      );
    await expect.poll(copies).not.toEqual([]);
    const late: { request?: Request; release?: () => Promise<void> } = {};
    await page.route('**/api/me/wallets', async (route) => {
      if (late.request) return route.continue();
      late.request = route.request();
      // Answered by the server now, delivered only when the test says.
      const response = await route.fetch();
      late.release = () => route.fulfill({ response });
    });
    // The phone comes back online: the wallet loads again, slowly.
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect.poll(() => late.release !== undefined).toBe(true);
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await copies()).toEqual([]);
    const delivered = page.waitForEvent('requestfinished', (r) => r === late.request);
    await late.release?.();
    await delivered;
    await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
    expect(await copies()).toEqual([]);
  });

  test('with site storage blocked the app still opens, a venue can be picked, and a guest signs in', async () => {
    const context = await pages.context({ serviceWorkers: 'block' });
    const page = await context.newPage();
    // As when the guest blocks site data: merely reading localStorage throws.
    await page.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', {
        configurable: true,
        get() {
          throw new DOMException('Access is denied for this document.', 'SecurityError');
        },
      });
    });
    await page.goto(`${base()}/feed?venue=demo-club`);
    await page.getByTestId('fresh').waitFor();
    await page.getByRole('link', { name: 'Demo Club' }).click();
    await page.getByRole('button', { name: 'Demo Club' }).click();
    // Kept for this page only, the choice still opens the venue's feed.
    await expect.poll(() => page.getByTestId('feed').count()).toBe(1);
    // Signing up and in works too, for this tab; and so does signing out.
    await pages.registerInApp(page, 'no-storage@niteos.test');
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  test('Chromium finds nothing that stops the guest app from being installed', async () => {
    expect(await installability(`${base()}/`)).toEqual({
      installabilityErrors: [],
      manifestErrors: [],
    });
  });
});
