import { randomUUID } from 'node:crypto';
import { claimCode, normalizeClaimCode } from '@niteos/ledger-core';
import { accounts, ops, users, venues, walletMoves, wallets } from '@niteos/schema/tables';
import {
  type ActivityEntry,
  ErrorCode,
  type LoginResponse,
  Role,
  type WalletActivity,
} from '@niteos/schema/wire';
import { and, asc, desc, eq, inArray, isNull, lt, min, notLike, or, sql } from 'drizzle-orm';
import { hashSecret } from '../auth/passwords.ts';
import { login } from '../auth/service.ts';
import type { AuthUser } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError, conflict, notFound } from '../errors.ts';
import { successorsOf } from '../ledger/queries.ts';
import { walletColumns } from '../wallets/service.ts';

/** Creates a guest account and signs it in. */
export async function registerGuest(
  db: Db,
  secret: string,
  input: { email: string; password: string; displayName: string },
): Promise<LoginResponse> {
  const email = input.email.toLowerCase();
  const created = await db
    .insert(users)
    .values({
      id: randomUUID(),
      email,
      passwordHash: await hashSecret(input.password),
      role: Role.guest,
      displayName: input.displayName,
    })
    .onConflictDoNothing()
    .returning({ id: users.id });
  if (created.length === 0)
    throw conflict('an account with this email exists already: sign in instead');
  return login(db, secret, email, input.password);
}

/** Topups a claim code may come from: the wallet's most recent ones. */
const CLAIMABLE_TOPUPS = 20;

/** How many replacements back a claim code may come from. */
const MAX_REPLACEMENTS = 5;

/**
 * The tag and those an admin moved into it when replacing a lost
 * wristband: a guest who lost one before claiming it holds the receipt of
 * a top-up on the lost tag, and claims the new one with it. A lost tag's
 * top-ups count only if the server had them before its replacement: later
 * ones were paid by whoever holds the lost wristband now (a held one an
 * admin let stand sends its NC to the new band). A lost tag someone had
 * claimed proves nothing more: its owner went with the balance, or the
 * admin refused them (a finder may have claimed it), and its receipts,
 * the finder's perhaps among them, must not claim the new band. Only
 * replacements count as moves here, not the ops redirected after one.
 */
async function fundingTags(db: Db, tag: string): Promise<{ tag: string; before: Date | null }[]> {
  const tags = new Map<string, Date | null>([[tag, null]]);
  let newest = [tag];
  for (let i = 0; i < MAX_REPLACEMENTS && newest.length > 0; i++) {
    const moves = await db
      .select({ fromTag: walletMoves.fromTag, movedAt: min(walletMoves.createdAt) })
      .from(walletMoves)
      .innerJoin(wallets, eq(wallets.nitetapId, walletMoves.fromTag))
      .where(
        and(
          inArray(walletMoves.toTag, newest),
          notLike(walletMoves.id, 'redirect:%'),
          isNull(wallets.guestUserId),
        ),
      )
      .groupBy(walletMoves.fromTag);
    newest = [];
    for (const m of moves) {
      if (tags.has(m.fromTag) || !m.movedAt) continue;
      tags.set(m.fromTag, m.movedAt);
      newest.push(m.fromTag);
    }
  }
  return [...tags].map(([t, before]) => ({ tag: t, before }));
}

/**
 * A replaced band is blocked and empty, and is never bound: claimed now, it
 * would stop its receipts claiming the band that took its place (see
 * `fundingTags`). That band is named only for a receipt it takes too: a tag
 * id a till takes for payment is not for whoever merely holds the old band.
 */
async function refuseReplaced(
  db: Db,
  tag: string,
  receipt: { nitetapId: string | null; receivedAt: Date },
): Promise<void> {
  const successor = (await successorsOf(db, [tag])).get(tag);
  if (!successor) return;
  const lent = (await fundingTags(db, successor)).find((f) => f.tag === receipt.nitetapId);
  if (lent?.before && receipt.receivedAt < lent.before)
    throw conflict(
      `this wristband was replaced by ${successor.toUpperCase()}: add that one, with the same claim code`,
    );
  throw conflict(
    'this wristband was replaced and is blocked: it can no longer be added; ask at the bar',
  );
}

/**
 * Binds a wallet to the guest who shows a claim code from one of its
 * topups. Knowing the tag id alone is not enough. Idempotent for the same
 * guest; a wallet already bound to someone else is 409. `beforeGuess`
 * runs (and may refuse) only once there is a code to guess, and says how
 * many tries the guest has left: a tag with no topup on the server yet,
 * most often because the till that sold it has not synced, says so and
 * costs no attempt.
 */
export async function claimWallet(
  db: Db,
  guest: AuthUser,
  rawTag: string,
  typedCode: string,
  beforeGuess: () => Promise<number>,
) {
  const tag = rawTag.toLowerCase();
  const code = normalizeClaimCode(typedCode);
  const [wallet] = await db.select().from(wallets).where(eq(wallets.nitetapId, tag));
  const topups = wallet
    ? await db
        .select({ sig: ops.sig, nitetapId: ops.nitetapId, receivedAt: ops.receivedAt })
        .from(ops)
        .where(
          and(
            or(
              ...(await fundingTags(db, tag)).map((f) =>
                f.before
                  ? and(eq(ops.nitetapId, f.tag), lt(ops.receivedAt, f.before))
                  : eq(ops.nitetapId, f.tag),
              ),
            ),
            eq(ops.kind, 'topup'),
            eq(ops.standing, 'applied'),
          ),
        )
        .orderBy(desc(ops.receivedAt))
        .limit(CLAIMABLE_TOPUPS)
    : [];
  if (!wallet || topups.length === 0) {
    // A top-up the server holds (a revoked till's, a broken chain's) waits for
    // an admin, not for a sync: "try again in a few minutes" would not do.
    // No top-up at all is also what a mistyped tag id finds.
    const [held] = await db
      .select({ id: ops.id })
      .from(ops)
      .where(and(eq(ops.nitetapId, tag), eq(ops.kind, 'topup'), eq(ops.standing, 'held')))
      .limit(1);
    throw new AppError(
      404,
      ErrorCode.notFound,
      held
        ? "this wristband's top-up reached the server but waits for the venue's admin to settle it: " +
            'ask at the bar, and claim it once it is settled'
        : 'no top-up of this wristband has reached the server: check the tag id; if it was ' +
            'topped up just now, the bar has not synced it yet; try again in a few minutes',
    );
  }
  const triesLeft = await beforeGuess();
  const matched = topups.find((t) => claimCode(t.sig) === code);
  if (!matched) {
    throw new AppError(
      404,
      ErrorCode.notFound,
      'this claim code does not match a top-up of this wristband: check it on the till or ' +
        `the receipt (${triesLeft > 0 ? `${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'}` : 'no tries'} left this hour)`,
    );
  }
  if (wallet.guestUserId && wallet.guestUserId !== guest.id)
    throw conflict('this wristband belongs to another guest');
  if (wallet.guestUserId !== guest.id) await refuseReplaced(db, tag, matched);
  const bound = await db
    .update(wallets)
    .set({ guestUserId: guest.id })
    .where(
      and(
        eq(wallets.nitetapId, tag),
        sql`(${wallets.guestUserId} is null or ${wallets.guestUserId} = ${guest.id})`,
      ),
    )
    .returning({ nitetapId: wallets.nitetapId });
  // Another guest's claim of the same tag committed between the read and here.
  if (bound.length === 0) throw conflict('this wristband belongs to another guest');
  return { nitetapId: tag, claimed: true };
}

/** The signed-in guest's own wallets. */
export async function myWallets(db: Db, guest: AuthUser) {
  const rows = await db
    .select(walletColumns)
    .from(wallets)
    .innerJoin(accounts, eq(accounts.id, wallets.accountId))
    .where(eq(wallets.guestUserId, guest.id))
    // A stable order: PostgreSQL returns rows in whatever order an update left them.
    .orderBy(asc(wallets.createdAt), asc(wallets.nitetapId));
  return { wallets: rows };
}

const ACTIVITY_LIMIT = 50;

/**
 * When the guest bought: the till's time, which an offline till signs
 * hours before it syncs, kept within the two days before the server got
 * the op, so a till with a wrong clock cannot date it in the future or
 * far back.
 */
const soldAt =
  sql<Date>`least(${ops.receivedAt}, greatest(${ops.tillAt}::timestamptz, ${ops.receivedAt} - interval '2 days'))`.mapWith(
    ops.receivedAt,
  );

/**
 * The latest ops and wristband moves on one of the guest's own wallets,
 * newest first. Another guest's wallet, or one that does not exist, is the
 * same 404: the answer must not tell a tag id's owner apart from nobody.
 */
export async function walletActivity(
  db: Db,
  guest: AuthUser,
  rawTag: string,
): Promise<WalletActivity> {
  const tag = rawTag.toLowerCase();
  const [own] = await db
    .select({ nitetapId: wallets.nitetapId })
    .from(wallets)
    .where(and(eq(wallets.nitetapId, tag), eq(wallets.guestUserId, guest.id)));
  if (!own) throw notFound('wallet');
  // A held op moved nothing yet: the guest sees what it will move if the venue
  // lets it stand, so a later drop of the balance comes as no surprise. A held
  // void is left out: what it gives back depends on a sale not yet known.
  const heldNc = (kind: string, tender: string, amountNc: number) => {
    if (kind === 'topup') return amountNc;
    return kind === 'cashout' || (kind === 'sale' && tender === 'nc') ? -amountNc : 0;
  };
  const [opRows, moveRows] = await Promise.all([
    db
      .select({
        opId: ops.id,
        kind: ops.kind,
        tender: ops.tender,
        amountNc: ops.amountNc,
        deltaNc: ops.appliedNc,
        standing: ops.standing,
        venueName: venues.name,
        at: soldAt,
      })
      .from(ops)
      .innerJoin(venues, eq(venues.id, ops.venueId))
      .where(eq(ops.nitetapId, tag))
      .orderBy(desc(soldAt), desc(ops.seq))
      .limit(ACTIVITY_LIMIT),
    db
      .select({
        opId: walletMoves.id,
        fromTag: walletMoves.fromTag,
        toTag: walletMoves.toTag,
        movedNc: walletMoves.movedNc,
        venueName: venues.name,
        at: walletMoves.createdAt,
      })
      .from(walletMoves)
      .innerJoin(venues, eq(venues.id, walletMoves.venueId))
      .where(or(eq(walletMoves.fromTag, tag), eq(walletMoves.toTag, tag)))
      .orderBy(desc(walletMoves.createdAt), desc(walletMoves.id))
      .limit(ACTIVITY_LIMIT),
  ]);
  const entries: ActivityEntry[] = [
    ...opRows.map(({ amountNc, ...r }): ActivityEntry => {
      const pendingNc = r.standing === 'held' ? heldNc(r.kind, r.tender, amountNc) : 0;
      return {
        ...r,
        kind: r.kind as ActivityEntry['kind'],
        ...(pendingNc === 0 ? {} : { pendingNc }),
        at: r.at.toISOString(),
      };
    }),
    ...moveRows.map((r): ActivityEntry => {
      const out = r.fromTag === tag;
      return {
        opId: r.opId,
        kind: out ? 'moved_out' : 'moved_in',
        tender: 'nc',
        otherNitetapId: out ? r.toTag : r.fromTag,
        deltaNc: out ? -r.movedNc : r.movedNc,
        standing: 'applied',
        venueName: r.venueName,
        at: r.at.toISOString(),
      };
    }),
  ]
    // Stable: ops of one millisecond keep the order the database gave them.
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, ACTIVITY_LIMIT);
  return { nitetapId: tag, entries };
}
