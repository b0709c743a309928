/**
 * Whether someone is signed in on any tab or window of this till. A new
 * version installing itself reloads every tab, so a tab where nobody is
 * signed in must not install it under a bartender working in another.
 * Each tab with someone signed in holds a shared Web Lock of this name.
 */
const SIGNED_IN_LOCK = 'niteos-till-staff-signed-in';

const locks = () => (typeof navigator === 'undefined' ? undefined : navigator.locks);

/** Holds the lock while this tab has someone signed in; lets it go at sign-out. */
export function createStaffPresence() {
  let wanted = false;
  let asking = false;
  let release: (() => void) | null = null;
  return (signedIn: boolean) => {
    wanted = signedIn;
    if (!signedIn) {
      release?.();
      release = null;
      return;
    }
    const api = locks();
    if (release || asking || !api) return;
    asking = true;
    void api.request(SIGNED_IN_LOCK, { mode: 'shared' }, () => {
      asking = false;
      // Signed out again before the lock came: nothing to hold.
      if (!wanted) return;
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    });
  };
}

/** Whether any tab of this till (this one included) has someone signed in. */
export async function staffSignedInAnywhere(): Promise<boolean> {
  const api = locks();
  if (!api) return false;
  const { held = [] } = await api.query();
  return held.some((lock) => lock.name === SIGNED_IN_LOCK);
}
