import type { OpResult } from '@niteos/schema/wire';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of one app instance (its own registry, so tests can
 * build many apps): pushes and ops by outcome, push latency, HTTP requests,
 * and the process and event-loop figures prom-client collects.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'niteos_' });
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
  return {
    registry,
    requests,
    /** Records one answered push. */
    observePush(seconds: number, results: OpResult[]) {
      pushSeconds.observe(seconds);
      pushOps.observe(results.length);
      for (const r of results) {
        ops.inc({ status: r.status, reason: r.reason ?? 'none', duplicate: String(r.duplicate) });
      }
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
