import type { PublicVenue, VenueFeed, VenueMarket } from '@niteos/schema/wire';
import { api } from './api.ts';
import { createLive } from './live.ts';
import { venueSlug } from './venue.ts';

const path = (slug: string, what = '') =>
  `/public/venues/${encodeURIComponent(slug)}${what ? `/${what}` : ''}`;

/** The chosen venue itself: its name, and its radio stream. */
export function createVenue() {
  return createLive<PublicVenue>(
    () => (venueSlug() ? `venue.${venueSlug()}` : null),
    (key) => api(path(key.slice('venue.'.length))),
  );
}

export function createVenueFeed() {
  return createLive<VenueFeed>(
    () => (venueSlug() ? `feed.${venueSlug()}` : null),
    (key) => api(path(key.slice('feed.'.length), 'feed')),
    { everyMs: 120_000 },
  );
}

export function createVenueMarket() {
  return createLive<VenueMarket>(
    () => (venueSlug() ? `market.${venueSlug()}` : null),
    (key) => api(path(key.slice('market.'.length), 'market')),
    { everyMs: 120_000 },
  );
}
