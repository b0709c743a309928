import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Device cookies (OWASP, "slow brute-force protection"): a browser that
 * has signed in to an account gets a cookie only this server can make,
 * naming that account. Its sign-ins are then counted apart from everyone
 * else's, so a stranger guessing the account's password locks out the
 * strangers, not the manager at the bar's tablet. The cookie proves only
 * that the account was signed in from this browser before; it is never a
 * credential on its own.
 */

/** How long a browser stays known without signing in again. */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 86_400;

/** One cookie per account, so a shared till can know several of its users. */
export function deviceCookieName(email: string): string {
  const digest = createHash('sha256').update(email.toLowerCase()).digest('hex');
  return `niteos_device_${digest.slice(0, 16)}`;
}

function mac(secret: string, email: string, nonce: string): Buffer {
  // The prefix keeps these apart from anything else the server signs with the same secret.
  return createHmac('sha256', secret)
    .update(`niteos device cookie\n${email.toLowerCase()}\n${nonce}`)
    .digest();
}

/** A new cookie value for `email`: `nonce.mac`. */
export function newDeviceCookie(secret: string, email: string): string {
  const nonce = randomBytes(16).toString('base64url');
  return `${nonce}.${mac(secret, email, nonce).toString('base64url')}`;
}

/** The cookie's nonce when this server made `value` for `email`; null otherwise. */
export function knownDevice(secret: string, email: string, value: string | undefined) {
  const [nonce, given, ...rest] = value?.split('.') ?? [];
  if (!nonce || !given || rest.length > 0) return null;
  const expected = mac(secret, email, nonce);
  const actual = Buffer.from(given, 'base64url');
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? nonce : null;
}
