import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Device cookies (OWASP, "slow brute-force protection"): a browser that
 * has signed in to an account gets a cookie only this server can make,
 * naming that account and its current password. Its sign-ins are then
 * counted apart from everyone else's, so a stranger guessing the account's
 * password locks out the strangers, not the manager at the bar's tablet.
 * The cookie proves only that the account was signed in from this browser
 * before; it is never a credential on its own.
 */

/** How long a cookie counts after it was issued; every sign-in issues a new one. */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 86_400;

/** What a cookie is bound to: a new password, or another account with the email, voids it. */
export interface DeviceAccount {
  id: string;
  passwordHash: string;
}

/** One cookie per account, so a shared till can know several of its users. */
export function deviceCookieName(email: string): string {
  const digest = createHash('sha256').update(email.toLowerCase()).digest('hex');
  return `niteos_device_${digest.slice(0, 16)}`;
}

function mac(secret: string, account: DeviceAccount, nonce: string, issuedAt: number): string {
  // The prefix keeps these apart from anything else the server signs with the same secret.
  return createHmac('sha256', secret)
    .update(`niteos device cookie\n${account.id}\n${account.passwordHash}\n${nonce}\n${issuedAt}`)
    .digest('base64url');
}

/** A new cookie value for `account`: `nonce.issuedAt.mac`, issued at `nowMs`. */
export function newDeviceCookie(secret: string, account: DeviceAccount, nowMs: number): string {
  const nonce = randomBytes(16).toString('base64url');
  const issuedAt = Math.floor(nowMs / 1000);
  return `${nonce}.${issuedAt}.${mac(secret, account, nonce, issuedAt)}`;
}

/**
 * The cookie's nonce when this server made `value` for `account` as it
 * is now, less than `DEVICE_COOKIE_MAX_AGE_SECONDS` before `nowMs`; null
 * otherwise.
 */
export function knownDevice(
  secret: string,
  account: DeviceAccount,
  value: string | undefined,
  nowMs: number,
): string | null {
  const [nonce, issued, given, ...rest] = value?.split('.') ?? [];
  if (!nonce || !issued || !given || rest.length > 0 || !/^\d{1,12}$/.test(issued)) return null;
  const issuedAt = Number(issued);
  const age = nowMs / 1000 - issuedAt;
  if (age < 0 || age > DEVICE_COOKIE_MAX_AGE_SECONDS) return null;
  const expected = Buffer.from(mac(secret, account, nonce, issuedAt));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? nonce : null;
}
