import { WALLET_SNAPSHOT_DAYS } from '@niteos/ledger-core';
import {
  accounts,
  marketItems,
  seqGaps,
  tillChain,
  tills,
  users,
  venues,
  wallets,
  walletVenues,
} from '@niteos/schema/tables';
import {
  BUSINESS_DAY_START_HOUR_UTC,
  businessDay,
  nitetapIdSchema,
  type PullResponse,
  type StaffCredential,
  type TillChainState,
} from '@niteos/schema/wire';
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, max, sql } from 'drizzle-orm';
import type { AuthedTill } from '../context.ts';
import { type Db, rowsOf } from '../db/database.ts';
import { isPgTimestamp, isPgYear } from '../db/pg-time.ts';
import { badRequest, forbidden } from '../errors.ts';
import { policyOf } from '../venues/service.ts';

const WALLET_SNAPSHOT_LIMIT = 5000;
/**
 * A new cursor points this far before "now", so rows written by
 * transactions still in flight at pull time (their `updated_at` is their
 * start, or for wallets the moment the push wrote them: before the commit
 * either way) are sent again next pull instead of being missed.
 */
const CURSOR_OVERLAP_SECONDS = 60;
/**
 * Most ranges of missing seqs one pull reports: the newest, since older gaps
 * may be ops the till never kept (refused before they were sequenced, or
 * synced before tills kept signatures) and will stay open.
 */
const MISSING_RANGES_LIMIT = 100;

/**
 * Where a till's last pull left off: `since` for everything, and `after`
 * when the wallet snapshots did not all fit: the (change time, tag) of the
 * last one sent, so the next page starts right after it.
 */
interface Cursor {
  since: Date | null;
  after: { at: string; tag: string } | null;
}

function encodeCursor(cursor: Cursor): string {
  const body = { v: 1, since: cursor.since?.toISOString() ?? null, after: cursor.after };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function decodeCursor(raw: string | undefined): Cursor {
  if (raw === undefined || raw === '') return { since: null, after: null };
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as {
      v?: unknown;
      since?: unknown;
      after?: { at?: unknown; tag?: unknown } | null;
    };
    const since = typeof parsed.since === 'string' ? new Date(parsed.since) : null;
    const { after } = parsed;
    const page =
      after && typeof after.at === 'string' && typeof after.tag === 'string'
        ? { at: after.at, tag: after.tag }
        : null;
    if (
      parsed.v === 1 &&
      (parsed.since === null ||
        (since && !Number.isNaN(since.getTime()) && isPgYear(since.getUTCFullYear()))) &&
      (after == null ||
        (page && isPgTimestamp(page.at) && nitetapIdSchema.safeParse(page.tag).success))
    ) {
      return { since, after: page };
    }
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
  walletLimit = WALLET_SNAPSHOT_LIMIT,
): Promise<PullResponse> {
  const { since, after } = decodeCursor(cursor);
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
        // Removed items too: unavailable, so tills hide them, whatever they had.
        since ? gt(marketItems.updatedAt, since) : undefined,
      ),
    )
    .orderBy(asc(marketItems.category), asc(marketItems.sort), asc(marketItems.name));

  // Always the whole list: a removed PIN or a disabled barman must vanish from tills.
  const staff = await db
    .select({ id: users.id, name: users.displayName, role: users.role, pinHash: users.pinHash })
    .from(users)
    .where(
      and(
        eq(users.venueId, till.venueId),
        isNotNull(users.pinHash),
        isNull(users.disabledAt),
        inArray(users.role, ['staff', 'venue_admin']),
      ),
    );

  const blocked = await db
    .select({ nitetapId: wallets.nitetapId })
    .from(wallets)
    .where(eq(wallets.status, 'blocked'));

  // A wallet changes for a till when its balance or status does, or when it
  // is first (again) seen at this venue: either way this key moves forward.
  // And when a business day starts (06:00 UTC), for every wallet
  // of the window: each one is sent again once a day, so a till can tell a
  // snapshot still followed from one whose guest left the window
  // (WALLET_SNAPSHOT_TRUST_DAYS).
  // As text, to keep PostgreSQL's microseconds for the paging cursor.
  const dayStart = `${businessDay(now)}T${String(BUSINESS_DAY_START_HOUR_UTC).padStart(2, '0')}:00:00Z`;
  const changedAt = sql<string>`greatest(${wallets.updatedAt}, ${walletVenues.lastSeenAt}, ${dayStart}::timestamptz)`;
  const recent = new Date(now.getTime() - WALLET_SNAPSHOT_DAYS * 86_400_000);
  const snapshots = await db
    .select({
      nitetapId: wallets.nitetapId,
      balanceNc: accounts.balanceNc,
      xp: wallets.xp,
      level: wallets.level,
      changedAt: sql<string>`${changedAt}::text`,
    })
    .from(walletVenues)
    .innerJoin(wallets, eq(wallets.nitetapId, walletVenues.nitetapId))
    .innerJoin(accounts, eq(accounts.id, wallets.accountId))
    .where(
      and(
        eq(walletVenues.venueId, till.venueId),
        gt(walletVenues.lastSeenAt, recent),
        since ? sql`${changedAt} > ${since.toISOString()}::timestamptz` : undefined,
        after
          ? sql`(${changedAt}, ${wallets.nitetapId}) > (${after.at}::timestamptz, ${after.tag})`
          : undefined,
      ),
    )
    .orderBy(asc(changedAt), asc(wallets.nitetapId))
    .limit(walletLimit + 1);
  // One row more than a page tells whether another page follows.
  const more = snapshots.length > walletLimit;
  const page = snapshots.slice(0, walletLimit);
  const last = page.at(-1);

  await db.update(tills).set({ lastSeenAt: now }).where(eq(tills.id, till.id));
  const chain = await chainState(db, till.id);

  return {
    cursor: encodeCursor(
      more && last
        ? { since, after: { at: last.changedAt, tag: last.nitetapId } }
        : { since: new Date(now.getTime() - CURSOR_OVERLAP_SECONDS * 1000), after: null },
    ),
    more,
    catalog: catalog.map((i) => ({
      itemId: i.id,
      name: i.name,
      category: i.category,
      priceNc: i.priceNc,
      priceChf: i.priceChf,
      available: i.available,
    })),
    blockedTags: blocked.map((b) => b.nitetapId),
    wallets: page.map((s) => ({
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
    chain,
    serverTime: now.toISOString(),
  };
}

/**
 * Which of the till's seqs the server holds: up to the highest, less the
 * open gaps, each reported as the range between the op before it that the
 * server has and the op that opened it. A till that was told an op in one
 * of these was applied or held sends it again: the server lost it (most
 * likely restored from a backup taken before it arrived).
 */
async function chainState(db: Db, tillId: string): Promise<TillChainState> {
  const [last] = await db
    .select({ seq: max(tillChain.seq) })
    .from(tillChain)
    .where(eq(tillChain.tillId, tillId));
  const below = db
    .select({ seq: max(tillChain.seq) })
    .from(tillChain)
    .where(and(eq(tillChain.tillId, tillId), lt(tillChain.seq, seqGaps.seq)));
  const gaps = await db
    .select({ before: seqGaps.seq, after: sql<number | string | null>`(${below})` })
    .from(seqGaps)
    .where(and(eq(seqGaps.tillId, tillId), isNull(seqGaps.closedAt)))
    .orderBy(desc(seqGaps.seq))
    .limit(MISSING_RANGES_LIMIT);
  return {
    lastSeq: Number(last?.seq ?? 0),
    missing: gaps.reverse().map((g) => ({ after: Number(g.after ?? 0), before: g.before })),
  };
}
