import { accounts, wallets, walletVenues } from '@niteos/schema/tables';
import { Role } from '@niteos/schema/wire';
import { and, eq } from 'drizzle-orm';
import type { AuthUser } from '../context.ts';
import type { Db } from '../db/database.ts';
import { badRequest, notFound } from '../errors.ts';

/**
 * A wallet as the contract shows it. Who may see it: Nitecore admins,
 * staff and admins of a venue it was used at, and its own guest. Anyone
 * else gets 404, so wallet ids cannot be probed.
 */
export async function getWallet(db: Db, user: AuthUser, rawTag: string) {
  const row = await readWallet(db, rawTag.toLowerCase());
  if (!row || !(await maySee(db, user, row))) throw notFound('wallet');
  return {
    nitetapId: row.nitetapId,
    balanceNc: row.balanceNc,
    xp: row.xp,
    level: row.level,
    status: row.status as 'active' | 'blocked',
  };
}

async function maySee(
  db: Db,
  user: AuthUser,
  wallet: { nitetapId: string; guestUserId: string | null },
) {
  if (user.role === Role.nitecoreAdmin) return true;
  if (user.role === Role.guest) return wallet.guestUserId === user.id;
  if (!user.venueId) return false;
  const used = await db
    .select({ venueId: walletVenues.venueId })
    .from(walletVenues)
    .where(
      and(eq(walletVenues.nitetapId, wallet.nitetapId), eq(walletVenues.venueId, user.venueId)),
    );
  return used.length > 0;
}

/** What a wallet shows its reader: select these from `wallets` joined to its account. */
export const walletColumns = {
  nitetapId: wallets.nitetapId,
  balanceNc: accounts.balanceNc,
  xp: wallets.xp,
  level: wallets.level,
  status: wallets.status,
};

/** One wallet as stored, balance included; undefined when there is none. */
export async function readWallet(db: Db, nitetapId: string) {
  const [row] = await db
    .select({ ...walletColumns, guestUserId: wallets.guestUserId })
    .from(wallets)
    .innerJoin(accounts, eq(accounts.id, wallets.accountId))
    .where(eq(wallets.nitetapId, nitetapId));
  return row;
}

const TAG = /^[0-9a-f]{8,32}$/;

/** A NiteTap id from a URL, lower-cased; 400 unless it is 8 to 32 hex digits. */
export function tagParam(raw: string | undefined): string {
  const tag = (raw ?? '').toLowerCase();
  if (!TAG.test(tag)) throw badRequest('nitetapId must be 8 to 32 hex digits');
  return tag;
}
