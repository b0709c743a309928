import { WALLET_SNAPSHOT_TRUST_DAYS } from '@niteos/ledger-core';
import {
  HoldReason,
  type OpResult,
  type PullResponse,
  type PushResponse,
  RejectReason,
  type TillChainState,
} from '@niteos/schema/wire';
import {
  type AttentionRow,
  getMeta,
  type HistoryRow,
  LAST_SYNC_AT,
  type QueuedOp,
  queuedOp,
  RESENT,
  REVOKED,
  type Resent,
  setMeta,
  stillResending,
  type TillDb,
  type WalletRow,
} from '../db/database.ts';

/**
 * Why the till gave up on an op itself: alone in a push, it was still over
 * the server's size limit (413), so no retry can ever deliver it.
 */
export const TOO_LARGE = 'too_large';

/** One op's outcome as the queue sees it: the server's result, or the till's own refusal to send it. */
type Outcome = Pick<OpResult, 'id' | 'status' | 'duplicate' | 'balanceNc'> & {
  reason: string | null;
};

/**
 * Keeps the newer of two wallet figures: a pull that started before a push
 * committed must not overwrite the fresher balance the push returned.
 */
async function putSnapshot(
  db: TillDb,
  nitetapId: string,
  balanceNc: number,
  asOf: string,
  lookedUpAt?: number,
): Promise<boolean> {
  const current = await db.wallets.get(nitetapId);
  if (current && current.asOf > asOf) return false;
  await db.wallets.put(
    lookedUpAt === undefined
      ? { nitetapId, balanceNc, asOf }
      : { nitetapId, balanceNc, asOf, lookedUpAt },
  );
  return true;
}

/**
 * A wallet the server was asked about on its own (a guest new to this till),
 * kept as a pull's but marked: nothing keeps it current, so it is asked again.
 */
export function storeWalletSnapshot(
  db: TillDb,
  snapshot: { nitetapId: string; balanceNc: number; asOf: string },
  lookedUpAt: number,
): Promise<boolean> {
  return db.transaction('rw', db.wallets, () =>
    putSnapshot(db, snapshot.nitetapId, snapshot.balanceNc, snapshot.asOf, lookedUpAt),
  );
}

/** What settling a reply did: how many ops left the queue, and how many wallet figures it could not place. */
export interface Settled {
  left: number;
  /**
   * Duplicates' figures older than the till's snapshot of their wallet, or
   * of an op signed with none (which cannot be dated at all). The
   * snapshot may predate the op's first commit (a pull answered while the
   * lost push was still running) and then overstates the wallet, now that
   * the op has left the queue: only a pull started after this reply tells.
   */
  unplaced: number;
}

/**
 * The wallet figure a result teaches, and when it was true. A fresh result
 * holds the balance right after the op, dated by the reply. A duplicate
 * repeats the result stored when the op first went through (§4, step 4),
 * maybe long before this reply: its balance is only known to be newer than
 * the snapshot the op was signed against, so it is dated by that basis and
 * any snapshot taken since wins over it. Without a basis it cannot be dated.
 */
function figureOf(op: QueuedOp, result: Outcome, serverTime: string): WalletRow | null {
  if (!op.nitetapId || result.balanceNc === null || result.status === 'rejected') return null;
  const asOf = result.duplicate ? op.envelope.basis.asOf : serverTime;
  return asOf === null ? null : { nitetapId: op.nitetapId, balanceNc: result.balanceNc, asOf };
}

/**
 * Settles ops that leave the queue: `applied` and `held` (the server has
 * them) just leave, `rejected` go to the attention list. One transaction, so
 * a crash never half-applies a reply. `reply` is null for outcomes the
 * server never gave: they teach nothing about wallets or the till.
 */
function settle(
  db: TillDb,
  sent: QueuedOp[],
  outcomes: Outcome[],
  reply: { serverTime: string; syncedAt: number } | null,
): Promise<Settled> {
  return db.transaction(
    'rw',
    [db.queue, db.history, db.attention, db.wallets, db.blocked, db.meta],
    async () => {
      const byId = new Map(sent.map((op) => [op.id, op]));
      const blockedNow: string[] = [];
      const done: number[] = [];
      const history = new Map<string, Partial<HistoryRow>>();
      const attention: AttentionRow[] = [];
      const refusedVoids: { saleId: string; voidId: string; reason: string | null }[] = [];
      const figures = new Map<string, WalletRow & { duplicate: boolean }>();
      let revoked: boolean | null = null;
      let unplaced = 0;
      for (const result of outcomes) {
        const op = byId.get(result.id);
        if (!op) continue;
        done.push(op.seq);
        // The signature too: an op queued by a release that did not keep it
        // in history can still be sent again after a restore.
        history.set(op.id, {
          status: result.status,
          reason: result.reason,
          settledAt: reply?.syncedAt,
          sig: op.sig,
        });
        if (result.status === 'rejected') {
          attention.push({
            id: op.id,
            envelope: op.envelope,
            reason: result.reason ?? 'rejected',
            at: Date.now(),
          });
          if (op.envelope.voids) {
            refusedVoids.push({ saleId: op.envelope.voids, voidId: op.id, reason: result.reason });
          }
          continue;
        }
        // Revocation is checked before the chain and balance rules (§4, step
        // 5), so any fresh applied or held result says whether the till is
        // revoked now; a duplicate repeats an old verdict.
        if (!result.duplicate) revoked = result.reason === HoldReason.revokedTill;
        // Blocked since the last pull: refused here from now on, not sold to
        // and held again and again until the next pull says so (a duplicate
        // repeats an old verdict, which an unblock may have undone).
        if (!result.duplicate && result.reason === HoldReason.blockedTag && op.nitetapId)
          blockedNow.push(op.nitetapId);
        const figure = reply && figureOf(op, result, reply.serverTime);
        // Signed with no snapshot, a duplicate's figure cannot be dated at all.
        if (reply && !figure && result.duplicate && op.nitetapId && result.balanceNc !== null)
          unplaced++;
        const kept = figure && figures.get(figure.nitetapId);
        if (figure && (!kept || kept.asOf <= figure.asOf)) {
          figures.set(figure.nitetapId, { ...figure, duplicate: result.duplicate });
        }
      }
      // A refused void leaves its sale standing, unless the server refused it
      // because the sale is already voided (by another void): then it is not.
      const sales = await db.history.bulkGet(refusedVoids.map((v) => v.saleId));
      refusedVoids.forEach((v, i) => {
        const sale = sales[i];
        if (sale?.voidedBy !== v.voidId || v.reason === RejectReason.alreadyVoided) return;
        history.set(v.saleId, { ...history.get(v.saleId), voidedBy: null });
      });
      // Bulk requests: a 100-op reply is a handful of IndexedDB calls, not hundreds.
      await db.queue.bulkDelete(done);
      await db.history.bulkUpdate([...history].map(([key, changes]) => ({ key, changes })));
      await db.attention.bulkPut(attention);
      await db.blocked.bulkPut(blockedNow.map((nitetapId) => ({ nitetapId })));
      for (const f of figures.values()) {
        if (!(await putSnapshot(db, f.nitetapId, f.balanceNc, f.asOf)) && f.duplicate) unplaced++;
      }
      if (revoked !== null) await setMeta(db, REVOKED, revoked);
      if (reply) await setMeta(db, LAST_SYNC_AT, reply.syncedAt);
      return { left: done.length, unplaced };
    },
  );
}

/** Applies a push reply received at `syncedAt` (till clock, ms). */
export function applyPushReply(
  db: TillDb,
  sent: QueuedOp[],
  reply: PushResponse,
  syncedAt: number,
): Promise<Settled> {
  return settle(db, sent, reply.results, { serverTime: reply.serverTime, syncedAt });
}

/** Takes ops the server can never accept (`TOO_LARGE`) out of the queue, onto the attention list. */
export function refuseUnsendable(db: TillDb, ops: QueuedOp[]): Promise<Settled> {
  const outcomes = ops.map(
    (op): Outcome => ({
      id: op.id,
      status: 'rejected',
      duplicate: false,
      reason: TOO_LARGE,
      balanceNc: null,
    }),
  );
  return settle(db, ops, outcomes, null);
}

/** Meta key: the server time of the last sweep of snapshots the server no longer sends. */
const SNAPSHOTS_SWEPT_AT = 'snapshotsSweptAt';

/**
 * Stores what a pull requested at `requestedAt` and received at `syncedAt`
 * (till clock, ms) brought: catalog and wallets merge, and snapshots the
 * server no longer sends go; blocked tags, staff and policy replace. Ops
 * the server had answered `applied` or `held` before the pull was
 * requested, but no longer holds (`chain`), go back in
 * the queue with their signatures, and the next pull fetches every wallet
 * afresh: the server lost them, most likely restored from a backup.
 * Returns how many ops went back in the queue.
 */
export function applyPull(
  db: TillDb,
  pull: PullResponse,
  requestedAt: number,
  syncedAt: number,
): Promise<number> {
  const tables = [db.catalog, db.wallets, db.blocked, db.staff, db.meta, db.queue, db.history];
  return db.transaction('rw', tables, async () => {
    await db.catalog.bulkPut(pull.catalog);
    for (const w of pull.wallets) await putSnapshot(db, w.nitetapId, w.balanceNc, w.asOf);
    // Once the last page is in, every wallet the server follows has come in
    // today: one it has not sent for longer is no longer followed. Swept
    // hourly, not each minute: it reads every snapshot, and a sale waits for
    // this transaction.
    const serverNow = Date.parse(pull.serverTime);
    const swept = (await getMeta<number>(db, SNAPSHOTS_SWEPT_AT)) ?? 0;
    if (!pull.more && Math.abs(serverNow - swept) >= 3_600_000) {
      const cutoff = serverNow - WALLET_SNAPSHOT_TRUST_DAYS * 86_400_000;
      await db.wallets.filter((w) => Date.parse(w.asOf) < cutoff).delete();
      await setMeta(db, SNAPSHOTS_SWEPT_AT, serverNow);
    }
    await db.blocked.clear();
    await db.blocked.bulkPut(pull.blockedTags.map((nitetapId) => ({ nitetapId })));
    await db.staff.clear();
    await db.staff.bulkPut(pull.staff);
    await setMeta(db, 'policy', pull.policy);
    await setMeta(db, 'venueName', pull.venueName);
    await setMeta(db, LAST_SYNC_AT, syncedAt);
    const lost = isChainState(pull.chain) ? await lostOps(db, pull.chain, requestedAt) : [];
    if (lost.length === 0) {
      await setMeta(db, 'cursor', pull.cursor);
      return 0;
    }
    // The banner counts every op sent again since it last had none waiting.
    const waiting = stillResending(
      await getMeta<Resent>(db, RESENT),
      (await db.queue.orderBy('seq').first())?.seq,
    );
    await db.queue.bulkPut(lost.map((row) => queuedOp(row.envelope, row.sig, syncedAt)));
    await db.history.bulkUpdate(
      lost.map((row) => ({ key: row.id, changes: { status: 'queued', settledAt: undefined } })),
    );
    const resent: Resent = {
      count: (waiting?.count ?? 0) + lost.length,
      maxSeq: Math.max((lost.at(-1) as HistoryRow).seq, waiting?.maxSeq ?? 0),
    };
    await setMeta(db, RESENT, resent);
    // This till's figures for these wallets count the lost ops twice now (in
    // the balance the server gave before it lost them, and as queued): they
    // are dropped, and the next pull fetches every wallet afresh.
    await db.wallets.bulkDelete([...new Set(lost.flatMap((r) => r.envelope.nitetapId ?? []))]);
    await db.meta.delete('cursor');
    return lost.length;
  });
}

/** `chain` as a server of protocol 3 or later sends it; older servers send none. */
function isChainState(chain: unknown): chain is TillChainState {
  const c = chain as TillChainState | null | undefined;
  return (
    typeof c?.lastSeq === 'number' &&
    Array.isArray(c.missing) &&
    c.missing.every((r) => typeof r?.after === 'number' && typeof r.before === 'number')
  );
}

/**
 * The ops this till was told the server took (`applied` or `held`) before
 * `requestedAt`, whose seq the server says it does not hold, and whose
 * signature the till kept. Ops settled after the pull was requested are
 * left alone: the server's answer may predate them.
 */
async function lostOps(
  db: TillDb,
  chain: TillChainState,
  requestedAt: number,
): Promise<(HistoryRow & { sig: string })[]> {
  const ranges = [
    ...chain.missing.map((r) => db.history.where('seq').between(r.after, r.before, false, false)),
    db.history.where('seq').above(chain.lastSeq),
  ];
  const rows = (await Promise.all(ranges.map((r) => r.toArray()))).flat();
  const lost = new Map<string, HistoryRow & { sig: string }>();
  for (const row of rows) {
    const taken = row.status === 'applied' || row.status === 'held';
    if (taken && row.sig && row.settledAt !== undefined && row.settledAt < requestedAt)
      lost.set(row.id, { ...row, sig: row.sig });
  }
  return [...lost.values()].sort((a, b) => a.seq - b.seq);
}
