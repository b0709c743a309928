import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Drives the till UI the way bar staff do: by its visible controls. */
export class TillPage {
  constructor(readonly page: Page) {}

  async enroll(email: string, password: string, name: string) {
    const p = this.page;
    await p.getByTestId('enroll-email').fill(email);
    await p.getByTestId('enroll-password').fill(password);
    await p.getByTestId('enroll-signin').click();
    await p.getByTestId('enroll-name').fill(name);
    await p.getByTestId('enroll-submit').click();
    await p.getByTestId('pin').waitFor();
  }

  async signIn(staffName: string, pin: string) {
    const p = this.page;
    await p.getByTestId('pin-staff').filter({ hasText: staffName }).click();
    // Seen once under full CI load: the pad never opened. Say what the till showed instead.
    await p
      .getByTestId('pin-ok')
      .waitFor()
      .catch(async (cause: unknown) => {
        const shown = ((await p.locator('body').textContent()) ?? '').slice(0, 600);
        const what = `the PIN pad did not open after tapping ${staffName}; the till shows: ${shown}`;
        throw new Error(what, { cause });
      });
    for (const digit of pin) await p.getByTestId(`pin-${digit}`).click();
    await p.getByTestId('pin-ok').click();
    await p.getByTestId('sell').waitFor();
  }

  /** Sells `qty` of one item; returns the feedback text staff see. */
  async sell(
    category: string,
    item: string,
    qty: number,
    tag: string | null,
    tender: 'nc' | 'cash' | 'card',
  ) {
    const p = this.page;
    await p.getByTestId('tab-sell').click();
    await p.getByRole('button', { name: category, exact: true }).click();
    for (let i = 0; i < qty; i++) await p.locator(`[data-item="${item}"]`).click();
    await p.getByTestId('guest-tag').fill(tag ?? '');
    const before = await this.feedbackCount();
    await p.getByTestId(`pay-${tender}`).click();
    return this.feedbackAfter(before);
  }

  async clearCart() {
    await this.page.getByTestId('cart-clear').click();
  }

  async topup(tag: string, amountNc: number) {
    const p = this.page;
    await p.getByTestId('tab-topup').click();
    await p.getByTestId('guest-tag').fill(tag);
    await p.getByTestId('amount').fill(String(amountNc / 100));
    const before = await this.feedbackCount();
    await p.getByTestId('topup-cash').click();
    return this.feedbackAfter(before);
  }

  /** How many messages the visible screen has shown (each feedback carries its number). */
  private async feedbackCount(): Promise<number> {
    return Number(await this.page.getByTestId('feedback').getAttribute('data-n'));
  }

  /** The text of the first message shown after `before`. */
  private async feedbackAfter(before: number): Promise<string> {
    const box = this.page.locator(`[data-testid="feedback"][data-n="${before + 1}"]`);
    await box.waitFor({ state: 'attached', timeout: 10_000 });
    return (await box.textContent()) ?? '';
  }

  async waiting(): Promise<number> {
    const text = (await this.page.getByTestId('status-queue').textContent()) ?? '';
    return Number(/^(\d+) waiting/.exec(text)?.[1] ?? Number.NaN);
  }

  async waitForQueue(count: number, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.waiting()) === count) return;
      await this.page.waitForTimeout(200);
    }
    expect(await this.waiting(), 'ops waiting in the till queue').toBe(count);
  }
}
