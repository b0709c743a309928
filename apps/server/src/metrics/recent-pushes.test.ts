import { expect, test } from 'vitest';
import { createRecentPushes } from './recent-pushes.ts';

test('every push of the window is counted, however many; latency comes from the newest', () => {
  const recent = createRecentPushes(5 * 60_000, 1000);
  const t0 = 1_700_000_000_000;
  // 15,000 pushes in five minutes: 50 a second, as 5,000 ops/s in 100-op pushes.
  for (let i = 0; i < 15_000; i++) recent.answered(i < 14_000 ? 40 : 90, t0 + i * 20);
  recent.failed(t0 + 299_000);
  const now = t0 + 299_999;
  expect(recent.summary(now)).toEqual({
    count: 15_000,
    failed: 1,
    perMinute: 3000,
    p50Ms: 90,
    p95Ms: 90,
  });
  // Two minutes on, the first two minutes' pushes have left the window.
  expect(recent.summary(now + 120_001).count).toBe(15_000 - 6_000);
  expect(recent.summary(now + 301_000)).toMatchObject({ count: 0, failed: 0, p50Ms: null });
});
