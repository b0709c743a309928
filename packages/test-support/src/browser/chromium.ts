import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { inCi } from '../ci.ts';

/** Debian's Chromium; tests never download a browser of their own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Why browser tests cannot run here, or null. Under CI a missing Chromium
 * fails the run instead of skipping it.
 */
export function chromiumUnavailable(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const reason = `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  if (inCi()) throw new Error(`CI requires browser tests: ${reason}`);
  return reason;
}

/** Headless Chromium as this machine runs it: no sandbox as root, no background traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * A Chromium with a real (non-incognito) profile in `userDataDir`: the only
 * kind that may install a web app, so the only one whose installability
 * verdict means anything.
 */
export function launchChromiumProfile(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
}

/**
 * What Chromium says stops the web app at `url` from being installed, and
 * what it finds wrong in its manifest, once its service worker is ready.
 */
export async function installability(url: string) {
  const profile = await mkdtemp(path.join(tmpdir(), 'niteos-chromium-'));
  const context = await launchChromiumProfile(profile);
  try {
    const page = await context.newPage();
    await page.goto(url);
    // A string: this package is typed for Node, without the DOM's globals.
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    const manifest = await cdp.send('Page.getAppManifest');
    return { installabilityErrors, manifestErrors: manifest.errors };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}
