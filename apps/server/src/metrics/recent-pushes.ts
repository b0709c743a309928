/** How far back the health page's push rate and latency look. */
export const RECENT_PUSH_WINDOW_MS = 5 * 60_000;

/**
 * Pushes of the last window, for the health page (Prometheus histograms
 * cannot answer "the last five minutes" in process): exact counts of
 * answered and failed pushes per second, and latency from the newest
 * `maxSamples` answered ones, so memory stays bounded at any rate.
 */
export function createRecentPushes(windowMs = RECENT_PUSH_WINDOW_MS, maxSamples = 10_000) {
  const seconds: { second: number; answered: number; failed: number }[] = [];
  const samples: { at: number; ms: number }[] = [];

  function bucket(now: number) {
    const second = Math.floor(now / 1000);
    let last = seconds.at(-1);
    if (last?.second !== second) {
      last = { second, answered: 0, failed: 0 };
      seconds.push(last);
    }
    return last;
  }
  function prune(now: number) {
    const oldest = Math.floor((now - windowMs) / 1000);
    while ((seconds[0]?.second ?? oldest) < oldest) seconds.shift();
    while ((samples[0]?.at ?? now) < now - windowMs) samples.shift();
  }

  return {
    answered(ms: number, now = Date.now()) {
      bucket(now).answered++;
      samples.push({ at: now, ms });
      if (samples.length > maxSamples) samples.shift();
      prune(now);
    },
    failed(now = Date.now()) {
      bucket(now).failed++;
      prune(now);
    },
    summary(now = Date.now()) {
      prune(now);
      const count = seconds.reduce((n, s) => n + s.answered, 0);
      const failed = seconds.reduce((n, s) => n + s.failed, 0);
      const sorted = samples.map((p) => p.ms).sort((a, b) => a - b);
      const pct = (q: number) =>
        sorted.length
          ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0)
          : null;
      return {
        count,
        failed,
        perMinute: (count * 60_000) / windowMs,
        p50Ms: pct(0.5),
        p95Ms: pct(0.95),
      };
    },
  };
}
