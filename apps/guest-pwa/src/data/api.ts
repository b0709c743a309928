import type { LoginResponse } from '@niteos/schema/wire';
import { recordRefresh, successorOf } from './refresh-handoff.ts';
import { session, setSession, syncSession } from './session.ts';
import { withTabLock } from './tab-lock.ts';

/**
 * A failed call: `status` 0 means no answer came, either for want of a
 * connection (`offline`) or because the server took too long (`timeout`).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  get unanswered(): boolean {
    return this.status === 0;
  }

  get offline(): boolean {
    return this.code === 'offline';
  }
}

const TIMEOUT_MS = 8000;

/**
 * A call that timed out reached NiteOS, or may have: unlike one that never
 * left the phone, a change it asked for may be done, and sent again it
 * could be done twice.
 */
function timedOut(method: string): ApiError {
  const slow = 'NiteOS is slow to answer right now.';
  return new ApiError(
    0,
    'timeout',
    method === 'GET'
      ? slow
      : `${slow} It may have done it all the same: check before trying again.`,
  );
}

async function send(method: string, path: string, token: string | null, body?: unknown) {
  try {
    return await fetch(`/api${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      // Venue Wi-Fi may accept the request and never answer: give up, show what we had.
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'TimeoutError') throw timedOut(method);
    throw new ApiError(0, 'offline', 'No connection to NiteOS right now.');
  }
}

async function read<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const parsed = (await res.json().catch(() => null)) as
    | (T & { error?: { code?: string; message?: string } })
    | null;
  if (!res.ok) {
    const error = parsed?.error;
    throw new ApiError(res.status, error?.code ?? 'http', error?.message ?? `HTTP ${res.status}`);
  }
  if (parsed === null) throw new ApiError(502, 'bad_reply', 'The server sent no data.');
  return parsed;
}

/**
 * Trades the refresh token for a new pair unless another tab already did:
 * the server takes a spent refresh token for a stolen one and signs the
 * whole login out. Runs under a lock shared by every tab, and first looks
 * for what the previous holder left. `rejected` is the access token the
 * server refused.
 */
async function renew(rejected: string | null): Promise<boolean> {
  const spent = syncSession();
  if (!spent) return false;
  if (spent.accessToken !== rejected) return true;
  const successor = await successorOf(spent.refreshToken);
  if (successor) {
    setSession(successor);
    return true;
  }
  const res = await send('POST', '/auth/refresh', null, { refreshToken: spent.refreshToken });
  const renewed = res.status === 401 || res.status === 400 ? null : await read<LoginResponse>(res);
  // A sign-out or a new sign-in in another tab while this ran wins: never bring a login back.
  if (syncSession()?.refreshToken !== spent.refreshToken) return session() !== null;
  // Stored before anything else can fail: losing the new pair would leave the
  // spent token to be sent again, which the server takes for theft.
  setSession(renewed);
  if (renewed) {
    await recordRefresh(spent.refreshToken, renewed).catch((err: unknown) =>
      console.warn('refresh hand-off not kept', err),
    );
  }
  return renewed !== null;
}

let refreshing: Promise<boolean> | null = null;

/** Renews once for every call of this tab waiting on it; false means sign in again. */
function refreshSession(rejected: string | null): Promise<boolean> {
  refreshing ??= withTabLock('niteos.guest.refresh', () => renew(rejected)).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/**
 * Pauses before each new try of a refresh whose answer was lost. The server
 * may have spent the token already; it takes it again from this browser
 * (its session-device cookie) whenever it comes, but from a browser that
 * dropped the cookie only for a minute, while the next signed-in call may
 * be minutes away (the feed and the radio make none).
 */
const LOST_REFRESH_RETRY_MS = [2_000, 5_000, 10_000, 15_000];

/** Tries a lost refresh again in the background while the server's minute lasts. */
function retryLostRefresh(rejected: string | null, attempt = 0) {
  const pause = LOST_REFRESH_RETRY_MS[attempt];
  if (pause === undefined) return;
  setTimeout(() => {
    refreshSession(rejected).catch((err: unknown) => {
      if (err instanceof ApiError && err.unanswered) retryLostRefresh(rejected, attempt + 1);
    });
  }, pause);
}

/** JSON call; `auth` adds the guest's token and renews it once when it has expired. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; auth?: boolean } = {},
): Promise<T> {
  const method = init.method ?? 'GET';
  const token = () => (init.auth ? (session()?.accessToken ?? null) : null);
  const sent = token();
  let res = await send(method, path, sent, init.body);
  if (res.status === 401 && init.auth) {
    const renewed = await refreshSession(sent).catch((err: unknown) => {
      if (err instanceof ApiError && err.unanswered) retryLostRefresh(sent);
      throw err;
    });
    if (renewed) res = await send(method, path, token(), init.body);
  }
  return read<T>(res);
}
