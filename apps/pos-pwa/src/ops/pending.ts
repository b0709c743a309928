import { isNcDebit } from '@niteos/ledger-core';
import type { TillDb } from '../db/database.ts';

/**
 * The contract's `pendingNc` (sync protocol §6): the NC this till has
 * accepted from a wallet since its snapshot.
 *
 * With a snapshot, that is the NC debits still in the queue: the server's
 * answer to each one brings a fresher balance, which takes their place. The
 * till's own queued topups do not count: the basis must justify every debit
 * on the server's reading of the rule, so offline topup money becomes
 * spendable once the topup has synced.
 *
 * With none, the server has never given this till a balance for the wallet,
 * and its answers about it (`held`, `unknown_wallet`) carry none either. So
 * every NC debit the server did not reject (queued, applied or held) and
 * no void took back counts,
 * not only the queued ones: otherwise each push would reset the count and
 * the unknown-wallet cap would only bite offline.
 */
export async function pendingNcFor(
  db: TillDb,
  nitetapId: string,
  hasSnapshot: boolean,
): Promise<number> {
  let pending = 0;
  if (hasSnapshot) {
    await db.queue
      .where('nitetapId')
      .equals(nitetapId)
      .each((op) => {
        pending += op.debitNc;
      });
    return pending;
  }
  await db.history
    .where('envelope.nitetapId')
    .equals(nitetapId)
    .each((row) => {
      // A voided sale gave its NC back: it no longer counts against the cap.
      if (row.status !== 'rejected' && !row.voidedBy && isNcDebit(row.envelope)) {
        pending += row.envelope.amountNc;
      }
    });
  return pending;
}
