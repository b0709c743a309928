import type { LoginResponse } from '@niteos/schema/wire';
import { beforeEach, describe, expect, test } from 'vitest';
import { ApiError } from '../sync/api.ts';
import { createAdminApi } from './admin-api.ts';
import { createRequest } from './admin-http.ts';
import { createAdminSession, SESSION_EXPIRED, SIGN_OUT_UNCONFIRMED } from './admin-session.ts';

// The server is scripted here so that the races (two calls refused at once,
// a refusal arriving after another call renewed) happen on cue. It rotates
// refresh tokens as the real one does; the Chromium suite runs the real one.
const USER = { id: 'u1', role: 'venue_admin', venueId: 'v1' } as LoginResponse['user'];
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

let server: {
  accessToken: string;
  refreshToken: string;
  refreshes: number;
  refuseRefresh: boolean;
  /** The refresh call gets no answer (venue Wi-Fi dropped it). */
  refreshUnreachable: boolean;
  /** Requests to this path wait for it before they are answered. */
  gate: { path: string; open: Promise<void> } | null;
  /** Refresh tokens the server has revoked through /auth/logout. */
  revoked: string[];
  /** /auth/logout gets no answer. */
  logoutUnreachable: boolean;
};
let stored: Map<string, string>;

const fakeFetch: typeof fetch = async (url, init) => {
  const path = String(url).replace(/^\/api/, '');
  if (path === '/auth/refresh') {
    if (server.refreshUnreachable) throw new TypeError('Failed to fetch');
    const { refreshToken } = JSON.parse(String(init?.body));
    if (server.refuseRefresh || refreshToken !== server.refreshToken)
      return json(401, { error: { code: 'unauthorized', message: 'refresh token invalid' } });
    server.refreshes += 1;
    server.accessToken = `access-${server.refreshes}`;
    server.refreshToken = `refresh-${server.refreshes}`;
    return json(200, { ...server, user: USER });
  }
  if (path === '/auth/logout') {
    if (server.logoutUnreachable) throw new TypeError('Failed to fetch');
    server.revoked.push(JSON.parse(String(init?.body)).refreshToken);
    return new Response(null, { status: 204 });
  }
  const sentWith = new Headers(init?.headers).get('authorization');
  if (server.gate?.path === path) await server.gate.open;
  if (sentWith !== `Bearer ${server.accessToken}`)
    return json(401, { error: { code: 'unauthorized', message: 'unauthorized' } });
  return json(200, { venues: [], staff: [] });
};

const storage = {
  getItem: (k: string) => stored.get(k) ?? null,
  setItem: (k: string, v: string) => void stored.set(k, v),
  removeItem: (k: string) => void stored.delete(k),
};

/**
 * The back office opened in a tab (sessionStorage and localStorage both kept
 * in `stored`), alone unless given `peers`, the channel its other tabs share.
 */
function openBackOffice(tabStorage = storage, peers: BroadcastChannel | null = null) {
  const request = createRequest('/api', fakeFetch);
  const session = createAdminSession(request, tabStorage, storage, peers);
  return { session, api: createAdminApi(session, request) };
}

/** A back office opened with a session whose access token the server no longer takes. */
function openWithExpiredToken() {
  storage.setItem(
    'niteos-admin-session',
    JSON.stringify({ accessToken: 'expired', refreshToken: 'refresh-0', user: USER }),
  );
  return openBackOffice();
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  server = {
    accessToken: 'access-0',
    refreshToken: 'refresh-0',
    refreshes: 0,
    refuseRefresh: false,
    refreshUnreachable: false,
    gate: null,
    revoked: [],
    logoutUnreachable: false,
  };
  stored = new Map();
});

describe('admin session (scripted server)', () => {
  test('two calls refused together spend the refresh token once and both succeed', async () => {
    const { session, api } = openWithExpiredToken();
    await expect(Promise.all([api.venues(), api.staff('v1')])).resolves.toHaveLength(2);
    expect(server.refreshes).toBe(1);
    expect(session.current()?.accessToken).toBe('access-1');
    // Stored at once: a reload now uses the new refresh token, not the spent one.
    expect(JSON.parse(stored.get('niteos-admin-session') ?? '')).toMatchObject({
      refreshToken: 'refresh-1',
    });
  });

  test('a refusal that arrives after another call renewed retries without renewing again', async () => {
    const { api } = openWithExpiredToken();
    let open = () => {};
    server.gate = { path: '/admin/venues', open: new Promise<void>((r) => (open = r)) };
    const slow = api.venues();
    await api.staff('v1');
    open();
    await expect(slow).resolves.toEqual(expect.objectContaining({ venues: [] }));
    expect(server.refreshes).toBe(1);
  });

  test('a refresh token the server refuses ends the session with a message', async () => {
    const { session, api } = openWithExpiredToken();
    server.refuseRefresh = true;
    await expect(api.venues()).rejects.toMatchObject({ status: 401, code: 'session_expired' });
    expect(session.current()).toBeNull();
    expect(session.notice()).toBe(SESSION_EXPIRED);
    expect(stored.has('niteos-admin-session')).toBe(false);
  });

  test('no network while renewing keeps the session for the next try', async () => {
    const { session, api } = openWithExpiredToken();
    server.refreshUnreachable = true;
    const failure = await api.venues().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(0);
    expect(session.current()?.refreshToken).toBe('refresh-0');

    server.refreshUnreachable = false;
    await expect(api.venues()).resolves.toEqual(expect.objectContaining({ venues: [] }));
    expect(server.refreshes).toBe(1);
  });

  test('signing out has the server revoke the refresh token, not just this tab forget it', async () => {
    const { session } = openWithExpiredToken();
    await session.signOut();
    expect(session.current()).toBeNull();
    expect(session.notice()).toBeNull();
    expect(server.revoked).toEqual(['refresh-0']);
    expect([...stored.keys()]).toEqual([]);
  });

  test('a sign-out the server did not hear says so and is told on the next opening', async () => {
    const { session } = openWithExpiredToken();
    server.logoutUnreachable = true;
    await session.signOut();
    expect(session.current()).toBeNull();
    expect(session.notice()).toBe(SIGN_OUT_UNCONFIRMED);
    expect(server.revoked).toEqual([]);

    // Opened again, still offline: kept for later.
    openBackOffice();
    await settled();
    expect(JSON.parse(stored.get('niteos-admin-pending-logout') ?? '[]')).toEqual(['refresh-0']);

    // A second sign-out the server missed, from a later session: both are kept.
    stored.set(
      'niteos-admin-session',
      JSON.stringify({ accessToken: 'a', refreshToken: 'refresh-9', user: USER }),
    );
    await openBackOffice().session.signOut();
    expect(JSON.parse(stored.get('niteos-admin-pending-logout') ?? '[]')).toEqual([
      'refresh-0',
      'refresh-9',
    ]);

    server.logoutUnreachable = false;
    openBackOffice();
    await settled();
    expect(server.revoked).toEqual(['refresh-0', 'refresh-9']);
    expect(stored.has('niteos-admin-pending-logout')).toBe(false);
  });

  test("a duplicated tab follows the other's renewals instead of sending a spent token", async () => {
    // Node's own BroadcastChannel: two channels of one name reach each other, as two tabs' do.
    const channels = [new BroadcastChannel('admin-test'), new BroadcastChannel('admin-test')];
    try {
      const session = JSON.stringify({
        accessToken: 'expired',
        refreshToken: 'refresh-0',
        user: USER,
      });
      // Duplicating a tab copies its sessionStorage.
      const tabStore = () => {
        const own = new Map([['niteos-admin-session', session]]);
        return {
          getItem: (k: string) => own.get(k) ?? null,
          setItem: (k: string, v: string) => void own.set(k, v),
          removeItem: (k: string) => void own.delete(k),
        };
      };
      const first = openBackOffice(tabStore(), channels[0]);
      const copy = openBackOffice(tabStore(), channels[1]);
      await first.api.venues();
      // The first tab renews once more: its second token is spent too.
      server.accessToken = 'expired-again';
      await first.api.venues();
      expect(server.refreshes).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(copy.session.current()?.refreshToken).toBe('refresh-2');

      await expect(copy.api.staff('v1')).resolves.toEqual(expect.objectContaining({ staff: [] }));
      expect(copy.session.notice()).toBeNull();
      // Signing out in one tab signs the copy out too: the server ended that login.
      await first.session.signOut();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(copy.session.current()).toBeNull();
    } finally {
      for (const channel of channels) channel.close();
    }
  });
});
