import type { Db } from '../db/database.ts';
import { rootMessage } from '../db/pg-error.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { claimBatch, markShipped, pruneShipped, refuse, releaseClaim } from './outbox.ts';
import type { AnalyticsStore, InsertResult } from './store.ts';

export interface ShipperOptions {
  db: Db;
  store: AnalyticsStore;
  log: Logger;
  metrics?: Metrics;
  batchSize?: number;
  leaseSeconds?: number;
  /** Wait between polls when the outbox is empty. */
  idleMs?: number;
  /** Wait before an event the store refused is tried again; doubles per refusal. */
  refusalRetryMs?: number;
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

/** What one batch did: events claimed, and of those shipped (stored), refused and parked. */
export interface BatchOutcome {
  claimed: number;
  shipped: number;
  refused: number;
  parked: number;
}

/** What the health check reads from the shipper of this process. */
export interface ShippingStatus {
  /** Consecutive batches that failed as a whole (0 when the last one went through). */
  readonly failures: number;
  /** Why the last batch failed, while `failures` > 0. */
  readonly lastFailure: string | null;
}

const TIMED_OUT = Symbol('timed out');

/** `work`'s result, or TIMED_OUT once `deadline` (epoch ms) has passed; `work` goes on unwatched. */
async function beforeDeadline<T>(
  work: Promise<T>,
  deadline: number,
): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Refusals one log line names at most (a batch can have hundreds, all alike). */
const LOGGED_REFUSALS = 10;

const partition = <T>(items: T[], test: (item: T) => boolean): [T[], T[]] => [
  items.filter(test),
  items.filter((item) => !test(item)),
];

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
 * insert it (idempotent by event id), mark the events the store stored
 * shipped and give back those it refused, so one bad event never holds up
 * the rest; one refused `MAX_REFUSALS` times is parked. A batch failing as a
 * whole (store down) is released and retried with exponential backoff (with
 * jitter, so several processes do not retry in step) and counts toward no
 * event's parking. At least once into a store that drops duplicates:
 * exactly once. Once caught up, it deletes events shipped longer ago than
 * `keepShippedMs` (when set; the server sets it from
 * NITEOS_ANALYTICS_KEEP_DAYS), at most every `pruneEveryMs`.
 */
export function createShipper(options: ShipperOptions) {
  const { db, store, log, metrics } = options;
  const batchSize = options.batchSize ?? 500;
  const leaseSeconds = options.leaseSeconds ?? 30;
  const idleMs = options.idleMs ?? 1000;
  const backoffMs = options.backoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const refusalRetryMs = options.refusalRetryMs ?? 5000;
  const keepShippedMs = options.keepShippedMs;
  const pruneEveryMs = options.pruneEveryMs ?? 3600_000;
  const pruneChunk = options.pruneChunk ?? 5000;
  let prunedAt = Number.NEGATIVE_INFINITY;
  const wake = { fn: () => {} };
  let running: Promise<void> | null = null;
  let stopping = false;
  let failures = 0;
  let lastFailure: string | null = null;

  /** Marks what the store stored shipped and gives back what it refused. */
  async function settle(ids: string[], result: InsertResult): Promise<BatchOutcome> {
    const refusedIds = new Set(result.refused.map((r) => r.id));
    metrics?.analyticsShipped(result.inserted, result.duplicates);
    const stored = ids.filter((id) => !refusedIds.has(id));
    await markShipped(db, stored);
    const parked = new Set(await refuse(db, [...refusedIds], refusalRetryMs / 1000));
    const [parkedNow, retried] = partition(result.refused, (r) => parked.has(r.id));
    metrics?.analyticsRefused(retried.length, parkedNow.length);
    if (retried.length > 0)
      log({
        level: 'warn',
        msg: 'analytics store refused events; retrying them later',
        events: retried.length,
        refusals: retried.slice(0, LOGGED_REFUSALS),
      });
    // Every parked event is named: ops look each one up to repair and re-queue it.
    if (parkedNow.length > 0)
      log({
        level: 'error',
        msg: 'analytics events parked: refused too often; they stay in the outbox',
        events: parkedNow.length,
        refusals: parkedNow,
      });
    return {
      claimed: ids.length,
      shipped: stored.length,
      refused: refusedIds.size,
      parked: parked.size,
    };
  }

  /** One batch. Throws when the store or database failed for the batch as a whole. */
  async function shipBatch(): Promise<BatchOutcome> {
    const batch = await claimBatch(db, batchSize, leaseSeconds);
    if (batch.length === 0) return { claimed: 0, shipped: 0, refused: 0, parked: 0 };
    const ids = batch.map((e) => e.id);
    let result: InsertResult;
    try {
      result = await store.insert(batch);
    } catch (err) {
      await releaseClaim(db, ids).catch(() => {});
      throw err;
    }
    return settle(ids, result);
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
        error: rootMessage(err),
      }),
    );
  }

  async function loop() {
    while (!stopping) {
      let wait = idleMs;
      try {
        const { claimed } = await shipBatch();
        failures = 0;
        lastFailure = null;
        if (claimed === batchSize) wait = 0;
        else await pruneIfDue();
      } catch (err) {
        failures += 1;
        lastFailure = rootMessage(err);
        metrics?.analyticsShipFailed();
        wait = Math.min(maxBackoffMs, backoffMs * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);
        log({
          level: 'warn',
          msg: 'analytics shipping failed; events stay queued',
          failures,
          retryInMs: Math.round(wait),
          error: lastFailure,
        });
      }
      if (wait > 0 && !stopping) await sleepUnless(wait, wake);
    }
  }

  return {
    shipBatch,
    get failures() {
      return failures;
    },
    get lastFailure() {
      return lastFailure;
    },
    start() {
      if (!running) running = loop();
    },
    /**
     * Stops the loop, then ships what is queued, all within `flushMs`: a
     * batch still in flight at the deadline is abandoned, keeps its lease,
     * and is shipped by whichever process claims it once the lease runs out
     * (its ids are the documents' _id, so nothing is stored twice).
     * Whatever is left stays in the outbox for the next start.
     */
    async stop(flushMs: number): Promise<{ flushed: number; complete: boolean }> {
      const deadline = Date.now() + flushMs;
      stopping = true;
      wake.fn();
      if (running && (await beforeDeadline(running, deadline)) === TIMED_OUT)
        return { flushed: 0, complete: false };
      let flushed = 0;
      while (Date.now() < deadline) {
        const outcome = await beforeDeadline(shipBatch(), deadline).catch((err: unknown) => {
          log({ level: 'warn', msg: 'analytics flush failed', error: rootMessage(err) });
          return null;
        });
        if (outcome === TIMED_OUT || outcome === null) return { flushed, complete: false };
        if (outcome.claimed === 0) return { flushed, complete: true };
        flushed += outcome.shipped;
      }
      return { flushed, complete: false };
    },
  };
}

export type Shipper = ReturnType<typeof createShipper>;
