import type { LoginResponse } from '@niteos/schema/wire';
import { createSignal } from 'solid-js';
import { ApiError } from '../sync/api.ts';
import type { Request } from './admin-http.ts';

const SESSION_KEY = 'niteos-admin-session';

export const SESSION_EXPIRED = 'Your session has expired: sign in again.';

type KeyValue = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The other tabs of this back office: what one renews or signs out, the rest hear. */
type Peers = Pick<BroadcastChannel, 'postMessage' | 'addEventListener'>;

type PeerMessage =
  | { kind: 'renewed'; spent: string; next: LoginResponse }
  | { kind: 'signed-out'; refreshToken: string };

const PEERS_CHANNEL = 'niteos-admin-session';
const RENEW_LOCK = 'niteos-admin-renew';

/** Runs `work` while no other tab of this origin renews (Web Locks), or just runs it without them. */
function oneTabAtATime<T>(work: () => Promise<T>): Promise<T> {
  const locks = globalThis.navigator?.locks;
  return locks ? (locks.request(RENEW_LOCK, work) as Promise<T>) : work();
}

const PENDING_LOGOUT_KEY = 'niteos-admin-pending-logout';

export const SIGN_OUT_UNCONFIRMED =
  'Signed out on this device. The server was not reached: it is told the next time ' +
  'this page opens or someone signs in here.';

/**
 * The admin's login, kept for this tab only (sessionStorage; only a
 * sign-out the server missed outlives the tab, in localStorage). Access tokens
 * last 15 minutes; `renew` trades the refresh token for a new pair. The
 * server rotates refresh tokens and takes a second use of one for theft
 * (the whole login is signed out), so a renewal is shared by every call
 * waiting on it and the new pair is stored at once, before a reload can
 * resurrect the spent one. A duplicated tab starts with a copy of the same
 * session: tabs renew one at a time and tell each other the new pair, so
 * one tab's renewal never leaves another holding a spent token, which the
 * server would take for theft and sign both out.
 */
export function createAdminSession(
  request: Request,
  storage: KeyValue = sessionStorage,
  /** Outlives the tab: a sign-out the server missed is retried from any tab, later. */
  lasting: KeyValue = localStorage,
  peers: Peers | null = typeof BroadcastChannel === 'undefined'
    ? null
    : new BroadcastChannel(PEERS_CHANNEL),
) {
  const saved = storage.getItem(SESSION_KEY);
  const [current, setCurrent] = createSignal<LoginResponse | null>(
    saved ? (JSON.parse(saved) as LoginResponse) : null,
  );
  /** Why the admin is back at the sign-in screen, if not by choice. */
  const [notice, setNotice] = createSignal<string | null>(null);
  let renewing: Promise<boolean> | null = null;
  void tellLogout();
  peers?.addEventListener('message', (event) => {
    const message = (event as MessageEvent<PeerMessage>).data;
    const held = current();
    if (!held) return;
    if (message.kind === 'renewed' && message.spent === held.refreshToken) keep(message.next);
    if (message.kind === 'signed-out' && message.refreshToken === held.refreshToken) end();
  });

  function keep(next: LoginResponse | null) {
    if (next) storage.setItem(SESSION_KEY, JSON.stringify(next));
    else storage.removeItem(SESSION_KEY);
    setCurrent(next);
  }
  function start(login: LoginResponse) {
    setNotice(null);
    keep(login);
    void tellLogout();
  }
  function end(why: string | null = null) {
    keep(null);
    setNotice(why);
  }

  /**
   * Signs out here at once, then has the server revoke the refresh token:
   * dropping it from this tab alone would leave it valid for days to
   * whoever copied it. Says so when the server could not be told.
   */
  async function signOut() {
    const held = current();
    end();
    if (!held) return;
    peers?.postMessage({ kind: 'signed-out', refreshToken: held.refreshToken } as PeerMessage);
    writePending([...readPending(), held.refreshToken]);
    if (!(await tellLogout()) && current() === null) setNotice(SIGN_OUT_UNCONFIRMED);
  }

  /** Refresh tokens signed out here that the server was not told of yet (all tabs). */
  function readPending(): string[] {
    try {
      const saved: unknown = JSON.parse(lasting.getItem(PENDING_LOGOUT_KEY) ?? '[]');
      return Array.isArray(saved) ? saved.filter((t) => typeof t === 'string') : [];
    } catch {
      return [];
    }
  }
  function writePending(tokens: string[]) {
    if (tokens.length > 0) lasting.setItem(PENDING_LOGOUT_KEY, JSON.stringify(tokens));
    else lasting.removeItem(PENDING_LOGOUT_KEY);
  }

  /** Has the server revoke each pending token. True once none is left. */
  async function tellLogout(): Promise<boolean> {
    for (const refreshToken of readPending()) {
      try {
        await request('POST', '/auth/logout', { body: { refreshToken } });
      } catch (err) {
        // 400/401: the server will never take it; anything else (no answer,
        // 429, 5xx) is tried again later.
        if (!(err instanceof ApiError && (err.status === 400 || err.status === 401))) continue;
      }
      writePending(readPending().filter((t) => t !== refreshToken));
    }
    return readPending().length === 0;
  }

  /**
   * Renews the pair whose access token `stale` the server refused. True:
   * call again with the current token. False: the session is over and the
   * admin is back at sign-in. No answer from the server throws, and the
   * session stays: the next call tries again.
   */
  function renew(stale: string): Promise<boolean> {
    const held = current();
    if (!held) return Promise.resolve(false);
    // Another call renewed the pair after this one was sent.
    if (held.accessToken !== stale) return Promise.resolve(true);
    renewing ??= oneTabAtATime(async () => {
      // Another tab renewed this pair while this one waited its turn.
      if (current() !== held) return current() !== null;
      try {
        const next = await request<LoginResponse>('POST', '/auth/refresh', {
          body: { refreshToken: held.refreshToken },
        });
        peers?.postMessage({ kind: 'renewed', spent: held.refreshToken, next } as PeerMessage);
        // Signed out (or in as someone else) meanwhile: this pair is not the session's any more.
        if (current() !== held) return current() !== null;
        keep(next);
        return true;
      } catch (err) {
        // 401: expired, revoked or reused; 400: not a refresh token at all.
        if (err instanceof ApiError && (err.status === 401 || err.status === 400)) {
          if (current() === held) end(SESSION_EXPIRED);
          return false;
        }
        throw err;
      }
    }).finally(() => {
      renewing = null;
    });
    return renewing;
  }

  return { current, notice, start, end, signOut, renew };
}

export type AdminSession = ReturnType<typeof createAdminSession>;
