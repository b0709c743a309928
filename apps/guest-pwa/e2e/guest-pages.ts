import { DEMO_MANAGER, DEMO_STAFF } from '@niteos/test-support';
import { TillPage } from '@niteos/test-support/browser';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

/** Guest phones and the venue's tills, opened in one browser against one server. */
export class GuestPages {
  private readonly contexts: BrowserContext[] = [];

  constructor(
    private readonly browser: Browser,
    readonly base: string,
  ) {}

  /** A new browser profile, closed with the others. */
  async context(options?: BrowserContextOptions): Promise<BrowserContext> {
    const context = await this.browser.newContext(options);
    this.contexts.push(context);
    return context;
  }

  async phone(): Promise<Page> {
    const context = await this.context({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    return context.newPage();
  }

  /** A till of the demo venue, enrolled by the manager, with the demo bartender signed in. */
  async openTill(name: string): Promise<TillPage> {
    const context = await this.context({ viewport: { width: 1100, height: 900 } });
    const till = new TillPage(await context.newPage());
    await till.page.goto(`${this.base}/pos/`);
    await till.enroll(DEMO_MANAGER.email, DEMO_MANAGER.password, name);
    await till.signIn(DEMO_STAFF.name, DEMO_STAFF.pin);
    return till;
  }

  async registerInApp(page: Page, email: string) {
    await page.goto(`${this.base}/account`);
    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('guest-password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('link', { name: 'Add a wristband' }).waitFor();
  }

  async close() {
    for (const context of this.contexts) await context.close().catch(() => {});
  }
}

/** The claim code the till shows after a top-up. */
export async function shownClaimCode(till: TillPage): Promise<string> {
  const shown = (await till.page.getByTestId('claim-code').textContent()) ?? '';
  return /([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(shown)?.[1] ?? '';
}

/** Adds a wristband in the guest app, as a guest types it from the till's screen. */
export async function claimInApp(page: Page, tag: string, code: string) {
  await page.getByLabel('Tag id').fill(tag);
  await page.getByLabel('Claim code').fill(code);
  await page.getByRole('button', { name: 'Add wristband' }).click();
}
