import { RetryTransaction } from '../ledger/queries.ts';
import type { Db, Tx } from './database.ts';
import { causes } from './pg-error.ts';

/** deadlock_detected, serialization_failure, unique_violation (a concurrent insert won). */
const RETRYABLE = new Set(['40P01', '40001', '23505']);

/**
 * PostgreSQL routines that refuse a connection's prepared statement once a
 * migration changed what it returns, or when the statement is gone.
 * postgres.js then forgets that statement on that connection, but inside a
 * transaction the error has already aborted it.
 */
const STALE_STATEMENT = new Set(['RevalidateCachedQuery', 'FetchPreparedStatement']);

/**
 * Stale statements are dropped one connection per failure, so replays for
 * them do not use up `attempts`; this bounds them all the same (well above
 * any pool size, see db/database.ts).
 */
const MAX_STALE_REPLAYS = 64;

function isRetryable(err: unknown): boolean {
  return causes(err).some((e) => {
    if (e instanceof RetryTransaction) return true;
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && RETRYABLE.has(code);
  });
}

function isStaleStatement(err: unknown): boolean {
  return causes(err).some((e) => {
    const routine = (e as { routine?: unknown }).routine;
    return typeof routine === 'string' && STALE_STATEMENT.has(routine);
  });
}

/**
 * Runs `work` in a transaction and runs it again from scratch when it lost
 * a race to a concurrent one, or met a prepared statement that a migration
 * made stale. Work must have no effect outside the transaction, so a retry
 * is a clean replay.
 */
export async function withTransactionRetry<T>(
  db: Db,
  work: (tx: Tx) => Promise<T>,
  attempts = 4,
): Promise<T> {
  let lost = 0;
  let stale = 0;
  for (;;) {
    try {
      return await db.transaction(work);
    } catch (err) {
      if (isStaleStatement(err) && stale < MAX_STALE_REPLAYS) stale += 1;
      else if (isRetryable(err) && lost + 1 < attempts) lost += 1;
      else throw err;
    }
  }
}
