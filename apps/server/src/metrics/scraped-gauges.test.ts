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

describe('the fleet gauges', () => {
  test('a fleet read that never answers exports NaN; one that answers, its counts', async () => {
    const metrics = createMetrics();
    metrics.trackFleet(() => new Promise(() => {}), 50);
    expect(await metrics.registry.metrics()).toMatch(/^niteos_tills_silent NaN$/im);
    metrics.trackFleet(async () => ({ active: 4, silent: 1, seqGaps: 2, conflicts: 3 }), 50);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^niteos_tills_active 4$/m);
    expect(text).toMatch(/^niteos_tills_silent 1$/m);
    expect(text).toMatch(/^niteos_seq_gaps_open 2$/m);
    expect(text).toMatch(/^niteos_conflicts_open 3$/m);
  });
});

describe('a read that stalls', () => {
  test('is waited on again by later scrapes, never started twice', async () => {
    const metrics = createMetrics();
    let reads = 0;
    metrics.trackFleet(() => {
      reads += 1;
      return new Promise(() => {});
    }, 20);
    expect(await metrics.registry.metrics()).toMatch(/^niteos_tills_active NaN$/im);
    // Past the one-second scrape window: a new scrape, the same stalled read.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await metrics.registry.metrics()).toMatch(/^niteos_tills_active NaN$/im);
    expect(reads).toBe(1);
  });
});
