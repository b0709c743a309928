/**
 * Guest app benchmark: `pnpm bench:guest` from the repo root.
 *
 * Builds the guest and till apps, starts the real server on embedded PGlite
 * with the demo data, tops up a wristband at a real till (Chromium), and
 * signs a guest in and claims it in a Chromium profile. Lighthouse (npm,
 * Debian's Chromium, mobile defaults: simulated slow 4G and 4x CPU) then
 * audits the wallet screen in that profile, signed in, `BENCH_RUNS` times
 * (default 3); the median of each category counts. It also sums the gzipped
 * JavaScript the wallet screen loads before it is idle.
 *
 * Targets: performance, accessibility and best practices >= 95; initial
 * JavaScript <= 60 KB gzipped. Prints a table, writes
 * apps/guest-pwa/bench/results/latest.json; a missed target prints MISS.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildPwa, createStorage, ServerProcess } from '@niteos/test-support';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  chromiumUnavailable,
  launchChromium,
  TillPage,
} from '@niteos/test-support/browser';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(APP_DIR, 'dist');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGETS = { performance: 95, accessibility: 95, 'best-practices': 95 } as const;
const INITIAL_JS_TARGET = 60 * 1024;
const TAG = '0b0b0b0b0b01';
const MANAGER = { email: 'manager@demo.niteos.app', password: 'demo-manager' };

const log = (line: string) => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** A guest profile on disk, signed in, with a claimed wristband that has a balance and a sale. */
async function preparedProfile(base: string): Promise<string> {
  const browser = await launchChromium();
  const till = new TillPage(await (await browser.newContext()).newPage());
  await till.page.goto(`${base}/pos/`);
  await till.enroll(MANAGER.email, MANAGER.password, 'Bench bar');
  await till.signIn('Demo bartender', '1234');
  await till.topup(TAG, 5000);
  const code = /([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(
    (await till.page.getByTestId('claim-code').textContent()) ?? '',
  )?.[1];
  await till.sell('Beer', 'Lager 0.33', 1, TAG, 'nc');
  await till.waitForQueue(0);
  await browser.close();
  if (!code) throw new Error('the till showed no claim code');

  const profile = mkdtempSync(path.join(os.tmpdir(), 'niteos-lighthouse-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  const page = await context.newPage();
  await page.goto(`${base}/account?venue=demo-club`);
  await page.getByRole('button', { name: 'New here? Create an account' }).click();
  await page.getByLabel('Email').fill('lighthouse@niteos.test');
  await page.getByLabel('Password').fill('guest-password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('link', { name: 'Add a wristband' }).click();
  await page.getByLabel('Tag id').fill(TAG);
  await page.getByLabel('Claim code').fill(code);
  await page.getByRole('button', { name: 'Add wristband' }).click();
  await page.getByTestId('activity').locator('li').first().waitFor();
  await context.close();
  return profile;
}

interface Run {
  scores: Record<keyof typeof TARGETS, number>;
  scriptGzipBytes: number;
  scripts: { url: string; transferSize: number }[];
  failing: string[];
}

async function audit(url: string, profile: string): Promise<Run> {
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    userDataDir: profile,
    chromeFlags: [...CHROMIUM_ARGS, '--headless=new'],
  });
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      // Keep the profile's signed-in session: the wallet screen is what guests open.
      disableStorageReset: true,
      onlyCategories: Object.keys(TARGETS),
    });
    if (!result) throw new Error('lighthouse returned nothing');
    const { categories, audits } = result.lhr;
    const scores = Object.fromEntries(
      Object.keys(TARGETS).map((k) => [k, Math.round((categories[k]?.score ?? 0) * 100)]),
    ) as Run['scores'];
    const requests = ((audits['network-requests']?.details as { items?: unknown[] })?.items ??
      []) as { url: string; resourceType?: string; transferSize?: number }[];
    const scripts = requests
      .filter((r) => r.resourceType === 'Script' && r.url.startsWith(url.replace(/\/$/, '')))
      .map((r) => ({ url: new URL(r.url).pathname, transferSize: r.transferSize ?? 0 }));
    const failing = Object.values(categories)
      .flatMap((c) => c.auditRefs)
      .filter((ref) => ref.weight > 0 && (audits[ref.id]?.score ?? 1) < 0.9)
      .map((ref) => `${ref.id} (${audits[ref.id]?.score})`);
    const scriptGzipBytes = scripts.reduce((total, s) => {
      const file = path.join(DIST, s.url);
      return total + gzipSync(readFileSync(file), { level: 9 }).length;
    }, 0);
    return { scores, scriptGzipBytes, scripts, failing: [...new Set(failing)] };
  } finally {
    chrome.kill();
  }
}

async function main() {
  const skip = chromiumUnavailable();
  if (skip) throw new Error(`the guest benchmark needs Chromium: ${skip}`);
  buildPwa('guest-pwa');
  buildPwa('pos-pwa');
  const storage = await createStorage('pglite');
  storage.env.NITEOS_DEMO_SEED = 'auto';
  const server = await ServerProcess.start(storage, 'guest bench server');
  const base = `http://127.0.0.1:${server.port}`;
  let profile: string | null = null;
  try {
    profile = await preparedProfile(base);
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await audit(`${base}/`, profile);
      log(
        `run ${i + 1}: ${Object.entries(run.scores)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}; scripts ${run.scripts.map((s) => s.url).join(' ')}`,
      );
      runs.push(run);
    }
    const summary = Object.fromEntries(
      Object.keys(TARGETS).map((k) => [
        k,
        median(runs.map((r) => r.scores[k as keyof typeof TARGETS])),
      ]),
    );
    const initialJs = median(runs.map((r) => r.scriptGzipBytes));
    log('\nGuest app, wallet screen signed in, Lighthouse mobile (median of runs)');
    for (const [k, target] of Object.entries(TARGETS)) {
      const v = summary[k] ?? 0;
      log(
        `  ${k.padEnd(16)} ${String(v).padStart(3)}  target >= ${target}  ${v >= target ? 'PASS' : 'MISS'}`,
      );
    }
    log(
      `  initial JS       ${(initialJs / 1024).toFixed(1)} KB gzipped  target <= 60 KB  ${initialJs <= INITIAL_JS_TARGET ? 'PASS' : 'MISS'}`,
    );
    const failing = [...new Set(runs.flatMap((r) => r.failing))];
    if (failing.length > 0) log(`  audits below 0.9: ${failing.join(', ')}`);
    const out = path.join(APP_DIR, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      path.join(out, 'latest.json'),
      `${JSON.stringify({ at: new Date().toISOString(), summary, initialJsGzipBytes: initialJs, runs }, null, 2)}\n`,
    );
  } finally {
    if (profile) rmSync(profile, { recursive: true, force: true });
    await server.stop();
    await storage.dispose();
  }
}

await main();
