import { RetryTransaction } from '../ledger/queries.ts';
import type { Db, Tx } from './database.ts';

/** deadlock_detected, serialization_failure, unique_violation (a concurrent insert won). */
const RETRYABLE = new Set(['40P01', '40001', '23505']);

function isRetryable(err: unknown): boolean {
  if (err instanceof RetryTransaction) return true;
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE.has(code)) return true;
  }
  return false;
}

/**
 * Runs `work` in a transaction and runs it again from scratch when it lost
 * a race to a concurrent one. Work must have no effect outside the
 * transaction, so a retry is a clean replay.
 */
export async function withTransactionRetry<T>(
  db: Db,
  work: (tx: Tx) => Promise<T>,
  attempts = 4,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
    }
  }
}
