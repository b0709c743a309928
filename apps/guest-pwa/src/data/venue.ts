import { createSignal } from 'solid-js';

const KEY = 'niteos.guest.venue';
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

// Site storage can be blocked (a privacy setting), and then merely reading
// `localStorage` throws: the venue is then kept for this page only.
function readSaved(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function save(slug: string) {
  try {
    localStorage.setItem(KEY, slug);
  } catch {
    // Kept for this page only: a venue link or the venue list picks it again next time.
  }
}

/**
 * The venue a guest follows. A venue's link (`/v/<slug>` or `?venue=<slug>`,
 * e.g. on a poster's QR code) picks it; otherwise the last one chosen.
 */
function initial(): string | null {
  const fromPath = location.pathname.match(/^\/v\/([^/]+)/)?.[1];
  const fromQuery = new URLSearchParams(location.search).get('venue');
  const linked = (fromPath ?? fromQuery)?.toLowerCase();
  if (linked && SLUG.test(linked)) {
    save(linked);
    return linked;
  }
  const saved = readSaved();
  return saved && SLUG.test(saved) ? saved : null;
}

const [slug, setSlug] = createSignal<string | null>(initial());

export const venueSlug = slug;

export function chooseVenue(next: string) {
  save(next);
  setSlug(next);
}
