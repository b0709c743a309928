import type { LoginResponse } from '@niteos/schema/wire';
import { createSignal } from 'solid-js';
import { forgetPrivateSnapshots } from './last-known.ts';
import { forgetRefresh } from './refresh-handoff.ts';

const KEY = 'niteos.guest.session';

/**
 * A login as the app keeps it: the server's reply, plus the email signed in
 * with, which the reply lacks, so a shared phone shows whose account is open.
 */
export type GuestSession = LoginResponse & { email?: string };

/**
 * Null when site storage is blocked (a privacy setting), where merely
 * reading `localStorage` throws: the session then lives in this tab only.
 */
const storage: Storage | null = (() => {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
})();

function readRaw(): string | null {
  try {
    return storage?.getItem(KEY) ?? null;
  } catch {
    return null;
  }
}

function parse(raw: string | null): GuestSession | null {
  try {
    return raw ? (JSON.parse(raw) as GuestSession) : null;
  } catch {
    return null;
  }
}

/** What this tab last read or wrote, so re-reading an unchanged session does not wake every screen. */
let known = readRaw();
const [current, setCurrent] = createSignal<GuestSession | null>(parse(known));

/**
 * The signed-in guest, kept across reloads so the wallet opens offline, and
 * shared by every tab of the app: one login, one refresh-token chain.
 */
export const session = current;

/**
 * Re-reads the stored session. Another tab may have renewed the tokens or
 * signed out since this tab last looked; its storage event may not have
 * arrived yet, so a tab about to spend the refresh token asks storage first.
 */
export function syncSession(): GuestSession | null {
  // Nothing stored to compare with: what this tab holds is all there is.
  if (!storage) return current();
  const latest = readRaw();
  if (latest !== known) {
    known = latest;
    setCurrent(parse(latest));
  }
  return current();
}

/**
 * The signed-in guest's id as storage has it now, so that a sign-out in
 * another tab counts before its storage event arrives here.
 */
export function signedInGuestId(): string | null {
  return syncSession()?.user.id ?? null;
}

/** `email` when signing in; renewed tokens keep the email of the login they renew. */
export function setSession(reply: LoginResponse | null, email?: string) {
  const kept = current()?.user.id === reply?.user.id ? current()?.email : undefined;
  const next: GuestSession | null = reply && { ...reply, email: email ?? kept };
  known = next ? JSON.stringify(next) : null;
  if (known) {
    storage?.setItem(KEY, known);
  } else {
    storage?.removeItem(KEY);
    // However the login ended (the Sign out button, a refused refresh), the
    // next person on the phone must not find this guest's wallet stored.
    forgetPrivateSnapshots();
    void forgetRefresh();
  }
  setCurrent(next);
}

// Tokens renewed, a sign-in or a sign-out in another tab (`key` null: storage cleared).
window.addEventListener('storage', (event) => {
  if (storage && event.storageArea === storage && (event.key === KEY || event.key === null)) {
    syncSession();
  }
});
