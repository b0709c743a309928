import { applyEffect, type ResolutionRefusal, resolutionEffect } from '@niteos/ledger-core';
import { analyticsOutbox, conflicts, ops, tills, walletMoves } from '@niteos/schema/tables';
import type { ConflictView, Envelope, Resolution } from '@niteos/schema/wire';
import { and, asc, desc, eq, type SQL } from 'drizzle-orm';
import { countsInFigures, pushEvents, resolutionEvent } from '../analytics/events.ts';
import { audit } from '../audit/audit.ts';
import { assertVenueAccess } from '../auth/guard.ts';
import type { AuthUser } from '../context.ts';
import type { Db } from '../db/database.ts';
import { withTransactionRetry } from '../db/retry.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import { ledgerEnvelope, signedEnvelope } from '../ledger/op-envelope.ts';
import {
  assertSuccessorsUnchanged,
  createWallets,
  landing,
  lockWallets,
  markVoidedByAdmin,
  recordWalletUse,
  successorsOf,
  updateWallets,
  voidTargetLockStatement,
  voidTargetsOf,
  walletReadStatement,
  writePostings,
} from '../ledger/queries.ts';
import { venueForAdmin } from '../venues/service.ts';

type ConflictRow = typeof conflicts.$inferSelect;

export function conflictView(row: ConflictRow): ConflictView {
  return {
    id: row.id,
    opId: row.opId,
    reason: row.reason,
    venueId: row.venueId,
    amountNc: row.amountNc,
    nitetapId: row.nitetapId,
    createdAt: row.createdAt.toISOString(),
    status: row.status as ConflictView['status'],
    resolution: row.resolution as Resolution | null,
  };
}

export const LIST_LIMIT = 1000;

/**
 * Conflicts a user may see: their venue's, or any (optionally one venue's)
 * for Nitecore admins; at most `LIST_LIMIT`, and `more` when there are more.
 */
export async function listConflicts(
  db: Db,
  user: AuthUser,
  filter: { status?: 'open' | 'resolved'; venueId?: string },
): Promise<{ conflicts: ConflictView[]; more: boolean }> {
  const where: SQL[] = [];
  if (user.role !== 'nitecore_admin' && !user.venueId) throw forbidden();
  const venueId = user.role === 'nitecore_admin' ? filter.venueId : user.venueId;
  if (filter.venueId) await venueForAdmin(db, user, filter.venueId);
  if (venueId) where.push(eq(conflicts.venueId, venueId));
  if (filter.status) where.push(eq(conflicts.status, filter.status));
  const rows = await db
    .select()
    .from(conflicts)
    .where(and(...where))
    // Open ones are a work queue, oldest first; settled ones a history, newest first.
    .orderBy(filter.status === 'open' ? asc(conflicts.createdAt) : desc(conflicts.createdAt))
    .limit(LIST_LIMIT + 1);
  return { conflicts: rows.slice(0, LIST_LIMIT).map(conflictView), more: rows.length > LIST_LIMIT };
}

export async function getConflict(db: Db, conflictId: string): Promise<ConflictRow> {
  const [row] = await db.select().from(conflicts).where(eq(conflicts.id, conflictId));
  if (!row) throw notFound('conflict');
  return row;
}

const REFUSALS: Record<ResolutionRefusal, string> = {
  write_off_needs_nc_debit: 'only an NC sale or cashout can be written off',
  void_target_missing: 'the sale this void names has still not reached the server',
  void_mismatch: 'the void does not match the sale it names',
  already_voided: 'that sale is voided already',
};

const STANDING: Record<Resolution, string> = {
  accept: 'applied',
  write_off: 'written_off',
  reject: 'rejected',
};

/**
 * Settles a held op (sync protocol §7) in one transaction: its ledger lines,
 * the op's standing, the conflict and the audit entry. Idempotent: the
 * same resolution with the same note again returns the settled conflict;
 * a different resolution or note is 409.
 * Also returns the op when it came to stand in the sales figures (accepted
 * or written off, as its analytics event): tonight's counters add it.
 */
export async function resolveConflict(
  db: Db,
  user: AuthUser,
  conflictId: string,
  input: { resolution: Resolution; note: string },
  ip: string | null,
): Promise<{ conflict: ConflictView; standing: Envelope[] }> {
  return withTransactionRetry(db, async (tx) => {
    const [row] = await tx
      .select()
      .from(conflicts)
      .where(eq(conflicts.id, conflictId))
      .for('update');
    if (!row) throw notFound('conflict');
    assertVenueAccess(user, row.venueId);
    if (row.status !== 'open') {
      // The same decision with the same note is a retry whose answer was lost.
      // Anything else is a second admin's: their note would be dropped unsaid.
      if (row.resolution === input.resolution && (row.note ?? '') === input.note)
        return { conflict: conflictView(row), standing: [] };
      throw conflict(
        `this conflict is already settled as ${row.resolution}${row.note ? ` (note: ${row.note})` : ''}`,
      );
    }
    const [op] = await tx.select().from(ops).where(eq(ops.id, row.opId));
    if (!op) throw new Error(`conflict ${row.id} names a missing op`);
    const envelope = ledgerEnvelope(op);
    const tag = envelope.nitetapId;
    // A tag replaced since the op was held: what the op does to it is done
    // to the replacement, which holds the guest's NC now.
    const known = tag ? await successorsOf(tx, [tag]) : new Map<string, string>();
    const successor = tag ? known.get(tag) : undefined;
    const wallets = await lockWallets(tx, [
      ...(tag ? [tag] : []),
      ...(successor ? [successor] : []),
    ]);
    await assertSuccessorsUnchanged(tx, wallets, known);
    const wallet = tag ? (wallets.get(tag) ?? null) : null;
    const targets = voidTargetsOf(
      envelope.voids ? await voidTargetLockStatement(tx, [envelope.voids]) : [],
    );
    const target = envelope.voids ? (targets.get(envelope.voids) ?? null) : null;

    const outcome = resolutionEffect({
      resolution: input.resolution,
      envelope,
      walletExists: wallet !== null,
      voidTarget: target,
    });
    if (!outcome.ok) throw conflict(REFUSALS[outcome.reason]);
    const lands = landing({ id: op.id, venueId: row.venueId }, tag, successor, outcome.effect);
    const { effect, tag: moves } = lands;

    const before = moves ? (wallets.get(moves) ?? null) : null;
    const after = applyEffect(before, effect);
    if (lands.move) await tx.insert(walletMoves).values(lands.move);
    if (moves && after) {
      if (before === null) await createWallets(tx, [moves]);
      // A held op recorded no use of the wallet: accepted, the wallet is one
      // the venue has used, as if the op had applied at once. Rejected or
      // written off, the wallet was not used there.
      if (input.resolution === 'accept') await recordWalletUse(tx, moves, row.venueId);
      await updateWallets(tx, new Map([[moves, after]]));
    }
    await writePostings(
      tx,
      effect.postings.map((posting) => ({ opId: op.id, conflictId: row.id, posting })),
    );
    // Accepting a void whose sale was held settles that sale's conflict too: on record as this admin's.
    const closesConflict = effect.voidsOp
      ? await markVoidedByAdmin(tx, { targetId: effect.voidsOp, voidId: op.id }, user.id)
      : null;
    await tx
      .update(ops)
      .set({
        standing: STANDING[input.resolution],
        appliedNc: effect.walletDeltaNc,
        xpGranted: envelope.op === 'sale' ? effect.xpDelta : 0,
      })
      .where(eq(ops.id, op.id));
    const [resolved] = await tx
      .update(conflicts)
      .set({
        status: 'resolved',
        resolution: input.resolution,
        note: input.note,
        resolvedBy: user.id,
        resolvedAt: new Date(),
      })
      .where(eq(conflicts.id, row.id))
      .returning();
    if (!resolved) throw new Error('conflict vanished inside its own lock');
    // An op accepted or written off stands now: the sales figures count it
    // from here, as they count ops applied at push (held ones had no event).
    const stands = input.resolution !== 'reject' && countsInFigures(envelope, target);
    await tx.insert(analyticsOutbox).values([
      ...(stands ? pushEvents([envelope], [], resolved.resolvedAt ?? new Date()) : []),
      resolutionEvent({
        conflictId: row.id,
        opId: op.id,
        venueId: row.venueId,
        resolution: input.resolution,
        walletDeltaNc: effect.walletDeltaNc,
        resolvedBy: user.id,
        at: resolved.resolvedAt ?? new Date(),
      }),
    ]);
    await audit(tx, {
      actor: user,
      action: 'conflict.resolve',
      venueId: row.venueId,
      target: row.id,
      before: conflictView(row),
      after: {
        ...conflictView(resolved),
        note: input.note,
        postings: effect.postings,
        ...(closesConflict ? { closesConflict } : {}),
      },
      ip,
    });
    return { conflict: conflictView(resolved), standing: stands ? [envelope] : [] };
  });
}

/**
 * What settling an op would move: its wristband as it stands now, and the
 * one a replacement moved its NC to, where the op's effect lands; for a
 * void, the sale it cancels (null while that sale has not reached the
 * server, or when it is another venue's).
 */
async function stakes(db: Db, venueId: string, tag: string | null, voids: string | null) {
  return db.transaction(async (tx) => {
    const successor = tag ? (await successorsOf(tx, [tag])).get(tag) : undefined;
    const rows = tag ? await walletReadStatement(tx, [tag, ...(successor ? [successor] : [])]) : [];
    const stateOf = (t: string | undefined) => rows.find((r) => r.nitetapId === t);
    const wallet = stateOf(tag ?? undefined);
    const replacement = stateOf(successor);
    const [target] = voids
      ? await tx
          .select({
            id: ops.id,
            tender: ops.tender,
            amountNc: ops.amountNc,
            amountChf: ops.amountChf,
            standing: ops.standing,
            voidedBy: ops.voidedBy,
          })
          .from(ops)
          // Another venue's sale is not this admin's to see: any till can name any id.
          .where(and(eq(ops.id, voids), eq(ops.venueId, venueId)))
      : [];
    return {
      wallet: wallet
        ? {
            nitetapId: wallet.nitetapId,
            balanceNc: wallet.balanceNc,
            status: wallet.status,
            replacedBy: replacement
              ? { nitetapId: replacement.nitetapId, balanceNc: replacement.balanceNc }
              : null,
          }
        : null,
      voidTarget: target ?? null,
    };
  });
}

/**
 * One conflict with what an admin needs to judge it: the op as signed, the
 * till that sent it, the guest's recent ops at any venue of theirs, and
 * what settling it would move (`stakes`).
 */
export async function conflictDetail(db: Db, user: AuthUser, conflictId: string) {
  const row = await getConflict(db, conflictId);
  assertVenueAccess(user, row.venueId);
  const [op] = await db.select().from(ops).where(eq(ops.id, row.opId));
  const [till] = await db
    .select({ id: tills.id, name: tills.name, status: tills.status, flagReason: tills.flagReason })
    .from(tills)
    .where(eq(tills.id, row.tillId));
  const history = row.nitetapId
    ? await db
        .select({
          id: ops.id,
          kind: ops.kind,
          tender: ops.tender,
          amountNc: ops.amountNc,
          amountChf: ops.amountChf,
          status: ops.status,
          standing: ops.standing,
          reason: ops.reason,
          tillAt: ops.tillAt,
          venueId: ops.venueId,
        })
        .from(ops)
        .where(and(eq(ops.nitetapId, row.nitetapId), eq(ops.venueId, row.venueId)))
        .orderBy(desc(ops.receivedAt), desc(ops.seq))
        .limit(50)
    : [];
  return {
    conflict: {
      ...conflictView(row),
      note: row.note,
      resolvedBy: row.resolvedBy,
      resolvedAt: row.resolvedAt?.toISOString() ?? null,
    },
    op: op
      ? {
          envelope: signedEnvelope(op),
          status: op.status,
          reason: op.reason,
          standing: op.standing,
          receivedAt: op.receivedAt.toISOString(),
        }
      : null,
    till: till ?? null,
    history,
    ...(await stakes(db, row.venueId, row.nitetapId, op?.voids ?? null)),
  };
}
