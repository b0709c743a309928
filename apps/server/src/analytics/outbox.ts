import { sql } from 'drizzle-orm';
import { type Db, rowsOf, type Tx } from '../db/database.ts';
import type { AnalyticsEvent } from './store.ts';

/**
 * Refusals after which an event is parked. A refusal is the store's verdict
 * on that one document while it is up (outages and abandoned batches never
 * count), so it nearly always repeats (a validation rule, a size limit);
 * five, spaced by `refuse`'s doubling delay over more than a minute, still
 * outlast a passing one (a validator being replaced, say), while a poison
 * event costs only five tries. One constant, not an option: every process
 * must agree on what is parked.
 */
export const MAX_REFUSALS = 5;

/**
 * A parked event's lease never runs out, so no claim takes it again; it
 * stays unshipped in the outbox (so it is never pruned) until ops re-queue
 * it (README, "Analytics outbox").
 */
const PARKED = sql`'infinity'::timestamptz`;

/**
 * Leases up to `limit` unshipped events, oldest first, for `leaseSeconds`.
 * SKIP LOCKED: several server processes take disjoint batches instead of
 * waiting on each other or shipping the same rows; a process that dies
 * holding a lease only delays its rows until the lease runs out. Parked
 * events hold an endless lease and are never taken.
 */
export async function claimBatch(
  db: Db,
  limit: number,
  leaseSeconds: number,
): Promise<AnalyticsEvent[]> {
  const result = await db.execute(sql`
    update analytics_outbox o
    set claimed_until = now() + make_interval(secs => ${leaseSeconds})
    where o.id in (
      select id from analytics_outbox
      where shipped_at is null and (claimed_until is null or claimed_until < now())
      order by created_at, id
      limit ${limit}
      for update skip locked)
    returning o.id, o.kind, o.venue_id, o.at, o.payload, o.created_at`);
  return rowsOf<{
    id: string;
    kind: string;
    venue_id: string | null;
    at: Date | string;
    payload: unknown;
    created_at: Date | string;
  }>(result).map((r) => ({
    id: r.id,
    kind: r.kind,
    venueId: r.venue_id,
    at: new Date(r.at),
    payload: r.payload,
    createdAt: new Date(r.created_at),
  }));
}

const idList = (ids: string[]) =>
  sql`(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;

/** Marks events shipped: only ever after the store acknowledged them. */
export async function markShipped(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    update analytics_outbox set shipped_at = now(), claimed_until = null
    where id in ${idList(ids)}`);
}

/**
 * Gives a failed batch back at once, so the retry after backoff need not
 * wait for the lease. Not a refusal: a store that did not answer for the
 * batch says nothing about its events, so `attempts` stays as it is.
 */
export async function releaseClaim(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    update analytics_outbox set claimed_until = null
    where id in ${idList(ids)} and shipped_at is null`);
}

/**
 * Gives back events the store refused, counting the refusal in `attempts`:
 * each may be tried again after `retrySeconds`, doubling per refusal, and
 * the `MAX_REFUSALS`th parks it. Returns the ids it parked.
 */
export async function refuse(db: Db, ids: string[], retrySeconds: number): Promise<string[]> {
  if (ids.length === 0) return [];
  const result = await db.execute(sql`
    update analytics_outbox set
      attempts = attempts + 1,
      claimed_until = case when attempts + 1 >= ${MAX_REFUSALS} then ${PARKED}
        else now() + make_interval(secs => ${retrySeconds}::float8 * power(2, attempts)) end
    where id in ${idList(ids)} and shipped_at is null
    returning id, claimed_until = ${PARKED} as parked`);
  return rowsOf<{ id: string; parked: boolean }>(result)
    .filter((r) => r.parked)
    .map((r) => r.id);
}

/** Unshipped events: queued for shipping (oldest one's age in seconds), and parked. */
export interface OutboxBacklog {
  pending: number;
  oldestPendingSeconds: number | null;
  parked: number;
}

/** The unshipped events (all of them when no analytics store is configured). */
export async function outboxBacklog(db: Db | Tx): Promise<OutboxBacklog> {
  const result = await db.execute(sql`
    select
      count(*) filter (where claimed_until is distinct from ${PARKED})::int as pending,
      extract(epoch from now() - min(created_at) filter (
        where claimed_until is distinct from ${PARKED}))::float8 as oldest,
      count(*) filter (where claimed_until = ${PARKED})::int as parked
    from analytics_outbox where shipped_at is null`);
  const row = rowsOf<{ pending: number; oldest: number | null; parked: number }>(result)[0];
  return {
    pending: row?.pending ?? 0,
    oldestPendingSeconds: row?.oldest ?? null,
    parked: row?.parked ?? 0,
  };
}

/**
 * Deletes up to `limit` events shipped more than `keepSeconds` ago; returns
 * how many. MongoDB holds them and answers the snapshots, so past the
 * retention they only grow the table. Unshipped events are never touched.
 */
export async function pruneShipped(db: Db, keepSeconds: number, limit: number): Promise<number> {
  const result = await db.execute(sql`
    with gone as (
      delete from analytics_outbox where id in (
        select id from analytics_outbox
        where shipped_at is not null and shipped_at < now() - make_interval(secs => ${keepSeconds})
        limit ${limit})
      returning 1)
    select count(*)::int as n from gone`);
  return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
}
