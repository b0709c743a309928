import { sql } from 'drizzle-orm';
import { outboxBacklog } from '../analytics/outbox.ts';
import type { AppDeps } from '../context.ts';
import { boundedRead } from '../db/bounded-read.ts';
import { migrationStatus } from '../db/database.ts';
import { rootMessage } from '../db/pg-error.ts';
import { withTimeout } from '../with-timeout.ts';
import { shippingProblems } from './shipping.ts';

/** A check that has not answered by then counts as down: the page must render while Redis hangs. */
const CHECK_TIMEOUT_MS = 2000;

export type Check =
  | { status: 'up'; kind: string; latencyMs: number }
  | { status: 'degraded'; kind: string; latencyMs: number; reason: string }
  | { status: 'down'; kind: string; error: string };

async function timed(kind: string, probe: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  try {
    await withTimeout(probe(), CHECK_TIMEOUT_MS, kind);
    return { status: 'up', kind, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { status: 'down', kind, error: rootMessage(err) };
  }
}

/** An answering dependency that does not do its work is degraded, and says why. */
function degradedBy(check: Check, problems: string[]): Check {
  if (check.status !== 'up' || problems.length === 0) return check;
  return { ...check, status: 'degraded', reason: problems.join('; ') };
}

type MigrationCheck =
  | { status: 'current' | 'pending'; expected: number; applied: number }
  | { status: 'unknown'; error: string };

/** Whether the schema is current; `unknown`, saying why, when that cannot be asked or answered. */
async function migrationCheck(deps: AppDeps, database: Check): Promise<MigrationCheck> {
  if (database.status === 'down') return { status: 'unknown', error: 'the database is down' };
  try {
    const m = await boundedRead(deps.database.db, CHECK_TIMEOUT_MS, 'migrations', (tx) =>
      migrationStatus(tx),
    );
    return { status: m.applied >= m.expected ? 'current' : 'pending', ...m };
  } catch (err) {
    return { status: 'unknown', error: rootMessage(err) };
  }
}

/**
 * Every dependency, checked at once. Ready means pushes can be taken:
 * database up, migrations current, not shutting down. Redis or the
 * analytics store being down, or analytics not shipping, only degrades:
 * sessions and counters suffer, events wait in the outbox, but the bar
 * keeps selling.
 */
export async function runChecks(deps: AppDeps, draining: boolean) {
  const [answering, redis, ping] = await Promise.all([
    timed(deps.database.kind, () =>
      boundedRead(deps.database.db, CHECK_TIMEOUT_MS, deps.database.kind, (tx) =>
        tx.execute(sql`select 1`),
      ),
    ),
    timed(deps.kv.kind, () => deps.kv.ping()),
    deps.analytics
      ? timed(deps.analytics.kind, () => deps.analytics?.ping() ?? Promise.resolve())
      : null,
  ]);
  // Answering is not enough: a database that refuses writes takes no push.
  const writeFailure = deps.metrics?.recentWriteFailure() ?? null;
  const database: Check =
    answering.status !== 'down' && writeFailure
      ? { status: 'down', kind: answering.kind, error: writeFailure }
      : answering;
  // Without MongoDB the events stay in PostgreSQL: that store is the database.
  const store = ping ?? { ...database, kind: 'postgres' };
  const migrations = await migrationCheck(deps, database);
  // Without an analytics store nothing ships: every event stays, and
  // counting them all on each check would only grow with the table.
  const backlog =
    database.status === 'up' && deps.analytics
      ? await boundedRead(deps.database.db, CHECK_TIMEOUT_MS, 'outbox', (tx) =>
          outboxBacklog(tx),
        ).catch(() => null)
      : null;
  const analytics = degradedBy(store, shippingProblems(deps.shipping, backlog));
  // Ready only when the schema is known to be current: not when the question went unanswered.
  const ready = database.status === 'up' && migrations.status === 'current' && !draining;
  const degraded = redis.status === 'down' || analytics.status !== 'up';
  return {
    status: !ready ? ('down' as const) : degraded ? ('degraded' as const) : ('ok' as const),
    ready,
    checks: {
      database,
      migrations,
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
