import type { VenueFeed, VenueMarket } from '@niteos/schema/wire';
import { api } from './api.ts';
import { createLive } from './live.ts';
import { venueSlug } from './venue.ts';

const path = (slug: string, what: string) => `/public/venues/${encodeURIComponent(slug)}/${what}`;

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
