import { sql } from 'drizzle-orm';
import { outboxBacklog } from '../analytics/outbox.ts';
import type { AppDeps } from '../context.ts';
import { migrationStatus } from '../db/database.ts';
import { shippingProblems } from './shipping.ts';

/** A check that has not answered by then counts as down: the page must render while Redis hangs. */
const CHECK_TIMEOUT_MS = 2000;

export type Check =
  | { status: 'up'; kind: string; latencyMs: number }
  | { status: 'degraded'; kind: string; latencyMs: number; reason: string }
  | { status: 'down'; kind: string; error: string };

export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function timed(kind: string, probe: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  try {
    await withTimeout(probe(), CHECK_TIMEOUT_MS, kind);
    return { status: 'up', kind, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { status: 'down', kind, error: err instanceof Error ? err.message : String(err) };
  }
}

/** An answering dependency that does not do its work is degraded, and says why. */
function degradedBy(check: Check, problems: string[]): Check {
  if (check.status !== 'up' || problems.length === 0) return check;
  return { ...check, status: 'degraded', reason: problems.join('; ') };
}

/**
 * Every dependency, checked at once. Ready means pushes can be taken:
 * database up, migrations current, not shutting down. Redis or the
 * analytics store being down, or analytics not shipping, only degrades:
 * sessions and counters suffer, events wait in the outbox, but the bar
 * keeps selling.
 */
export async function runChecks(deps: AppDeps, draining: boolean) {
  const [database, redis, store] = await Promise.all([
    timed(deps.database.kind, () => deps.database.db.execute(sql`select 1`)),
    timed(deps.kv.kind, () => deps.kv.ping()),
    deps.analytics
      ? timed(deps.analytics.kind, () => deps.analytics?.ping() ?? Promise.resolve())
      : Promise.resolve<Check>({ status: 'up', kind: 'postgres', latencyMs: 0 }),
  ]);
  const migrations =
    database.status === 'up'
      ? await withTimeout(migrationStatus(deps.database.db), CHECK_TIMEOUT_MS, 'migrations').catch(
          () => ({ expected: 0, applied: 0 }),
        )
      : { expected: 0, applied: 0 };
  // Without an analytics store nothing ships: every event stays, and
  // counting them all on each check would only grow with the table.
  const backlog =
    database.status === 'up' && deps.analytics
      ? await withTimeout(outboxBacklog(deps.database.db), CHECK_TIMEOUT_MS, 'outbox').catch(
          () => null,
        )
      : null;
  const analytics = degradedBy(store, shippingProblems(deps.shipping, backlog));
  const current = database.status === 'up' && migrations.applied >= migrations.expected;
  const ready = current && !draining;
  const degraded = redis.status === 'down' || analytics.status !== 'up';
  return {
    status: !ready ? ('down' as const) : degraded ? ('degraded' as const) : ('ok' as const),
    ready,
    checks: {
      database,
      migrations: { status: current ? ('current' as const) : ('pending' as const), ...migrations },
      redis,
      analytics: {
        ...analytics,
        outboxPending: backlog?.pending ?? null,
        outboxParked: backlog?.parked ?? null,
      },
      pushes: { status: draining ? ('draining' as const) : ('accepting' as const) },
    },
  };
}
