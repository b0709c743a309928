import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * The back office of the server on `port` in a fresh browser profile,
 * signed in as `who`, on its first screen. The profile joins `contexts`,
 * which the suite closes.
 */
export async function openBackOffice(
  browser: Browser,
  contexts: BrowserContext[],
  port: number,
  who: { email: string; password: string },
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/pos/admin`);
  await page.getByTestId('admin-email').fill(who.email);
  await page.getByTestId('admin-password').fill(who.password);
  await page.getByTestId('admin-signin').click();
  await page.getByTestId('admin-conflicts').waitFor();
  return page;
}
