import { loginRequestSchema, refreshRequestSchema } from '@niteos/schema/wire';
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppDeps, AppEnv } from '../context.ts';
import { viaHttps } from '../http/client-ip.ts';
import { parseJson } from '../http/validate.ts';
import { enforceRate, perIp, resetRate } from '../kv/rate-limit.ts';
import {
  DEVICE_COOKIE_MAX_AGE_SECONDS,
  deviceCookieName,
  knownDevice,
  newDeviceCookie,
} from './device-cookie.ts';
import { ALL_ROLES, requireRole } from './guard.ts';
import { accountFor, logout, logoutEverywhere, refresh, signIn } from './service.ts';
import { sessionDevice } from './session-device.ts';

/**
 * Sign-in attempts: per address, and per account so one IP cannot be spread
 * across many. From a browser the account signed in on before (its device
 * cookie), per account and browser instead, so strangers guessing cannot
 * lock the account's own devices out; and, as each sign-in mints a cookie,
 * all of an account's known browsers together are capped too. A right
 * password starts the count of the browser (or of strangers) again: a
 * manager signing in at each till they enroll is not guessing. Known
 * browsers have their own per-address count, because a venue's guests and
 * staff share one Wi-Fi address: a flood of strangers' attempts from it
 * must not keep the bar's tablet out either.
 */
const LOGIN_PER_IP = perIp('login-ip', 300, 300);
const LOGIN_KNOWN_PER_IP = perIp('login-known-ip', 300, 300);
const LOGIN_PER_EMAIL = { name: 'login-email', limit: 10, windowSeconds: 300 };
const LOGIN_PER_DEVICE = { name: 'login-device', limit: 10, windowSeconds: 300 };
const LOGIN_KNOWN_DEVICES = { name: 'login-known-devices', limit: 50, windowSeconds: 300 };

export function authRoutes(deps: AppDeps) {
  const db = deps.database.db;
  return new Hono<AppEnv>()
    .post('/login', async (c) => {
      const body = await parseJson(c, loginRequestSchema);
      const email = body.email.toLowerCase();
      const cookie = getCookie(c, deviceCookieName(email));
      // Without a device cookie the attempt is a stranger's, counted per
      // address before the account is looked up: a flood costs no query.
      if (!cookie) await enforceRate(deps.kv, LOGIN_PER_IP, c);
      const account = await accountFor(db, email);
      const now = Date.now();
      const device = account && cookie ? knownDevice(deps.jwtSecret, account, cookie, now) : null;
      if (cookie && !device) await enforceRate(deps.kv, LOGIN_PER_IP, c);
      const count = device
        ? { ...LOGIN_PER_DEVICE, key: () => `${email} ${device}` }
        : { ...LOGIN_PER_EMAIL, key: () => email };
      await enforceRate(deps.kv, count, c);
      if (device) {
        await enforceRate(deps.kv, { ...LOGIN_KNOWN_DEVICES, key: () => email }, c);
        // Last: one browser's or account's refused attempts (a guest hammering
        // their own account) must not use up the count the bar's tablet needs.
        await enforceRate(deps.kv, LOGIN_KNOWN_PER_IP, c);
      }
      const { session, account: signedIn } = await signIn(
        db,
        deps.jwtSecret,
        account,
        body.password,
      );
      // The tokens exist now: a store that fails here must not turn the
      // sign-in into an error. The count then runs out with its window.
      await resetRate(deps.kv, count, c).catch((err: unknown) =>
        deps.log({
          level: 'warn',
          msg: 'sign-in count not cleared',
          error: err instanceof Error ? err.message : String(err),
        }),
      );
      setCookie(c, deviceCookieName(email), newDeviceCookie(deps.jwtSecret, signedIn, now), {
        path: '/api/auth/login',
        httpOnly: true,
        sameSite: 'Strict',
        secure: viaHttps(c),
        maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
      });
      sessionDevice(c);
      return c.json(session);
    })
    .post('/refresh', async (c) => {
      // Not limited per address: a venue's guests share one, and a flood of junk
      // there stopped all of them renewing. Nothing to guess (256 random bits),
      // and a refused token costs one hash and one index look-up, like any read.
      const body = await parseJson(c, refreshRequestSchema);
      return c.json(await refresh(db, deps.jwtSecret, body.refreshToken, sessionDevice(c)));
    })
    .post('/logout', async (c) => {
      const body = await parseJson(c, refreshRequestSchema);
      await logout(db, body.refreshToken);
      return c.body(null, 204);
    })
    .post('/logout-everywhere', requireRole(deps, ...ALL_ROLES), async (c) => {
      await logoutEverywhere(db, deps.kv, c.get('user').id);
      return c.body(null, 204);
    });
}
