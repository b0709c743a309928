import type { PullResponse, PushResponse } from '@niteos/schema/wire';
import {
  type AttentionRow,
  type HistoryRow,
  type QueuedOp,
  setMeta,
  type TillDb,
} from '../db/database.ts';

/**
 * Keeps the newer of two wallet figures: a pull that started before a push
 * committed must not overwrite the fresher balance the push returned.
 */
async function putSnapshot(db: TillDb, nitetapId: string, balanceNc: number, asOf: string) {
  const current = await db.wallets.get(nitetapId);
  if (!current || current.asOf <= asOf) await db.wallets.put({ nitetapId, balanceNc, asOf });
}

/**
 * Applies a push reply: `applied` and `held` leave the queue (the server
 * has them), `rejected` leaves it for the attention list. One transaction,
 * so a crash never half-applies a reply. Returns how many ops left the queue.
 */
export function applyPushReply(db: TillDb, sent: QueuedOp[], reply: PushResponse): Promise<number> {
  return db.transaction('rw', [db.queue, db.history, db.attention, db.wallets], async () => {
    const byId = new Map(sent.map((op) => [op.id, op]));
    const done: number[] = [];
    const history: { key: string; changes: Partial<HistoryRow> }[] = [];
    const attention: AttentionRow[] = [];
    const snapshots = new Map<string, number>();
    for (const result of reply.results) {
      const op = byId.get(result.id);
      if (!op) continue;
      done.push(op.seq);
      history.push({ key: op.id, changes: { status: result.status, reason: result.reason } });
      if (result.status === 'rejected') {
        attention.push({
          id: op.id,
          envelope: op.envelope,
          reason: result.reason ?? 'rejected',
          at: Date.now(),
        });
        // A refused void leaves its sale standing.
        if (op.envelope.voids)
          history.push({ key: op.envelope.voids, changes: { voidedBy: null } });
      } else if (op.nitetapId && result.balanceNc !== null) {
        // Results come in seq order: the last one per wallet is the newest figure.
        snapshots.set(op.nitetapId, result.balanceNc);
      }
    }
    // Bulk requests: a 100-op reply is a handful of IndexedDB calls, not hundreds.
    await db.queue.bulkDelete(done);
    await db.history.bulkUpdate(history);
    await db.attention.bulkPut(attention);
    for (const [tag, balanceNc] of snapshots)
      await putSnapshot(db, tag, balanceNc, reply.serverTime);
    return done.length;
  });
}

/** Stores what a pull brought: catalog and wallets merge; blocked tags, staff and policy replace. */
export function applyPull(db: TillDb, pull: PullResponse): Promise<void> {
  return db.transaction('rw', [db.catalog, db.wallets, db.blocked, db.staff, db.meta], async () => {
    await db.catalog.bulkPut(pull.catalog);
    for (const w of pull.wallets) await putSnapshot(db, w.nitetapId, w.balanceNc, w.asOf);
    await db.blocked.clear();
    await db.blocked.bulkPut(pull.blockedTags.map((nitetapId) => ({ nitetapId })));
    await db.staff.clear();
    await db.staff.bulkPut(pull.staff);
    await setMeta(db, 'policy', pull.policy);
    await setMeta(db, 'cursor', pull.cursor);
    await setMeta(db, 'venueName', pull.venueName);
  });
}
