import { describe, expect, test } from 'vitest';
import { createMetrics } from './metrics.ts';

describe('the outbox gauges', () => {
  test('a backlog read that never answers exports NaN instead of hanging the scrape', async () => {
    const metrics = createMetrics();
    metrics.trackOutbox(() => new Promise(() => {}), 50);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^niteos_analytics_outbox_pending NaN$/im);
    expect(text).toMatch(/^niteos_analytics_outbox_parked NaN$/im);
    expect(text).toContain('niteos_process_cpu_seconds_total');
  });

  test('a backlog that answers is exported as it is', async () => {
    const metrics = createMetrics();
    metrics.trackOutbox(async () => ({ pending: 7, parked: 2 }), 50);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^niteos_analytics_outbox_pending 7$/m);
    expect(text).toMatch(/^niteos_analytics_outbox_parked 2$/m);
  });
});
