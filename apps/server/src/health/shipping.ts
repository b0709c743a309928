import { MAX_REFUSALS, type OutboxBacklog } from '../analytics/outbox.ts';
import type { ShippingStatus } from '../analytics/shipper.ts';

/** Consecutive batches that must fail before shipping counts as failing: one is a blip. */
const FAILING_AFTER_BATCHES = 3;
/**
 * A queued event older than this means shipping has stalled or is still
 * catching up. Read from the outbox, not from this process's last success:
 * with several processes, another one may be shipping everything.
 */
const BEHIND_AFTER_SECONDS = 300;

/**
 * Why analytics shipping is unwell, one sentence each; none when it is
 * fine. A store that answers pings can still refuse every insert, so the
 * ping alone never says shipping works.
 */
export function shippingProblems(
  shipping: ShippingStatus | null | undefined,
  backlog: OutboxBacklog | null,
): string[] {
  const problems: string[] = [];
  if (shipping && shipping.failures >= FAILING_AFTER_BATCHES)
    problems.push(
      `the last ${shipping.failures} batches failed to ship, events stay queued: ${shipping.lastFailure}`,
    );
  if (backlog && backlog.oldestPendingSeconds !== null) {
    const waited = backlog.oldestPendingSeconds;
    if (waited > BEHIND_AFTER_SECONDS)
      problems.push(`the oldest queued event has waited ${Math.round(waited / 60)} min`);
  }
  if (backlog && backlog.parked > 0)
    problems.push(
      `${backlog.parked} events parked after ${MAX_REFUSALS} refusals by the store: kept in analytics_outbox, no longer shipped`,
    );
  return problems;
}
