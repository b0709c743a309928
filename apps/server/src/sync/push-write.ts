import {
  analyticsOutbox,
  conflicts,
  ledgerLines,
  ops,
  securityLog,
  seqGaps,
  tillChain,
  tills,
  walletMoves,
} from '@niteos/schema/tables';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { pushEvents } from '../analytics/events.ts';
import type { AuthedTill } from '../context.ts';
import { anyOf } from '../db/any-of.ts';
import { bulkInsert, recordset } from '../db/bulk.ts';
import type { Tx } from '../db/database.ts';
import {
  createWallets,
  ledgerLineStatement,
  markVoidedStatements,
  venueAccountStatement,
  walletUpdateStatements,
} from '../ledger/queries.ts';
import type { FinalOp } from './prepare-op.ts';
import type { Writes } from './push-decide.ts';
import type { Corrections } from './push-provisional.ts';
import type { Sequenced } from './push-sequence.ts';

/** How stale a wallet's last_seen_at at a venue may get before a push refreshes it. */
const SEEN_REFRESH = sql.raw(`interval '1 hour'`);

/**
 * The rows of a push that no wallet decides: the till's chain and seq
 * gaps, the security log, the till's own row. Unsent (drizzle sends a
 * statement when it is awaited): the caller pipelines them ahead of the
 * wallet locks, so they are not written while those locks are held.
 */
export function sequenceStatements(
  tx: Tx,
  till: AuthedTill,
  s: Sequenced,
  finals: FinalOp[],
  ip: string | null,
): PromiseLike<unknown>[] {
  const statements: PromiseLike<unknown>[] = [bulkInsert(tx, tillChain, s.chainRows)];
  if (s.gapSeqs.length > 0) {
    statements.push(
      tx
        .insert(seqGaps)
        .values(s.gapSeqs.map((seq) => ({ tillId: till.id, seq })))
        .onConflictDoNothing(),
    );
  }
  if (s.closedGaps.length > 0) {
    statements.push(
      tx
        .update(seqGaps)
        .set({ closedAt: new Date() })
        .where(
          and(
            eq(seqGaps.tillId, till.id),
            anyOf(seqGaps.seq, s.closedGaps, 'bigint'),
            isNull(seqGaps.closedAt),
          ),
        ),
    );
  }
  const security = [
    ...finals
      .filter((f) => f.badSignature)
      .map((f) => ({ kind: 'bad_signature', opId: f.result.id || null, detail: null })),
    ...s.flags.map((f) => ({ kind: f.reason, opId: f.opId, detail: null })),
  ];
  if (security.length > 0) {
    statements.push(
      tx
        .insert(securityLog)
        .values(security.map((e) => ({ ...e, tillId: till.id, venueId: till.venueId, ip }))),
    );
  }
  const maxSeq = Math.max(0, ...s.chainRows.map((r) => r.seq));
  statements.push(
    tx
      .update(tills)
      .set({
        lastSeenAt: new Date(),
        lastSeq: sql`greatest(${tills.lastSeq}, ${maxSeq})`,
        ...(s.flags[0] ? { flaggedAt: new Date(), flagReason: s.flags[0].reason } : {}),
      })
      .where(eq(tills.id, till.id)),
  );
  return statements;
}

/**
 * The op rows and ledger lines as decided on the wallets before they were
 * locked, unsent like `sequenceStatements`: they are most of a push's
 * writes, and most of them are already right, so they too go before the
 * locks and `write` corrects the few that are not.
 */
export function provisionalStatements(tx: Tx, w: Writes): PromiseLike<unknown>[] {
  const statements = [bulkInsert(tx, ops, w.opRows)];
  if (w.postings.length > 0) statements.push(ledgerLineStatement(tx, w.postings));
  return statements;
}

/**
 * Writes what the wallet decisions produced, under the wallet locks.
 * Wallets first used here are created (and checked) first; every other
 * statement is issued at once, in dependency order, and postgres.js
 * pipelines them on the transaction's connection: one round trip instead
 * of a dozen while the locks are held. The hot venue-account rows come
 * last, so they are held only until COMMIT.
 */
export async function write(tx: Tx, till: AuthedTill, w: Writes, fix: Corrections) {
  await createWallets(tx, [...w.newWallets]);
  const statements: PromiseLike<unknown>[] = [
    ...walletUpdateStatements(tx, w.changedWallets),
    ...opCorrectionStatements(tx, fix),
    bulkInsert(tx, conflicts, w.conflictRows),
    // Events from the decisions made under the locks, never the provisional ones.
    bulkInsert(tx, analyticsOutbox, pushEvents(w.applied, w.conflictRows, new Date())),
    ...markVoidedStatements(tx, w.voided),
    bulkInsert(tx, walletMoves, w.moves),
  ];
  if (w.touchedTags.size > 0) {
    const seen = recordset(
      [...w.touchedTags].sort().map((tag) => ({ nitetap_id: tag })),
      'nitetap_id text',
    );
    // Pull reads last_seen_at against a window of days, so a wallet seen in
    // the last hour is left as it is: rewriting its row and both its index
    // entries on every push took ~3 ms of the ~35 ms of writes made under
    // the wallet locks (bench, 8 tills).
    statements.push(
      tx.execute(sql`
        insert into wallet_venues (nitetap_id, venue_id, last_seen_at)
        select x.nitetap_id, ${till.venueId}, now() from ${seen}
        where not exists (
          select 1 from wallet_venues v
          where v.nitetap_id = x.nitetap_id and v.venue_id = ${till.venueId}
            and v.last_seen_at > now() - ${SEEN_REFRESH})
        on conflict (nitetap_id, venue_id) do update set last_seen_at = excluded.last_seen_at`),
    );
  }
  const venue = venueAccountStatement(tx, w.postings);
  if (venue) statements.push(venue);
  await Promise.all(statements);
}

/** Rewrites the op rows and ledger lines that the locked wallets decided otherwise. */
function opCorrectionStatements(tx: Tx, fix: Corrections): PromiseLike<unknown>[] {
  const statements: PromiseLike<unknown>[] = [];
  if (fix.opRows.length > 0) {
    const rows = recordset(
      fix.opRows.map((r) => ({
        id: r.id,
        status: r.status,
        reason: r.reason ?? null,
        standing: r.standing,
        applied_nc: r.appliedNc ?? 0,
        xp_granted: r.xpGranted ?? 0,
        result_balance_nc: r.resultBalanceNc ?? null,
        result_xp: r.resultXp ?? null,
        result_level: r.resultLevel ?? null,
      })),
      'id text, status text, reason text, standing text, applied_nc bigint, xp_granted bigint, ' +
        'result_balance_nc bigint, result_xp bigint, result_level int',
    );
    statements.push(
      tx.execute(sql`
        update ops set status = x.status, reason = x.reason, standing = x.standing,
          applied_nc = x.applied_nc, xp_granted = x.xp_granted,
          result_balance_nc = x.result_balance_nc, result_xp = x.result_xp,
          result_level = x.result_level
        from ${rows} where ops.id = x.id`),
    );
  }
  if (fix.lineOps.length > 0) {
    statements.push(tx.delete(ledgerLines).where(anyOf(ledgerLines.opId, fix.lineOps, 'text')));
    if (fix.lines.length > 0) statements.push(ledgerLineStatement(tx, fix.lines));
  }
  return statements;
}
