import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { viaHttps } from '../http/client-ip.ts';
import { REFRESH_TOKEN_SECONDS } from './tokens.ts';

/**
 * The browser a login lives in, as a random HttpOnly cookie on the auth
 * routes. A refresh whose answer was lost (venue Wi-Fi, a phone locked
 * mid-request) is sent again by the same browser, maybe long after the
 * server's minute for retries; a second holder of the token cannot read
 * the cookie, so its resend is still taken for theft. Proves nothing on
 * its own: it only tells a resend from this browser apart from another's.
 */
const NAME = 'niteos_session_device';
const VALUE = /^[\w-]{22,64}$/;

/** The hash of this browser's cookie, setting one first when it has none (or a malformed one). */
export function sessionDevice(c: Context): string {
  const given = getCookie(c, NAME);
  const value = given && VALUE.test(given) ? given : randomBytes(16).toString('base64url');
  // Set again each time, so it lasts as long as the login it goes with.
  setCookie(c, NAME, value, {
    path: '/api/auth',
    httpOnly: true,
    sameSite: 'Strict',
    secure: viaHttps(c),
    maxAge: REFRESH_TOKEN_SECONDS,
  });
  return createHash('sha256').update(value).digest('base64url');
}
