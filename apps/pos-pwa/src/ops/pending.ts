import { isNcDebit } from '@niteos/ledger-core';
import { HoldReason } from '@niteos/schema/wire';
import { getMeta, REVOKED, type TillDb } from '../db/database.ts';

/**
 * The contract's `pendingNc` (sync protocol §6): the NC this till has
 * accepted from a wallet since its snapshot.
 *
 * With a snapshot, that is the NC debits still in the queue: the server's
 * answer to each one brings a fresher balance, which takes their place. A
 * queued sale already voided here does not count: its void follows it in
 * the queue and gives the NC back. The till's own queued topups do not
 * count: the basis must justify every debit on the server's reading of the
 * rule, so offline topup money becomes spendable once the topup has synced.
 * Nor do ops the server held, as a rule: no balance came back for them, and
 * the next pull brings the balance after the admin's decision. Except on a
 * revoked till: the server holds each of its ops and its pulls are refused,
 * so the snapshot never moves and, without these, it would take the same
 * NC from a guest again after every push.
 *
 * With none, the till has no balance for the wallet (never had one, or
 * dropped one the server stopped sending), and the server's answers about
 * an unknown wallet (`held`, `unknown_wallet`) carry none either. So every
 * NC debit still queued or held that no void took back counts, not only
 * the queued ones: otherwise each push would reset the count and the
 * unknown-wallet cap would only bite offline. Applied ones do not: the
 * server's balance has them, and a guest back after weeks would otherwise
 * find last month's drinks filling the cap.
 */
export async function pendingNcFor(
  db: TillDb,
  nitetapId: string,
  hasSnapshot: boolean,
): Promise<number> {
  let pending = 0;
  // Each charge asks this: only the queue, and the history of a revoked
  // till, are read whole (a guest's history may hold thousands of ops).
  const history = () => db.history.where('envelope.nitetapId').equals(nitetapId).toArray();
  if (hasSnapshot) {
    const debits = (await db.queue.where('nitetapId').equals(nitetapId).toArray()).filter(
      (op) => op.debitNc > 0,
    );
    const rows = await db.history.bulkGet(debits.map((op) => op.id));
    debits.forEach((op, i) => {
      if (!rows[i]?.voidedBy) pending += op.debitNc;
    });
    if (await getMeta<boolean>(db, REVOKED)) {
      for (const row of await history()) {
        if (row.reason === HoldReason.revokedTill && !row.voidedBy && isNcDebit(row.envelope))
          pending += row.envelope.amountNc;
      }
    }
    return pending;
  }
  for (const row of await history()) {
    // A voided sale gave its NC back: it no longer counts against the cap.
    const open = row.status === 'queued' || row.status === 'held';
    if (open && !row.voidedBy && isNcDebit(row.envelope)) {
      pending += row.envelope.amountNc;
    }
  }
  return pending;
}
