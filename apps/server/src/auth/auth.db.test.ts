import { randomBytes, randomInt } from 'node:crypto';
import { refreshTokens, users } from '@niteos/schema/tables';
import { Role } from '@niteos/schema/wire';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { AppError } from '../errors.ts';
import { createMemoryStore } from '../kv/memory-store.ts';
import { describeDb } from '../test-support/describe-db.ts';
import { ROOT_ADMIN, startTestServer, type TestServer } from '../test-support/test-server.ts';
import { DEVICE_COOKIE_MAX_AGE_SECONDS, deviceCookieName } from './device-cookie.ts';
import { REFRESH_RETRY_SECONDS } from './service.ts';
import { hashToken } from './tokens.ts';

let server: TestServer;
let venueId: string;
/** The server's rate-limit store, so a test can stand in for a flood it would take minutes to send. */
const kv = createMemoryStore();

beforeAll(async () => {
  server = await startTestServer({ deps: { kv } });
  venueId = await server.createVenue();
});
afterAll(() => server.disposeBalanced());

describeDb('auth', () => {
  test('login returns tokens and the user; a wrong password is 401 with the error shape', async () => {
    const ok = await server.json('POST', '/api/auth/login', null, ROOT_ADMIN);
    expect(ok.status).toBe(200);
    expect(ok.body.user).toEqual({ id: expect.any(String), role: 'nitecore_admin', venueId: null });
    const bad = await server.json('POST', '/api/auth/login', null, {
      ...ROOT_ADMIN,
      password: 'wrong-one',
    });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({
      error: { code: 'unauthorized', message: 'wrong email or password' },
    });
  });

  test('an access token stops working 15 minutes after login', async () => {
    const { accessToken } = (await server.json('POST', '/api/auth/login', null, ROOT_ADMIN)).body;
    const at = (minutes: number) =>
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + minutes * 60_000 });
    try {
      at(14);
      expect((await server.json('GET', '/api/admin/venues', accessToken)).status).toBe(200);
      vi.useRealTimers();
      at(16);
      expect((await server.json('GET', '/api/admin/venues', accessToken)).status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });

  test('an expired refresh token is refused', async () => {
    const { refreshToken } = (await server.json('POST', '/api/auth/login', null, ROOT_ADMIN)).body;
    await server.database.db
      .update(refreshTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(refreshTokens.tokenHash, hashToken(refreshToken)));
    const res = await server.json('POST', '/api/auth/refresh', null, { refreshToken });
    expect(res.status).toBe(401);
  });

  test('a login body that is not an email and password is 400', async () => {
    const res = await server.json('POST', '/api/auth/login', null, {
      email: 'not-an-email',
      password: 'x',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });

  test('a refresh token rotates; a spent one used again after its replacement was signs the whole family out', async () => {
    const login = await server.json('POST', '/api/auth/login', null, ROOT_ADMIN);
    const first = login.body.refreshToken;
    const rotated = await server.json('POST', '/api/auth/refresh', null, { refreshToken: first });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(first);
    const again = await server.json('POST', '/api/auth/refresh', null, {
      refreshToken: rotated.body.refreshToken,
    });
    expect(again.status).toBe(200);
    const reused = await server.json('POST', '/api/auth/refresh', null, { refreshToken: first });
    expect(reused.status).toBe(401);
    const afterTheft = await server.json('POST', '/api/auth/refresh', null, {
      refreshToken: again.body.refreshToken,
    });
    expect(afterTheft.status).toBe(401);
  });

  test('a refresh whose answer was lost can be sent again and gets the same replacement, for a while', async () => {
    const refreshWith = (refreshToken: string) =>
      server.json('POST', '/api/auth/refresh', null, { refreshToken });
    const first = (await server.json('POST', '/api/auth/login', null, ROOT_ADMIN)).body
      .refreshToken;
    const lost = await refreshWith(first);
    expect(lost.status).toBe(200);
    const retried = await refreshWith(first);
    expect(retried.status).toBe(200);
    expect(retried.body.refreshToken).toBe(lost.body.refreshToken);
    expect((await server.json('GET', '/api/admin/venues', retried.body.accessToken)).status).toBe(
      200,
    );
    expect((await refreshWith(retried.body.refreshToken)).status).toBe(200);

    // Past the retry window the same lost answer is not given again: taken for theft.
    const second = (await server.json('POST', '/api/auth/login', null, ROOT_ADMIN)).body
      .refreshToken;
    const unanswered = await refreshWith(second);
    await server.database.db
      .update(refreshTokens)
      .set({ usedAt: new Date(Date.now() - (REFRESH_RETRY_SECONDS + 5) * 1000) })
      .where(eq(refreshTokens.tokenHash, hashToken(second)));
    expect((await refreshWith(second)).status).toBe(401);
    expect((await refreshWith(unanswered.body.refreshToken)).status).toBe(401);
  });

  test('the browser that spent a token gets its lost replacement however late; another browser is taken for theft', async () => {
    /**
     * A browser: it keeps the session-device cookie the auth routes set, as
     * fetch does, except from an answer that never arrived (`lost`).
     */
    const browser = () => {
      let cookie = '';
      return async (path: string, body: unknown, lost = false) => {
        const res = await server.send(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
          body: JSON.stringify(body),
        });
        const set = res.headers.getSetCookie().find((c) => c.startsWith('niteos_session_device='));
        if (set && !lost) cookie = set.split(';')[0] ?? '';
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : null, cookie: set };
      };
    };
    const spentLongAgo = (token: string) =>
      server.database.db
        .update(refreshTokens)
        .set({ usedAt: new Date(Date.now() - 6 * 3600_000) })
        .where(eq(refreshTokens.tokenHash, hashToken(token)));

    // A phone signs in, refreshes, and locks before the answer arrives.
    const phone = browser();
    const signedIn = await phone('/api/auth/login', ROOT_ADMIN);
    expect(signedIn.cookie).toMatch(/; HttpOnly/);
    expect(signedIn.cookie).toMatch(/; SameSite=Strict/);
    expect(signedIn.cookie).toMatch(/; Path=\/api\/auth;/);
    const first = signedIn.body.refreshToken;
    // The very first refresh's answer is lost, with whatever cookie it set.
    const lost = await phone('/api/auth/refresh', { refreshToken: first }, true);
    expect(lost.status).toBe(200);
    await spentLongAgo(first);
    // Hours later it wakes and sends what it has.
    const woke = await phone('/api/auth/refresh', { refreshToken: first });
    expect(woke.status).toBe(200);
    expect(woke.body.refreshToken).toBe(lost.body.refreshToken);
    expect(
      (await phone('/api/auth/refresh', { refreshToken: woke.body.refreshToken })).status,
    ).toBe(200);

    // The same late resend from a browser without that cookie is a second holder.
    const victim = browser();
    const second = (await victim('/api/auth/login', ROOT_ADMIN)).body.refreshToken;
    const unanswered = await victim('/api/auth/refresh', { refreshToken: second });
    await spentLongAgo(second);
    const thief = browser();
    expect((await thief('/api/auth/refresh', { refreshToken: second })).status).toBe(401);
    // Theft signs the login out: the victim's own resend and the replacement stop working.
    expect((await victim('/api/auth/refresh', { refreshToken: second })).status).toBe(401);
    expect(
      (await victim('/api/auth/refresh', { refreshToken: unanswered.body.refreshToken })).status,
    ).toBe(401);
  });

  test('a guest signing up gets the session-device cookie with the first tokens', async () => {
    const res = await server.send('/api/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'early-bird@niteos.test', password: 'guest-password' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toMatch(
      /^niteos_session_device=[\w-]{22}; Max-Age=\d+; Path=\/api\/auth; HttpOnly; SameSite=Strict$/,
    );
  });
});

describeDb('sessions and rate limits', () => {
  test('logout ends that login: its refresh token no longer works', async () => {
    const login = await server.json('POST', '/api/auth/login', null, ROOT_ADMIN);
    expect(
      (
        await server.json('POST', '/api/auth/logout', null, {
          refreshToken: login.body.refreshToken,
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await server.json('POST', '/api/auth/refresh', null, {
          refreshToken: login.body.refreshToken,
        })
      ).status,
    ).toBe(401);
  });

  test('logout with a token whose refresh answer was lost still ends that login', async () => {
    const first = (await server.json('POST', '/api/auth/login', null, ROOT_ADMIN)).body
      .refreshToken;
    // The server rotated the token, but the client never saw the replacement.
    const replacement = (
      await server.json('POST', '/api/auth/refresh', null, { refreshToken: first })
    ).body.refreshToken;
    expect(
      (await server.json('POST', '/api/auth/logout', null, { refreshToken: first })).status,
    ).toBe(204);
    expect(
      (await server.json('POST', '/api/auth/refresh', null, { refreshToken: replacement })).status,
    ).toBe(401);
  });

  test('sign out everywhere voids every refresh token and access tokens issued before it', async () => {
    const user = await server.userToken(Role.venueAdmin, venueId);
    const other = await server.json('POST', '/api/auth/login', null, {
      email: user.email,
      password: user.password,
    });
    expect((await server.json('GET', '/api/admin/conflicts', user.token)).status).toBe(200);
    expect((await server.json('POST', '/api/auth/logout-everywhere', user.token)).status).toBe(204);
    expect((await server.json('GET', '/api/admin/conflicts', user.token)).status).toBe(401);
    expect((await server.json('GET', '/api/admin/conflicts', other.body.accessToken)).status).toBe(
      401,
    );
    expect(
      (
        await server.json('POST', '/api/auth/refresh', null, {
          refreshToken: other.body.refreshToken,
        })
      ).status,
    ).toBe(401);
  });

  test('without Redis, a token is checked against the account: demoted or disabled where the store cannot tell', async () => {
    // Changed in the database alone, as after a restart of a server whose in-process store forgot.
    const demoted = await server.userToken(Role.venueAdmin, venueId);
    const disabled = await server.userToken(Role.venueAdmin, venueId);
    const kept = await server.userToken(Role.venueAdmin, venueId);
    await server.database.db
      .update(users)
      .set({ role: Role.staff })
      .where(eq(users.id, demoted.userId));
    await server.database.db
      .update(users)
      .set({ disabledAt: new Date() })
      .where(eq(users.id, disabled.userId));
    const conflicts = (token: string) => server.json('GET', '/api/admin/conflicts', token);
    const refused = await conflicts(demoted.token);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/changed: renew/);
    expect((await conflicts(disabled.token)).status).toBe(401);
    expect((await conflicts(kept.token)).status).toBe(200);
  });

  test('sign out everywhere voids tokens to the ms: one from just before is refused, a sign-in just after works', async () => {
    const user = await server.userToken(Role.venueAdmin, venueId);
    const second = (Math.floor(Date.now() / 1000) + 1) * 1000;
    const signIn = async () =>
      (
        await server.json('POST', '/api/auth/login', null, {
          email: user.email,
          password: user.password,
        })
      ).body.accessToken as string;
    try {
      vi.useFakeTimers({ toFake: ['Date'], now: second + 100 });
      const before = await signIn();
      vi.setSystemTime(second + 200);
      expect((await server.json('POST', '/api/auth/logout-everywhere', before)).status).toBe(204);
      vi.setSystemTime(second + 300);
      const after = await signIn();
      expect((await server.json('GET', '/api/admin/conflicts', after)).status).toBe(200);
      expect((await server.json('GET', '/api/admin/conflicts', before)).status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });

  test('a sign-in in the second after sign out everywhere works', async () => {
    const user = await server.userToken(Role.venueAdmin, venueId);
    const second = Math.floor(Date.now() / 1000) * 1000;
    try {
      vi.useFakeTimers({ toFake: ['Date'], now: second + 500 });
      expect((await server.json('POST', '/api/auth/logout-everywhere', user.token)).status).toBe(
        204,
      );
      vi.setSystemTime(second + 1000);
      const login = await server.json('POST', '/api/auth/login', null, {
        email: user.email,
        password: user.password,
      });
      const res = await server.json('GET', '/api/admin/conflicts', login.body.accessToken);
      expect(res.status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });

  test('a right password starts the count of wrong ones again', async () => {
    const user = await server.userToken(Role.venueAdmin, venueId);
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const res = await server.json('POST', '/api/auth/login', null, {
        email: user.email,
        password: i % 5 === 4 ? user.password : 'wrong-password',
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual(Array.from({ length: 15 }, (_, i) => (i % 5 === 4 ? 200 : 401)));
  });

  test('a sign-in whose count cannot be cleared still signs in (fake store failing on forget)', async () => {
    const memory = createMemoryStore();
    const failing = await startTestServer({
      deps: {
        kv: {
          ...memory,
          forget: () => Promise.reject(new AppError(503, 'unavailable', 'Redis is not answering')),
        },
      },
    });
    try {
      const user = await failing.userToken(Role.staff, null);
      const res = await failing.json('POST', '/api/auth/login', null, {
        email: user.email,
        password: user.password,
      });
      expect(res.status).toBe(200);
      const me = await failing.json('GET', '/api/wallets/ffffffff', res.body.accessToken);
      expect(me.status).toBe(404);
    } finally {
      await failing.dispose();
    }
  });

  test('repeated wrong passwords for one account are 429 with Retry-After', async () => {
    const user = await server.userToken(Role.staff, venueId);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 12; i++) {
      const res = await server.send('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.0.${i}` },
        body: JSON.stringify({ email: user.email, password: 'wrong-password' }),
      });
      statuses.push(res.status);
      retryAfter = res.headers.get('retry-after') ?? retryAfter;
    }
    // 10 attempts per account per window, from any address.
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});

describeDb('device cookies', () => {
  const someIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`;
  /** A sign-in from its own address, so the per-address flood limit stays out of the way. */
  const attempt = (
    email: string,
    password: string,
    cookie?: string,
    headers: Record<string, string> = {},
  ) =>
    server.send('/api/auth/login', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': someIp(),
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
      body: JSON.stringify({ email, password }),
    });
  /** The `name=value` a sign-in's reply sets. */
  const cookieOf = (res: Response) => res.headers.get('set-cookie')?.split(';')[0] ?? '';
  const statuses = async (count: number, send: () => Promise<Response>) => {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push((await send()).status);
    return out;
  };
  const lockOut = (email: string) => statuses(10, () => attempt(email, 'wrong-password'));

  test('a browser the account signed in on before still signs in while strangers are locked out', async () => {
    const user = await server.userToken(Role.venueAdmin, venueId);
    const first = await attempt(user.email, user.password);
    expect(first.status).toBe(200);
    const cookie = cookieOf(first);
    expect(cookie).toMatch(/^niteos_device_[0-9a-f]{16}=[\w-]+\.\d+\.[\w-]+$/);
    expect(await statuses(11, () => attempt(user.email, 'wrong-password'))).toEqual([
      ...Array(10).fill(401),
      429,
    ]);
    // Without the cookie even the right password waits out the window.
    expect((await attempt(user.email, user.password)).status).toBe(429);
    expect((await attempt(user.email, 'wrong-password', cookie)).status).toBe(401);
    const again = await attempt(user.email.toUpperCase(), user.password, cookie);
    expect(again.status).toBe(200);
    expect((await attempt(user.email, user.password, cookieOf(again))).status).toBe(200);
  });

  test('wrong passwords from a known browser lock that browser only', async () => {
    const user = await server.userToken(Role.staff, venueId);
    const cookie = cookieOf(await attempt(user.email, user.password));
    expect(await statuses(11, () => attempt(user.email, 'wrong-password', cookie))).toEqual([
      ...Array(10).fill(401),
      429,
    ]);
    expect((await attempt(user.email, user.password, cookie)).status).toBe(429);
    expect((await attempt(user.email, user.password)).status).toBe(200);
  });

  test('all the known browsers of an account together get 50 attempts in the window', async () => {
    const user = await server.userToken(Role.staff, venueId);
    const cookies: string[] = [];
    for (let i = 0; i < 6; i++) cookies.push(cookieOf(await attempt(user.email, user.password)));
    const seen: number[] = [];
    for (const cookie of cookies) {
      seen.push(...(await statuses(9, () => attempt(user.email, 'wrong-password', cookie))));
    }
    expect(seen).toEqual([...Array(50).fill(401), ...Array(4).fill(429)]);
  });

  test('a cookie does not count once the password changes, nor for another account; a forged one never', async () => {
    const a = await server.userToken(Role.staff, venueId);
    const b = await server.userToken(Role.staff, venueId);
    const cookieA = cookieOf(await attempt(a.email, a.password));
    const cookieB = cookieOf(await attempt(b.email, b.password));
    const changed = await server.json('PATCH', `/api/admin/staff/${b.userId}`, server.rootToken, {
      password: 'a-new-password',
    });
    expect(changed.status).toBe(200);
    await lockOut(b.email);
    const [nonce, issued] = (cookieA.split('=')[1] ?? '').split('.');
    const asB = (value: string) => `${deviceCookieName(b.email)}=${value}`;
    const refused = {
      'issued before the change': cookieB,
      "A's, under B's name": asB(cookieA.split('=')[1] ?? ''),
      "A's, under its own name": cookieA,
      forged: asB(`${nonce}.${issued}.${randomBytes(32).toString('base64url')}`),
      malformed: asB('garbage'),
    };
    for (const [what, cookie] of Object.entries(refused)) {
      expect((await attempt(b.email, 'a-new-password', cookie)).status, what).toBe(429);
    }
  });

  test("a flood of strangers' attempts from the venue's address does not keep a known browser out", async () => {
    const user = await server.userToken(Role.venueAdmin, venueId);
    const cookie = cookieOf(await attempt(user.email, user.password));
    const venueWifi = { 'x-forwarded-for': someIp() };
    // 300 strangers' attempts from one address, each a different email and
    // a scrypt hash: counted straight into the store instead of sent.
    for (let i = 0; i < 300; i++)
      await kv.hit(`rate:login-ip:${venueWifi['x-forwarded-for']}`, 300);
    const stranger = await server.userToken(Role.staff, venueId);
    expect((await attempt(stranger.email, stranger.password, undefined, venueWifi)).status).toBe(
      429,
    );
    expect((await attempt(user.email, user.password, undefined, venueWifi)).status).toBe(429);
    expect((await attempt(user.email, user.password, cookie, venueWifi)).status).toBe(200);
  });

  test('known browsers have a flood limit of their own per address', async () => {
    const user = await server.userToken(Role.staff, venueId);
    const cookie = cookieOf(await attempt(user.email, user.password));
    const venueWifi = { 'x-forwarded-for': someIp() };
    for (let i = 0; i < 300; i++) {
      await kv.hit(`rate:login-known-ip:${venueWifi['x-forwarded-for']}`, 300);
    }
    expect((await attempt(user.email, user.password, cookie, venueWifi)).status).toBe(429);
    expect((await attempt(user.email, user.password, undefined, venueWifi)).status).toBe(200);
  });

  test("one known browser's refused attempts do not use up its address's count for others", async () => {
    const user = await server.userToken(Role.guest, null);
    const cookie = cookieOf(await attempt(user.email, user.password));
    const venueWifi = { 'x-forwarded-for': someIp() };
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++)
      statuses.push((await attempt(user.email, 'wrong-password', cookie, venueWifi)).status);
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(5).fill(429)]);
    // Only the ten the browser's own limit let through were counted for the address.
    const counted = await kv.hit(`rate:login-known-ip:${venueWifi['x-forwarded-for']}`, 300);
    expect(counted.count - 1).toBe(10);
  });

  test("junk refresh tokens from the venue's address never stop anyone there renewing", async () => {
    const user = await server.userToken(Role.guest, null);
    const session = (
      await server.json('POST', '/api/auth/login', null, {
        email: user.email,
        password: user.password,
      })
    ).body;
    const venueWifi = { 'x-forwarded-for': someIp() };
    const renew = (refreshToken: string) =>
      server.send('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...venueWifi },
        body: JSON.stringify({ refreshToken }),
      });
    const junk = [];
    for (let i = 0; i < 50; i++) junk.push((await renew(`junk-${i}`)).status);
    // Each is refused for what it is; none is turned into "too many attempts".
    expect(new Set(junk)).toEqual(new Set([401]));
    expect((await renew(session.refreshToken)).status).toBe(200);
  });

  test('the cookie is HttpOnly, SameSite=Strict, sent only to sign-in, and Secure behind HTTPS', async () => {
    const user = await server.userToken(Role.staff, venueId);
    const plain = (await attempt(user.email, user.password)).headers.get('set-cookie') ?? '';
    for (const part of [
      'HttpOnly',
      'SameSite=Strict',
      'Path=/api/auth/login',
      `Max-Age=${DEVICE_COOKIE_MAX_AGE_SECONDS}`,
    ])
      expect(plain).toContain(part);
    expect(plain).not.toContain('Secure');
    const proxied = await attempt(user.email, user.password, undefined, {
      'x-forwarded-proto': 'https',
    });
    expect(proxied.headers.get('set-cookie')).toContain('; Secure');
  });
});
