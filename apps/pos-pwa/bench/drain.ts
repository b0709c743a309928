import type { BrowserContext, Page } from 'playwright-core';
import { type DrainProbe, installDrainProbe, readDrainProbe } from './page.ts';
import { round, summarize } from './stats.ts';

/** Part 3 of the till bench, online half: the queued ops drain while staff keep tapping. */

interface Push {
  start: number;
  ms: number;
  statuses: Record<string, number>;
  duplicates: number;
}

export interface DrainRun {
  drained: boolean;
  wallMs: number;
  pushes: Push[];
  probe: DrainProbe;
  /** The page's clock when it went online, if the probe missed the 'online' event. */
  onlineFallback: number;
  clickRtt: number[];
  idleRtt: number[];
}

/**
 * Takes `context` online and waits up to `timeoutS` for the till's queue
 * to empty, clicking between two tabs every 250 ms meanwhile; then a few
 * clicks when idle, for comparison. What looks wrong goes to `notes`.
 */
export async function drainOnline(
  page: Page,
  context: BrowserContext,
  timeoutS: number,
  notes: string[],
): Promise<DrainRun> {
  const pushes: Push[] = [];
  const pending: Promise<void>[] = [];
  page.on('requestfinished', (req) => {
    if (!req.url().includes('/api/sync/push')) return;
    pending.push(
      (async () => {
        const res = await req.response();
        const body = (await res?.json().catch(() => null)) as {
          results: { status: string; duplicate: boolean }[];
        } | null;
        const statuses: Record<string, number> = {};
        let duplicates = 0;
        for (const r of body?.results ?? []) {
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          if (r.duplicate) duplicates++;
        }
        const t = req.timing();
        pushes.push({ start: t.startTime, ms: t.responseEnd, statuses, duplicates });
      })(),
    );
  });
  // Going online must fire the 'online' event a real network change would.
  const reallyOffline = await page
    .waitForFunction(() => !navigator.onLine, undefined, { timeout: 5000 })
    .then(() => true)
    .catch(() => false);
  if (!reallyOffline)
    notes.push("navigator.onLine stayed true: no 'online' event to start the drain");
  await page.evaluate(installDrainProbe);
  const onlineFallback = await page.evaluate(() => performance.now());
  const tabs = ['tab-recent', 'tab-sell'];
  const clickRtt: number[] = [];
  const drainStart = performance.now();
  await context.setOffline(false);
  let drained = false;
  for (let i = 0; performance.now() - drainStart < timeoutS * 1000; i++) {
    const probe = await page.evaluate(readDrainProbe, false);
    if (probe.zeroAt !== null) {
      drained = true;
      break;
    }
    const t = performance.now();
    await page.getByTestId(tabs[i % 2] ?? 'tab-sell').click({ force: true, timeout: 10_000 });
    clickRtt.push(performance.now() - t);
    await page.waitForTimeout(250);
  }
  const wallMs = performance.now() - drainStart;
  await page.waitForTimeout(1000);
  const idleRtt: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    await page.getByTestId(tabs[i % 2] ?? 'tab-sell').click({ force: true });
    idleRtt.push(performance.now() - t);
    await page.waitForTimeout(150);
  }
  await page.getByTestId('tab-sell').click();
  const probe: DrainProbe = await page.evaluate(readDrainProbe, true);
  await Promise.all(pending);
  return { drained, wallMs, pushes, probe, onlineFallback, clickRtt, idleRtt };
}

/** The drain's figures for the report: time, pushes, replies, and the UI while it ran. */
export function drainReport(run: DrainRun, queued: number) {
  const { probe, pushes } = run;
  const from = probe.onlineAt ?? run.onlineFallback;
  const to = probe.zeroAt ?? Number.POSITIVE_INFINITY;
  const during = <T extends { start?: number; at?: number }>(xs: T[]) =>
    xs.filter((x) => {
      const t = x.start ?? x.at ?? 0;
      return t >= from && t <= to;
    });
  const longDuring = during(probe.longTasks);
  const clicksDuring = during(probe.clicks);
  const clicksIdle = probe.clicks.filter((c) => c.at > to);
  const drainMs = probe.zeroAt !== null ? to - from : null;
  const pushMs = pushes.reduce((t, p) => t + p.ms, 0);
  // Between one push's reply and the next push: the till applying the reply and reading the next batch.
  const ordered = [...pushes].sort((a, b) => a.start - b.start);
  const between = ordered.slice(1).map((p, i) => {
    const prev = ordered[i];
    return prev ? p.start - (prev.start + prev.ms) : 0;
  });
  const replies: Record<string, number> = {};
  let duplicates = 0;
  for (const p of pushes) {
    for (const [k, v] of Object.entries(p.statuses)) replies[k] = (replies[k] ?? 0) + v;
    duplicates += p.duplicates;
  }
  return {
    drain: {
      ms: drainMs === null ? null : round(drainMs),
      wallMs: round(run.wallMs),
      opsPerSecond: drainMs ? round(queued / (drainMs / 1000)) : null,
      extrapolatedMsFor10k: drainMs && queued < 10_000 ? round((drainMs * 10_000) / queued) : null,
      onlineAt: probe.onlineAt,
      zeroAt: probe.zeroAt,
      counts: probe.counts.map(([t, n]) => [round(t), n]),
      pushes: pushes.length,
      pushMsTotal: round(pushMs),
      pushMs: summarize(pushes.map((p) => p.ms)),
      tillBetweenPushesMs: summarize(between),
      tillBetweenPushesTotalMs: round(between.reduce((a, b) => a + b, 0)),
      replies,
      duplicates,
    },
    ui: {
      longTasks: {
        n: longDuring.length,
        totalMs: round(longDuring.reduce((t, l) => t + l.duration, 0)),
        maxMs: round(Math.max(0, ...longDuring.map((l) => l.duration))),
      },
      clicksDuringDrain: {
        toFrameMs: summarize(clicksDuring.map((c) => c.toFrame)),
        inputDelayMs: summarize(clicksDuring.map((c) => c.delay)),
        playwrightRoundTripMs: summarize(run.clickRtt),
      },
      clicksIdle: {
        toFrameMs: summarize(clicksIdle.map((c) => c.toFrame)),
        playwrightRoundTripMs: summarize(run.idleRtt),
      },
      eventTimingClicksMs: summarize(
        probe.events
          .filter((e) => e.name === 'click' && e.start >= from && e.start <= to)
          .map((e) => e.duration),
      ),
    },
  };
}
