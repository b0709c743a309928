import type { BrowserContext, Page } from 'playwright-core';
import { type ColdStartMarks, coldStartProbe, navigationFacts } from './page.ts';
import { median, round } from './stats.ts';

/** Part 2 of the till bench: offline cold starts of the installed till. */

export interface ColdStart {
  totalMs: number | null;
  pinMs: number | null;
  staffButtonsMs: number | null;
  responseEndMs: number;
  workerStartMs: number;
  controlled: boolean;
  online: boolean;
}

/** One offline cold start in a new page of `context`: navigation to the PIN screen's next frame. */
export async function coldStartOnce(context: BrowserContext, url: string): Promise<ColdStart> {
  const page = await context.newPage();
  try {
    await page.addInitScript(coldStartProbe);
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(
      () => (window as unknown as { __coldStart?: ColdStartMarks }).__coldStart?.frameAfter != null,
      undefined,
      { timeout: 15_000, polling: 50 },
    );
    const f = await page.evaluate(navigationFacts);
    return {
      totalMs: f.marks.frameAfter,
      pinMs: f.marks.pin,
      staffButtonsMs: f.marks.staffButtons,
      responseEndMs: f.responseEnd,
      workerStartMs: f.workerStart,
      controlled: f.controlled,
      online: f.online,
    };
  } finally {
    await page.close();
  }
}

/**
 * A DevTools session that stops the till's service worker before a cold
 * start. It stays attached for the whole run: detaching a session resets
 * Chromium's emulated network state of the page's renderer (navigator.onLine
 * turns true while the context is still offline, and no 'online' event
 * follows when it comes back).
 */
export async function workerStopper(page: Page): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  return async () => {
    await cdp.send('ServiceWorker.stopAllWorkers');
  };
}

/** `runs` cold starts, each after `stopWorker` when given; what looks wrong goes to `notes`. */
export async function coldStarts(
  context: BrowserContext,
  stopWorker: (() => Promise<void>) | null,
  url: string,
  runs: number,
  notes: string[],
): Promise<ColdStart[]> {
  const out: ColdStart[] = [];
  for (let i = 0; i < runs; i++) {
    if (stopWorker) await stopWorker();
    const r = await coldStartOnce(context, url);
    if (!r.controlled) notes.push('a cold-start page was not controlled by the service worker');
    if (r.online) notes.push('a cold-start page was not offline');
    out.push(r);
  }
  return out;
}

export const coldSummary = (runs: ColdStart[]) => ({
  medianMs: median(runs.map((r) => r.totalMs ?? Number.NaN)),
  runs: runs.map((r) => ({
    totalMs: round(r.totalMs ?? Number.NaN),
    pinMs: round(r.pinMs ?? Number.NaN),
    staffButtonsMs: round(r.staffButtonsMs ?? Number.NaN),
    responseEndMs: round(r.responseEndMs),
    workerStartMs: round(r.workerStartMs),
  })),
});
