import { DEMO_MANAGER, DEMO_STAFF, type ServerProcess } from '@niteos/test-support';
import { TillPage } from '@niteos/test-support/browser';
import type { Browser, BrowserContext } from 'playwright-core';
import { expect } from 'vitest';

/**
 * A fresh browser profile (its own IndexedDB and service worker) enrolled
 * as a till of the demo venue on the server at `port`, named `name`, the
 * demo bartender signed in. The profile joins `contexts`, which the suite
 * closes. With `movableClock` the page's clock is the test's to move (a
 * device asleep, a clock changed); else the service worker holds the app
 * before this returns, so the network may go away.
 */
export async function openTill(
  browser: Browser,
  contexts: BrowserContext[],
  port: number,
  name: string,
  options: { movableClock?: boolean } = {},
): Promise<TillPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  if (options.movableClock) await page.clock.install();
  await page.goto(`http://127.0.0.1:${port}/pos/`);
  const till = new TillPage(page);
  await till.enroll(DEMO_MANAGER.email, DEMO_MANAGER.password, name);
  await till.signIn(DEMO_STAFF.name, DEMO_STAFF.pin);
  if (!options.movableClock)
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  return till;
}

/** A wallet's balance on `server`, as `token` reads it. */
export async function balanceOn(
  server: ServerProcess,
  token: string,
  tag: string,
): Promise<number> {
  const res = await server.json('GET', `/api/wallets/${tag}`, token);
  expect(res.status, `wallet ${tag}`).toBe(200);
  return res.body.balanceNc;
}
