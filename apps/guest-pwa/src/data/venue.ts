import { createSignal } from 'solid-js';

const KEY = 'niteos.guest.venue';
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The venue a guest follows. A venue's link (`/v/<slug>` or `?venue=<slug>`,
 * e.g. on a poster's QR code) picks it; otherwise the last one chosen.
 */
function initial(): string | null {
  const fromPath = location.pathname.match(/^\/v\/([^/]+)/)?.[1];
  const fromQuery = new URLSearchParams(location.search).get('venue');
  const linked = (fromPath ?? fromQuery)?.toLowerCase();
  if (linked && SLUG.test(linked)) {
    localStorage.setItem(KEY, linked);
    return linked;
  }
  const saved = localStorage.getItem(KEY);
  return saved && SLUG.test(saved) ? saved : null;
}

const [slug, setSlug] = createSignal<string | null>(initial());

export const venueSlug = slug;

export function chooseVenue(next: string) {
  localStorage.setItem(KEY, next);
  setSlug(next);
}
