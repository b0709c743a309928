/** What a screen showed last, with when it was fetched, for opening offline. */
export interface Snapshot<T> {
  data: T;
  fetchedAt: number;
}

const PREFIX = 'niteos.guest.cache.';

export function readSnapshot<T>(key: string): Snapshot<T> | null {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw ? (JSON.parse(raw) as Snapshot<T>) : null;
  } catch {
    return null;
  }
}

export function writeSnapshot<T>(key: string, snapshot: Snapshot<T>) {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(snapshot));
  } catch {
    // Storage full or denied: the screen still shows the live data, just not offline later.
  }
}

/** Signing out must not leave one guest's wallet readable by the next person on the phone. */
export function forgetPrivateSnapshots() {
  try {
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith(`${PREFIX}me.`)) localStorage.removeItem(key);
    }
  } catch {
    // Storage denied: nothing was kept to forget.
  }
}
