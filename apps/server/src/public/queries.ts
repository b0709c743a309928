import { feedPosts, marketItems, venues } from '@niteos/schema/tables';
import type {
  FeedPost,
  PublicMarketItem,
  PublicVenue,
  VenueFeed,
  VenueMarket,
} from '@niteos/schema/wire';
import { and, asc, desc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { notFound } from '../errors.ts';

const FEED_LIMIT = 50;

const publicColumns = {
  id: venues.id,
  name: venues.name,
  slug: venues.slug,
  city: venues.city,
  radioUrl: venues.radioUrl,
};

/** Active venues, by city then name; only what a guest may see (no policy). */
export async function listVenues(db: Db, city?: string): Promise<PublicVenue[]> {
  const active = eq(venues.status, 'active');
  return db
    .select(publicColumns)
    .from(venues)
    .where(city ? and(active, sql`lower(${venues.city}) = ${city.toLowerCase()}`) : active)
    .orderBy(asc(venues.city), asc(venues.name));
}

export async function venueBySlug(db: Db, slug: string): Promise<PublicVenue> {
  const [venue] = await db
    .select(publicColumns)
    .from(venues)
    .where(and(eq(venues.slug, slug.toLowerCase()), eq(venues.status, 'active')));
  if (!venue) throw notFound('venue');
  return venue;
}

/** Published posts, newest first; posts scheduled for later stay hidden. */
export async function venueFeed(db: Db, slug: string, now: Date): Promise<VenueFeed> {
  const venue = await venueBySlug(db, slug);
  const rows = await db
    .select()
    .from(feedPosts)
    .where(and(eq(feedPosts.venueId, venue.id), lte(feedPosts.publishedAt, now)))
    .orderBy(desc(feedPosts.publishedAt))
    .limit(FEED_LIMIT);
  const posts: FeedPost[] = rows.map((p) => ({
    id: p.id,
    kind: p.kind,
    title: p.title,
    body: p.body,
    imageUrl: p.imageUrl,
    publishedAt: p.publishedAt.toISOString(),
  }));
  return { venue, posts };
}

export async function venueMarket(db: Db, slug: string): Promise<VenueMarket> {
  const venue = await venueBySlug(db, slug);
  const items: PublicMarketItem[] = await db
    .select({
      id: marketItems.id,
      name: marketItems.name,
      category: marketItems.category,
      priceNc: marketItems.priceNc,
      priceChf: marketItems.priceChf,
      available: marketItems.available,
    })
    .from(marketItems)
    .where(and(eq(marketItems.venueId, venue.id), isNull(marketItems.archivedAt)))
    .orderBy(asc(marketItems.category), asc(marketItems.sort), asc(marketItems.name));
  return { venue, items };
}
