import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/database.ts';
import type { AnalyticsEvent } from './store.ts';

/**
 * Leases up to `limit` unshipped events, oldest first, for `leaseSeconds`.
 * SKIP LOCKED: several server processes take disjoint batches instead of
 * waiting on each other or shipping the same rows; a process that dies
 * holding a lease only delays its rows until the lease runs out.
 */
export async function claimBatch(
  db: Db,
  limit: number,
  leaseSeconds: number,
): Promise<AnalyticsEvent[]> {
  const result = await db.execute(sql`
    update analytics_outbox o
    set claimed_until = now() + make_interval(secs => ${leaseSeconds}), attempts = o.attempts + 1
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

/** Gives a failed batch back at once, so the retry after backoff need not wait for the lease. */
export async function releaseClaim(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    update analytics_outbox set claimed_until = null
    where id in ${idList(ids)} and shipped_at is null`);
}

/** Events not yet shipped (all of them when no analytics store is configured). */
export async function pendingEvents(db: Db): Promise<number> {
  const result = await db.execute(
    sql`select count(*)::int as n from analytics_outbox where shipped_at is null`,
  );
  return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
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
