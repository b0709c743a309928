import { randomUUID } from 'node:crypto';
import { levelForXp } from '@niteos/ledger-core';
import { users, walletMoves, wallets, walletVenues } from '@niteos/schema/tables';
import { Role, replaceWalletSchema, type WalletOwner } from '@niteos/schema/wire';
import { and, asc, desc, eq, ne, notLike, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { audit } from '../audit/audit.ts';
import { ADMINS, requireRole } from '../auth/guard.ts';
import type { AppDeps, AppEnv, AuthUser } from '../context.ts';
import type { Db, Tx } from '../db/database.ts';
import { withTransactionRetry } from '../db/retry.ts';
import { badRequest, conflict, forbidden, notFound } from '../errors.ts';
import { clientIp } from '../http/client-ip.ts';
import { parseJson } from '../http/validate.ts';
import { createWallets, lockWallets, updateWallets, writePostings } from '../ledger/queries.ts';
import { tagParam } from '../wallets/service.ts';

/** The venue whose admin may act on this wallet: one it was used at (any, for Nitecore admins). */
async function venueForWallet(db: Db | Tx, user: AuthUser, tag: string): Promise<string | null> {
  const used = await db
    .select({ venueId: walletVenues.venueId })
    .from(walletVenues)
    .where(
      user.role === Role.nitecoreAdmin
        ? eq(walletVenues.nitetapId, tag)
        : and(eq(walletVenues.nitetapId, tag), eq(walletVenues.venueId, user.venueId ?? '')),
    )
    // For a Nitecore admin, the venue that saw the wallet last: where its guest is likely now.
    .orderBy(desc(walletVenues.lastSeenAt), asc(walletVenues.venueId))
    .limit(1);
  return used[0]?.venueId ?? null;
}

/**
 * Whether a venue admin may move money out of or into this wallet: not
 * when it was also used at another venue. Being used at theirs proves
 * little, since any till of theirs makes a tag so (a cash sale on it
 * applies): a wallet other venues use is a Nitecore admin's to move.
 * Blocking moves no money and cannot wait for one at 2 a.m., so any admin
 * of a venue that used the wallet may block it (audited). Read under the
 * wallet's lock, which a push holds while it records where a wallet was used.
 */
async function usedElsewhere(tx: Tx, user: AuthUser, tag: string): Promise<boolean> {
  if (user.role === Role.nitecoreAdmin) return false;
  const other = await tx
    .select({ venueId: walletVenues.venueId })
    .from(walletVenues)
    .where(and(eq(walletVenues.nitetapId, tag), ne(walletVenues.venueId, user.venueId ?? '')))
    .limit(1);
  return other.length > 0;
}

/**
 * A replacement tag that is already a wallet receives the old one's
 * balance and owner, so the admin must be one who may act on it too, and
 * it must not belong to another guest: else a venue's admin could take
 * over a wallet used elsewhere by "replacing" a tag into it.
 */
async function checkMergeTarget(tx: Tx, user: AuthUser, newTag: string, owner: string | null) {
  if (!(await venueForWallet(tx, user, newTag)) || (await usedElsewhere(tx, user, newTag))) {
    throw conflict(
      'the new tag is already a wallet used at another venue: use an unused wristband',
    );
  }
  const [row] = await tx
    .select({ guestUserId: wallets.guestUserId })
    .from(wallets)
    .where(eq(wallets.nitetapId, newTag));
  if (row?.guestUserId && row.guestUserId !== owner) {
    throw conflict('the new tag belongs to another guest: use an unused wristband');
  }
}

/** `anna@example.ch` → `a…@example.ch`: enough to ask the guest at the bar, not to learn the address. */
export function emailHint(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}…${email.slice(at)}`;
}

/**
 * Lost wristbands: block a tag (tills refuse it after their next pull) or
 * unblock it (found again, or blocked by mistake), or
 * replace it: block the old tag and move its balance, XP and owner to a new
 * one, atomically, with balanced ledger lines.
 */
export function walletAdminRoutes(deps: AppDeps) {
  const db = deps.database.db;
  return new Hono<AppEnv>()
    .post('/wallets/:nitetapId/block', requireRole(deps, ...ADMINS), async (c) => {
      const tag = tagParam(c.req.param('nitetapId'));
      const user = c.get('user');
      const venueId = await venueForWallet(db, user, tag);
      if (!venueId) throw notFound('wallet');
      await db.transaction(async (tx) => {
        await tx
          .update(wallets)
          .set({ status: 'blocked', updatedAt: sql`now()` })
          .where(eq(wallets.nitetapId, tag));
        await audit(tx, {
          actor: user,
          action: 'wallet.block',
          venueId,
          target: tag,
          after: { status: 'blocked' },
          ip: clientIp(c),
        });
      });
      return c.json({ nitetapId: tag, status: 'blocked' });
    })
    .get('/wallets/:nitetapId/owner', requireRole(deps, ...ADMINS), async (c) => {
      const tag = tagParam(c.req.param('nitetapId'));
      if (!(await venueForWallet(db, c.get('user'), tag))) throw notFound('wallet');
      const [row] = await db
        .select({ email: users.email })
        .from(wallets)
        .leftJoin(users, eq(users.id, wallets.guestUserId))
        .where(eq(wallets.nitetapId, tag));
      const owner: WalletOwner = {
        nitetapId: tag,
        claimed: Boolean(row?.email),
        emailHint: row?.email ? emailHint(row.email) : null,
      };
      return c.json(owner);
    })
    .post('/wallets/:nitetapId/unblock', requireRole(deps, ...ADMINS), async (c) => {
      const tag = tagParam(c.req.param('nitetapId'));
      const user = c.get('user');
      const venueId = await venueForWallet(db, user, tag);
      if (!venueId) throw notFound('wallet');
      await withTransactionRetry(db, async (tx) => {
        const locked = await lockWallets(tx, [tag]);
        if (!locked.get(tag)?.blocked) return;
        const [moved] = await tx
          .select({ toTag: walletMoves.toTag })
          .from(walletMoves)
          .where(and(eq(walletMoves.fromTag, tag), notLike(walletMoves.id, 'redirect:%')))
          .limit(1);
        if (moved)
          throw conflict(`this wristband was replaced by ${moved.toTag}: its guest uses that one`);
        // A venue's admin may block a wallet others use (it cannot wait), not lift it.
        if (await usedElsewhere(tx, user, tag))
          throw forbidden(
            'this wristband was also used at another venue: a Nitecore admin can unblock it',
          );
        await tx
          .update(wallets)
          .set({ status: 'active', updatedAt: sql`now()` })
          .where(eq(wallets.nitetapId, tag));
        await audit(tx, {
          actor: user,
          action: 'wallet.unblock',
          venueId,
          target: tag,
          before: { status: 'blocked' },
          after: { status: 'active' },
          ip: clientIp(c),
        });
      });
      return c.json({ nitetapId: tag, status: 'active' });
    })
    .post('/wallets/:nitetapId/replace', requireRole(deps, ...ADMINS), async (c) => {
      const oldTag = tagParam(c.req.param('nitetapId'));
      const user = c.get('user');
      const venueId = await venueForWallet(db, user, oldTag);
      if (!venueId) throw notFound('wallet');
      const body = await parseJson(c, replaceWalletSchema);
      const newTag = body.newNitetapId.toLowerCase();
      if (newTag === oldTag) throw badRequest('the new tag must differ from the old one');
      const moved = await withTransactionRetry(db, async (tx) => {
        const locked = await lockWallets(tx, [oldTag, newTag]);
        const old = locked.get(oldTag);
        if (!old) throw notFound('wallet');
        if (await usedElsewhere(tx, user, oldTag)) {
          throw forbidden(
            'this wristband was also used at another venue: a Nitecore admin can replace it',
          );
        }
        const [oldRow] = await tx.select().from(wallets).where(eq(wallets.nitetapId, oldTag));
        if (oldRow?.status === 'blocked' && old.balanceNc === 0 && old.xp === 0) {
          throw conflict('this tag is already blocked and empty: nothing to move');
        }
        const target = locked.get(newTag);
        if (target?.blocked) throw conflict('the new tag is blocked');
        const owner = body.keepOwner ? (oldRow?.guestUserId ?? null) : null;
        if (target) await checkMergeTarget(tx, user, newTag, owner);
        else await createWallets(tx, [newTag]);
        const after = {
          balanceNc: (target?.balanceNc ?? 0) + old.balanceNc,
          xp: (target?.xp ?? 0) + old.xp,
          blocked: false,
        };
        await updateWallets(
          tx,
          new Map([
            [oldTag, { balanceNc: 0, xp: 0, blocked: true }],
            [newTag, after],
          ]),
        );
        const entry = `replace:${randomUUID()}`;
        if (old.balanceNc !== 0) {
          await writePostings(tx, [
            {
              opId: entry,
              conflictId: null,
              posting: { account: { kind: 'wallet', nitetapId: oldTag }, amountNc: -old.balanceNc },
            },
            {
              opId: entry,
              conflictId: null,
              posting: { account: { kind: 'wallet', nitetapId: newTag }, amountNc: old.balanceNc },
            },
          ]);
        }
        await tx
          .update(wallets)
          .set({ status: 'blocked', updatedAt: sql`now()` })
          .where(eq(wallets.nitetapId, oldTag));
        if (owner) {
          await tx.update(wallets).set({ guestUserId: owner }).where(eq(wallets.nitetapId, newTag));
        }
        await tx.insert(walletMoves).values({
          id: entry,
          fromTag: oldTag,
          toTag: newTag,
          venueId,
          movedNc: old.balanceNc,
          movedXp: old.xp,
        });
        // Every venue that knew the lost band knows its replacement: its admins
        // can look it up and block it, and its tills learn its balance.
        await tx.execute(sql`
          insert into wallet_venues (nitetap_id, venue_id, last_seen_at)
          select ${newTag}, venue_id, now() from wallet_venues where nitetap_id = ${oldTag}
          on conflict (nitetap_id, venue_id) do update set last_seen_at = now()`);
        const result = {
          from: oldTag,
          to: newTag,
          movedNc: old.balanceNc,
          movedXp: old.xp,
          balanceNc: after.balanceNc,
          xp: after.xp,
          level: levelForXp(after.xp),
        };
        await audit(tx, {
          actor: user,
          action: 'wallet.replace',
          venueId,
          target: oldTag,
          before: { [oldTag]: old },
          after: {
            ...result,
            note: body.note,
            ...(oldRow?.guestUserId ? { ownerCarried: owner !== null } : {}),
          },
          ip: clientIp(c),
        });
        return result;
      });
      return c.json(moved);
    });
}
