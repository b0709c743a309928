import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/database.ts';

/** Backends of `db`'s database waiting on a lock (PostgreSQL): how race tests know racers queued. */
export async function lockWaiters(db: Db): Promise<number> {
  const result = await db.execute(sql`
    select count(*)::int as n from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock'`);
  return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
}
