import { sql } from 'drizzle-orm';
import { withTimeout } from '../with-timeout.ts';
import type { Db, Tx } from './database.ts';

/** Past the database's own cancel: a database that does not answer at all. */
const BACKSTOP_MS = 500;

/**
 * Runs the reads of `work` in one transaction whose statements PostgreSQL
 * cancels after `ms` (rejecting with its reason). Only to stop waiting
 * would leave the query running, queued behind a lock perhaps, holding a
 * pooled connection: ops pages refreshed every few seconds would pile such
 * queries up until pushes find no connection.
 */
export function boundedRead<T>(
  db: Db,
  ms: number,
  what: string,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  const read = db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local statement_timeout = ${Math.max(1, Math.round(ms))}`));
    return work(tx);
  });
  return withTimeout(read, ms + BACKSTOP_MS, what);
}
