import type { Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { claimBatch, markShipped, pruneShipped, releaseClaim } from './outbox.ts';
import type { AnalyticsStore } from './store.ts';

export interface ShipperOptions {
  db: Db;
  store: AnalyticsStore;
  log: Logger;
  metrics?: Metrics;
  batchSize?: number;
  leaseSeconds?: number;
  /** Wait between polls when the outbox is empty. */
  idleMs?: number;
  /** First retry delay after a failure; doubles per failure up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Shipped events are deleted from the outbox once older than this; unset, they are kept. */
  keepShippedMs?: number;
  /** How often the loop prunes, when it has caught up. */
  pruneEveryMs?: number;
  /** Rows one prune statement deletes at most, so no delete holds its locks for long. */
  pruneChunk?: number;
}

const sleepUnless = (ms: number, wake: { fn: () => void }) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake.fn = () => {
      clearTimeout(timer);
      resolve();
    };
  });

/**
 * Ships the analytics outbox to the store, in process: lease a batch,
 * insert it (idempotent by event id), mark it shipped after the store
 * acknowledged. A failure releases the batch and retries with exponential
 * backoff (with jitter, so several processes do not retry in step). At
 * least once into a store that drops duplicates: exactly once. Once caught
 * up, it deletes events shipped longer ago than `keepShippedMs` (when set;
 * the server sets it from NITEOS_ANALYTICS_KEEP_DAYS), at most every
 * `pruneEveryMs`.
 */
export function createShipper(options: ShipperOptions) {
  const { db, store, log, metrics } = options;
  const batchSize = options.batchSize ?? 500;
  const leaseSeconds = options.leaseSeconds ?? 30;
  const idleMs = options.idleMs ?? 1000;
  const backoffMs = options.backoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const keepShippedMs = options.keepShippedMs;
  const pruneEveryMs = options.pruneEveryMs ?? 3600_000;
  const pruneChunk = options.pruneChunk ?? 5000;
  let prunedAt = Number.NEGATIVE_INFINITY;
  const wake = { fn: () => {} };
  let running: Promise<void> | null = null;
  let stopping = false;
  let failures = 0;

  /** One batch; returns how many events it shipped. Throws when the store or database failed. */
  async function shipBatch(): Promise<number> {
    const batch = await claimBatch(db, batchSize, leaseSeconds);
    if (batch.length === 0) return 0;
    const ids = batch.map((e) => e.id);
    try {
      const stored = await store.insert(batch);
      metrics?.analyticsShipped(stored.inserted, stored.duplicates);
    } catch (err) {
      await releaseClaim(db, ids).catch(() => {});
      throw err;
    }
    await markShipped(db, ids);
    return batch.length;
  }

  /** Deletes every shipped event older than `keepMs`, a chunk at a time, and reports how many. */
  async function prune(keepMs: number): Promise<void> {
    let total = 0;
    for (;;) {
      const n = await pruneShipped(db, keepMs / 1000, pruneChunk);
      total += n;
      if (n < pruneChunk || stopping) break;
    }
    if (total > 0) {
      metrics?.analyticsPruned(total);
      log({ level: 'info', msg: 'pruned shipped analytics events', events: total });
    }
  }

  /** Prunes when due, between batches once the outbox has caught up; never fails the loop. */
  async function pruneIfDue() {
    if (keepShippedMs === undefined || Date.now() - prunedAt < pruneEveryMs) return;
    prunedAt = Date.now();
    await prune(keepShippedMs).catch((err: unknown) =>
      log({
        level: 'warn',
        msg: 'pruning shipped analytics events failed; retrying later',
        error: err instanceof Error ? err.message : String(err),
      }),
    );
  }

  async function loop() {
    while (!stopping) {
      let wait = idleMs;
      try {
        const shipped = await shipBatch();
        failures = 0;
        if (shipped === batchSize) wait = 0;
        else await pruneIfDue();
      } catch (err) {
        failures += 1;
        metrics?.analyticsShipFailed();
        wait = Math.min(maxBackoffMs, backoffMs * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);
        log({
          level: 'warn',
          msg: 'analytics shipping failed; events stay queued',
          failures,
          retryInMs: Math.round(wait),
          error: err instanceof Error ? err.message : String(err),
        });
      }
      if (wait > 0 && !stopping) await sleepUnless(wait, wake);
    }
  }

  return {
    shipBatch,
    /** Consecutive failed batches (0 when the last one went through). */
    get failures() {
      return failures;
    },
    start() {
      if (!running) running = loop();
    },
    /**
     * Stops the loop, then ships what is queued for at most `flushMs`.
     * Whatever is left stays in the outbox for the next start.
     */
    async stop(flushMs: number): Promise<{ flushed: number; complete: boolean }> {
      const deadline = Date.now() + flushMs;
      stopping = true;
      wake.fn();
      await running;
      let flushed = 0;
      while (Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), deadline - Date.now());
        });
        const shipped = await Promise.race([shipBatch(), timeout]).catch(() => 'failed' as const);
        clearTimeout(timer);
        if (typeof shipped !== 'number') return { flushed, complete: false };
        if (shipped === 0) return { flushed, complete: true };
        flushed += shipped;
      }
      return { flushed, complete: false };
    },
  };
}

export type Shipper = ReturnType<typeof createShipper>;
