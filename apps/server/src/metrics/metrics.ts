import { HoldReason, type OpResult, OpStatus, RejectReason } from '@niteos/schema/wire';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { createRecentPushes } from './recent-pushes.ts';
import { scrapedGauges } from './scraped-gauges.ts';

/** How long a scrape waits for a gauge's database read before exporting NaN. */
export const SCRAPE_READ_TIMEOUT_MS = 2000;

/** The fleet as the health page counts it. */
export interface FleetCounts {
  active: number;
  silent: number;
  seqGaps: number;
  conflicts: number;
}

/** How long one database write failure keeps readiness down. */
export const WRITE_FAILURE_WINDOW_MS = 60_000;

/**
 * Prometheus metrics of one app instance (its own registry, so tests can
 * build many apps): pushes and ops by outcome, push latency, HTTP requests,
 * the analytics outbox, and the process and event-loop figures (event-loop
 * lag included) prom-client collects.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({
    register: registry,
    prefix: 'niteos_',
    eventLoopMonitoringPrecision: 20,
  });
  const pushSeconds = new Histogram({
    name: 'niteos_push_duration_seconds',
    help: 'Time to answer POST /api/sync/push, commit included',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const pushOps = new Histogram({
    name: 'niteos_push_ops',
    help: 'Ops per push',
    buckets: [1, 5, 10, 25, 50, 100, 250, 500],
    registers: [registry],
  });
  const ops = new Counter({
    name: 'niteos_ops_total',
    help: 'Pushed ops by result',
    labelNames: ['status', 'reason', 'duplicate'] as const,
    registers: [registry],
  });
  const requests = new Counter({
    name: 'niteos_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const pushes = new Counter({
    name: 'niteos_pushes_total',
    help: 'POST /api/sync/push by HTTP status (503: refused while shutting down)',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const shipped = new Counter({
    name: 'niteos_analytics_shipped_total',
    help: 'Analytics events delivered to the store (duplicate: stored by an earlier attempt)',
    labelNames: ['duplicate'] as const,
    registers: [registry],
  });
  const shipFailures = new Counter({
    name: 'niteos_analytics_ship_failures_total',
    help: 'Analytics batches that failed and were left queued for a retry',
    registers: [registry],
  });
  const refused = new Counter({
    name: 'niteos_analytics_refused_total',
    help: 'Analytics events the store refused (parked: refused too often, no longer shipped)',
    labelNames: ['parked'] as const,
    registers: [registry],
  });
  const pruned = new Counter({
    name: 'niteos_analytics_pruned_total',
    help: 'Shipped analytics events deleted from the outbox past their retention',
    registers: [registry],
  });
  // Every outcome is exported from the first scrape, at 0: a series that
  // appears only with its first event reads as "no data" to rate() and to
  // alerts, not as "none yet". Only stored results come back as duplicates:
  // not the rejections of steps 1–4, decided before an op is stored.
  const unstored = new Set<string>([
    RejectReason.schema,
    RejectReason.unknownTill,
    RejectReason.venueMismatch,
    RejectReason.badSignature,
    RejectReason.idReuse,
  ]);
  for (const flag of ['false', 'true']) {
    ops.inc({ status: OpStatus.applied, reason: 'none', duplicate: flag }, 0);
    for (const reason of Object.values(HoldReason)) {
      ops.inc({ status: OpStatus.held, reason, duplicate: flag }, 0);
    }
    for (const reason of Object.values(RejectReason)) {
      if (flag === 'false' || !unstored.has(reason)) {
        ops.inc({ status: OpStatus.rejected, reason, duplicate: flag }, 0);
      }
    }
    shipped.inc({ duplicate: flag }, 0);
    refused.inc({ parked: flag }, 0);
  }
  for (const status of ['200', '503']) pushes.inc({ status }, 0);
  // Set by `trackOutbox` and `trackFleet`, with the gauges they feed.
  let outboxSource: ((read: () => Promise<{ pending: number; parked: number }>) => void) | null =
    null;
  let fleetSource: ((read: () => Promise<FleetCounts>) => void) | null = null;
  const recent = createRecentPushes();
  let writeFailure: { at: number; text: string } | null = null;
  return {
    registry,
    requests,
    pushes,
    /**
     * Adds the outbox gauges, read from `backlog` at each scrape. Only with
     * an analytics store: without one nothing ships, and the count would be
     * every event ever written.
     */
    trackOutbox(
      backlog: () => Promise<{ pending: number; parked: number }>,
      timeoutMs = SCRAPE_READ_TIMEOUT_MS,
    ) {
      outboxSource ??= scrapedGauges(
        registry,
        'the outbox backlog',
        [
          {
            name: 'niteos_analytics_outbox_pending',
            help: 'Analytics events in the outbox queued for the analytics store',
            field: 'pending',
          },
          {
            name: 'niteos_analytics_outbox_parked',
            help: 'Analytics events in the outbox the store refused too often: kept, no longer shipped',
            field: 'parked',
          },
        ],
        timeoutMs,
      );
      outboxSource(backlog);
    },
    /** Adds the health page's fleet figures as gauges, for alerts: read from `fleet` at each scrape. */
    trackFleet(fleet: () => Promise<FleetCounts>, timeoutMs = SCRAPE_READ_TIMEOUT_MS) {
      fleetSource ??= scrapedGauges(
        registry,
        'the fleet counts',
        [
          { name: 'niteos_tills_active', help: 'Tills enrolled and not revoked', field: 'active' },
          {
            name: 'niteos_tills_silent',
            help: 'Active tills not heard from within NITEOS_SILENT_TILL_SECONDS',
            field: 'silent',
          },
          {
            name: 'niteos_seq_gaps_open',
            help: "Gaps in active tills' op chains not closed yet (an op seen missing)",
            field: 'seqGaps',
          },
          {
            name: 'niteos_conflicts_open',
            help: 'Held ops waiting for an admin to settle them',
            field: 'conflicts',
          },
        ],
        timeoutMs,
      );
      fleetSource(fleet);
    },
    analyticsShipped(inserted: number, duplicates: number) {
      shipped.inc({ duplicate: 'false' }, inserted);
      shipped.inc({ duplicate: 'true' }, duplicates);
    },
    analyticsShipFailed() {
      shipFailures.inc();
    },
    /** Refused events: given back for another try, or parked. */
    analyticsRefused(retried: number, parked: number) {
      refused.inc({ parked: 'false' }, retried);
      refused.inc({ parked: 'true' }, parked);
    },
    analyticsPruned(events: number) {
      pruned.inc(events);
    },
    /** Pushes of the last five minutes: answered and failed, rate, latency percentiles. */
    recentPushes(now = Date.now()) {
      return recent.summary(now);
    },
    /**
     * A request failed because the database could not write (SQLSTATE
     * 53100, a full disk, or class 58, an I/O error): `select 1` still
     * answers, so health would otherwise stay green while pushes fail.
     */
    noteWriteFailure(code: string, message: string, now = Date.now()) {
      writeFailure = { at: now, text: `writes fail: SQLSTATE ${code}, ${message}` };
    },
    /** The database's last write failure, if within `WRITE_FAILURE_WINDOW_MS`. */
    recentWriteFailure(now = Date.now()): string | null {
      return writeFailure && now - writeFailure.at <= WRITE_FAILURE_WINDOW_MS
        ? writeFailure.text
        : null;
    },
    /** A push the server took but could not answer (it threw): the health page counts them. */
    observePushFailure() {
      recent.failed();
    },
    /** Records one answered push. */
    observePush(seconds: number, results: OpResult[]) {
      recent.answered(seconds * 1000);
      pushSeconds.observe(seconds);
      pushOps.observe(results.length);
      for (const r of results) {
        ops.inc({ status: r.status, reason: r.reason ?? 'none', duplicate: String(r.duplicate) });
      }
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
