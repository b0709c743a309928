import {
  accounts,
  marketItems,
  tills,
  users,
  venues,
  wallets,
  walletVenues,
} from '@niteos/schema/tables';
import type { PullResponse, StaffCredential } from '@niteos/schema/wire';
import { and, asc, desc, eq, gt, inArray, isNotNull, sql } from 'drizzle-orm';
import type { AuthedTill } from '../context.ts';
import { type Db, rowsOf } from '../db/database.ts';
import { badRequest, forbidden } from '../errors.ts';
import { policyOf } from '../venues/service.ts';

/** Wallets seen at the venue this recently are snapshotted to its tills. */
const WALLET_WINDOW_DAYS = 14;
const WALLET_SNAPSHOT_LIMIT = 5000;
/**
 * A new cursor points this far before "now", so rows written by
 * transactions still in flight at pull time (their `updated_at` is their
 * start time) are sent again next pull instead of being missed.
 */
const CURSOR_OVERLAP_SECONDS = 60;

function encodeCursor(since: Date): string {
  return Buffer.from(JSON.stringify({ v: 1, since: since.toISOString() })).toString('base64url');
}

function decodeCursor(cursor: string | undefined): Date | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      v?: unknown;
      since?: unknown;
    };
    const since = typeof parsed.since === 'string' ? new Date(parsed.since) : null;
    if (parsed.v === 1 && since && !Number.isNaN(since.getTime())) return since;
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('cursor is not one this server issued');
}

/**
 * What a till needs to sell offline (sync protocol §5): changes since the
 * cursor for catalog and wallet snapshots; the whole (small) blocked list
 * and the policy every time, so an unblock is never missed.
 */
export async function pull(
  db: Db,
  till: AuthedTill,
  cursor: string | undefined,
): Promise<PullResponse> {
  const since = decodeCursor(cursor);
  const [clock] = rowsOf<{ now: string | Date }>(await db.execute(sql`select now() as now`));
  const now = new Date(clock?.now ?? Date.now());

  const [row] = await db
    .select({ venue: venues, status: tills.status })
    .from(tills)
    .innerJoin(venues, eq(venues.id, tills.venueId))
    .where(eq(tills.id, till.id));
  if (!row) throw badRequest('the till belongs to no venue');
  // A revoked till's ops are still taken (held for an admin, §6), but a lost
  // or stolen device must stop receiving staff PIN hashes and balances.
  if (row.status === 'revoked') throw forbidden('this till has been revoked: ask an admin');
  const { venue } = row;

  const catalog = await db
    .select()
    .from(marketItems)
    .where(
      and(
        eq(marketItems.venueId, till.venueId),
        since ? gt(marketItems.updatedAt, since) : undefined,
      ),
    )
    .orderBy(asc(marketItems.category), asc(marketItems.sort), asc(marketItems.name));

  // Always the whole list: a removed PIN or a departed barman must vanish from tills.
  const staff = await db
    .select({ id: users.id, name: users.displayName, role: users.role, pinHash: users.pinHash })
    .from(users)
    .where(
      and(
        eq(users.venueId, till.venueId),
        isNotNull(users.pinHash),
        inArray(users.role, ['staff', 'venue_admin']),
      ),
    );

  const blocked = await db
    .select({ nitetapId: wallets.nitetapId })
    .from(wallets)
    .where(eq(wallets.status, 'blocked'));

  const recent = new Date(now.getTime() - WALLET_WINDOW_DAYS * 86_400_000);
  const snapshots = await db
    .select({
      nitetapId: wallets.nitetapId,
      balanceNc: accounts.balanceNc,
      xp: wallets.xp,
      level: wallets.level,
      updatedAt: wallets.updatedAt,
    })
    .from(walletVenues)
    .innerJoin(wallets, eq(wallets.nitetapId, walletVenues.nitetapId))
    .innerJoin(accounts, eq(accounts.id, wallets.accountId))
    .where(
      and(
        eq(walletVenues.venueId, till.venueId),
        gt(walletVenues.lastSeenAt, recent),
        since ? gt(wallets.updatedAt, since) : undefined,
      ),
    )
    .orderBy(desc(wallets.updatedAt))
    .limit(WALLET_SNAPSHOT_LIMIT);

  await db.update(tills).set({ lastSeenAt: now }).where(eq(tills.id, till.id));

  return {
    cursor: encodeCursor(new Date(now.getTime() - CURSOR_OVERLAP_SECONDS * 1000)),
    catalog: catalog.map((i) => ({
      itemId: i.id,
      name: i.name,
      category: i.category,
      priceNc: i.priceNc,
      priceChf: i.priceChf,
      available: i.available,
    })),
    blockedTags: blocked.map((b) => b.nitetapId),
    wallets: snapshots.map((s) => ({
      nitetapId: s.nitetapId,
      balanceNc: s.balanceNc,
      xp: s.xp,
      level: s.level,
      asOf: now.toISOString(),
    })),
    policy: policyOf(venue),
    staff: staff.map((s) => ({
      staffId: s.id,
      name: s.name,
      role: s.role as StaffCredential['role'],
      pinHash: s.pinHash ?? '',
    })),
    venueName: venue.name,
    serverTime: now.toISOString(),
  };
}
