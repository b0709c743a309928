import { randomUUID } from 'node:crypto';
import { accountId, DEFAULT_POLICY, POLICY_CHANGE_GRACE_DAYS } from '@niteos/ledger-core';
import { accounts, venues } from '@niteos/schema/tables';
import type { Policy } from '@niteos/schema/wire';
import { asc, eq } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import { assertVenueAccess } from '../auth/guard.ts';
import type { AuthUser } from '../context.ts';
import type { Db, Tx } from '../db/database.ts';
import { conflict, notFound } from '../errors.ts';

export type VenueRow = typeof venues.$inferSelect;

/** The contract's view of a venue. */
export function venueView(v: VenueRow) {
  return {
    id: v.id,
    name: v.name,
    slug: v.slug,
    city: v.city,
    status: v.status,
    radioUrl: v.radioUrl,
    policy: policyOf(v),
    createdAt: v.createdAt.toISOString(),
  };
}

/** The policies this venue replaced within the grace period before `now`, newest last. */
export function recentPolicies(v: Pick<VenueRow, 'previousPolicies'>, now: Date) {
  const since = now.getTime() - POLICY_CHANGE_GRACE_DAYS * 86_400_000;
  return v.previousPolicies.filter((p) => Date.parse(p.replacedAt) > since);
}

/**
 * The policies a till of this venue may still be judging by at `now`: the
 * current one and each one replaced within the grace period (each whole,
 * as a till held it, and each lapsing on its own).
 */
export function policiesTillsMayUse(
  v: Pick<
    VenueRow,
    'offlineCapNc' | 'unknownWalletCapNc' | 'overdraftLimitNc' | 'previousPolicies'
  >,
  now: Date,
): Policy[] {
  return [policyOf(v), ...recentPolicies(v, now).map((p) => p.policy)];
}

export function policyOf(
  v: Pick<VenueRow, 'offlineCapNc' | 'unknownWalletCapNc' | 'overdraftLimitNc'>,
): Policy {
  return {
    offlineCapNc: v.offlineCapNc,
    unknownWalletCapNc: v.unknownWalletCapNc,
    overdraftLimitNc: v.overdraftLimitNc,
  };
}

/**
 * Creates a venue with its three NC accounts (revenue, issuance, write-off)
 * in one transaction, so every op of the venue has somewhere to post.
 */
export async function createVenue(
  db: Db,
  input: { name: string; slug: string; city: string; policy?: Policy },
  actor: AuthUser | null,
  ip: string | null,
): Promise<VenueRow> {
  const id = randomUUID();
  const policy = input.policy ?? DEFAULT_POLICY;
  return db.transaction(async (tx: Tx) => {
    const inserted = await tx
      .insert(venues)
      .values({ id, name: input.name, slug: input.slug, city: input.city, ...policy })
      .onConflictDoNothing({ target: venues.slug })
      .returning();
    const venue = inserted[0];
    if (!venue) throw conflict(`a venue with slug "${input.slug}" exists already`);
    await tx.insert(accounts).values(
      (['venue_revenue', 'issuance', 'write_off'] as const).map((kind) => ({
        id: accountId({ kind, venueId: id }),
        kind,
        venueId: id,
      })),
    );
    if (actor) {
      await audit(tx, {
        actor,
        action: 'venue.create',
        venueId: id,
        target: id,
        after: venueView(venue),
        ip,
      });
    }
    return venue;
  });
}

/** Every venue for a Nitecore admin; a venue admin's own otherwise. */
export function listVenues(db: Db, user: AuthUser): Promise<VenueRow[]> {
  const query = db.select().from(venues);
  return user.role === 'nitecore_admin'
    ? query.orderBy(asc(venues.name))
    : query.where(eq(venues.id, user.venueId ?? ''));
}

export async function getVenue(db: Db, venueId: string): Promise<VenueRow> {
  const [venue] = await db.select().from(venues).where(eq(venues.id, venueId));
  if (!venue) throw notFound('venue');
  return venue;
}

/**
 * The venue an admin route names, when this admin may act in it: 403 for
 * another venue's, 404 for one that does not exist. Without the 404 a
 * Nitecore admin's typo read as an empty venue, a quiet night.
 */
export async function venueForAdmin(db: Db, user: AuthUser, venueId: string): Promise<VenueRow> {
  assertVenueAccess(user, venueId);
  return getVenue(db, venueId);
}
