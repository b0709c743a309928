import { sql } from 'drizzle-orm';
import { type Db, rowsOf, type Tx } from '../db/database.ts';

/** Backends of `db`'s database waiting on a lock (PostgreSQL): how race tests know racers queued. */
export async function lockWaiters(db: Db): Promise<number> {
  const result = await db.execute(sql`
    select count(*)::int as n from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock'`);
  return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
}

/**
 * Runs `hold` in a transaction and, while it keeps its locks, starts each of
 * `racers`, the next once the one before waits on a lock; commits once all
 * wait. The racers then get the locks in that order, and whatever each read
 * before them is stale for all but the first (PostgreSQL).
 */
export async function queuedBehind<T>(
  db: Db,
  hold: (tx: Tx) => Promise<unknown>,
  racers: (() => Promise<T>)[],
): Promise<T[]> {
  const started: Promise<T>[] = [];
  await db.transaction(async (tx) => {
    await hold(tx);
    for (const racer of racers) {
      started.push(racer());
      while ((await lockWaiters(db)) < started.length) await new Promise((r) => setTimeout(r, 10));
    }
  });
  return Promise.all(started);
}
